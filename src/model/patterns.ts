/**
 * Lazy access to the origin-pattern support. origin-pattern.ts (translation, validation with
 * regexpp, candidates: about 130 KB) and origin-automaton.ts (the automaton search with refa:
 * about 1.1 MB, which takes longer to load than linting a typical config) are separate chunks
 * behind dynamic imports. Only routes with a regex or wildcard origin entry, or a regex location,
 * ever use the first: the engine's loadSources awaits loadPatternSupport() when
 * needsPatternSupport(routes) says so, before any rule or the simulator runs, and the
 * synchronous helpers below then delegate to the loaded module. The automaton is needed only by
 * allowlist patterns that neither a readable candidate origin nor the structural proof settles:
 * lintFiles awaits prepareOriginAnalysis(routes, sites) before the rules run. Code that bypasses
 * the engine (unit tests: see vitest.config.ts) awaits both itself.
 */
import type { HeaderValue, OriginMatcher, Route } from './types.js';

type PatternModule = typeof import('./origin-pattern.js');

let loaded: PatternModule | undefined;

export async function loadPatternSupport(): Promise<void> {
  loaded ??= await import('./origin-pattern.js');
}

/** Loads the pattern support and the automaton search (refa) unconditionally. */
export async function loadAllPatternSupport(): Promise<void> {
  await loadPatternSupport();
  await support().loadOriginAutomaton();
}

function support(): PatternModule {
  if (!loaded) throw new Error('corslint bug: origin pattern support used before loadPatternSupport()');
  return loaded;
}

export const compileOriginRegex: PatternModule['compileOriginRegex'] = (...args) => support().compileOriginRegex(...args);
export const analyseOriginPattern: PatternModule['analyseOriginPattern'] = (...args) => support().analyseOriginPattern(...args);
export const pcreSyntaxError: PatternModule['pcreSyntaxError'] = (...args) => support().pcreSyntaxError(...args);

/** Whether `test` holds for a header value of the route: its responders', dropped and gateway error headers, in that order. */
function someHeaderValue(route: Route, test: (value: HeaderValue) => boolean): boolean {
  for (const responder of route.responders) for (const h of responder.headers) if (test(h.value)) return true;
  for (const d of route.droppedHeaders) if (test(d.header.value)) return true;
  for (const e of route.gatewayErrors ?? []) for (const h of e.headers) if (test(h.value)) return true;
  return false;
}

function patternValue(value: HeaderValue): boolean {
  return value.kind === 'by-origin' && value.cases.some((c) => c.when.kind === 'regex' || c.when.kind === 'wildcard');
}

/**
 * Whether anything in these routes is a regex or wildcard (origin entries, regex locations).
 * Only nginx routes are looked into; other sources always load it (their templates are slow
 * to read anyway, and their models carry more places where a pattern may sit).
 */
export function needsPatternSupport(routes: readonly Route[]): boolean {
  for (const route of routes) {
    if (route.source !== 'nginx' || route.match.path.kind === 'regex' || someHeaderValue(route, patternValue)) return true;
  }
  return false;
}

/** The allowlist patterns a header value tests the request Origin against. */
function* patternInputs(value: HeaderValue): Generator<Parameters<PatternModule['needsAutomaton']>[0]> {
  if (value.kind !== 'by-origin') return;
  for (const c of value.cases) {
    const m: OriginMatcher = c.when;
    if (m.kind === 'regex') yield { kind: 'regex', source: m.source, caseInsensitive: m.caseInsensitive, dialect: m.dialect };
    else if (m.kind === 'wildcard') yield { kind: 'wildcard', source: m.pattern };
  }
}

/**
 * Makes origin-pattern analysis ready for these routes and sites (the rules' `settings.sites`):
 * loads the pattern support when needsPatternSupport says so, and the automaton search when
 * some allowlist pattern of the routes needs it (every regex or wildcard origin entry of every
 * header, whatever a rule later asks: more than the rules analyse, never less).
 */
export async function prepareOriginAnalysis(routes: readonly Route[], sites: readonly string[]): Promise<void> {
  if (!needsPatternSupport(routes)) return;
  await loadPatternSupport();
  const module = support();
  // one allowlist map is usually evaluated into many routes as the same value: look at it once
  const seen = new Set<HeaderValue>();
  const needs = (value: HeaderValue): boolean => {
    if (value.kind !== 'by-origin' || seen.has(value)) return false;
    seen.add(value);
    for (const input of patternInputs(value)) if (module.needsAutomaton(input, sites)) return true;
    return false;
  };
  for (const route of routes) {
    if (someHeaderValue(route, needs)) {
      await module.loadOriginAutomaton();
      return;
    }
  }
}
