import type { Rule } from '../src/engine/rule.js';
import type { AuthRequirement } from '../src/model/types.js';
import { calledCrossOrigin, isOkStatus, optionsNotServed, preflightAnswer, preflightReason, statusText } from '../src/model/preflight.js';
import { SpanGroups } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';

/**
 * A preflight succeeds only with an ok status (200-299), and browsers never follow a redirect
 * on a preflight (Chromium: "CORS preflight with 3XX is considered network error"; Firefox:
 * CORSExternalRedirectNotAllowed). An http→https or trailing-slash redirect, or a `return 405`,
 * that applies to OPTIONS breaks every preflighted request.
 */
const rule: Rule = {
  meta: {
    id: 'preflight-bad-status',
    severity: 'error',
    description: 'OPTIONS is answered with a non-2xx status or a redirect, so every preflight fails',
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const answer = preflightAnswer(route);
      if (answer.kind !== 'redirect' && answer.kind !== 'status') continue;
      if (answer.kind === 'status' && (isOkStatus(answer.code) || optionsNotServed(route, answer))) continue;
      // A plain redirect server, a non-CORS location, or a route only simple requests reach
      // (static files with ACAO *) never sees a preflight: no finding.
      if (!calledCrossOrigin(route, context.routes)) continue;
      const reason = preflightReason(route, context.settings.clients);
      if (!reason) continue;
      const pre = answer.responder;
      // Authentication a preflight cannot pass answers first: preflight-requires-auth reports it.
      if (pre.auth.some(rejectsEveryPreflight)) continue;
      if (answer.kind === 'redirect' || answer.code < 400) {
        const code = answer.kind === 'redirect' ? answer.redirect.status : answer.code;
        const to = answer.kind === 'redirect' && answer.redirect.location ? ` to ${answer.redirect.location}` : '';
        const span = answer.kind === 'redirect' ? answer.redirect.span : (answer.span ?? pre.span);
        groups.add(span, {
          route,
          message: (routes) =>
            `Preflight for ${routes} fails: OPTIONS is answered with ${statusText(code)}${to}, and browsers never follow a redirect on a preflight (they preflight it because ${reason}); answer OPTIONS with 204 before redirecting, or have clients call the final URL`,
        });
      } else {
        groups.add(answer.span ?? pre.span, {
          route,
          message: (routes) =>
            `Preflight for ${routes} fails: OPTIONS is answered with ${statusText(answer.code)} (${pre.description}), but a preflight needs a 2xx status (browsers preflight it because ${reason}); answer OPTIONS with 204 and the CORS headers`,
        });
      }
    }
    reportBySpan(context, groups);
  },
};

/** Credentials a preflight never carries, with no `satisfy any` alternative. */
function rejectsEveryPreflight(auth: AuthRequirement): boolean {
  if (auth.satisfyAny) return false;
  return ['authorization-header', 'api-key', 'iam', 'cookie', 'basic', 'mtls'].includes(auth.mechanism);
}

export default rule;
