import type { Rule } from '../src/engine/rule.js';
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
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const needed = neededNonWildcard(neededRequestHeaders(route, context.settings.clients));
      if (!needed || !calledCrossOrigin(route, context.routes)) continue;
      const list = preflightList(route, ALLOW_HEADERS);
      if (list.kind !== 'absent' && list.kind !== 'list') continue;
      const items = list.kind === 'list' ? list.items : [];
      if (items.some((i) => sameHeaderName(i, 'authorization'))) continue;
      const credentials = credentialsAllowed(route);
      // `*` without credentials: browsers still accept it (authorization-covered-only-by-wildcard warns).
      if (items.includes('*') && !credentials) continue;
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
    reportBySpan(context, groups);
  },
};

export default rule;
