/**
 * What a route does with a CORS preflight, read from the model: who answers OPTIONS and how,
 * which methods and request headers the route needs browsers to get through, and the
 * Allow-Methods / Allow-Headers lists the preflight response carries. Shared by the Preflight
 * rules; every helper says `unknown` rather than guessing when a backend decides.
 */
import type { AuthRequirement, HeaderRule, HeaderValue, Redirect, Responder, Route, Span } from './types.js';
import { actualResponders, browserFacing, headersNamed, isCorsHeader, mayAllowCredentials, preflightResponder, responderFor, routeFacts, sameHeaderName, sendsCorsHeader } from './query.js';
import {
  headerNeedsAllowEntry,
  looksTemplated,
  methodForcesPreflight,
  normalizeMethod,
  parseTokenList,
  singleQuotedItems,
} from './header-list.js';
import { valueForOrigin } from './origin.js';
import { memoByText } from './memo.js';

/** The part of a configured client (`clients:` in the config) these helpers read. */
export interface ClientHeaders {
  name: string;
  origin?: string;
  headers?: string[];
}

export const ALLOW_ORIGIN = 'access-control-allow-origin';
export const ALLOW_CREDENTIALS = 'access-control-allow-credentials';
export const ALLOW_METHODS = 'access-control-allow-methods';
export const ALLOW_HEADERS = 'access-control-allow-headers';
export const EXPOSE_HEADERS = 'access-control-expose-headers';
export const MAX_AGE = 'access-control-max-age';

/** How the preflight (an OPTIONS request) of a route is answered, as far as the config tells. */
export type PreflightAnswer =
  /** the CDN in front rejects OPTIONS before anything else sees it */
  | { kind: 'cdn-blocked'; methods: string[]; span?: Span }
  /** no responder handles OPTIONS at all */
  | { kind: 'none' }
  /** a responder handles OPTIONS but nothing is behind it (REST resource without an OPTIONS method) */
  | { kind: 'nobody'; responder: Responder }
  | { kind: 'redirect'; responder: Responder; redirect: Redirect }
  /** the gateway answers with a status it fixes (`return 204`, a MOCK integration) */
  | { kind: 'status'; responder: Responder; code: number; span?: Span }
  /** a backend decides (proxy, Lambda proxy): the linter does not guess */
  | { kind: 'backend'; responder: Responder }
  | { kind: 'unknown'; responder: Responder; reason: string };

const NO_CLIENTS: readonly ClientHeaders[] = Object.freeze([]);

export function preflightAnswer(route: Route): PreflightAnswer {
  const m = routeFacts(route);
  return (m.answer ??= computePreflightAnswer(route));
}

function computePreflightAnswer(route: Route): PreflightAnswer {
  const allowed = route.cdn?.allowedMethods;
  if (allowed && !allowed.methods.some((m) => m.toUpperCase() === 'OPTIONS')) {
    return { kind: 'cdn-blocked', methods: allowed.methods, span: allowed.span };
  }
  const responder = preflightResponder(route);
  if (!responder) return { kind: 'none' };
  if (responder.answeredBy === 'nobody') return { kind: 'nobody', responder };
  if (responder.redirect) return { kind: 'redirect', responder, redirect: responder.redirect };
  const status = responder.status;
  if (status.kind === 'fixed') return { kind: 'status', responder, code: status.code, span: status.span };
  if (status.kind === 'backend') return { kind: 'backend', responder };
  return { kind: 'unknown', responder, reason: status.reason };
}

/**
 * The route's own method list leaves OPTIONS out and OPTIONS is rejected with 4xx/5xx (nginx
 * `limit_except GET POST { deny all; }`, a REST resource without an OPTIONS method): OPTIONS is
 * not handled at all, as opposed to answered badly.
 */
export function optionsNotServed(route: Route, answer: PreflightAnswer = preflightAnswer(route)): boolean {
  if (answer.kind !== 'status' || answer.code < 400) return false;
  const methods = route.match.methods;
  return methods !== '*' && !methods.some((m) => m.toUpperCase() === 'OPTIONS');
}

export function isOkStatus(code: number): boolean {
  return code >= 200 && code <= 299;
}

/**
 * The responder when the gateway itself answers the preflight with a 2xx and the route's config
 * was read completely: the only case in which the linter knows every header of the preflight response.
 */
