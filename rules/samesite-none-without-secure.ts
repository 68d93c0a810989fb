import type { Rule } from '../src/engine/rule.js';
import type { CookieRule, Route } from '../src/model/types.js';
import { SpanGroups, routeNames } from './lib/grouping.js';

/**
 * Browsers reject a `SameSite=None` cookie that is not `Secure` (RFC 6265bis; Chrome since 80):
 * the cookie is never stored, so cross-site requests (a web app on another site, a mobile
 * webview) arrive without it, unauthenticated.
 */
const rule: Rule = {
  meta: {
    id: 'samesite-none-without-secure',
    severity: 'warning',
    description: 'A cookie set or rewritten by the gateway has SameSite=None without Secure; browsers drop it',
  },
  check(context) {
    const groups = new SpanGroups<{ route: Route; cookie: CookieRule }>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const cookies = route.cookies;
      for (let j = 0; j < cookies.length; j++) {
        const cookie = cookies[j]!;
        if (sameSiteNoneWithoutSecure(cookie.attributes)) groups.add(cookie.span, { route, cookie });
      }
    }
    for (const { span, items } of groups.list()) {
      context.report({
        span,
        message:
          `This ${items[0]!.cookie.via} gives cookies of ${routeNames(items.map((i) => i.route.name))} SameSite=None without Secure: browsers reject such a cookie, ` +
          'so cross-site requests (from another site or a mobile webview) arrive without it and are treated as unauthenticated. Add Secure',
      });
    }
  },
};

export default rule;

/**
 * Attributes are `;`-separated in a Set-Cookie value and space-separated in flag lists
 * (`samesite=none secure`); either way an attribute is one token.
 */
export function sameSiteNoneWithoutSecure(attributes: string): boolean {
  const tokens = attributes
    .replace(/\s*=\s*/g, '=')
    .split(/[;\s]+/)
    .map((t) => t.trim().replace(/^["']+|["']+$/g, '').toLowerCase())
    .filter((t) => t.length > 0);
  // A whole attribute taken from a variable may be `Secure`.
  if (tokens.some((t) => t.startsWith('$'))) return false;
  const none = tokens.some((t) => /^samesite\s*=\s*none$/.test(t));
  const secure = tokens.includes('secure');
  return none && !secure;
}
