import type { Rule } from '../src/engine/rule.js';
import { cdnForwardsHeader, sameHeaderName } from '../src/model/query.js';
import type { CdnFacts, Route, Span } from '../src/model/types.js';
import { SpanGroups, routeNames } from './lib/grouping.js';

/**
 * CloudFront drops the Authorization request header unless the cache policy (or legacy
 * forwarded headers) includes it; an origin that authenticates with it then answers 401/403 to
 * every browser request, however well CORS is configured.
 */
const rule: Rule = {
  meta: {
    id: 'cdn-strips-authorization',
    severity: 'warning',
    description: 'The CDN does not pass Authorization to an origin whose routes authenticate with it',
  },
  check(context) {
    const groups = new SpanGroups<{ route: Route; why: string; origin: string }>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const cdn = route.cdn;
      if (!cdn) continue;
      const why = authorizationUse(route);
      if (!why || cdnForwardsHeader(cdn, 'Authorization') !== false) continue;
      const origin = route.responders.find((r) => r.backend)?.backend?.description ?? 'the origin';
      groups.add(forwardingSpan(cdn) ?? route.span, { route, why, origin });
    }
    for (const { span, items } of groups.list()) {
      context.report({
        span,
        message:
          `${routeNames(items.map((i) => i.route.name))} does not forward the Authorization header to ${items[0]!.origin}, which needs it (${items[0]!.why}): ` +
          'every authenticated request arrives without credentials and is answered 401/403. ' +
          'Add Authorization to the cache policy headers (an origin request policy cannot forward it)',
      });
    }
  },
};

export default rule;

const READS_AUTHORIZATION = new Set(['authorization-header', 'iam', 'basic']);

/** Why the route's origin needs Authorization, or undefined. */
function authorizationUse(route: Route): string | undefined {
  for (const r of route.responders) {
    for (const a of r.auth) {
      if (a.header ? sameHeaderName(a.header, 'authorization') : READS_AUTHORIZATION.has(a.mechanism)) return a.description;
    }
  }
  const required = route.requiredRequestHeaders?.find((h) => sameHeaderName(h.name, 'authorization'));
  return required?.reason;
}

function forwardingSpan(cdn: CdnFacts): Span | undefined {
  const k = cdn.cacheKeyHeaders;
  if (k && 'headers' in k && k.span) return k.span;
  const f = cdn.forwardedHeaders;
  if (f && 'headers' in f && f.span) return f.span;
  return undefined;
}
