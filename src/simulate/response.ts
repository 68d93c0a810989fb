/**
 * What a route answers to one request, as far as the model tells: the responder, the status
 * (with the span that decides it) and every header line with its value for the request's
 * Origin. Unknowns stay unknown with their reason.
 */
import { valueForOrigin } from '../model/origin.js';
import { responderFor, sameHeaderName } from '../model/query.js';
import type { AuthRequirement, GatewayError, HeaderRule, Redirect, Responder, Route, Span } from '../model/types.js';
import type { EngineProfile } from './engines.js';

/** What the caller assumes about a backend (proxy, Lambda) the config cannot show. */
export interface BackendAssumption {
  status: number;
  /** header lines the backend sends (before the gateway hides any) */
  headers: { name: string; value: string }[];
}

export type PredictedStatus =
  | { kind: 'known'; code: number; why: string; span?: Span }
  /** the class is known (a backend that succeeds, an auth failure with no stated code) */
  | { kind: 'class'; cls: 'success' | 'error'; why: string; span?: Span }
  | { kind: 'unknown'; reason: string; span?: Span };

export interface PredictedHeader {
  name: string;
  value: { kind: 'text'; text: string } | { kind: 'unknown'; reason: string };
  /** false when the line may or may not be sent (a condition, an unknown status class) */
  certain: boolean;
  span?: Span;
  rule?: HeaderRule;
  from: 'gateway' | 'backend';
}

export interface PredictedResponse {
  responder?: Responder;
  status: PredictedStatus;
  headers: PredictedHeader[];
  redirect?: Redirect;
  /** the auth requirement that rejected the request, if any */
  rejectedBy?: AuthRequirement;
  /** a gateway error response that replaced the responder's headers (API Gateway) */
  gatewayError?: GatewayError;
  /** facts for the story */
  notes: string[];
}

export interface ResponseRequest {
  method: string;
  /** the Origin header value: a serialized origin or `null` */
  origin: string;
  /** header names the request carries (lowercase) */
  headerNames: string[];
  /** credentials (cookies, client certs, cached HTTP auth) are sent */
  credentials: boolean;
  isPreflight: boolean;
  /** what the backend answers, if the caller knows or assumes it */
  backend?: BackendAssumption;
}

/** Codes nginx's `add_header` (without `always`) applies to (ngx_http_headers_module). */
const NGINX_ADD_HEADER_CODES = [200, 201, 204, 206, 301, 302, 303, 304, 307, 308];

/** Whether a header rule is sent for this status: true, false, or undefined when the status does not tell. */
function appliesToStatus(rule: HeaderRule, status: PredictedStatus): boolean | undefined {
  if (rule.onSuccess && rule.onErrors) return true;
  if (!rule.onSuccess && !rule.onErrors) return false;
  if (status.kind === 'unknown') return undefined;
  if (status.kind === 'class') return status.cls === 'success' ? rule.onSuccess : rule.onErrors;
  const code = status.code;
  if (rule.onSuccess && rule.via === 'add_header') return NGINX_ADD_HEADER_CODES.includes(code);
  const success = code >= 200 && code < 400;
  return success ? rule.onSuccess : rule.onErrors;
}

function isAppWebviewOrigin(origin: string): boolean {
  return /^(capacitor|ionic):\/\//i.test(origin);
}

type AuthOutcome = { ok: true; note?: string } | { ok: false; why: string } | { ok: 'unknown'; reason: string };

