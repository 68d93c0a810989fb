import type { Rule } from '../src/engine/rule.js';
import type { Route } from '../src/model/types.js';
import { headersNamed, sendsCorsHeader } from '../src/model/query.js';
import { gatewayAnswersPreflightOk, MAX_AGE } from '../src/model/preflight.js';
import { routeNames, SpanGroups } from './lib/grouping.js';

/**
 * Without `Access-Control-Max-Age` browsers cache a preflight for 5 seconds, so nearly every
 * non-simple request costs an extra OPTIONS round trip: slow on mobile networks, and a load on
 * rate limits. Only routes whose preflight the gateway answers with CORS headers are checked.
 */
const rule: Rule = {
  meta: {
    id: 'max-age-missing',
    severity: 'info',
    description: 'Preflighted routes without Access-Control-Max-Age: each preflight is cached only 5 s',
  },
  check(context) {
    const groups = new SpanGroups<Route>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const pre = gatewayAnswersPreflightOk(route);
      if (!pre || !sendsCorsHeader(pre, 'success')) continue;
      if (headersNamed(pre, MAX_AGE, 'success').length > 0) continue;
      groups.add(pre.span, route);
    }
    for (const { span, items: routes } of groups.list()) {
      context.report({
        span,
        message: `Preflight responses for ${routeNames(routes.map((r) => r.name))} carry no Access-Control-Max-Age, so browsers cache each one for only 5 s and most preflighted requests cost an extra OPTIONS round trip (slow on mobile networks); send e.g. Access-Control-Max-Age: 600 (Safari's cap; Chromium honours up to 7200)`,
      });
    }
  },
};

export default rule;
