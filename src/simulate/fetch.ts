/**
 * The pure pieces of the Fetch standard the simulator needs (reference/cors-protocol.md §1):
 * method normalization, the CORS-safelisted request-header algorithm, header-list parsing,
 * Max-Age per engine and the preflight cache. No model types here: strings in, facts out.
 */
import type { EngineProfile } from './engines.js';

const NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const SAFELISTED_METHODS = ['GET', 'HEAD', 'POST'];
const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'];

/** Fetch "normalize a method": only the six well-known methods are uppercased. */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.includes(method);
}

export function isForbiddenMethod(method: string): boolean {
  return FORBIDDEN_METHODS.includes(method.toUpperCase());
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

const FORBIDDEN_REQUEST_HEADERS = new Set(
  [
    'accept-charset', 'accept-encoding', 'access-control-request-headers', 'access-control-request-method',
    'connection', 'content-length', 'cookie', 'cookie2', 'date', 'dnt', 'expect', 'host', 'keep-alive',
    'origin', 'referer', 'set-cookie', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'via',
  ],
);

/** Fetch "forbidden request-header": scripts cannot set these (the browser does, or refuses). */
export function isForbiddenRequestHeader(name: string, value: string): boolean {
  const n = name.toLowerCase();
  if (FORBIDDEN_REQUEST_HEADERS.has(n) || n.startsWith('proxy-') || n.startsWith('sec-')) return true;
  if (n === 'x-http-method' || n === 'x-http-method-override' || n === 'x-method-override') {
    return value.split(',').some((m) => isForbiddenMethod(m.trim()));
  }
  return false;
}

/** HTTP whitespace is stripped from header values by `Headers` before anything else sees them. */
export function normalizeHeaderValue(value: string): string {
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A CORS-unsafe request-header byte: controls other than HT, `"():<>?@[\]{}` and DEL. */
function hasUnsafeByte(value: string): boolean {
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || '"():<>?@[\\]{}'.includes(ch)) return true;
  }
  return false;
}

/** WHATWG MIME Sniffing "parse a MIME type" (the strict parser): the essence, or null on failure. */
export function parseMimeEssence(input: string): string | null {
  const s = input.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  const slash = s.indexOf('/');
  if (slash <= 0) return null;
  const type = s.slice(0, slash);
  if (!isToken(type)) return null;
  const rest = s.slice(slash + 1);
  const semi = rest.indexOf(';');
  const subtype = (semi === -1 ? rest : rest.slice(0, semi)).replace(/[\t\n\r ]+$/, '');
  if (subtype === '' || !isToken(subtype)) return null;
  // Parameters never make the parse fail; they are ignored for the essence.
  return `${type}/${subtype}`.toLowerCase();
}

const SAFELISTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** Why one header is or is not CORS-safelisted, for the story. */
export interface SafelistVerdict {
  safelisted: boolean;
  reason: string;
}

/** Fetch "CORS-safelisted request-header" (plus an engine's extensions, e.g. Chromium's client hints). */
export function safelistedRequestHeader(name: string, value: string, engine: EngineProfile): SafelistVerdict {
  const n = name.toLowerCase();
  if (utf8Length(value) > 128) return { safelisted: false, reason: `its value is ${utf8Length(value)} bytes, over the 128-byte limit` };
  switch (n) {
    case 'accept':
      return hasUnsafeByte(value)
        ? { safelisted: false, reason: 'its value contains a CORS-unsafe byte' }
        : { safelisted: true, reason: 'Accept is safelisted' };
    case 'accept-language':
    case 'content-language':
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value)
        ? { safelisted: true, reason: `${name} is safelisted` }
        : { safelisted: false, reason: `its value has a character outside 0-9 A-Z a-z space * , - . ; =` };
    case 'content-type': {
      if (hasUnsafeByte(value)) return { safelisted: false, reason: 'its value contains a CORS-unsafe byte' };
      const essence = parseMimeEssence(value);
      if (essence === null) return { safelisted: false, reason: `"${value}" does not parse as a MIME type` };
      if (!SAFELISTED_CONTENT_TYPES.includes(essence)) {
        return { safelisted: false, reason: `its essence ${essence} is not form-urlencoded, multipart/form-data or text/plain` };
      }
      return { safelisted: true, reason: `Content-Type ${essence} is safelisted` };
    }
    case 'range': {
      if (!engine.rangeSafelisted) return { safelisted: false, reason: `${engine.label} does not safelist Range` };
      const m = /^bytes=(\d+)-(\d*)$/.exec(value);
      if (!m) return { safelisted: false, reason: 'only a single range with a start (bytes=N- or bytes=N-M) is safelisted' };
      if (m[2] !== '' && Number(m[2]) < Number(m[1])) return { safelisted: false, reason: 'the range ends before it starts' };
      return { safelisted: true, reason: 'a single range with a start is safelisted' };
    }
    default: {
      if (n === 'authorization') return { safelisted: false, reason: 'Authorization is never safelisted' };
      const extra = engine.extraSafelistedHeader?.(n, value);
      if (extra) return { safelisted: true, reason: extra };
      return { safelisted: false, reason: `${name} is not a CORS-safelisted request header` };
    }
  }
}

export interface RequestHeader {
  name: string;
  value: string;
}

export interface UnsafeHeaders {
  /** lowercased, deduplicated, sorted: exactly what Access-Control-Request-Headers carries */
  names: string[];
  /** why each name is unsafe */
  reasons: Map<string, string>;
}

