import type { Rule } from '../src/engine/rule.js';
import type { AuthRequirement, Responder, Route } from '../src/model/types.js';
import { actualResponders } from '../src/model/query.js';
import { calledCrossOrigin, preflightAnswer, servesRequests } from '../src/model/preflight.js';
import { SpanGroups } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';

/**
 * A preflight never carries cookies, HTTP auth, Authorization, API keys or client certificates
 * (Fetch: "a CORS-preflight request never includes credentials"), so any authentication that
 * covers OPTIONS rejects every preflight, and the browser blocks the real request.
 */
const rule: Rule = {
  meta: {
    id: 'preflight-requires-auth',
    severity: 'error',
    description: 'OPTIONS on a route needs credentials or a key, which browsers never send on a preflight',
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const answer = preflightAnswer(route);
      // A CDN that rejects OPTIONS first is preflight-unhandled's finding; the auth is never reached.
      if (answer.kind === 'cdn-blocked' || answer.kind === 'none') continue;
      const pre = answer.responder;
      if (pre.auth.length === 0 || !calledCrossOrigin(route, context.routes)) continue;
      for (let i = 0; i < pre.auth.length; i++) {
        const auth = pre.auth[i]!;
        if (auth.mechanism === 'none') continue;
        if (auth.mechanism === 'ip-allowlist') {
          // With `satisfy any` an address allowlist is an alternative a preflight can pass. Alone,
          // it only breaks preflights when it covers OPTIONS but not the methods the route serves:
          // the preflight comes from the same address as the request.
          const servedWithout = auth.satisfyAny ? undefined : methodServedWithout(route, pre, auth);
          if (servedWithout) groups.add(auth.span, { route, message: (routes) => rejectsOnlyOptions(routes, auth, servedWithout) });
          continue;
        }
        const passedBy = auth.satisfyAny ? pre.auth.find((a) => a !== auth && a.satisfyAny && a.mechanism === 'ip-allowlist') : undefined;
        const who = (routes: string) => routes + (passedBy ? ` from addresses outside ${passedBy.description}` : '');
        if (auth.mechanism === 'unknown') {
          groups.add(auth.span, { route, severity: 'warning', message: (routes) => mayRejectPreflight(who(routes), auth) });
        } else {
          // The source knows the edit that takes this requirement off OPTIONS (SAM, OpenAPI).
          const fix = auth.exemptFix ? { file: auth.exemptFix.file, range: auth.exemptFix.range, text: auth.exemptFix.text } : undefined;
          groups.add(auth.span, { route, message: (routes) => rejectsPreflight(who(routes), auth), ...(fix ? { fix } : {}) });
        }
      }
    }
    reportBySpan(context, groups);
  },
};

function failure(auth: AuthRequirement): string {
  return `response ${auth.failureStatus ?? defaultFailureStatus(auth)}`;
}

function rejectsPreflight(routes: string, auth: AuthRequirement): string {
  return `Preflight for ${routes} fails: ${auth.description} applies to OPTIONS, but browsers never send ${whatIsMissing(auth)} on a preflight (${failure(auth)}); answer OPTIONS before authentication`;
}

function mayRejectPreflight(routes: string, auth: AuthRequirement): string {
  return `Preflight for ${routes} may fail: ${auth.description} also runs for OPTIONS, and browsers never send credentials on a preflight; unless it lets OPTIONS through, the browser blocks the request (${failure(auth)})`;
}

function rejectsOnlyOptions(routes: string, auth: AuthRequirement, method: string): string {
  return `Preflight for ${routes} fails: ${auth.description} rejects OPTIONS (${failure(auth)}) while ${method} is served, so every ${method} request that needs a preflight (custom headers, JSON body) is blocked by the browser; exempt OPTIONS from the restriction`;
}

/** The first method the route serves to requests that do not pass this allowlist, if any. */
function methodServedWithout(route: Route, pre: Responder, auth: AuthRequirement): string | undefined {
  const actual = actualResponders(route);
  for (let i = 0; i < actual.length; i++) {
    const r = actual[i]!;
    if (r === pre || !servesRequests(r)) continue;
    const sameRestriction = r.auth.some((a) => a.span.file === auth.span.file && a.span.line === auth.span.line && a.span.column === auth.span.column);
    if (sameRestriction) continue;
    return r.methods === '*' ? 'GET' : (r.methods.find((m) => m !== 'OPTIONS') ?? 'GET');
  }
  return undefined;
}

function whatIsMissing(auth: AuthRequirement): string {
  switch (auth.mechanism) {
    case 'api-key':
      return `API keys (${auth.header ?? 'X-Api-Key'})`;
    case 'iam':
      return 'SigV4 signatures';
    case 'cookie':
      return 'cookies';
    case 'mtls':
      return 'client certificates';
    case 'basic':
    case 'authorization-header':
      return 'credentials (Authorization)';
    default:
      return auth.header ? `credentials (${auth.header})` : 'credentials';
  }
}

function defaultFailureStatus(auth: AuthRequirement): string {
  switch (auth.mechanism) {
    case 'basic':
    case 'authorization-header':
      return '401';
    case 'api-key':
    case 'iam':
    case 'ip-allowlist':
      return '403';
    default:
      return '401/403';
  }
}

export default rule;