/** Whether a request gets past one authentication requirement. */
function authOutcome(auth: AuthRequirement, req: ResponseRequest, engine: EngineProfile): AuthOutcome {
  const has = (h: string) => req.headerNames.includes(h.toLowerCase());
  const where = `${auth.description}`;
  if (req.isPreflight) {
    switch (auth.mechanism) {
      case 'none':
        return { ok: true };
      case 'ip-allowlist':
        return { ok: true, note: `${where}: assuming the client's address is allowed` };
      case 'subrequest':
        return { ok: 'unknown', reason: `${where} decides the preflight; it carries no credentials, so it passes only if the auth service lets anonymous OPTIONS through` };
      case 'unknown':
        return { ok: 'unknown', reason: `${where} checks the preflight in a way corslint cannot evaluate` };
      default:
        return { ok: false, why: `${where} requires credentials, but a preflight never carries cookies, Authorization or client certificates` };
    }
  }
  switch (auth.mechanism) {
    case 'none':
      return { ok: true };
    case 'ip-allowlist':
      return { ok: true, note: `${where}: assuming the client's address is allowed` };
    case 'authorization-header':
    case 'iam':
      return has('authorization')
        ? { ok: true, note: `${where}: assuming the Authorization header is valid` }
        : { ok: false, why: `${where} reads the Authorization header, which the request does not send` };
    case 'api-key': {
      const h = auth.header ?? 'x-api-key';
      return has(h) ? { ok: true, note: `${where}: assuming the ${h} is valid` } : { ok: false, why: `${where} reads ${h}, which the request does not send` };
    }
    case 'basic':
      return has('authorization') || req.credentials
        ? { ok: true, note: `${where}: assuming valid credentials` }
        : { ok: false, why: `${where} needs HTTP credentials; the request sends neither Authorization nor credentials` };
    case 'cookie':
      if (!req.credentials) return { ok: false, why: `${where} needs a cookie, but the request is not credentialed (credentials: 'include'), so no cookie is sent` };
      if (engine.blocksThirdPartyCookiesInWebviews && isAppWebviewOrigin(req.origin)) {
        return { ok: false, why: `${where} needs a cookie, but WKWebView (iOS 14+) blocks third-party cookies for ${req.origin}, so none is sent even with credentials` };
      }
      return { ok: true, note: `${where}: assuming the session cookie is SameSite=None; Secure and sent` };
    case 'mtls':
      return req.credentials
        ? { ok: true, note: `${where}: assuming a client certificate is installed` }
        : { ok: false, why: `${where} needs a client certificate, which browsers send only with credentials: 'include'` };
    case 'subrequest':
      return has('authorization') || req.credentials
        ? { ok: true, note: `${where}: assuming the auth service accepts the request's credentials` }
        : { ok: 'unknown', reason: `${where} decides; the request carries no credentials` };
    case 'unknown':
      return { ok: 'unknown', reason: `${where} cannot be evaluated` };
  }
}

const GATEWAY_ERROR_PREFERENCE: Record<string, string[]> = {
  'no-route': ['MISSING_AUTHENTICATION_TOKEN'],
  'api-key': ['INVALID_API_KEY', 'API_CONFIGURATION_ERROR'],
  auth: ['UNAUTHORIZED', 'ACCESS_DENIED', 'AUTHORIZER_FAILURE'],
};

/** The API Gateway gateway response a gateway-made error uses (the AWS default carries no CORS headers). */
function gatewayErrorFor(route: Route, cause: 'no-route' | 'api-key' | 'auth', status: number | undefined): GatewayError | undefined {
  const list = route.gatewayErrors ?? [];
  for (const type of GATEWAY_ERROR_PREFERENCE[cause] ?? []) {
    const g = list.find((e) => e.type === type);
    if (g) return g;
  }
  if (status !== undefined) {
    const g = list.find((e) => e.status === status && !e.type.startsWith('DEFAULT_'));
    if (g) return g;
  }
  const def = status !== undefined && status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  return list.find((e) => e.type === def);
}

function headerLine(rule: HeaderRule, origin: string, certain: boolean): PredictedHeader | undefined {
  const v = valueForOrigin(rule.value, origin);
  if (v.kind === 'absent') return undefined;
  const value = v.kind === 'text' ? { kind: 'text' as const, text: v.text } : { kind: 'unknown' as const, reason: v.reason };
  const line: PredictedHeader = { name: rule.name, value, certain: certain && !rule.condition, span: rule.valueSpan ?? rule.span, rule, from: rule.addedBy };
  return line;
}

