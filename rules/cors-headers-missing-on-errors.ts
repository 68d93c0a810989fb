import type { Fix, Rule, RuleContext } from '../src/engine/rule.js';
import { headersNamed, mayAllowCredentials, sameHeaderName } from '../src/model/query.js';
import type { GatewayError, HeaderRule, Responder, Route, Span } from '../src/model/types.js';
import { SpanGroups, routeNames } from './lib/grouping.js';

/**
 * CORS headers that are only sent on 2xx/3xx: a 401, 403, 429 or 502 then reaches the browser
 * without Access-Control-Allow-Origin and the page sees an opaque CORS error instead of the
 * status it could have handled (re-login, retry, show the message).
 */
const rule: Rule = {
  meta: {
    id: 'cors-headers-missing-on-errors',
    severity: 'warning',
    description: 'CORS headers are not sent on 4xx/5xx, so the browser reports a CORS error instead of the real 401/403/500',
    fixable: true,
  },
  check(context) {
    checkResponders(context);
    checkGatewayErrors(context);
  },
};

export default rule;

const ACAO = 'access-control-allow-origin';

interface Miss {
  route: Route;
  /** the responder whose possible errors the message names */
  responder: Responder;
  header: HeaderRule;
  /** ACAO is fine on errors; only the credentials header is missing */
  credentialsOnly: boolean;
}

/** The errors a responder can answer with, in words (`a 401 from auth_basic "x" or a 5xx from the backend`), or undefined. */
function possibleErrors(route: Route, responder: Responder): string | undefined {
  const parts: string[] = [];
  // Where the gateway answers auth failures with its own error responses (API Gateway gateway
  // responses), their headers are checked separately, not the responder's.
  const auth = route.gatewayErrors ? [] : responder.auth;
  for (const a of auth) parts.push(`a ${a.failureStatus ?? '401/403'} from ${a.description}`);
  const status = responder.status;
  if (status.kind === 'fixed') {
    // A fixed 2xx/3xx is what the source says this responder answers (a `return 204`, an
    // API Gateway integration response mapping every backend result to 200).
    if (status.code >= 400) parts.unshift(`its ${status.code} response`);
  } else if (responder.answeredBy === 'backend' || status.kind === 'backend') {
    parts.push(`a 4xx/5xx from ${responder.backend?.description ?? 'the backend'}`);
  } else {
    parts.push('an error response');
  }
  return parts.length > 0 ? parts.join(' or ') : undefined;
}

/** Whether possibleErrors has anything to say (without wording it for every responder). */
function mayAnswerError(route: Route, responder: Responder): boolean {
  if (!route.gatewayErrors && responder.auth.length > 0) return true;
  return responder.status.kind !== 'fixed' || responder.status.code >= 400;
}

/** Only preflights: their failure is a status problem, reported by the preflight rules. */
function onlyPreflight(responder: Responder): boolean {
  const methods = responder.methods;
  if (methods === '*') return false;
  for (const m of methods) if (m !== 'OPTIONS') return false;
  return true;
}

function fixFor(context: RuleContext, header: HeaderRule): Fix | undefined {
  // nginx: `add_header NAME VALUE;` -> `add_header NAME VALUE always;`
  if (header.via !== 'add_header' || header.valueSpan?.endOffset === undefined) return undefined;
  const at = header.valueSpan.endOffset;
  const text = context.files.get(header.valueSpan.file);
  if (text === undefined || !/^\s*;/.test(text.slice(at, at + 64))) return undefined;
  return { file: header.valueSpan.file, range: [at, at], text: ' always' };
}

function howToFix(header: HeaderRule): string {
  return header.via === 'add_header' ? 'add `always` to this add_header' : 'declare it for error responses too';
}

