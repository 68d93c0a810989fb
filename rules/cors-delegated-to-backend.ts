import type { Rule } from '../src/engine/rule.js';
import { headersNamed, isCorsHeader, mayAllowCredentials, preflightResponder, sameHeaderName } from '../src/model/query.js';
import type { HeaderRule, HeaderValue, Responder, Route } from '../src/model/types.js';
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
    const groups = new SpanGroups<{ route: Route; text: string }>();
    for (const route of context.routes) {
      const declared = declaredCors(route);
      // Unread includes may add the headers this rule would call missing.
      if (!declared || route.incomplete?.length) continue;
      const preflight = preflightResponder(route);
      route.responders.forEach((responder, index) => {
        const backend = responder.backend;
        if (responder.answeredBy !== 'backend' || !backend) return;
        if (backend.emitsCors === 'no' || backend.gatewayOverridesCors === true) return;
        if (NO_CODE.has(backend.kind)) return;
        if (gatewaySendsOrigin(responder)) return;
        // Lost to add_header inheritance: cors-headers-dropped-by-inheritance says so, as an error.
        if (route.droppedHeaders.some((d) => d.responderIndex === index && sameHeaderName(d.header.name, ACAO))) return;
        const answersPreflight = responder === preflight;
        // Other actual methods get CORS from the gateway: the methods left over here (HEAD, PATCH
        // on a route that sets CORS for GET/POST only) are not meant for cross-origin use.
        const siblingCors = route.responders.some(
          (r) => r !== responder && !onlyPreflight(r) && gatewaySendsOrigin(r),
        );
        const answersActual = !siblingCors && (responder.methods === '*' || responder.methods.some((m) => m !== 'OPTIONS'));
        if (!answersActual && !answersPreflight) return;
        const span = backend.span ?? responder.span;
        // Only the first route at a span words the finding.
        if (!groups.isNew(span)) {
          groups.add(span, { route, text: '' });
          return;
        }
        const what: string[] = [];
        if (answersActual) what.push(actualNeeds(route));
        if (answersPreflight) what.push(preflightNeeds());
        const declaredFor = preflight && preflight !== responder && preflight.headers.includes(declared) ? ' for the preflight' : '';
        const text =
          `CORS for ${requestsOf(responder, answersPreflight)} on %ROUTES% is left to ${backend.description}, which the linter cannot read, ` +
          `while the config itself declares CORS${declaredFor} (${where(declared.span, span)}). ${what.join(' ')}`;
        groups.add(span, { route, text });
      });
    }
    for (const [span, items] of groups.entries()) {
      context.report({ span, message: items[0]!.text.replace('%ROUTES%', routeNames(items.map((i) => i.route.name))) });
    }
  },
};

export default rule;

const ACAO = 'access-control-allow-origin';
/** Backends that run no code of the user's: they never produce CORS headers. */
const NO_CODE = new Set(['static', 'mock', 'none']);

function gatewaySendsOrigin(responder: Responder): boolean {
  return headersNamed(responder, ACAO).some((h) => h.addedBy === 'gateway');
}

/** The route's own CORS declaration that shows intent (its Allow-Origin first), if any. */
function declaredCors(route: Route): HeaderRule | undefined {
  for (const r of route.responders) {
    for (const h of headersNamed(r, ACAO)) if (h.addedBy === 'gateway') return h;
  }
  for (const r of route.responders) {
    for (const h of r.headers) if (h.addedBy === 'gateway' && isCorsHeader(h.name)) return h;
  }
  return undefined;
}

function onlyPreflight(r: Responder): boolean {
  return r.methods !== '*' && r.methods.every((m) => m === 'OPTIONS');
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

function actualNeeds(route: Route): string {
  const origin = route.responders
    .flatMap((r) => r.headers)
    .find((h) => h.addedBy === 'gateway' && sameHeaderName(h.name, ACAO));
  const value = origin ? describeValue(origin.value) : '<the allowed origin>';
  const creds = route.responders.some((r) => mayAllowCredentials(r)) ? ' and Access-Control-Allow-Credentials: true' : '';
  const vary = origin && origin.value.kind !== 'literal' ? ', with Vary: Origin' : '';
  return `It must return Access-Control-Allow-Origin: ${value}${creds} on every response, errors included${vary}, or browsers block the responses.`;
}

function preflightNeeds(): string {
  return 'It must also answer OPTIONS preflights with a 2xx carrying Access-Control-Allow-Origin, -Methods and -Headers, or every preflighted request fails.';
}