/** Predicts the response a route gives to a request. */
export function predictResponse(route: Route, req: ResponseRequest, engine: EngineProfile): PredictedResponse {
  const notes: string[] = [];
  if (route.internal) {
    // nginx's find-config phase answers 404 before the location's rewrite, access or content phases.
    const generic = route.responders.find((r) => r.methods === '*') ?? route.responders.at(-1);
    const status: PredictedStatus = { kind: 'known', code: 404, why: '`internal`: external requests get 404', span: route.internal };
    if (!generic) return { status, headers: [], notes };
    const internalResponder: Responder = { ...generic, methods: '*', answeredBy: 'gateway', status: { kind: 'fixed', code: 404, span: route.internal }, auth: [], description: 'internal location (404 for browsers)' };
    delete internalResponder.redirect;
    return finish(internalResponder, req, status, notes, undefined);
  }
  const responder = responderFor(route, req.method);
  if (!responder) {
    // Nothing on the route serves this method: the gateway answers with its own error.
    const status: PredictedStatus = { kind: 'class', cls: 'error', why: `nothing on ${route.name} serves ${req.method}`, span: route.span };
    const g = route.gatewayErrors ? gatewayErrorFor(route, 'no-route', undefined) : undefined;
    const headers = g ? g.headers.map((h) => headerLine(h, req.origin, true)).filter((h): h is PredictedHeader => !!h) : [];
    const res: PredictedResponse = { status, headers, notes };
    if (g) {
      res.gatewayError = g;
      res.status = { kind: 'known', code: g.status, why: `API Gateway answers with its ${g.type} gateway response`, span: g.span ?? route.span };
    }
    return res;
  }

  // 1. Authentication runs first: a rejected request never reaches the responder's status.
  for (const auth of responder.auth) {
    const outcome = authOutcome(auth, req, engine);
    if (outcome.ok === true) {
      if (outcome.note) notes.push(outcome.note);
      continue;
    }
    if (outcome.ok === 'unknown') {
      return finish(responder, req, { kind: 'unknown', reason: outcome.reason, span: auth.span }, notes, auth);
    }
    const status: PredictedStatus = auth.failureStatus
      ? { kind: 'known', code: auth.failureStatus, why: outcome.why, span: auth.span }
      : { kind: 'class', cls: 'error', why: outcome.why, span: auth.span };
    if (route.gatewayErrors) {
      const code = auth.failureStatus;
      const g = gatewayErrorFor(route, auth.mechanism === 'api-key' ? 'api-key' : 'auth', code);
      const headers = g ? g.headers.map((h) => headerLine(h, req.origin, true)).filter((h): h is PredictedHeader => !!h) : [];
      const res: PredictedResponse = { responder, status, headers, notes, rejectedBy: auth };
      if (g) {
        res.gatewayError = g;
        res.status = { kind: 'known', code: g.status || code || 403, why: `${outcome.why}; API Gateway answers with its ${g.type} gateway response`, span: auth.span };
      } else {
        notes.push('API Gateway answers with its default gateway response, which carries no CORS headers');
      }
      return res;
    }
    return finish(responder, req, status, notes, auth);
  }

  // 2. The responder's own answer.
  let status: PredictedStatus;
  if (responder.redirect) {
    status = { kind: 'known', code: responder.redirect.status, why: `redirects to ${responder.redirect.location ?? 'another URL'}`, span: responder.redirect.span };
  } else if (responder.status.kind === 'fixed') {
    status = { kind: 'known', code: responder.status.code, why: responder.description, span: responder.status.span ?? responder.span };
  } else if (responder.status.kind === 'backend') {
    if (req.backend && assumptionApplies(responder)) {
      status = { kind: 'known', code: req.backend.status, why: `the backend answers ${req.backend.status} (assumed)`, span: responder.backend?.span ?? responder.span };
    } else if (req.isPreflight) {
      status = {
        kind: 'unknown',
        reason: `the preflight is passed to the backend (${responder.backend?.description ?? responder.description}); whether it answers OPTIONS with a 2xx is not in the configuration`,
        span: responder.backend?.span ?? responder.span,
      };
    } else {
      status = { kind: 'class', cls: 'success', why: `the backend (${responder.backend?.description ?? responder.description}) answers; assuming it succeeds`, span: responder.backend?.span ?? responder.span };
    }
  } else {
    status = { kind: 'unknown', reason: responder.status.reason, span: responder.span };
  }
  return finish(responder, req, status, notes, undefined);
}