export function gatewayAnswersPreflightOk(route: Route): Responder | undefined {
  // An unread include may add headers to it: then the linter knows only part of the response.
  if (route.incomplete?.length) return undefined;
  const answer = preflightAnswer(route);
  if (answer.kind !== 'status' || !isOkStatus(answer.code)) return undefined;
  return answer.responder.answeredBy === 'gateway' || answer.responder.backend?.emitsCors === 'no' ? answer.responder : undefined;
}

/** A responder that actually serves its requests (not a rejection, redirect or empty slot). */
export function servesRequests(responder: Responder): boolean {
  if (responder.answeredBy === 'nobody' || responder.redirect) return false;
  return !(responder.status.kind === 'fixed' && responder.status.code >= 300);
}

/** The non-OPTIONS methods a route explicitly serves (empty when it serves "any method"); shared: never change it. */
export function servedMethods(route: Route): readonly string[] {
  const m = routeFacts(route);
  return (m.served ??= computeServedMethods(route));
}

function computeServedMethods(route: Route): string[] {
  // a handful of names per route: a list that skips repeats costs less than a Set
  const out: string[] = [];
  const own = route.match.methods;
  if (own !== '*') for (let i = 0; i < own.length; i++) addMethod(out, own[i]!);
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) {
    const methods = responders[i]!.methods;
    if (methods === '*' || !servesRequests(responders[i]!)) continue;
    for (let j = 0; j < methods.length; j++) addMethod(out, methods[j]!);
  }
  return out;
}

function addMethod(out: string[], method: string): void {
  if (method !== 'OPTIONS' && !out.includes(method)) out.push(method);
}

/** Whether requests with this method reach a responder that serves them (not a 405/403 or a redirect). */
function mayServe(route: Route, method: string): boolean {
  const r = responderFor(route, normalizeMethod(method));
  return r !== undefined && servesRequests(r);
}

/** A request header the route needs browsers to send, and why. */
export interface NeededHeader {
  name: string;
  reason: string;
  span?: Span;
}

/**
 * Request headers an authentication mechanism reads (from what the model says, never guessed).
 * Shared arrays (asked for every route's auth): read them, never change them.
 */
