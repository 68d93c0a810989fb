import type { Rule } from '../src/engine/rule.js';
import type { HeaderRule, Route } from '../src/model/types.js';
import { parseTokenList } from '../src/model/header-list.js';
import { actualResponders, headersNamed, mayAllowCredentials, preflightResponder, sameHeaderName } from '../src/model/query.js';
import { ALLOW_HEADERS, ALLOW_METHODS, credentialsAllowed, EXPOSE_HEADERS, literalTexts } from '../src/model/preflight.js';
import { routeNames, SpanGroups, where } from './lib/grouping.js';

/**
 * `*` in Allow-Methods, Allow-Headers and Expose-Headers is a wildcard only for requests without
 * credentials. When the response allows credentials, browsers read it as the literal name "*":
 * credentialed PUT/DELETE or custom-header requests fail their preflight, and no response header
 * is exposed to scripts.
 */
const rule: Rule = {
  meta: {
    id: 'wildcard-ignored-with-credentials',
    severity: 'warning',
    description: '* in Allow-Methods, Allow-Headers or Expose-Headers where credentials are allowed, so it is read as the literal name *',
  },
  check(context) {
    const groups = new SpanGroups<Wildcard>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, groups);
    for (const { span, items } of groups.list()) {
      const { header, credentials } = items[0]!;
      const routes = routeNames(items.map((i) => i.route.name));
      const cred = `Access-Control-Allow-Credentials: true at ${where(credentials.span, span)}`;
      context.report({ span, message: consequence(header, routes, cred) });
    }
  },
};

/** Lists of one route whose `*` credentials make literal (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, groups: SpanGroups<Wildcard>): void {
  // `*` first: most routes list none, and then whether they allow credentials does not matter
  let credentials: HeaderRule | null | undefined;
  // Allow-Methods and Allow-Headers are only read on the preflight response.
  const pre = preflightResponder(route);
  if (pre) {
    // Allow-Methods lines first, then Allow-Headers lines
    for (let k = 0; k < PREFLIGHT_LISTS.length; k++) {
      const name = PREFLIGHT_LISTS[k]!;
      const lists = headersNamed(pre, name, 'success');
      for (let j = 0; j < lists.length; j++) {
        const h = lists[j]!;
        if (!listsWildcard(h)) continue;
        credentials ??= credentialsAllowed(route) ?? null;
        if (credentials) groups.add(h.valueSpan ?? h.span, { route, header: h, credentials });
      }
    }
  }
  // Expose-Headers is read on actual responses, per response: only where that response allows
  // credentials (the route then allows them too).
  const actual = actualResponders(route);
  for (let j = 0; j < actual.length; j++) {
    const r = actual[j]!;
    const exposed = headersNamed(r, EXPOSE_HEADERS, 'success');
    for (let k = 0; k < exposed.length; k++) {
      const h = exposed[k]!;
      if (!listsWildcard(h)) continue;
      const own = mayAllowCredentials(r);
      if (own) groups.add(h.valueSpan ?? h.span, { route, header: h, credentials: own });
    }
  }
}

/** A `*` list read literally on one route, and the header that allows credentials there. */
interface Wildcard {
  route: Route;
  header: HeaderRule;
  credentials: HeaderRule;
}

const PREFLIGHT_LISTS = [ALLOW_METHODS, ALLOW_HEADERS];

function listsWildcard(h: HeaderRule): boolean {
  const texts = literalTexts(h.value);
  if (!texts) return false;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    // cheap test first: a list naming * contains the character
    if (!t.includes('*')) continue;
    const parsed = parseTokenList(t);
    if (parsed.ok && parsed.items.includes('*')) return true;
  }
  return false;
}

function consequence(h: HeaderRule, routes: string, cred: string): string {
  if (sameHeaderName(h.name, ALLOW_METHODS)) {
    return `Access-Control-Allow-Methods * on ${routes} is read as the literal method "*" because credentials are allowed (${cred}): credentialed PUT, PATCH and DELETE requests fail their preflight; list the methods by name`;
  }
  if (sameHeaderName(h.name, ALLOW_HEADERS)) {
    return `Access-Control-Allow-Headers * on ${routes} is read as the literal header name "*" because credentials are allowed (${cred}): credentialed requests with custom headers (Authorization, JSON Content-Type) fail their preflight; list the headers by name`;
  }
  return `Access-Control-Expose-Headers * on ${routes} is read as the literal header name "*" because credentials are allowed (${cred}): scripts making credentialed requests cannot read any non-safelisted response header; list the headers by name`;
}

export default rule;