/** Fetch "CORS-unsafe request-header names", including the 1024-byte total rule. */
export function unsafeRequestHeaderNames(headers: RequestHeader[], engine: EngineProfile): UnsafeHeaders {
  const reasons = new Map<string, string>();
  const safe: RequestHeader[] = [];
  let safeBytes = 0;
  for (const h of headers) {
    const v = safelistedRequestHeader(h.name, h.value, engine);
    if (v.safelisted) {
      safe.push(h);
      safeBytes += utf8Length(h.value);
    } else if (!reasons.has(h.name.toLowerCase())) {
      reasons.set(h.name.toLowerCase(), v.reason);
    }
  }
  if (safeBytes > 1024) {
    for (const h of safe) {
      if (!reasons.has(h.name.toLowerCase())) {
        reasons.set(h.name.toLowerCase(), `the safelisted header values add up to ${safeBytes} bytes, over the 1024-byte total`);
      }
    }
  }
  return { names: [...reasons.keys()].sort(), reasons };
}

/**
 * Fetch "extract header list values" for the `#method` / `#field-name` lists
 * (Access-Control-Allow-Methods/-Headers): null when absent, 'failure' when an item is not a token.
 * Empty list elements (trailing commas) are dropped, as the #rule allows.
 */
export function parseTokenList(values: string[]): string[] | null | 'failure' {
  if (values.length === 0) return null;
  const items: string[] = [];
  for (const part of values.join(',').split(',')) {
    const item = part.replace(/^[\t ]+|[\t ]+$/g, '');
    if (item === '') continue;
    if (!isToken(item)) return 'failure';
    items.push(item);
  }
  return items;
}

/** Seconds a browser keeps a preflight result, from the Access-Control-Max-Age lines it got. */
export function preflightCacheSeconds(values: string[], engine: EngineProfile): { seconds: number; reason: string } {
  const DEFAULT = 5;
  if (values.length === 0) return { seconds: DEFAULT, reason: 'no Access-Control-Max-Age: the default 5 s' };
  const joined = values.map(normalizeHeaderValue).join(', ');
  const capped = (n: number) =>
    engine.maxAgeCap !== undefined && n > engine.maxAgeCap
      ? { seconds: engine.maxAgeCap, reason: `${n} s capped to ${engine.maxAgeCap} s by ${engine.label}` }
      : { seconds: n, reason: n === 0 ? 'Max-Age 0: not cached' : `cached ${n} s` };
  switch (engine.maxAgeParsing) {
    case 'spec': {
      // The ABNF allows one delta-seconds value: two lines or a non-digit value is a failure.
      if (values.length > 1 || !/^\d+$/.test(joined)) return { seconds: DEFAULT, reason: `"${joined}" is not one delta-seconds value: the default 5 s` };
      return capped(Number(joined));
    }
    case 'firefox': {
      if (!/^\d+$/.test(joined)) return { seconds: 0, reason: `"${joined}" has a non-digit: Firefox does not cache it` };
      return capped(Number(joined));
    }
    case 'int64': {
      // Chromium StringToInt64 / WebKit parseInteger: failure gives the default, negatives mean 0.
      if (!/^[-+]?\d+$/.test(joined)) return { seconds: DEFAULT, reason: `"${joined}" is not an integer: the default 5 s` };
      const n = Number(joined);
      if (n <= 0) return { seconds: 0, reason: `Max-Age ${n}: not cached` };
      return capped(n);
    }
  }
}

/** One preflight cache entry [F§cors-preflight-cache], reduced to what decides a match. */
export interface PreflightCacheEntry {
  origin: string;
  url: string;
  credentials: boolean;
  /** methods the preflight allowed (`*` allowed as an item) */
  methods: string[];
  /** header names the preflight allowed (`*` allowed as an item) */
  headers: string[];
  /** absolute expiry time in seconds */
  expiresAt: number;
}

/**
 * Whether a cached preflight lets a request skip a new preflight: same origin and URL, an entry
 * stored with credentials or a request without, and every method and unsafe header matched
 * (`*` matches all but Authorization, and only for entries stored without credentials).
 */
export function cacheCovers(
  entry: PreflightCacheEntry,
  request: { origin: string; url: string; credentials: boolean; method: string; unsafeHeaders: string[] },
  now: number,
): boolean {
  if (now >= entry.expiresAt) return false;
  if (entry.origin !== request.origin || entry.url !== request.url) return false;
  if (!entry.credentials && request.credentials) return false;
  const methodOk =
    isSafelistedMethod(request.method) ||
    entry.methods.includes(request.method) ||
    (!request.credentials && entry.methods.includes('*'));
  if (!methodOk) return false;
  return request.unsafeHeaders.every(
    (h) =>
      entry.headers.some((e) => e.toLowerCase() === h) ||
      (!request.credentials && h !== 'authorization' && entry.headers.includes('*')),
  );
}

const SAFELISTED_RESPONSE_HEADERS = ['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma'];

/** Whether script can read a response header, given Access-Control-Expose-Headers (§1.7). */
export function isResponseHeaderExposed(name: string, exposeHeaderValues: string[], credentials: boolean): boolean {
  const n = name.toLowerCase();
  if (n === 'set-cookie' || n === 'set-cookie2') return false;
  if (SAFELISTED_RESPONSE_HEADERS.includes(n)) return true;
  const list = parseTokenList(exposeHeaderValues);
  if (list === null || list === 'failure') return false;
  if (!credentials && list.includes('*')) return true;
  return list.some((item) => item.toLowerCase() === n);
}