export function headersReadBy(auth: AuthRequirement): readonly string[] {
  switch (auth.mechanism) {
    case 'authorization-header':
    case 'basic':
      return onlyText(auth.header ?? 'Authorization');
    case 'iam':
      return [...new Set([auth.header ?? 'Authorization', 'X-Amz-Date', 'X-Amz-Security-Token'])];
    case 'api-key':
      return onlyText(auth.header ?? 'X-Api-Key');
    case 'cookie':
    case 'mtls':
    case 'ip-allowlist':
    case 'none':
      return NO_NAMES;
    default:
      return auth.header ? onlyText(auth.header) : NO_NAMES;
  }
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * Request headers the route's clients must send and the preflight must allow: those the source
 * derived from the route's auth, those the auth of the actual methods reads, `Content-Type` for
 * JSON bodies, and what configured clients send. Safelisted and browser-controlled names are left
 * out; duplicates (case-insensitive) keep the first reason.
 */
export function neededRequestHeaders(route: Route, clients: readonly ClientHeaders[] = NO_CLIENTS): readonly NeededHeader[] {
  // every empty client list gives the same answer: one cache entry for them all
  if (clients.length === 0) clients = NO_CLIENTS;
  const m = routeFacts(route);
  if (m.neededFor !== clients) {
    m.needed = computeNeededRequestHeaders(route, clients);
    m.neededFor = clients;
  }
  return m.needed!;
}

function computeNeededRequestHeaders(route: Route, clients: readonly ClientHeaders[]): NeededHeader[] {
  // asked of every route: a name is checked before its entry (and reason text) is made
  const out: NeededHeader[] = [];
  const required = route.requiredRequestHeaders;
  if (required !== undefined) {
    for (let i = 0; i < required.length; i++) {
      const h = required[i]!;
      if (isNewNeed(out, h.name)) out.push({ name: h.name, reason: h.reason, span: h.span });
    }
  }
  const actual = actualResponders(route);
  for (let i = 0; i < actual.length; i++) {
    const r = actual[i]!;
    if (r.auth.length === 0 || !servesRequests(r)) continue;
    for (let j = 0; j < r.auth.length; j++) {
      const auth = r.auth[j]!;
      const names = headersReadBy(auth);
      for (let k = 0; k < names.length; k++) {
        const name = names[k]!;
        if (isNewNeed(out, name)) out.push({ name, reason: `${auth.description} reads it`, span: auth.span });
      }
    }
  }
  if (route.takesJson && isNewNeed(out, 'Content-Type')) out.push({ name: 'Content-Type', reason: 'the route takes JSON bodies' });
  for (let i = 0; i < clients.length; i++) {
    const c = clients[i]!;
    if (c.origin !== undefined && !mayServeOrigin(route, c.origin)) continue;
    for (const name of c.headers ?? []) if (isNewNeed(out, name)) out.push({ name, reason: `client ${c.name} sends it` });
  }
  return out;
}

/** Whether a request header needs an Allow-Headers entry and is not among those found so far (case-insensitive; the first reason stays). */
function isNewNeed(found: readonly NeededHeader[], name: string): boolean {
  if (!headerNeedsAllowEntry(name)) return false;
  for (let i = 0; i < found.length; i++) if (sameHeaderName(found[i]!.name, name)) return false;
  return true;
}

/**
 * False when the route's CORS answers certainly do not admit this origin (a client of another
 * route): every Allow-Origin it sends is absent or another origin for it. Unknown counts as admitted.
 */
export function mayServeOrigin(route: Route, origin: string): boolean {
  const acao = route.responders.flatMap((r) => headersNamed(r, ALLOW_ORIGIN, 'success'));
  if (acao.length === 0) return true;
  return acao.some((h) => {
    const v = valueForOrigin(h.value, origin);
    return v.kind === 'unknown' || (v.kind === 'text' && (v.text.trim() === '*' || v.text.trim() === origin));
  });
}

/** The literal texts a value can take (by-origin outcomes included); undefined if any is not literal. Shared: never change it. */
export function literalTexts(value: HeaderValue): readonly string[] | undefined {
  if (value.kind !== 'by-origin') return value.kind === 'literal' ? onlyText(value.text) : undefined;
  let texts = literalTextsCache.get(value);
  if (texts === undefined) {
    texts = computeLiteralTexts(value) ?? null;
    literalTextsCache.set(value, texts);
  }
  return texts ?? undefined;
}

const literalTextsCache = new WeakMap<HeaderValue, readonly string[] | null>();

/** `[text]`, one shared array per text: rules ask for the texts of every header of every route. */
const onlyText = memoByText((text): readonly string[] => [text]);

function computeLiteralTexts(value: HeaderValue): string[] | undefined {
  if (value.kind === 'literal') return [value.text];
  if (value.kind !== 'by-origin') return undefined;
  const texts: string[] = [];
  for (const o of [...value.cases.map((c) => c.then), value.otherwise]) {
    if (o === null) continue;
    if (o.kind !== 'literal') return undefined;
    texts.push(o.text);
  }
  return texts;
}

/** An Allow-Methods / Allow-Headers list as the preflight response carries it. */
export type PreflightList =
  /** the linter cannot tell (a backend answers, or a value is computed) */
  | { kind: 'unknown' }
  /** the gateway answers and sends no such header */
  | { kind: 'absent'; responder: Responder }
  /** a value is not a valid token list (`invalid-header-list` reports it) */
  | { kind: 'invalid'; responder: Responder }
  /** `items` may be shared with other routes' lists: read it, never change it */
  | { kind: 'list'; responder: Responder; items: readonly string[]; rules: readonly HeaderRule[] };

/**
 * The Allow-Methods or Allow-Headers list of a route's preflight response. Gateway-declared values
 * are read even when a backend answers (the gateway adds them to its 2xx); when a backend answers
 * and the gateway declares nothing, the list is unknown.
 */
export function preflightList(route: Route, headerName: typeof ALLOW_METHODS | typeof ALLOW_HEADERS): PreflightList {
  const m = routeFacts(route);
  if (headerName === ALLOW_METHODS) return (m.methodsList ??= computePreflightList(route, headerName));
  if (headerName === ALLOW_HEADERS) return (m.headersList ??= computePreflightList(route, headerName));
  return computePreflightList(route, headerName);
}

function computePreflightList(route: Route, headerName: string): PreflightList {
  const answer = preflightAnswer(route);
  if (answer.kind === 'cdn-blocked' || answer.kind === 'none' || answer.kind === 'nobody') return { kind: 'unknown' };
  // Headers in an unread include might complete the list: claim nothing about it.
  if (route.incomplete?.length) return { kind: 'unknown' };
  const responder = answer.responder;
  const rules = headersNamed(responder, headerName, 'success');
  // The gateway only fills in for a backend that does not send it: the backend's list is unknown.
  if (responder.answeredBy === 'backend' && rules.some((r) => r.unlessBackendSends?.length)) return { kind: 'unknown' };
  if (rules.length === 0) {
    if (gatewayAnswersPreflightOk(route) !== responder) return { kind: 'unknown' };
    // An answer without Allow-Origin fails before any list is read: preflight-missing-allow-origin says so once.
    if (headersNamed(responder, ALLOW_ORIGIN, 'success').length === 0) return { kind: 'unknown' };
    return { kind: 'absent', responder };
  }
  // usually one text: its items as listValueItems keeps them (no copy per route)
  let items: readonly string[] | undefined;
  let joined: string[] | undefined;
  for (let i = 0; i < rules.length; i++) {
    const texts = literalTexts(rules[i]!.value);
    if (!texts) return { kind: 'unknown' };
    for (let j = 0; j < texts.length; j++) {
      const read = listValueItems(texts[j]!);
      if (read === 'templated') return { kind: 'unknown' };
      if (read === 'invalid') return { kind: 'invalid', responder };
      if (items === undefined) items = read;
      else (joined ??= items.slice()).push(...read);
    }
  }
  return { kind: 'list', responder, items: joined ?? items ?? [], rules };
}

/**
 * One Allow-Methods / Allow-Headers text as computePreflightList reads it: a template placeholder,
 * not a valid list (a parse failure, or items in single quotes), or its items. Kept per text: a
 * config repeats one list on many routes. Shared: never change it.
 */
const listValueItems = memoByText((text): readonly string[] | 'templated' | 'invalid' => {
  if (looksTemplated(text)) return 'templated';
  const parsed = parseTokenList(text);
  if (!parsed.ok || singleQuotedItems(parsed.items).length > 0) return 'invalid';
  return parsed.items;
});

/** Where a finding about a preflight list belongs: its value, or the responder when it is absent. */
export function listSpan(list: Extract<PreflightList, { kind: 'absent' | 'list' }>): Span {
  if (list.kind === 'absent') return list.responder.span;
  const first = list.rules[0]!;
  return first.valueSpan ?? first.span;
}

/** The list as a browser would read it, for messages: `Content-Type, X-Custom` or `(none)`. */
export function describeList(list: Extract<PreflightList, { kind: 'absent' | 'list' }>): string {
  return list.kind === 'absent' || list.items.length === 0 ? 'nothing' : list.items.join(', ');
}

/** The header rule that lets credentialed requests through on this route (preflight or actual), if any. */
export function credentialsAllowed(route: Route): HeaderRule | undefined {
  const m = routeFacts(route);
  if (m.credentials === undefined) m.credentials = computeCredentialsAllowed(route) ?? null;
  return m.credentials ?? undefined;
}

function computeCredentialsAllowed(route: Route): HeaderRule | undefined {
  const pre = preflightResponder(route);
  if (pre) {
    const h = mayAllowCredentials(pre);
    if (h) return h;
  }
  const actual = actualResponders(route);
  for (let i = 0; i < actual.length; i++) {
    const h = mayAllowCredentials(actual[i]!);
    if (h) return h;
  }
  return undefined;
}

/** Whether a route's own configuration shows it is called cross-origin (it sends any CORS header). */
export function routeHasCors(route: Route): boolean {
  const m = routeFacts(route);
  return (m.hasCors ??= computeRouteHasCors(route));
}

function computeRouteHasCors(route: Route): boolean {
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) if (sendsCorsHeader(responders[i]!) || responders[i]!.backend?.emitsCors === 'yes') return true;
  const errors = route.gatewayErrors;
  if (errors === undefined) return false;
  for (let i = 0; i < errors.length; i++) {
    const headers = errors[i]!.headers;
    for (let j = 0; j < headers.length; j++) if (isCorsHeader(headers[j]!.name)) return true;
  }
  return false;
}

