import type { Rule, RuleContext } from '../src/engine/rule.js';
import type { Route } from '../src/model/types.js';
import { sameHeaderName } from '../src/model/query.js';
import {
  ALLOW_HEADERS,
  calledCrossOrigin,
  credentialsAllowed,
  describeList,
  listSpan,
  neededRequestHeaders,
  preflightList,
} from '../src/model/preflight.js';
import { SpanGroups } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';
import { addToHeaderList } from './lib/nginx-fixes.js';
import { neededNonWildcard } from './lib/needed-headers.js';

/**
 * Authorization is never CORS-safelisted: a request that sends it is preflighted, and the
 * preflight fails unless `Access-Control-Allow-Headers` names it. A route that authenticates with
 * the Authorization header (bearer/JWT authorizers, IAM, basic auth) is then unusable from a browser.
 */
const rule: Rule = {
  meta: {
    id: 'allow-headers-missing-authorization',
    severity: 'error',
    description: 'The route authenticates with the Authorization header, but Access-Control-Allow-Headers does not allow it',
    fixable: true,
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(context, all[n]!, groups);
    reportBySpan(context, groups);
  },
};

/** Whether one route needs Authorization that its preflight does not allow (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(context: RuleContext, route: Route, groups: SpanGroups<RouteProblem>): void {
  const needed = neededNonWildcard(neededRequestHeaders(route, context.settings.clients));
  if (!needed || !calledCrossOrigin(route, context.routes)) return;
  const list = preflightList(route, ALLOW_HEADERS);
  if (list.kind !== 'absent' && list.kind !== 'list') return;
  const items = list.kind === 'list' ? list.items : [];
  if (listsAuthorization(items)) return;
  const credentials = credentialsAllowed(route);
  // `*` without credentials: browsers still accept it (authorization-covered-only-by-wildcard warns).
  if (items.includes('*') && !credentials) return;
  const why = items.includes('*')
    ? `Access-Control-Allow-Headers allows only ${describeList(list)}, and with credentials allowed * is the literal name "*"`
    : list.kind === 'absent'
      ? 'the preflight response has no Access-Control-Allow-Headers'
      : `Access-Control-Allow-Headers (${describeList(list)}) does not list Authorization`;
  // One literal add_header list: adding the name is the unambiguous fix.
  const fix = list.kind === 'list' && list.rules.length === 1 ? addToHeaderList(context, list.rules[0]!, 'Authorization') : undefined;
  groups.add(listSpan(list), {
    route,
    ...(fix ? { fix } : {}),
    message: (routes) =>
      `Preflight for ${routes} fails for every request that sends Authorization: ${why}, yet the route needs it (${needed.reason}); browsers block the request before it is sent. Add Authorization to Access-Control-Allow-Headers`,
  });
}

function listsAuthorization(items: readonly string[]): boolean {
  for (let i = 0; i < items.length; i++) if (sameHeaderName(items[i]!, 'authorization')) return true;
  return false;
}

export default rule;
