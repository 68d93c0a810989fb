/**
 * Origins as browsers serialize them (URL standard "serialization of an origin", HTML
 * "ASCII serialization"), and the evaluation of a model header value for one request Origin.
 *
 * A serialized origin is `scheme://host[:port]`: lowercase scheme and host, no default port,
 * no path and no trailing slash. `null` is the opaque origin. The CORS check compares the
 * request's serialized origin with Access-Control-Allow-Origin byte for byte, so any other
 * spelling in a header value never matches.
 */
import type { HeaderValue, OriginMatcher, OriginOutcome } from './types.js';
import { memoByText } from './memo.js';
import { compileOriginRegex } from './patterns.js';

export interface OriginParts {
  scheme: string;
  host: string;
  /** undefined when absent or the scheme's default */
  port?: number;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

/** `scheme://host[:port]` with nothing after it (an optional trailing `/` is tolerated by `parseOriginLike`). */
const ORIGIN_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^/?#:@\s[\]]+)(?::(\d{1,5}))?$/;

/**
 * Parses an origin-shaped text (any case, default port allowed) into its parts; null if it is
 * not one. Results are shared per text (configs repeat their origins on many routes): read them,
 * never change them.
 */
export const parseOrigin: (text: string) => OriginParts | null = memoByText(computeParseOrigin);

function computeParseOrigin(text: string): OriginParts | null {
  const m = ORIGIN_SHAPE.exec(text);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  const host = m[2]!.toLowerCase();
  let port: number | undefined;
  if (m[3] !== undefined) {
    port = Number(m[3]);
    if (port > 65535) return null;
    if (DEFAULT_PORTS[scheme] === port) port = undefined;
  }
  return port === undefined ? { scheme, host } : { scheme, host, port };
}

export function serializeOrigin(parts: OriginParts): string {
  return `${parts.scheme}://${parts.host}${parts.port !== undefined ? `:${parts.port}` : ''}`;
}

/**
 * What a browser would send as `Origin` for a page at this URL-ish text (`https://App.example.com:443/`
 * → `https://app.example.com`); null for texts that are not http(s)/custom-scheme URLs.
 */
export function normalizeOrigin(text: string): string | null {
  const t = text.trim();
  if (t === 'null') return 'null';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)/.exec(t);
  if (!m) return null;
  const parts = parseOrigin(m[1]!);
  return parts ? serializeOrigin(parts) : null;
}

/** Whether the host is the local machine (browsers treat these as potentially trustworthy). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '[::1]';
}

export type AllowOriginCheck = { valid: true } | { valid: false; reason: string; suggestion?: string };

/**
 * Whether a literal `Access-Control-Allow-Origin` value can ever pass the CORS check. Valid
 * values are `*`, `null` and a serialized origin (surrounding whitespace is trimmed by HTTP).
 */
export const isValidAllowOriginValue: (text: string) => AllowOriginCheck = memoByText(computeAllowOriginCheck);

