/**
 * Helpers the origin rules share: where Access-Control-Allow-Origin is sent, whether the same
 * response carries `Access-Control-Allow-Credentials: true` for a given origin, and a collector
 * that reports each offending span once (several routes often share one header declaration).
 */
import type { Report, RuleContext, Severity } from '../engine/rule.js';
import { reflectsAnyOrigin, valueForOrigin } from './origin.js';
import { analyseOriginPattern } from './patterns.js';
import type { PatternAnalysis } from './origin-pattern.js';
import { CORS_RESPONSE_HEADERS, sameHeaderName } from './query.js';
import type { HeaderRule, HeaderValue, OriginCase, OriginMatcher, Responder, Route, Span } from './types.js';

export type Phase = 'success' | 'error';

export interface HeaderSite {
  route: Route;
  responder: Responder;
  header: HeaderRule;
  phase: Phase;
}

/** Every (responder, header named `name`, phase) where the header is sent; a header on both phases is listed once per phase. */
export function headerSites(routes: readonly Route[], name: string): readonly HeaderSite[] {
  // Eight origin rules ask for the same sites over the same routes: list them once per run.
  let byName = sitesCache.get(routes);
  if (!byName) sitesCache.set(routes, (byName = new Map()));
  let sites = byName.get(name);
  if (!sites) byName.set(name, (sites = collectSites(routes, name)));
  return sites;
}

const sitesCache = new WeakMap<readonly Route[], Map<string, readonly HeaderSite[]>>();

function collectSites(routes: readonly Route[], name: string): HeaderSite[] {
  const out: HeaderSite[] = [];
  const code = corsNameCode(name);
  for (const route of routes) {
    for (const responder of route.responders) {
      // one pass per responder: its success sites in header order, then its error sites
      let errors: HeaderRule[] | undefined;
      const named = code >= 0 ? corsHeadersOf(responder).named(code) : responder.headers;
      for (const header of named) {
        if (code < 0 && !sameHeaderName(header.name, name)) continue;
        if (header.onSuccess) out.push(new Site(route, responder, header, 'success'));
        if (header.onErrors) (errors ??= []).push(header);
      }
      if (errors) for (const header of errors) out.push(new Site(route, responder, header, 'error'));
    }
  }
  return out;
}

/** Header names the CORS rules look up, by code (the index here): the CORS response headers, then Vary. */
const CORS_NAMES = [...CORS_RESPONSE_HEADERS, 'vary'] as const;
export const NAME_CODE = { acao: 0, acac: 1, allowMethods: 2, allowHeaders: 3, expose: 4, maxAge: 5, vary: 6 } as const;

/** The code of a header name in CORS_NAMES (-1: another header), kept per name as written. */
export function corsNameCode(name: string): number {
  let code = nameCodes.get(name);
  if (code === undefined) {
    code = CORS_NAMES.findIndex((n) => sameHeaderName(name, n));
    if (nameCodes.size > 4096) nameCodes.clear();
    nameCodes.set(name, code);
  }
  return code;
}

const nameCodes = new Map<string, number>();

/**
 * A responder's CORS headers (and Vary) by name, both phases, in declaration order: found in one
 * pass over its headers and kept per responder, since a dozen rules look up these names on every
 * responder of every route. The model never changes once built; headers added later start over.
 */
export class CorsHeaders {
  readonly length: number;
  /** every CORS response header (not Vary), in order */
  readonly cors: HeaderRule[] = [];
  private readonly byCode: (HeaderRule[] | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];

  constructor(readonly headers: readonly HeaderRule[]) {
    this.length = headers.length;
    for (const h of headers) {
      const code = corsNameCode(h.name);
      if (code < 0) continue;
      if (code !== NAME_CODE.vary) this.cors.push(h);
      (this.byCode[code] ??= []).push(h);
    }
  }

  /** The headers with this name code (shared array: read it only). */
  named(code: number): readonly HeaderRule[] {
    return this.byCode[code] ?? NO_HEADERS;
  }
}

const NO_HEADERS: readonly HeaderRule[] = Object.freeze([]);
const corsHeaderViews = new WeakMap<Responder, CorsHeaders>();

export function corsHeadersOf(responder: Responder): CorsHeaders {
  const headers = responder.headers;
  let view = corsHeaderViews.get(responder);
  if (view === undefined || view.headers !== headers || view.length !== headers.length) {
    view = new CorsHeaders(headers);
    corsHeaderViews.set(responder, view);
  }
  return view;
}

/** The headers with this name code sent in a phase (a new array only when some are not sent in it). */
export function namedIn(responder: Responder, code: number, phase: Phase): readonly HeaderRule[] {
  const all = corsHeadersOf(responder).named(code);
  let out: HeaderRule[] | undefined;
  for (let i = 0; i < all.length; i++) {
    const h = all[i]!;
    const sent = phase === 'success' ? h.onSuccess : h.onErrors;
    if (sent && out === undefined) continue;
    out ??= all.slice(0, i);
    if (sent) out.push(h);
  }
  return out ?? all;
}

/** A site, with the Access-Control-Allow-Credentials headers of its response looked up once. */
class Site implements HeaderSite {
  #credentialHeaders: readonly HeaderRule[] | undefined = undefined;

  constructor(
    readonly route: Route,
    readonly responder: Responder,
    readonly header: HeaderRule,
    readonly phase: Phase,
  ) {}

