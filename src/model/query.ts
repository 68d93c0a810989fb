/** Pure helpers over the model that rules and the simulator share. */
import type { CdnFacts, HeaderRule, HeaderValue, Responder, Route } from './types.js';

export const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
] as const;

export function isCorsHeader(name: string): boolean {
  return (CORS_RESPONSE_HEADERS as readonly string[]).includes(name.toLowerCase());
}

export function sameHeaderName(a: string, b: string): boolean {
  // rules call this in their innermost loops: skip the two lower-casings when they cannot matter
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}

/** Headers named `name` that a responder sends on success (2xx/3xx) or on error (4xx/5xx). */
export function headersNamed(responder: Responder, name: string, phase: 'success' | 'error'): HeaderRule[] {
  const lower = name.toLowerCase();
  const out: HeaderRule[] = [];
  for (const h of responder.headers) {
    if (!(phase === 'success' ? h.onSuccess : h.onErrors)) continue;
    if (h.name === name || (h.name.length === name.length && h.name.toLowerCase() === lower)) out.push(h);
  }
  return out;
}

export function handlesMethod(responder: Responder, method: string): boolean {
  return responder.methods === '*' || responder.methods.includes(method);
}

/** The responder that answers a request with this method (first match wins), if any. */
export function responderFor(route: Route, method: string): Responder | undefined {
  return route.responders.find((r) => handlesMethod(r, method));
}

/** The responder that answers the preflight (an OPTIONS request). */
export function preflightResponder(route: Route): Responder | undefined {
  return responderFor(route, 'OPTIONS');
}

/** Responders for non-OPTIONS requests. */
export function actualResponders(route: Route): Responder[] {
  return route.responders.filter((r) => r.methods === '*' || r.methods.some((m) => m !== 'OPTIONS'));
}

/** Whether a responder can send `Access-Control-Allow-Credentials: true` (literally, or for some origins). */
export function mayAllowCredentials(responder: Responder, phase: 'success' | 'error' = 'success'): HeaderRule | undefined {
  return headersNamed(responder, 'access-control-allow-credentials', phase).find((h) => {
    const v = h.value;
    if (v.kind === 'literal') return v.text === 'true';
    if (v.kind === 'by-origin') {
      return [...v.cases.map((c) => c.then), v.otherwise].some((o) => o !== null && o.kind === 'literal' && o.text === 'true');
    }
    return false;
  });
}

/**
 * Whether browsers call this route directly, so rules that play a browser's request against it
 * (preflight, client simulation) may judge it. Not an nginx `internal` location (a browser's
 * request that selects it gets 404), nor nginx's catch-all for paths no location matches in a
 * server that declares locations: its CORS headers are only the server-wide ones every location
 * inherits, which shows no intent to serve unmatched paths cross-origin.
 */
export function browserFacing(route: Route, all: readonly Route[]): boolean {
  if (route.internal) return false;
  if (!route.implicit || route.match.server === undefined) return true;
  return !serversWithRoutes(all).has(route.match.server);
}

/** servers (Route.match.server) that have declared routes besides their implicit one, per route list */
const declaredServers = new WeakMap<readonly Route[], Set<string>>();
function serversWithRoutes(all: readonly Route[]): Set<string> {
  let set = declaredServers.get(all);
  if (!set) {
    set = new Set();
    for (const r of all) if (!r.implicit && r.match.server !== undefined) set.add(r.match.server);
    declaredServers.set(all, set);
  }
  return set;
}

/** Splits a header list value (`GET, POST`) into trimmed items, dropping empty ones. */
export function splitHeaderList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Whether a header value changes with the request's Origin (reflection, or an allowlist whose
 * known outcomes differ, absence included). Unknown values and unknown outcomes never count:
 * the linter does not guess.
 */
export function dependsOnOrigin(value: HeaderValue): boolean {
  if (value.kind === 'reflect') return true;
  if (value.kind !== 'by-origin') return false;
  const outcomes = [...value.cases.map((c) => c.then), value.otherwise];
  if (outcomes.some((o) => o !== null && o.kind === 'reflect')) return true;
  const known = new Set<string>();
  for (const o of outcomes) {
    if (o === null) known.add('\0absent');
    else if (o.kind === 'literal') known.add(o.text);
  }
  return known.size > 1;
}

/**
 * Whether a CDN passes a request header to the origin. Headers in the cache key are always
 * forwarded, so both lists count. `undefined` when the config does not tell.
 */
export function cdnForwardsHeader(cdn: CdnFacts, name: string): boolean | undefined {
  let unknown = false;
  for (const list of [cdn.forwardedHeaders, cdn.cacheKeyHeaders]) {
    if (!list) continue;
    if ('unknown' in list) {
      unknown = true;
      continue;
    }
    if (list.headers === 'all' || list.headers.some((h) => sameHeaderName(h, name))) return true;
  }
  if (unknown) return undefined;
  if (!cdn.forwardedHeaders && !cdn.cacheKeyHeaders) return undefined;
  return false;
}

/** Whether a header is part of a CDN's cache key; `undefined` when the config does not tell. */
export function cdnCacheKeyHas(cdn: CdnFacts, name: string): boolean | undefined {
  const key = cdn.cacheKeyHeaders;
  if (!key || 'unknown' in key) return undefined;
  return key.headers === 'all' || key.headers.some((h) => sameHeaderName(h, name));
}

/** Whether a CDN stores responses (explicitly, or by listing cached methods). */
export function cdnCaches(cdn: CdnFacts): boolean {
  if (cdn.caches) return cdn.caches.value;
  return (cdn.cachedMethods?.methods.length ?? 0) > 0;
}
