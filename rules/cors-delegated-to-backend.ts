import type { Rule } from '../src/engine/rule.js';
import { headersNamed, isCorsHeader, mayAllowCredentials, preflightResponder, sameHeaderName, servesNonOptions } from '../src/model/query.js';
import type { Backend, HeaderRule, HeaderValue, Responder, Route, Span } from '../src/model/types.js';
import { SpanGroups, routeNames, where } from './lib/grouping.js';

/**
 * Part of a route's CORS is declared in the config (a preflight answer, headers on other
 * methods) while another part is left to a backend the linter cannot read (a proxied app, a
 * Lambda proxy integration). Nothing is wrong yet, but the backend must hold up its end, and the
 * finding says exactly what it must send.
 */
const rule: Rule = {
  meta: {
    id: 'cors-delegated-to-backend',
    severity: 'info',
    description:
      'CORS for a route is produced by code the linter cannot see (Lambda proxy integration, HTTP proxy without static headers); says what the backend must return',
  },
  check(context) {
    const groups = new SpanGroups<Delegation>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) addDelegations(all[n]!, groups);
    // Only the first route at a span words the finding.
    for (const { span, items } of groups.list()) {
      context.report({ span, message: describe(items[0]!, span, routeNames(items.map((i) => i.route.name))) });
    }
  },
};

export default rule;

/**
 * The responders of a route that leave CORS to a backend while its config declares CORS elsewhere
 * (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left).
 */
function addDelegations(route: Route, groups: SpanGroups<Delegation>): void {
  // Unread includes may add the headers this rule would call missing.
  if (route.incomplete?.length) return;
  const responders = route.responders;
  // looked up once a responder leaves CORS to a backend (most routes have none such)
  let declared: HeaderRule | null | undefined;
  let preflight: Responder | undefined;
  let siblingCors: boolean | undefined;
  for (let index = 0; index < responders.length; index++) {
    const responder = responders[index]!;
    const backend = responder.backend;
    if (responder.answeredBy !== 'backend' || !backend) continue;
    if (backend.emitsCors === 'no' || backend.gatewayOverridesCors === true) continue;
    if (NO_CODE.has(backend.kind)) continue;
    if (gatewaySendsOrigin(responder)) continue;
    if (declared === undefined) {
      declared = declaredCors(route) ?? null;
      preflight = preflightResponder(route);
    }
    if (declared === null) return;
    // Lost to add_header inheritance: cors-headers-dropped-by-inheritance says so, as an error.
    if (droppedOrigin(route, index)) continue;
    const answersPreflight = responder === preflight;
    // Other actual methods get CORS from the gateway: the methods left over here (HEAD, PATCH
    // on a route that sets CORS for GET/POST only) are not meant for cross-origin use.
    // (This responder sends no ACAO of the gateway's, so it never counts itself.)
    siblingCors ??= someActualGetsGatewayOrigin(responders);
    const answersActual = !siblingCors && servesNonOptions(responder);
    if (!answersActual && !answersPreflight) continue;
    groups.add(backend.span ?? responder.span, { route, responder, backend, declared, preflight, answersActual, answersPreflight });
  }
}

const ACAO = 'access-control-allow-origin';
/** Backends that run no code of the user's: they never produce CORS headers. */
const NO_CODE = new Set(['static', 'mock', 'none']);

/** A responder that leaves CORS to a backend, on a route whose config declares CORS elsewhere. */
interface Delegation {
  route: Route;
  responder: Responder;
  backend: Backend;
  /** the route's own CORS declaration */
  declared: HeaderRule;
  preflight: Responder | undefined;
  answersActual: boolean;
  answersPreflight: boolean;
}

function describe(d: Delegation, span: Span, routes: string): string {
  const { route, responder, declared, preflight, answersPreflight } = d;
  const what: string[] = [];
  if (d.answersActual) what.push(actualNeeds(route, declared));
  if (answersPreflight) what.push(preflightNeeds());
  const declaredFor = preflight && preflight !== responder && preflight.headers.includes(declared) ? ' for the preflight' : '';
  return (
    `CORS for ${requestsOf(responder, answersPreflight)} on ${routes} is left to ${d.backend.description}, which the linter cannot read, ` +
    `while the config itself declares CORS${declaredFor} (${where(declared.span, span)}). ${what.join(' ')}`
  );
}

function gatewaySendsOrigin(responder: Responder): boolean {
  const origins = headersNamed(responder, ACAO);
  for (let i = 0; i < origins.length; i++) {
    const h = origins[i]!;
    if (h.addedBy === 'gateway') return true;
  }
  return false;
}

/** Whether a responder that serves some method other than OPTIONS gets its ACAO from the gateway. */
function someActualGetsGatewayOrigin(responders: readonly Responder[]): boolean {
  for (let i = 0; i < responders.length; i++) if (servesNonOptions(responders[i]!) && gatewaySendsOrigin(responders[i]!)) return true;
  return false;
}

/** Whether the ACAO of the route's responder at this index was lost to add_header inheritance. */
function droppedOrigin(route: Route, index: number): boolean {
  const dropped = route.droppedHeaders;
  for (let i = 0; i < dropped.length; i++) {
    const d = dropped[i]!;
    if (d.responderIndex === index && sameHeaderName(d.header.name, ACAO)) return true;
  }
  return false;
}

/** The route's own CORS declaration that shows intent (its Allow-Origin first), if any. */
function declaredCors(route: Route): HeaderRule | undefined {
  const responders = route.responders;
  for (let i = 0; i < responders.length; i++) {
    const origins = headersNamed(responders[i]!, ACAO);
    for (let j = 0; j < origins.length; j++) if (origins[j]!.addedBy === 'gateway') return origins[j];
  }
  for (let i = 0; i < responders.length; i++) {
    const headers = responders[i]!.headers;
    for (let j = 0; j < headers.length; j++) if (headers[j]!.addedBy === 'gateway' && isCorsHeader(headers[j]!.name)) return headers[j];
  }
  return undefined;
}


function requestsOf(responder: Responder, answersPreflight: boolean): string {
  if (responder.methods === '*') return answersPreflight ? 'all requests, preflights included,' : 'the actual requests';
  return `${responder.methods.join('/')} requests`;
}

function describeValue(value: HeaderValue): string {
  switch (value.kind) {
    case 'literal':
      return value.text;
    case 'reflect':
      return '<the request Origin>';
    case 'by-origin':
      return '<the request Origin when it is allowed>';
    default:
      return '<the allowed origin>';
  }
}

/** `declared`: the route's own CORS declaration, its first Allow-Origin of the gateway's if it has one. */
function actualNeeds(route: Route, declared: HeaderRule): string {
  const origin = sameHeaderName(declared.name, ACAO) ? declared : undefined;
  const value = origin ? describeValue(origin.value) : '<the allowed origin>';
  const creds = someMayAllowCredentials(route.responders) ? ' and Access-Control-Allow-Credentials: true' : '';
  const vary = origin && origin.value.kind !== 'literal' ? ', with Vary: Origin' : '';
  return `It must return Access-Control-Allow-Origin: ${value}${creds} on every response, errors included${vary}, or browsers block the responses.`;
}

function someMayAllowCredentials(responders: readonly Responder[]): boolean {
  for (let i = 0; i < responders.length; i++) if (mayAllowCredentials(responders[i]!)) return true;
  return false;
}

function preflightNeeds(): string {
  return 'It must also answer OPTIONS preflights with a 2xx carrying Access-Control-Allow-Origin, -Methods and -Headers, or every preflighted request fails.';
}