/**
 * Whether browsers call this route cross-origin, as far as the config shows: the route sends CORS
 * headers, or another route of the same API does (`Route.group`). Without that (an admin
 * location behind basic auth, nginx's fallback for unmatched paths), preflight findings would be
 * noise; configured clients do not change it, since they can only use routes that answer CORS.
 */
export function calledCrossOrigin(route: Route, all: readonly Route[]): boolean {
  const m = routeFacts(route);
  if (m.crossFor !== all) {
    m.cross = computeCalledCrossOrigin(route, all);
    m.crossFor = all;
  }
  return m.cross;
}

function computeCalledCrossOrigin(route: Route, all: readonly Route[]): boolean {
  if (!browserFacing(route, all)) return false;
  if (routeHasCors(route)) return true;
  if (route.group === undefined) return false;
  return groupsWithCors(all).has(route.group);
}

/** Groups (APIs) with a route that has CORS, computed once per route list: asking per route was quadratic on APIs without CORS. */
const corsGroups = new WeakMap<readonly Route[], Set<string>>();
function groupsWithCors(all: readonly Route[]): Set<string> {
  let set = corsGroups.get(all);
  if (!set) {
    set = new Set();
    for (let i = 0; i < all.length; i++) {
      const r = all[i]!;
      if (r.group !== undefined && !set.has(r.group) && routeHasCors(r)) set.add(r.group);
    }
    corsGroups.set(all, set);
  }
  return set;
}

