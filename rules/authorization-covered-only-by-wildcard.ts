import type { Rule } from '../src/engine/rule.js';
import type { Route } from '../src/model/types.js';
import { sameHeaderName } from '../src/model/query.js';
import {
  ALLOW_HEADERS,
  calledCrossOrigin,
  credentialsAllowed,
  listSpan,
  neededRequestHeaders,
  preflightList,
  type NeededHeader,
} from '../src/model/preflight.js';
import { routeNames, SpanGroups } from './lib/grouping.js';
import { neededNonWildcard } from './lib/needed-headers.js';

/**
 * The Fetch standard makes Authorization the one header `Access-Control-Allow-Headers: *` never
 * covers. Chrome, Firefox and Safari still let `*` cover it (non-credentialed requests only) and
 * print a deprecation warning; the day they follow the standard, these preflights fail.
 */
const rule: Rule = {
  meta: {
    id: 'authorization-covered-only-by-wildcard',
    severity: 'warning',
    description: 'Access-Control-Allow-Headers: * is the only thing that would allow Authorization',
  },
  check(context) {
    const groups = new SpanGroups<{ route: Route; needed: NeededHeader }>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const needed = neededNonWildcard(neededRequestHeaders(route, context.settings.clients));
      if (!needed || !calledCrossOrigin(route, context.routes)) continue;
      const list = preflightList(route, ALLOW_HEADERS);
      if (list.kind !== 'list' || !list.items.includes('*')) continue;
      if (list.items.some((i) => sameHeaderName(i, 'authorization'))) continue;
      // With credentials `*` is a literal name and Authorization is simply missing (an error rule).
      if (credentialsAllowed(route)) continue;
      const star = list.rules.find((r) => r.value.kind === 'literal' && r.value.text.split(',').some((t) => t.trim() === '*'));
      groups.add(star ? (star.valueSpan ?? star.span) : listSpan(list), { route, needed });
    }
    for (const { span, items } of groups.list()) {
      const { needed } = items[0]!;
      context.report({
        span,
        message: `Access-Control-Allow-Headers: * is the only entry that lets Authorization through on ${routeNames(items.map((i) => i.route.name))} (the route needs it: ${needed.reason}); the Fetch standard says * never covers Authorization, and Chrome, Firefox and Safari accept it only with a deprecation warning, so these preflights will fail once browsers follow the standard; list Authorization explicitly`,
      });
    }
  },
};

export default rule;
