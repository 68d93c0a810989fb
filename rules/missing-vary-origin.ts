import type { Rule, RuleContext } from '../src/engine/rule.js';
import {
  cdnCacheKeyHas,
  cdnCaches,
  cdnForwardsHeader,
  dependsOnOrigin,
  headersNamed,
  sameHeaderName,
  splitHeaderList,
} from '../src/model/query.js';
import type { HeaderRule, HeaderValue, Responder, Route, Span } from '../src/model/types.js';
import { memoByText } from '../src/model/memo.js';
import { SpanGroups, routeNames } from './lib/grouping.js';
import { addVaryOriginAfter } from './lib/nginx-fixes.js';

/**
 * An Access-Control-Allow-Origin that changes with the request's Origin must say so with
 * `Vary: Origin`, or a browser or proxy cache hands the response made for one origin (or for a
 * plain navigation without ACAO) to another origin: its CORS check fails, or the data leaks.
 * A CDN in front needs Origin in its cache key for the same reason.
 */
const rule: Rule = {
  meta: {
    id: 'missing-vary-origin',
    severity: 'warning',
    description:
      'Access-Control-Allow-Origin depends on the request origin but Vary: Origin is not sent, or a CDN caches such responses without Origin in its cache key',
    fixable: true,
  },
  check(context) {
    checkVary(context);
    checkCdnCacheKey(context);
  },
};

export default rule;

const ACAO = 'access-control-allow-origin';

/** Vary covers Origin (or might: a value computed at run time is not second-guessed). */
function variesOnOrigin(value: HeaderValue): boolean {
  switch (value.kind) {
    case 'literal':
      return covers(value.text);
    case 'reflect':
      return false;
    case 'unknown':
      return true;
    case 'by-origin':
      return [...value.cases.map((c) => c.then), value.otherwise].some(
        (o) => o !== null && (o.kind === 'unknown' || (o.kind === 'literal' && covers(o.text))),
      );
  }
}

/** A Vary list names Origin (or `*`); kept per text, since one Vary line is usually repeated on every route. */
const covers = memoByText((text) => splitHeaderList(text).some((t) => t === '*' || sameHeaderName(t, 'origin')), 4096);

function sendsVaryOrigin(responder: Responder): boolean {
  const varies = headersNamed(responder, 'vary', 'success');
  for (let i = 0; i < varies.length; i++) {
    const h = varies[i]!;
    if (variesOnOrigin(h.value)) return true;
  }
  return false;
}

/** The gateway's first Access-Control-Allow-Origin on success that depends on the request Origin. */
function dynamicOrigin(responder: Responder): HeaderRule | undefined {
  const origins = headersNamed(responder, ACAO, 'success');
  for (let i = 0; i < origins.length; i++) {
    const h = origins[i]!;
    if (h.addedBy === 'gateway' && originDependent(h.value)) return h;
  }
  return undefined;
}

/**
 * dependsOnOrigin, kept per allowlist value: an nginx map or API allowlist is one value shared by
 * every route it reaches, and the question lists and compares its outcomes each time.
 */
function originDependent(value: HeaderValue): boolean {
  if (value.kind !== 'by-origin') return dependsOnOrigin(value);
  let known = dependence.get(value);
  if (known === undefined) dependence.set(value, (known = dependsOnOrigin(value)));
  return known;
}

const dependence = new WeakMap<HeaderValue, boolean>();

function describeDependence(value: HeaderValue): string {
  return value.kind === 'reflect' ? 'echoes the request Origin' : 'is chosen by the request Origin';
}

function checkVary(context: RuleContext): void {
  const groups = new SpanGroups<{ route: Route; header: HeaderRule }>();
  const all = context.routes;
  for (let n = 0; n < all.length; n++) {
    const route = all[n]!;
    // The Vary may be declared in the part of the config that could not be read.
    if (route.incomplete?.length) continue;
    const responders = route.responders;
    for (let j = 0; j < responders.length; j++) {
      const responder = responders[j]!;
      const dynamic = dynamicOrigin(responder);
      if (!dynamic || sendsVaryOrigin(responder)) continue;
      groups.add(dynamic.span, { route, header: dynamic });
    }
  }
  for (const { span, items } of groups.list()) {
    const { header } = items[0]!;
    const fix = addVaryOriginAfter(context, header);
    context.report({
      ...(fix ? { fix } : {}),
      span,
      message:
        `Access-Control-Allow-Origin ${describeDependence(header.value)} on ${routeNames(items.map((i) => i.route.name))}, but no Vary: Origin is sent: ` +
        "a browser or proxy cache can serve a response made for one origin to another, whose CORS check then fails (or which reads data meant for the first). " +
        'Send `Vary: Origin` with it',
    });
  }
}

/** The backend's own CORS headers are stored in the CDN cache, so they must vary with Origin there. */
function backendCorsCached(route: Route): boolean {
  return route.responders.some((r) => {
    const b = r.backend;
    if (r.answeredBy !== 'backend' || !b || b.gatewayOverridesCors === true) return false;
    const own = headersNamed(r, ACAO).filter((h) => h.addedBy === 'backend');
    // A backend that always sends one fixed value does not depend on Origin.
    if (own.length > 0) return own.some((h) => dependsOnOrigin(h.value) || h.value.kind === 'unknown');
    return b.emitsCors === 'yes';
  });
}

function checkCdnCacheKey(context: RuleContext): void {
  const groups = new SpanGroups<Route>();
  const all = context.routes;
  for (let n = 0; n < all.length; n++) {
    const route = all[n]!;
    const cdn = route.cdn;
    if (!cdn || !cdnCaches(cdn) || !backendCorsCached(route)) continue;
    // Not forwarded at all is cdn-strips-cors-request-headers: the origin never sees Origin.
    if (cdnForwardsHeader(cdn, 'Origin') !== true) continue;
    if (cdnCacheKeyHas(cdn, 'Origin') !== false) continue;
    const key = cdn.cacheKeyHeaders && 'headers' in cdn.cacheKeyHeaders ? cdn.cacheKeyHeaders.span : undefined;
    const span: Span = key ?? cdn.caches?.span ?? cdn.cachedMethods?.span ?? route.span;
    groups.add(span, route);
  }
  for (const { span, items: routes } of groups.list()) {
    context.report({
      span,
      message:
        `The CDN caches responses of ${routeNames(routes.map((r) => r.name))} whose CORS headers come from the origin and depend on the request Origin, ` +
        'but Origin is not in the cache key: a response cached for one origin (or for a request without Origin, which has no Access-Control-Allow-Origin) ' +
        'is served to other origins, whose CORS check fails. Add Origin to the cache key (cache policy headers)',
    });
  }
}