/**
 * Why browsers preflight requests to this route (first reason found), or undefined when nothing
 * in the config forces one: a non-safelisted method, a header that must be allowed, or CORS lists
 * that announce such methods or headers.
 */
export function preflightReason(route: Route, clients: readonly ClientHeaders[] = NO_CLIENTS): string | undefined {
  if (clients.length === 0) clients = NO_CLIENTS;
  const m = routeFacts(route);
  if (m.reasonFor !== clients) {
    m.reason = computePreflightReason(route, clients);
    m.reasonFor = clients;
  }
  return m.reason;
}

function computePreflightReason(route: Route, clients: readonly ClientHeaders[]): string | undefined {
  const method = servedMethods(route).find(methodForcesPreflight);
  if (method) return `it serves ${normalizeMethod(method)}`;
  const header = neededRequestHeaders(route, clients)[0];
  if (header) return `requests carry ${header.name} (${header.reason})`;
  // Lists declared for the whole server also reach routes that serve only files (nginx's static
  // handler): there they announce nothing the route serves.
  let onlyFiles: boolean | undefined;
  for (const r of route.responders) {
    for (const h of r.headers) {
      // only the two lists announce anything: other headers are not read (nor parsed)
      const methods = sameHeaderName(h.name, ALLOW_METHODS);
      if (!methods && !sameHeaderName(h.name, ALLOW_HEADERS)) continue;
      if (!methods && (onlyFiles ??= servesOnlyFiles(route))) continue;
      const texts = literalTexts(h.value) ?? [];
      for (const text of texts) {
        const parsed = parseTokenList(text);
        if (!parsed.ok) continue;
        if (methods) {
          const m = parsed.items.find((i) => i !== '*' && i.toUpperCase() !== 'OPTIONS' && methodForcesPreflight(i) && mayServe(route, i));
          if (m) return `its Access-Control-Allow-Methods announces ${m}`;
        } else {
          const n = parsed.items.find((i) => i !== '*' && headerNeedsAllowEntry(i));
          if (n) return `its Access-Control-Allow-Headers announces ${n}`;
        }
      }
    }
  }
  return undefined;
}

/** Whether every responder that serves the route's requests is nginx's static file handler (and there is one). */
function servesOnlyFiles(route: Route): boolean {
  const serving = actualResponders(route).filter(servesRequests);
  return serving.length > 0 && serving.every((r) => r.backend?.kind === 'static');
}

/** A status for messages: `401 Unauthorized`, `a 301 redirect`. */
export function statusText(code: number): string {
  const names: Record<number, string> = {
    301: 'a 301 redirect', 302: 'a 302 redirect', 303: 'a 303 redirect', 307: 'a 307 redirect', 308: 'a 308 redirect',
    400: '400 Bad Request', 401: '401 Unauthorized', 403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed',
    500: '500 Internal Server Error', 501: '501 Not Implemented', 502: '502 Bad Gateway', 503: '503 Service Unavailable',
  };
  return names[code] ?? `status ${code}`;
}
