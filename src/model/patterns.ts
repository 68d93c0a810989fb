/**
 * Lazy access to the origin-pattern support (origin-pattern.ts with regexpp and refa: about
 * 1.2 MB of JavaScript, which takes longer to load than linting a typical config). Only
 * routes with a regex or wildcard origin entry, or a regex location, ever use it, so it sits
 * behind a dynamic import (its own chunk in the bundle): the engine's loadSources awaits
 * loadPatternSupport() when needsPatternSupport(routes) says so, before any rule or the
 * simulator runs, and the synchronous helpers below then delegate to the loaded module.
 * Code that bypasses loadSources (unit tests: see vitest.config.ts) awaits it itself.
 */
import type { HeaderValue, Route } from './types.js';

type PatternModule = typeof import('./origin-pattern.js');

let loaded: PatternModule | undefined;

export async function loadPatternSupport(): Promise<void> {
  loaded ??= await import('./origin-pattern.js');
}

function support(): PatternModule {
  if (!loaded) throw new Error('corslint bug: origin pattern support used before loadPatternSupport()');
  return loaded;
}

export const compileOriginRegex: PatternModule['compileOriginRegex'] = (...args) => support().compileOriginRegex(...args);
export const analyseOriginPattern: PatternModule['analyseOriginPattern'] = (...args) => support().analyseOriginPattern(...args);
export const pcreSyntaxError: PatternModule['pcreSyntaxError'] = (...args) => support().pcreSyntaxError(...args);

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
    if (route.source !== 'nginx' || route.match.path.kind === 'regex') return true;
    for (const responder of route.responders) for (const h of responder.headers) if (patternValue(h.value)) return true;
    for (const d of route.droppedHeaders) if (patternValue(d.header.value)) return true;
    for (const e of route.gatewayErrors ?? []) for (const h of e.headers) if (patternValue(h.value)) return true;
  }
  return false;
}
