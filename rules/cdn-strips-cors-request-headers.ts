import type { Rule } from '../src/engine/rule.js';
import { cdnCacheKeyHas, cdnForwardsHeader, preflightResponder, sameHeaderName } from '../src/model/query.js';
import type { CdnFacts, Route, Span } from '../src/model/types.js';
import { SpanGroups, routeNames } from './lib/grouping.js';

/**
 * An origin that generates CORS responses decides from the request's Origin (and, for a
 * preflight, Access-Control-Request-Method/-Headers). A CDN that does not pass them on makes the
 * origin answer as if no CORS request was made; a CDN that caches preflights without them in
 * the cache key replays one preflight's answer to another.
 */
const rule: Rule = {
  meta: {
    id: 'cdn-strips-cors-request-headers',
    severity: 'warning',
    description:
      'The CDN forwards neither Origin nor the Access-Control-Request-* headers to an origin that generates CORS responses, or caches OPTIONS without them in the cache key',
  },
  check(context) {
    const notForwarded = new SpanGroups<{ route: Route; origin: string }>();
    const preflightKey = new SpanGroups<{ route: Route; missing: string[] }>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const cdn = route.cdn;
      const origin = cdn ? corsMakingOrigin(route) : undefined;
      if (!cdn || !origin) continue;
      if (cdnForwardsHeader(cdn, 'Origin') === false) {
        notForwarded.add(forwardingSpan(cdn) ?? route.span, { route, origin });
        continue;
      }
      const preflight = preflightResponder(route);
      const cachesOptions = cdn.cachedMethods?.methods.some((m) => m.toUpperCase() === 'OPTIONS') ?? false;
      if (!cachesOptions || !preflight || preflight.answeredBy !== 'backend') continue;
      const missing = PREFLIGHT_KEY.filter((h) => cdnCacheKeyHas(cdn, h) === false);
      if (missing.length > 0) preflightKey.add(cdn.cachedMethods?.span ?? route.span, { route, missing });
    }
    for (const { span, items } of notForwarded.list()) {
      const { origin } = items[0]!;
      context.report({
        span,
        message:
          `${routeNames(items.map((i) => i.route.name))} does not forward the Origin header to ${origin}, which generates the CORS headers itself: ` +
          `${origin} answers every request as a non-CORS one, without Access-Control-Allow-Origin, so browsers block the responses. ` +
          'Forward Origin (and Access-Control-Request-Method/-Headers) with an origin request policy or the cache policy',
      });
    }
    for (const { span, items } of preflightKey.list()) {
      const { missing } = items[0]!;
      context.report({
        span,
        message:
          `${routeNames(items.map((i) => i.route.name))} caches OPTIONS without ${missing.join(', ')} in the cache key: ` +
          'the preflight answer cached for one origin, method or header set is replayed to others, so their preflights fail. ' +
          'Add these headers to the cache key, or stop caching OPTIONS',
      });
    }
  },
};

export default rule;

const PREFLIGHT_KEY = ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'];

/** The origin behind the CDN that produces some response's CORS headers (its description), if any. */
function corsMakingOrigin(route: Route): string | undefined {
  for (const r of route.responders) {
    const b = r.backend;
    if (r.answeredBy !== 'backend' || !b || b.gatewayOverridesCors === true) continue;
    if (b.emitsCors === 'yes') return b.description;
    if (r.headers.some((h) => h.addedBy === 'backend' && sameHeaderName(h.name, 'access-control-allow-origin'))) return b.description;
  }
  return undefined;
}

function forwardingSpan(cdn: CdnFacts): Span | undefined {
  const f = cdn.forwardedHeaders;
  if (f && 'headers' in f && f.span) return f.span;
  const k = cdn.cacheKeyHeaders;
  if (k && 'headers' in k && k.span) return k.span;
  return undefined;
}
