/**
 * Pure helpers over the model that rules and the simulator share.
 *
 * Rules call these for every route, responder and header, mostly before V8 has optimized them:
 * loops over model arrays here (and in the rules) are indexed, since a for-of loop in unoptimized
 * code makes an iterator, a call and a result object per element.
 */
import type { CdnFacts, HeaderRule, HeaderValue, OriginOutcome, Responder, Route, Span } from './types.js';
import type { ClientHeaders, NeededHeader, PreflightAnswer, PreflightList } from './preflight.js';
import { memoByText } from './memo.js';

export const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
] as const;

export function isCorsHeader(name: string): boolean {
  // rules ask this of every header of every route: one lookup per name as written (the CORS
  // response headers come first in INDEXED_NAMES)
  const slot = indexedSlot(name);
  return slot >= 0 && slot < CORS_RESPONSE_HEADERS.length;
}

export function sameHeaderName(a: string, b: string): boolean {
  // rules call this in their innermost loops: no lower-casing (nor allocation) for ASCII names
  return a === b || (a.length === b.length && equalsIgnoringCase(a, b));
}

/** `a.toLowerCase() === b.toLowerCase()` for strings of one length, folding ASCII letters in place. */
function equalsIgnoringCase(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x > 127 || y > 127) return a.toLowerCase() === b.toLowerCase();
    const fx = x | 32;
    if (fx !== (y | 32) || fx < 97 || fx > 122) return false;
  }
  return true;
}

/**
 * A number for a span's line and column (unsigned integers), else undefined. The usual position
 * (line below 2^19, column below 2^11) gets `line * 2^11 + column`, below 2^30: a small integer
 * V8 keeps unboxed (a larger number is a heap number allocated per lookup). Others with a line
 * below 2^20 (long lines of minified JSON) get `2^30 + line * 2^32 + column`, which no usual
 * position reaches and stays below 2^53.
 */
export function positionKey(span: Span): number | undefined {
  const { line, column } = span;
  if (line >>> 0 !== line || column >>> 0 !== column) return undefined;
  if (line < 2 ** 19 && column < 2 ** 11) return line * 2 ** 11 + column;
  return line < 2 ** 20 ? 2 ** 30 + line * 2 ** 32 + column : undefined;
}

/**
 * How facts are kept on model objects (RouteFacts on a route, a HeaderIndex on a responder): in a
 * private field stamped onto the object, invisible to JSON, spreads, property enumeration and
 * deep equality, and several times cheaper to reach than a WeakMap entry (rules reach these
 * dozens of times per route). The facts are about one list of the object (a route's responders,
 * a responder's headers): a list that is replaced or grows starts over. A copy (`{ ...route }`)
 * starts without them; a frozen object keeps them in a WeakMap. A base constructor that returns
 * the object it is given (this class) lets a subclass add a private field to that object.
 *
 * The two stamps below are written out rather than made by one factory: code shared by both
 * would see the shapes of routes and of responders at each property access and fall back to
 * V8's slowest (megamorphic) lookups, and the function each exports is the only call per question.
 */
class Carrier {
  constructor(target: object) {
    return target;
  }
}

const NO_HEADERS: readonly HeaderRule[] = Object.freeze([]);

/**
 * Headers named `name` that a responder sends on success (2xx/3xx), on error (4xx/5xx), or (no
 * phase) at all, in declaration order. The array may be shared: read it, never change it.
 */
export function headersNamed(responder: Responder, name: string, phase?: 'success' | 'error'): readonly HeaderRule[] {
  // rules ask with the lower-case constants themselves: found by identity before the memo is asked
  let slot = INDEXED_NAMES.indexOf(name);
  if (slot < 0) slot = indexedSlot(name);
  if (slot >= 0) return headerIndex(responder).lists[(phase === 'success' ? SUCCESS : phase === 'error' ? ERROR : ALL) + slot]!;
  let out: HeaderRule[] | undefined;
  const headers = responder.headers;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i]!;
    if (!sameHeaderName(h.name, name) || (phase === 'success' && !h.onSuccess) || (phase === 'error' && !h.onErrors)) continue;
    if (out === undefined) out = [h];
    else out.push(h);
  }
  return out ?? NO_HEADERS;
}

/** The names rules look up on every responder: the CORS response headers and Vary. */
const INDEXED_NAMES: readonly string[] = [...CORS_RESPONSE_HEADERS, 'vary'];

/** A header name's place in INDEXED_NAMES (-1: none), per name as written: a config spells the same few names on every responder. */
const indexedSlot = memoByText((name) => INDEXED_NAMES.findIndex((n) => n.length === name.length && sameHeaderName(n, name)), 1000);

/** Offsets of the three lists of a HeaderIndex: every header of a name, those sent on success, those sent on error. */
const ALL = 0;
const SUCCESS = INDEXED_NAMES.length;
const ERROR = 2 * INDEXED_NAMES.length;
const NO_LISTS: readonly (readonly HeaderRule[])[] = new Array<readonly HeaderRule[]>(3 * INDEXED_NAMES.length).fill(NO_HEADERS);

