/**
 * Helpers the origin rules share: where Access-Control-Allow-Origin is sent, whether the same
 * response carries `Access-Control-Allow-Credentials: true` for a given origin, and a collector
 * that reports each offending span once (several routes often share one header declaration).
 */
import type { Report, RuleContext, Severity } from '../engine/rule.js';
import { reflectsAnyOrigin, valueForOrigin } from './origin.js';
import { analyseOriginPattern } from './patterns.js';
import type { PatternAnalysis } from './origin-pattern.js';
import { headersNamed } from './query.js';
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
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const responders = route.responders;
    for (let j = 0; j < responders.length; j++) {
      const responder = responders[j]!;
      // a responder's success sites in header order, then its error sites
      const success = headersNamed(responder, name, 'success');
      for (let k = 0; k < success.length; k++) {
        const header = success[k]!;
        out.push({ route, responder, header, phase: 'success' });
      }
      const error = headersNamed(responder, name, 'error');
      for (let k = 0; k < error.length; k++) {
        const header = error[k]!;
        out.push({ route, responder, header, phase: 'error' });
      }
    }
  }
  return out;
}

const ACAC = 'access-control-allow-credentials';

/** The Access-Control-Allow-Credentials headers sent on a site's response (shared array: read it only). */
export function credentialHeadersOf(site: HeaderSite): readonly HeaderRule[] {
  // headersNamed keeps them per responder and phase
  return headersNamed(site.responder, ACAC, site.phase);
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
  const credentials = credentialHeadersOf(site);
  for (let i = 0; i < credentials.length; i++) {
    const h = credentials[i]!;
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
  const acao = headerSites(routes, 'access-control-allow-origin');
  for (let i = 0; i < acao.length; i++) {
    const site = acao[i]!;
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
    return `${s.file}\0${s.line}\0${s.column}\0${s.endLine}\0${s.endColumn}\0${s.via ?? ''}`;
  }

  flush(context: RuleContext): void {
    for (const r of this.bySpan.values()) context.report(r);
    this.bySpan.clear();
  }
}