function checkResponders(context: RuleContext): void {
  const groups = new SpanGroups<Miss>();
  for (const route of context.routes) {
    for (const responder of route.responders) {
      if (onlyPreflight(responder)) continue;
      // one pass: the gateway's first Access-Control-Allow-Origin on success, and whether any is sent on errors
      let origin: HeaderRule | undefined;
      let onErrors = false;
      for (const h of headersNamed(responder, ACAO)) {
        if (origin === undefined && h.onSuccess && h.addedBy === 'gateway') origin = h;
        if (h.onErrors) onErrors = true;
      }
      if (!origin || !mayAnswerError(route, responder)) continue;
      if (!onErrors) {
        groups.add(origin.span, { route, responder, header: origin, credentialsOnly: false });
        continue;
      }
      const creds = mayAllowCredentials(responder, 'success');
      if (creds && creds.addedBy === 'gateway' && !mayAllowCredentials(responder, 'error')) {
        groups.add(creds.span, { route, responder, header: creds, credentialsOnly: true });
      }
    }
  }
  for (const [span, misses] of groups.entries()) {
    const first = misses[0]!;
    const errors = possibleErrors(first.route, first.responder)!;
    const names = routeNames(misses.map((m) => m.route.name));
    const message = first.credentialsOnly
      ? `${capitalize(errors)} on ${names} reaches the browser without Access-Control-Allow-Credentials: true, so credentialed requests see a CORS error instead of the real status: ${howToFix(first.header)}`
      : `${capitalize(errors)} on ${names} reaches the browser without Access-Control-Allow-Origin, so the page sees a CORS error instead of the real status: ${howToFix(first.header)}`;
    const fix = fixFor(context, first.header);
    context.report(fix ? { span, message, fix } : { span, message });
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ---- gateway-generated errors (API Gateway REST gateway responses) ----

interface ErrorNeed {
  type: string;
  status: number;
  why: string;
}

/** The gateway errors a route's browser clients can meet, most specific first. */
function errorsToCover(route: Route): ErrorNeed[] {
  const needs: ErrorNeed[] = [];
  const auth = route.responders.filter((r) => !onlyPreflight(r)).flatMap((r) => r.auth);
  for (const a of auth) {
    switch (a.mechanism) {
      case 'authorization-header':
      case 'subrequest':
        needs.push({ type: 'UNAUTHORIZED', status: 401, why: `${a.description} rejects a missing or expired token` });
        needs.push({ type: 'ACCESS_DENIED', status: 403, why: `${a.description} denies the request` });
        break;
      case 'api-key':
        needs.push({ type: 'INVALID_API_KEY', status: 403, why: `a missing or wrong ${a.header ?? 'API key'}` });
        break;
      case 'iam':
        needs.push({ type: 'MISSING_AUTHENTICATION_TOKEN', status: 403, why: 'an unsigned request (IAM auth)' });
        needs.push({ type: 'INVALID_SIGNATURE', status: 403, why: 'an invalid SigV4 signature' });
        break;
      default:
        break;
    }
  }
  needs.push({ type: 'DEFAULT_4XX', status: 400, why: 'throttling, bad requests and unknown paths' });
  needs.push({ type: 'DEFAULT_5XX', status: 500, why: 'integration failures and timeouts' });
  const seen = new Set<string>();
  return needs.filter((n) => !seen.has(n.type) && seen.add(n.type));
}

/** The gateway response that answers an error type: its own declaration, else the DEFAULT_4XX/5XX one. */
function effectiveGatewayError(errors: GatewayError[], need: ErrorNeed): GatewayError | undefined {
  return (
    errors.find((e) => e.type === need.type) ??
    errors.find((e) => e.type === (need.status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'))
  );
}

function carriesOrigin(e: GatewayError | undefined): boolean {
  return !!e && e.headers.some((h) => sameHeaderName(h.name, ACAO) && (h.onErrors || h.onSuccess));
}

/** Where the route shows it wants CORS: the ACAO it sends (actual responses first). */
function corsIntent(route: Route): Span | undefined {
  const ordered = [...route.responders.filter((r) => !onlyPreflight(r)), ...route.responders.filter(onlyPreflight)];
  for (const r of ordered) {
    const h = headersNamed(r, ACAO)[0];
    if (h) return h.span;
  }
  return undefined;
}

function checkGatewayErrors(context: RuleContext): void {
  const groups = new SpanGroups<{ route: Route; missing: ErrorNeed[] }>();
  // One API's routes share their gateway responses: one finding per API, at its first route.
  const apiSpan = new Map<string, Span>();
  for (const route of context.routes) {
    if (!route.gatewayErrors) continue;
    const intent = corsIntent(route);
    if (!intent) continue;
    const missing: ErrorNeed[] = [];
    let declared: Span | undefined;
    for (const need of errorsToCover(route)) {
      const effective = effectiveGatewayError(route.gatewayErrors, need);
      if (carriesOrigin(effective)) continue;
      missing.push(need);
      declared ??= effective?.span;
    }
    if (missing.length === 0) continue;
    let span = declared ?? intent;
    if (route.group !== undefined) {
      span = apiSpan.get(route.group) ?? span;
      apiSpan.set(route.group, span);
    }
    groups.add(span, { route, missing });
  }
  for (const [span, items] of groups.entries()) {
    const missing = [...new Map(items.flatMap((i) => i.missing).map((m) => [m.type, m])).values()];
    const list = missing.map((m) => `${m.type} (${m.why})`).join(', ');
    context.report({
      span,
      message:
        `Gateway-generated errors on ${routeNames(items.map((i) => i.route.name))} carry no Access-Control-Allow-Origin: ${list}. ` +
        'The page sees a CORS error instead of the real 401/403/429/5xx: add gateway responses (DEFAULT_4XX and DEFAULT_5XX cover every type) ' +
        "with the header gatewayresponse.header.Access-Control-Allow-Origin",
    });
  }
}