/**
 * A responder's headers of each INDEXED_NAMES name, sorted out in one pass over its headers on
 * first use: rules ask every responder for the same few names again and again, and each such
 * question compared every header name (case-insensitively) anew.
 */
class HeaderIndex {
  /** the headers indexed */
  readonly list: readonly HeaderRule[];
  readonly length: number;
  /** at ALL/SUCCESS/ERROR + slot: the headers of that name (and phase), in declaration order; NO_LISTS (shared) while there are none */
  lists: readonly (readonly HeaderRule[])[];
  /** mayAllowCredentials on success (null: none; undefined: not asked yet) */
  credentialsOnSuccess: HeaderRule | null | undefined;
  /** mayAllowCredentials on error */
  credentialsOnError: HeaderRule | null | undefined;

  constructor(headers: readonly HeaderRule[]) {
    // fields are set here rather than by initializers: those run as a function of their own per instance
    this.list = headers;
    this.length = headers.length;
    this.lists = NO_LISTS;
    this.credentialsOnSuccess = undefined;
    this.credentialsOnError = undefined;
    let everyOnSuccess = true;
    let everyOnErrors = true;
    let someOnErrors = false;
    for (let i = 0; i < headers.length; i++) {
      const h = headers[i]!;
      const slot = indexedSlot(h.name);
      if (slot < 0) continue;
      this.add(ALL + slot, h);
      if (!h.onSuccess) everyOnSuccess = false;
      if (h.onErrors) someOnErrors = true;
      else everyOnErrors = false;
    }
    if (this.lists === NO_LISTS) return;
    // Usually every header is sent on success, and on errors all or none are: a phase's lists are
    // then the ALL lists themselves (or none), not copies.
    const lists = this.lists as (readonly HeaderRule[])[];
    for (let slot = 0; slot < INDEXED_NAMES.length; slot++) {
      const all = lists[ALL + slot]!;
      if (all === NO_HEADERS) continue;
      lists[SUCCESS + slot] = everyOnSuccess ? all : sentOn(all, 'success');
      if (someOnErrors) lists[ERROR + slot] = everyOnErrors ? all : sentOn(all, 'error');
    }
  }

  private add(at: number, h: HeaderRule): void {
    // many responders send none of the indexed names: they keep the shared empty lists
    if (this.lists === NO_LISTS) this.lists = NO_LISTS.slice();
    const lists = this.lists as (readonly HeaderRule[])[];
    const list = lists[at]!;
    if (list === NO_HEADERS) lists[at] = [h];
    else (list as HeaderRule[]).push(h);
  }
}

/** The headers of a list sent in a phase (the shared empty list if none). */
function sentOn(headers: readonly HeaderRule[], phase: 'success' | 'error'): readonly HeaderRule[] {
  const sent = headers.filter((h) => (phase === 'success' ? h.onSuccess : h.onErrors));
  return sent.length > 0 ? sent : NO_HEADERS;
}

/** Whether a responder sends any CORS response header (on success, on error, or at all). */
export function sendsCorsHeader(responder: Responder, phase?: 'success' | 'error'): boolean {
  const lists = headerIndex(responder).lists;
  const from = phase === 'success' ? SUCCESS : phase === 'error' ? ERROR : ALL;
  for (let slot = 0; slot < CORS_RESPONSE_HEADERS.length; slot++) if (lists[from + slot]!.length > 0) return true;
  return false;
}

/** A responder's HeaderIndex, on the responder (see Carrier). */
class IndexStamp extends Carrier {
  #index: HeaderIndex;

  private constructor(responder: Responder, index: HeaderIndex) {
    super(responder);
    this.#index = index;
  }

  static of(responder: Responder): HeaderIndex {
    const headers = responder.headers;
    const stamped = #index in responder;
    const known = stamped ? (responder as unknown as IndexStamp).#index : frozenIndexes.get(responder);
    if (known !== undefined && known.list === headers && known.length === headers.length) return known;
    const fresh = new HeaderIndex(headers);
    if (stamped) (responder as unknown as IndexStamp).#index = fresh;
    else if (Object.isExtensible(responder)) new IndexStamp(responder, fresh);
    else frozenIndexes.set(responder, fresh);
    return fresh;
  }
}

const frozenIndexes = new WeakMap<Responder, HeaderIndex>();
const headerIndex = IndexStamp.of;

export function handlesMethod(responder: Responder, method: string): boolean {
  return responder.methods === '*' || responder.methods.includes(method);
}

/** The responder that answers a request with this method (first match wins), if any. */
export function responderFor(route: Route, method: string): Responder | undefined {
  if (method === 'OPTIONS') return preflightResponder(route);
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) if (handlesMethod(responders[i]!, method)) return responders[i];
  return undefined;
}

/**
 * Facts about one route that rules ask for again and again (every rule walks every route),
 * computed on first use. The model is immutable once a source built it; a responder list that
 * is replaced or grows starts over. The fields below `actual` belong to preflight.ts.
 */
