import type { Rule } from '../src/engine/rule.js';
import type { HeaderRule, Responder, Route } from '../src/model/types.js';
import { actualResponders, headersNamed, mayAllowCredentials } from '../src/model/query.js';
import { ALLOW_CREDENTIALS, ALLOW_ORIGIN, calledCrossOrigin, gatewayAnswersPreflightOk, literalTexts } from '../src/model/preflight.js';
import { SpanGroups, where } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';

/**
 * The preflight passes only if its response passes the CORS check for the actual request:
 * an `Access-Control-Allow-Origin` that matches, and `Access-Control-Allow-Credentials: true`
 * when the actual request is credentialed. Typical cause: an OPTIONS block that declares its own
 * header list (nginx `if` + `add_header`) and so drops the ones declared outside it.
 */
const rule: Rule = {
  meta: {
    id: 'preflight-missing-allow-origin',
    severity: 'error',
    description: 'The response that answers OPTIONS carries no Access-Control-Allow-Origin, or no Allow-Credentials while actual responses require credentials',
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, all, groups);
    reportBySpan(context, groups);
  },
};

/** The preflight problem of one route, if any (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, all: readonly Route[], groups: SpanGroups<RouteProblem>): void {
  // Only when the gateway itself answers with a 2xx do we know every header of the preflight.
  const pre = gatewayAnswersPreflightOk(route);
  if (!pre || !calledCrossOrigin(route, all)) return;
  if (headersNamed(pre, ALLOW_ORIGIN, 'success').length === 0) {
    groups.add(pre.span, {
      route,
      message: (routes) =>
        `Preflight for ${routes} fails: the OPTIONS response (${pre.description}) carries no Access-Control-Allow-Origin, so browsers block every preflighted request ("No 'Access-Control-Allow-Origin' header is present"); add the CORS headers to the OPTIONS response`,
    });
    return;
  }
  const actualCredentials = credentialsOfActualResponses(route, pre);
  if (actualCredentials && !preflightMayAllowCredentials(pre)) {
    groups.add(pre.span, {
      route,
      message: (routes) =>
        `Credentialed preflights for ${routes} fail: actual responses allow credentials (Access-Control-Allow-Credentials at ${where(actualCredentials.span, pre.span)}), but the OPTIONS response (${pre.description}) carries no Access-Control-Allow-Credentials: true, and browsers check the preflight with the actual request's credentials mode; send it on the OPTIONS response too`,
    });
  }
}

function credentialsOfActualResponses(route: Route, pre: Responder): HeaderRule | undefined {
  const actual = actualResponders(route);
  for (let i = 0; i < actual.length; i++) {
    const r = actual[i]!;
    if (r === pre) continue;
    const h = mayAllowCredentials(r);
    if (h) return h;
  }
  return undefined;
}

/** True unless the preflight response certainly lacks `Access-Control-Allow-Credentials: true`. */
function preflightMayAllowCredentials(pre: Responder): boolean {
  if (mayAllowCredentials(pre)) return true;
  // A computed value might be `true`: the linter does not guess.
  return headersNamed(pre, ALLOW_CREDENTIALS, 'success').some((h) => literalTexts(h.value) === undefined);
}

export default rule;
