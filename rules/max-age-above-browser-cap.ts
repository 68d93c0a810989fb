import type { Rule } from '../src/engine/rule.js';
import type { Route } from '../src/model/types.js';
import { headersNamed, preflightResponder } from '../src/model/query.js';
import { literalTexts, MAX_AGE } from '../src/model/preflight.js';
import { memoByText } from '../src/model/memo.js';
import { routeNames, SpanGroups } from './lib/grouping.js';

/** What each engine caps `Access-Control-Max-Age` at (reference/cors-protocol.md §1.8). */
export const MAX_AGE_CAPS = [
  { engine: 'Chromium', seconds: 7200 },
  { engine: 'Firefox', seconds: 86400 },
  { engine: 'Safari', seconds: 600 },
] as const;

const LOWEST_CAP = Math.min(...MAX_AGE_CAPS.map((c) => c.seconds));

/** Browsers silently shorten a long Max-Age: the value configured is not what users get. */
const rule: Rule = {
  meta: {
    id: 'max-age-above-browser-cap',
    severity: 'info',
    description: 'Access-Control-Max-Age above what browsers honour (Chromium 7200 s, Firefox 86400 s, Safari 600 s)',
  },
  check(context) {
    const groups = new SpanGroups<{ route: Route; seconds: number }>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const pre = preflightResponder(route);
      if (!pre) continue;
      const ages = headersNamed(pre, MAX_AGE, 'success');
      for (let j = 0; j < ages.length; j++) {
        const h = ages[j]!;
        for (const text of literalTexts(h.value) ?? []) {
          const seconds = deltaSeconds(text);
          if (seconds !== null && seconds > LOWEST_CAP) groups.add(h.valueSpan ?? h.span, { route, seconds });
        }
      }
    }
    for (const { span, items } of groups.list()) {
      const { seconds } = items[0]!;
      const uses = MAX_AGE_CAPS.map((c) => `${c.engine} ${Math.min(seconds, c.seconds)} s`).join(', ');
      const capped = MAX_AGE_CAPS.filter((c) => seconds > c.seconds).map((c) => c.engine);
      context.report({
        span,
        message: `Access-Control-Max-Age ${seconds} on ${routeNames(items.map((i) => i.route.name))} is above what ${capped.length === MAX_AGE_CAPS.length ? 'any browser honours' : `${capped.join(' and ')} ${capped.length === 1 ? 'honours' : 'honour'}`}: the preflight is cached for ${uses}`,
      });
    }
  },
};

export default rule;

/**
 * The seconds of a delta-seconds value (digits only), else null: anything else is another problem
 * (browsers fall back to 5 s). Per text: routes repeat one Max-Age line.
 */
const deltaSeconds = memoByText((text) => (/^[ \t]*\d+[ \t]*$/.test(text) ? Number(text.trim()) : null), 1000);