function computeAllowOriginCheck(text: string): AllowOriginCheck {
  const value = text.trim();
  if (value === '*' || value === 'null') return { valid: true };
  if (value === '') return { valid: false, reason: 'the value is empty' };
  if (/[\s,]/.test(value)) {
    const items = value.split(/[\s,]+/).filter(Boolean);
    if (items.length > 1) {
      return {
        valid: false,
        reason: `it lists ${items.length} origins in one value; browsers accept exactly one origin (or *) and reject the list (pick the origin per request from an allowlist instead)`,
      };
    }
  }
  if (value.toLowerCase() === 'null' || value === 'NULL') {
    return { valid: false, reason: '`null` is case-sensitive', suggestion: 'null' };
  }
  if (value.includes('*')) {
    return {
      valid: false,
      reason: `\`${value}\` is wildcard pattern syntax; the header is compared byte for byte with the request origin, so only a lone \`*\` is special (match the origin against an allowlist and send it back instead)`,
    };
  }
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (!schemeMatch) {
    return {
      valid: false,
      reason: `\`${value}\` has no scheme; an origin is scheme://host[:port]`,
      suggestion: /^[\w.-]+(?::\d+)?$/.test(value) ? `https://${value.toLowerCase()}` : undefined,
    };
  }
  const rest = value.slice(schemeMatch[0].length);
  const hostEnd = rest.search(/[/?#]/);
  const authority = hostEnd === -1 ? rest : rest.slice(0, hostEnd);
  const tail = hostEnd === -1 ? '' : rest.slice(hostEnd);
  const base = parseOrigin(`${schemeMatch[1]}://${authority}`);
  if (!base || authority.includes('@')) {
    return { valid: false, reason: `\`${value}\` is not a valid origin (scheme://host[:port])` };
  }
  const canonical = serializeOrigin(base);
  if (tail === '/') {
    return { valid: false, reason: 'it ends with a slash; browsers send origins without one', suggestion: canonical };
  }
  if (tail !== '') {
    return { valid: false, reason: `it carries a path or query (\`${tail}\`); browsers send the origin only`, suggestion: canonical };
  }
  if (canonical !== value) {
    const portMatch = /:(\d+)$/.exec(authority);
    const why =
      portMatch && DEFAULT_PORTS[base.scheme] === Number(portMatch[1])
        ? `it names the default port ${portMatch[1]}, which browsers leave out`
        : value !== value.toLowerCase()
          ? 'browsers send the scheme and host in lowercase'
          : 'browsers serialize it differently';
    return { valid: false, reason: why, suggestion: canonical };
  }
  return { valid: true };
}

export type OriginValueResult = { kind: 'absent' } | { kind: 'text'; text: string } | { kind: 'unknown'; reason: string };

/** Whether an allowlist entry accepts this request origin; `unknown` when the linter cannot tell. */
export function matcherAccepts(matcher: OriginMatcher, origin: string): boolean | { unknown: string } {
  switch (matcher.kind) {
    case 'exact':
      return matcher.caseInsensitive ? matcher.origin.toLowerCase() === origin.toLowerCase() : matcher.origin === origin;
    case 'wildcard':
      return wildcardToRegExp(matcher.pattern).test(origin);
    case 'regex': {
      // rules test each allowlist entry against several probe origins: compile it once per matcher
      let compiled = compiledMatchers.get(matcher);
      if (!compiled) compiledMatchers.set(matcher, (compiled = compileOriginRegex(matcher.source, matcher.caseInsensitive, matcher.dialect)));
      if (!compiled.ok) return { unknown: `the pattern cannot be evaluated: ${compiled.reason}` };
      const hit = compiled.regexp.test(origin);
      return matcher.negated ? !hit : hit;
    }
    case 'unknown':
      return { unknown: matcher.reason };
  }
}

const compiledMatchers = new WeakMap<OriginMatcher, ReturnType<typeof compileOriginRegex>>();

const wildcardCache = new Map<string, RegExp>();

/** AWS-style wildcard entry (`https://*.example.com`, `*`): each `*` stands for any run of characters. */
export function wildcardToRegExp(pattern: string): RegExp {
  let re = wildcardCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`);
    wildcardCache.set(pattern, re);
  }
  return re;
}

function outcomeFor(outcome: OriginOutcome, origin: string): OriginValueResult {
  if (outcome === null) return { kind: 'absent' };
  if (outcome.kind === 'reflect') return { kind: 'text', text: origin };
  if (outcome.kind === 'literal') return { kind: 'text', text: outcome.text };
  return { kind: 'unknown', reason: outcome.reason };
}

/**
 * The value a header takes for a request with this `Origin` (a serialized origin or `null`).
 * First matching case wins; a case the linter cannot evaluate makes the result unknown, since it
 * might have matched first.
 */
export function valueForOrigin(value: HeaderValue, origin: string): OriginValueResult {
  switch (value.kind) {
    case 'literal':
      return { kind: 'text', text: value.text };
    case 'reflect':
      return { kind: 'text', text: origin };
    case 'unknown':
      return { kind: 'unknown', reason: value.reason };
    case 'by-origin': {
      for (const c of value.cases) {
        const hit = matcherAccepts(c.when, origin);
        if (hit === true) return outcomeFor(c.then, origin);
        if (hit !== false) return { kind: 'unknown', reason: hit.unknown };
      }
      return outcomeFor(value.otherwise, origin);
    }
  }
}

/** Origins no allowlist means to trust; a value echoing both reflects any origin. */
export const PROBE_ORIGINS = ['https://evil.example', 'https://attacker.net'] as const;

/** Whether the value echoes any request origin back (reflection without an effective allowlist). */
export function reflectsAnyOrigin(value: HeaderValue): boolean {
  if (value.kind !== 'by-origin') return value.kind === 'reflect';
  // several rules ask this of every Access-Control-Allow-Origin value; values never change
  let hit = reflectsCache.get(value);
  if (hit === undefined) {
    hit = echoes(value, PROBE_ORIGINS[0]) && echoes(value, PROBE_ORIGINS[1]);
    reflectsCache.set(value, hit);
  }
  return hit;
}

const reflectsCache = new WeakMap<HeaderValue, boolean>();

/** valueForOrigin(value, origin) is exactly `origin`, without building the result. */
function echoes(value: HeaderValue, origin: string): boolean {
  switch (value.kind) {
    case 'literal':
      return value.text === origin;
    case 'reflect':
      return true;
    case 'unknown':
      return false;
    case 'by-origin': {
      for (const c of value.cases) {
        const hit = matcherAccepts(c.when, origin);
        if (hit === true) return outcomeEchoes(c.then, origin);
        if (hit !== false) return false;
      }
      return outcomeEchoes(value.otherwise, origin);
    }
  }
}

function outcomeEchoes(outcome: OriginOutcome, origin: string): boolean {
  if (outcome === null) return false;
  if (outcome.kind === 'reflect') return true;
  return outcome.kind === 'literal' && outcome.text === origin;
}
