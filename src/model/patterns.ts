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
import type { HeaderRule, HeaderValue, OriginMatcher, Route } from './types.js';

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

/**
 * Whether `test` holds for a by-origin header value of the route (the only kind that holds
 * allowlist patterns): its responders', dropped and gateway error headers, in that order. Runs
 * over every header of every route before the rules, in code not yet optimized: indexed loops
 * (a for-of makes an iterator per list) and no call for the other kinds of value.
 */
function someByOriginValue(route: Route, test: (value: ByOriginValue) => boolean): boolean {
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) if (someInHeaders(responders[i]!.headers, test)) return true;
  const dropped = route.droppedHeaders;
  for (let i = 0; i < dropped.length; i++) {
    const value = dropped[i]!.header.value;
    if (value.kind === 'by-origin' && test(value)) return true;
  }
  const errors = route.gatewayErrors;
  if (errors !== undefined) for (let i = 0; i < errors.length; i++) if (someInHeaders(errors[i]!.headers, test)) return true;
  return false;
}

function someInHeaders(headers: readonly HeaderRule[], test: (value: ByOriginValue) => boolean): boolean {
  for (let i = 0; i < headers.length; i++) {
    const value = headers[i]!.value;
    if (value.kind === 'by-origin' && test(value)) return true;
  }
  return false;
}

type ByOriginValue = Extract<HeaderValue, { kind: 'by-origin' }>;

function patternValue(value: ByOriginValue): boolean {
  return value.cases.some((c) => c.when.kind === 'regex' || c.when.kind === 'wildcard');
}

/**
 * Whether anything in these routes is a regex or wildcard: an allowlist entry (the only place an
 * origin pattern sits, whatever the source), a regex path or a regex server name (`~^api\d+\.`,
 * which the simulator matches a Host against).
 */
export function needsPatternSupport(routes: readonly Route[]): boolean {
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    if (route.match.path.kind === 'regex' || someRegexHost(route.match.hosts) || someByOriginValue(route, patternValue)) return true;
  }
  return false;
}

function someRegexHost(hosts: readonly string[]): boolean {
  for (let i = 0; i < hosts.length; i++) if (hosts[i]!.startsWith('~')) return true;
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
  const needs = (value: ByOriginValue): boolean => {
    if (seen.has(value)) return false;
    seen.add(value);
    for (const input of patternInputs(value)) if (module.needsAutomaton(input, sites)) return true;
    return false;
  };
  for (let i = 0; i < routes.length; i++) {
    if (someByOriginValue(routes[i]!, needs)) {
      await module.loadOriginAutomaton();
      return;
    }
  }
}