export class RouteFacts {
  /** the responders these facts are about */
  readonly list: readonly Responder[];
  readonly length: number;
  /** null: no responder handles OPTIONS */
  preflight: Responder | null | undefined;
  actual: readonly Responder[] | undefined;
  answer: PreflightAnswer | undefined;
  served: readonly string[] | undefined;
  /** neededRequestHeaders for the clients `neededFor` (undefined: not asked yet) */
  neededFor: readonly ClientHeaders[] | undefined;
  needed: readonly NeededHeader[] | undefined;
  methodsList: PreflightList | undefined;
  headersList: PreflightList | undefined;
  /** null: none */
  credentials: HeaderRule | null | undefined;
  hasCors: boolean | undefined;
  /** calledCrossOrigin for the route list `crossFor` */
  crossFor: readonly Route[] | undefined;
  cross: boolean;
  /** preflightReason for the clients `reasonFor` */
  reasonFor: readonly ClientHeaders[] | undefined;
  reason: string | undefined;

  constructor(responders: readonly Responder[]) {
    // every field is set here, in one order, so that all facts objects share one shape (and no
    // initializer function runs per route); a pair of fields per argument-dependent fact keeps
    // its argument and its value without an object per route
    this.list = responders;
    this.length = responders.length;
    this.preflight = undefined;
    this.actual = undefined;
    this.answer = undefined;
    this.served = undefined;
    this.neededFor = undefined;
    this.needed = undefined;
    this.methodsList = undefined;
    this.headersList = undefined;
    this.credentials = undefined;
    this.hasCors = undefined;
    this.crossFor = undefined;
    this.cross = false;
    this.reasonFor = undefined;
    this.reason = undefined;
  }
}

/** A route's facts, on the route (see Carrier). */
class FactsStamp extends Carrier {
  #facts: RouteFacts;

  private constructor(route: Route, facts: RouteFacts) {
    super(route);
    this.#facts = facts;
  }

  static of(route: Route): RouteFacts {
    const responders = route.responders;
    const stamped = #facts in route;
    const known = stamped ? (route as unknown as FactsStamp).#facts : frozenFacts.get(route);
    if (known !== undefined && known.list === responders && known.length === responders.length) return known;
    const fresh = new RouteFacts(responders);
    if (stamped) (route as unknown as FactsStamp).#facts = fresh;
    else if (Object.isExtensible(route)) new FactsStamp(route, fresh);
    else frozenFacts.set(route, fresh);
    return fresh;
  }
}

const frozenFacts = new WeakMap<Route, RouteFacts>();
export const routeFacts = FactsStamp.of;

/** The responder that answers the preflight (an OPTIONS request). */
export function preflightResponder(route: Route): Responder | undefined {
  const f = routeFacts(route);
  if (f.preflight === undefined) f.preflight = findPreflightResponder(route.responders);
  return f.preflight ?? undefined;
}

function findPreflightResponder(responders: readonly Responder[]): Responder | null {
  for (let i = 0; i < responders.length; i++) if (handlesMethod(responders[i]!, 'OPTIONS')) return responders[i]!;
  return null;
}

/** Responders for non-OPTIONS requests (shared between callers: read it, never change it). */
export function actualResponders(route: Route): readonly Responder[] {
  const f = routeFacts(route);
  return (f.actual ??= findActualResponders(route.responders));
}

function findActualResponders(responders: readonly Responder[]): readonly Responder[] {
  // when every responder serves some other method, the list is the route's own (no copy)
  for (let i = 0; i < responders.length; i++) if (!servesNonOptions(responders[i]!)) return responders.filter(servesNonOptions);
  return responders;
}

/** Whether a responder handles some method other than OPTIONS (else it answers only preflights). */
export function servesNonOptions(r: Responder): boolean {
  const methods = r.methods;
  if (methods === '*') return true;
  for (let i = 0; i < methods.length; i++) if (methods[i] !== 'OPTIONS') return true;
  return false;
}

/** Whether a responder can send `Access-Control-Allow-Credentials: true` (literally, or for some origins). */
export function mayAllowCredentials(responder: Responder, phase: 'success' | 'error' = 'success'): HeaderRule | undefined {
  // many rules ask this of every responder: kept with its header index
  const index = headerIndex(responder);
  if (phase === 'success') {
    if (index.credentialsOnSuccess === undefined) index.credentialsOnSuccess = computeMayAllowCredentials(responder, phase) ?? null;
    return index.credentialsOnSuccess ?? undefined;
  }
  if (index.credentialsOnError === undefined) index.credentialsOnError = computeMayAllowCredentials(responder, phase) ?? null;
  return index.credentialsOnError ?? undefined;
}

function computeMayAllowCredentials(responder: Responder, phase: 'success' | 'error'): HeaderRule | undefined {
  const named = headersNamed(responder, 'access-control-allow-credentials', phase);
  for (let i = 0; i < named.length; i++) {
    const h = named[i]!;
    const v = h.value;
    if (v.kind === 'literal') {
      if (v.text === 'true') return h;
    } else if (v.kind === 'by-origin') {
      if (v.cases.some((c) => isTrue(c.then)) || isTrue(v.otherwise)) return h;
    }
  }
  return undefined;
}

function isTrue(o: OriginOutcome): boolean {
  return o !== null && o.kind === 'literal' && o.text === 'true';
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