  get credentialHeaders(): readonly HeaderRule[] {
    return (this.#credentialHeaders ??= namedIn(this.responder, NAME_CODE.acac, this.phase));
  }
}

/** The Access-Control-Allow-Credentials headers sent on a site's response (shared array: read it only). */
export function credentialHeadersOf(site: HeaderSite): readonly HeaderRule[] {
  return site instanceof Site ? site.credentialHeaders : namedIn(site.responder, NAME_CODE.acac, site.phase);
}

/**
 * analyseOriginPattern for an allowlist entry, kept per entry: three rules analyse every regex or
 * wildcard entry of every Access-Control-Allow-Origin site.
 */
export function analyseMatcher(m: Extract<OriginMatcher, { kind: 'regex' | 'wildcard' }>, sites: readonly string[]): PatternAnalysis {
  const hit = analyses.get(m);
  if (hit !== undefined && hit.sites === sites) return hit.result;
  const result =
    m.kind === 'regex'
      ? analyseOriginPattern({ kind: 'regex', source: m.source, caseInsensitive: m.caseInsensitive, dialect: m.dialect }, sites)
      : analyseOriginPattern({ kind: 'wildcard', source: m.pattern }, sites);
  analyses.set(m, { sites, result });
  return result;
}

const analyses = new WeakMap<OriginMatcher, { sites: readonly string[]; result: PatternAnalysis }>();

/** `b` is sent whenever `a` is (no condition of its own, or the same one). */
export function appliesWhenever(a: HeaderRule, b: HeaderRule): boolean {
  return b.condition === undefined || b.condition === a.condition;
}

/**
 * The `Access-Control-Allow-Credentials` header that makes the response to `origin` credentialed
 * (value exactly `true` for that origin), sent whenever `acao` is; undefined when there is none.
 */
export function credentialsFor(site: HeaderSite, origin: string): HeaderRule | undefined {
  for (const h of credentialHeadersOf(site)) {
    if (!appliesWhenever(site.header, h)) continue;
    const v = valueForOrigin(h.value, origin);
    if (v.kind === 'text' && v.text.trim() === 'true') return h;
  }
  return undefined;
}

export function valueSpanOf(header: HeaderRule): Span {
  return header.valueSpan ?? header.span;
}

/** All by-origin cases of a value (empty for other kinds). */
export function casesOf(value: HeaderValue): readonly OriginCase[] {
  return value.kind === 'by-origin' ? value.cases : [];
}

/** An allowlist entry (regex or wildcard) whose matching origins get their own origin back. */
export interface ReflectingPatternCase {
  site: HeaderSite;
  /** the site's Access-Control-Allow-Origin value */
  value: Extract<HeaderValue, { kind: 'by-origin' }>;
  case: OriginCase;
  matcher: Extract<OriginMatcher, { kind: 'regex' | 'wildcard' }>;
  analysis: Extract<PatternAnalysis, { ok: true }>;
}

/**
 * Every regex or wildcard allowlist entry that reflects the origin, on Access-Control-Allow-Origin
 * values that do not reflect every origin anyway (that is the reflected-origin rules' finding).
 * Skips negated regexes, the bare `*` entry and patterns that cannot be analysed.
 */
export function reflectingPatternCases(routes: readonly Route[], sites: readonly string[]): readonly ReflectingPatternCase[] {
  // two rules ask for the same list over the same routes: walk the sites once per run
  const hit = patternCasesCache.get(routes);
  if (hit !== undefined && hit.sites === sites) return hit.cases;
  const cases = collectReflectingPatternCases(routes, sites);
  patternCasesCache.set(routes, { sites, cases });
  return cases;
}

const patternCasesCache = new WeakMap<readonly Route[], { sites: readonly string[]; cases: readonly ReflectingPatternCase[] }>();

function collectReflectingPatternCases(routes: readonly Route[], sites: readonly string[]): ReflectingPatternCase[] {
  const out: ReflectingPatternCase[] = [];
  for (const site of headerSites(routes, 'access-control-allow-origin')) {
    const value = site.header.value;
    if (value.kind !== 'by-origin' || reflectsAnyOrigin(value)) continue;
    for (const c of value.cases) {
      const m = c.when;
      if (c.then?.kind !== 'reflect') continue;
      if (!((m.kind === 'regex' && !m.negated) || (m.kind === 'wildcard' && m.pattern.trim() !== '*'))) continue;
      const analysis = analyseMatcher(m, sites);
      if (analysis.ok) out.push({ site, value, case: c, matcher: m, analysis });
    }
  }
  return out;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Collects reports and keeps, per span, the most severe one (routes sharing a declaration report it once). */
export class SpanReporter {
  private readonly bySpan = new Map<string, Report>();

  add(report: Report & { severity: Severity }): void {
    const key = SpanReporter.key(report.span);
    const prev = this.bySpan.get(key);
    if (!prev || RANK[report.severity] > RANK[prev.severity ?? 'info']) this.bySpan.set(key, report);
  }

  /** Whether `add` would keep a report of this severity at this span (else the message need not be built). */
  wants(span: Span, severity: Severity): boolean {
    const prev = this.bySpan.get(SpanReporter.key(span));
    return !prev || RANK[severity] > RANK[prev.severity ?? 'info'];
  }

  private static key(s: Span): string {
    return `${s.file}\0${s.line}\0${s.column}\0${s.endLine}\0${s.endColumn}`;
  }

  flush(context: RuleContext): void {
    for (const r of this.bySpan.values()) context.report(r);
    this.bySpan.clear();
  }
}