/** A backend assumption describes a proxied/Lambda backend, not nginx's static file handler. */
function assumptionApplies(responder: Responder): boolean {
  return responder.backend?.kind !== 'static' && responder.backend?.kind !== 'none';
}

function finish(
  responder: Responder,
  req: ResponseRequest,
  status: PredictedStatus,
  notes: string[],
  rejectedBy: AuthRequirement | undefined,
): PredictedResponse {
  const headers: PredictedHeader[] = [];
  // Backend headers reach the browser only when the backend answered.
  const backendAnswered = responder.answeredBy === 'backend' && !rejectedBy && !responder.redirect && responder.status.kind === 'backend';
  const backendKnown = backendAnswered && req.backend && assumptionApplies(responder) ? req.backend : undefined;
  for (const rule of responder.headers) {
    const applies = appliesToStatus(rule, status);
    if (applies === false) continue;
    let certain = applies === true;
    if (rule.unlessBackendSends?.length) {
      // added only when the backend response lacks these headers
      if (!backendAnswered) {
        // no backend response: the gateway adds it
      } else if (backendKnown) {
        if (rule.unlessBackendSends.some((n) => backendKnown.headers.some((h) => sameHeaderName(h.name, n)))) continue;
      } else {
        certain = false;
      }
    }
    const line = headerLine(rule, req.origin, certain);
    if (line) headers.push(line);
  }
  if (backendAnswered) {
    const hidden = (name: string) => responder.backend?.hiddenHeaders.some((h) => sameHeaderName(h, name)) ?? false;
    if (backendKnown) {
      for (const h of backendKnown.headers) {
        if (hidden(h.name)) continue;
        if (responder.backend?.gatewayOverridesCors && /^access-control-/i.test(h.name)) continue;
        headers.push({ name: h.name, value: { kind: 'text', text: h.value }, certain: true, from: 'backend', span: responder.backend?.span });
      }
    } else if (responder.backend && !responder.backend.gatewayOverridesCors && responder.backend.emitsCors !== 'no') {
      const gatewaySets = (name: string) => headers.some((h) => sameHeaderName(h.name, name));
      for (const name of ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers']) {
        if (hidden(name)) continue;
        if (responder.backend.emitsCors === 'yes') {
          headers.push({ name, value: { kind: 'unknown', reason: `set by the backend (${responder.backend.description})` }, certain: name === 'Access-Control-Allow-Origin', from: 'backend', span: responder.backend.span });
        } else if (!gatewaySets(name)) {
          // The backend may set what the gateway does not; a header the gateway sets is assumed not duplicated.
          headers.push({ name, value: { kind: 'unknown', reason: `the backend (${responder.backend.description}) may set it` }, certain: false, from: 'backend', span: responder.backend.span });
        }
      }
      if (responder.backend.emitsCors === 'unknown' && headers.some((h) => h.from === 'gateway' && /^access-control-allow-origin$/i.test(h.name))) {
        notes.push(`assuming the backend (${responder.backend.description}) adds no Access-Control-Allow-Origin of its own`);
      }
    }
  }
  // The gateway appends its headers to the backend's (nginx's headers filter runs after the upstream's).
  headers.sort((a, b) => (a.from === b.from ? 0 : a.from === 'backend' ? -1 : 1));
  const res: PredictedResponse = { responder, status, headers, notes };
  if (responder.redirect && !rejectedBy) res.redirect = responder.redirect;
  if (rejectedBy) res.rejectedBy = rejectedBy;
  return res;
}

/** The header lines named `name` (certain and possible). */
export function linesNamed(res: PredictedResponse, name: string): PredictedHeader[] {
  return res.headers.filter((h) => sameHeaderName(h.name, name));
}
