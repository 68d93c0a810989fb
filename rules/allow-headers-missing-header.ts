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
  type NeededHeader,
} from '../src/model/preflight.js';
import { SpanGroups } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';
import { needsWildcardCoverable, nonWildcard } from './lib/needed-headers.js';

/**
 * Every non-safelisted request header (X-Api-Key, X-Amz-Date, a JSON Content-Type, any custom
 * header a configured client sends) must be named in `Access-Control-Allow-Headers`, or the
 * preflight fails ("Request header field x-api-key is not allowed"). Authorization has its own
 * rule (allow-headers-missing-authorization).
 */
const rule: Rule = {
  meta: {
    id: 'allow-headers-missing-header',
    severity: 'warning',
    description: 'A request header the route needs is not allowed by Access-Control-Allow-Headers',
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const needed = neededRequestHeaders(route, context.settings.clients);
      if (!needsWildcardCoverable(needed) || !calledCrossOrigin(route, context.routes)) continue;
      const list = preflightList(route, ALLOW_HEADERS);
      if (list.kind !== 'absent' && list.kind !== 'list') continue;
      const items = list.kind === 'list' ? list.items : [];
      // Without credentials `*` allows every header but Authorization; with them it is a literal name.
      if (items.includes('*') && !credentialsAllowed(route)) continue;
      // Authorization has its own rule (allow-headers-missing-authorization).
      const missing = needed.filter((h) => !nonWildcard(h.name) && !items.some((i) => sameHeaderName(i, h.name)));
      if (missing.length === 0) continue;
      const allowed = list.kind === 'absent' ? 'the preflight response has no Access-Control-Allow-Headers' : `Access-Control-Allow-Headers allows ${describeList(list)}`;
      groups.add(listSpan(list), {
        route,
        message: (routes) =>
          `Preflight for ${routes} fails for requests that send ${missing.map((h) => h.name).join(', ')}: ${allowed}, but the route needs ${describeNeeds(missing)}; add ${missing.length === 1 ? 'it' : 'them'} to Access-Control-Allow-Headers`,
      });
    }
    reportBySpan(context, groups);
  },
};

function describeNeeds(headers: NeededHeader[]): string {
  return headers.map((h) => `${h.name} (${h.reason})`).join(', ');
}

export default rule;
