import type { Report, Rule } from '../src/engine/rule.js';
import { isCorsHeader, preflightResponder, sameHeaderName } from '../src/model/query.js';
import type { DroppedHeader, Responder, Route } from '../src/model/types.js';
import { SpanGroups, routeNames, where } from './lib/grouping.js';

/**
 * nginx inherits `add_header` from the outer level only when the inner level declares none: one
 * `add_header` in a location or `if` silently removes every CORS header declared around it.
 */
const rule: Rule = {
  meta: {
    id: 'cors-headers-dropped-by-inheritance',
    severity: 'error',
    description:
      'A location, nested location or if declares its own add_header and so silently drops CORS headers declared at an outer level',
  },
  check(context) {
    const groups = new SpanGroups<{ route: Route; drop: DroppedHeader; effect: Effect }>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      // An include that could not be read may re-declare the headers inside the inner block.
      if (route.incomplete?.length) continue;
      const dropped = route.droppedHeaders;
      for (let j = 0; j < dropped.length; j++) {
        const drop = dropped[j]!;
        const responder = route.responders[drop.responderIndex];
        if (!responder) continue;
        const effect = effectOfLosing(drop.header.name, responder, preflightResponder(route) === responder);
        if (!effect) continue;
        // The inner level declares the same header itself: nothing is lost.
        if (responder.headers.some((h) => sameHeaderName(h.name, drop.header.name) && h.addedBy === 'gateway')) continue;
        groups.add(drop.droppedBy, { route, drop, effect });
      }
    }
    for (const { span, items } of groups.list()) {
      // One finding per inner declaration, naming every CORS header it cuts off.
      const lost = new Map<string, (typeof items)[number]>();
      for (const item of items) {
        const key = `${item.drop.header.name.toLowerCase()}\0${item.drop.header.span.file}\0${item.drop.header.span.line}`;
        if (!lost.has(key)) lost.set(key, item);
      }
      const list = [...lost.values()].sort((a, b) => a.drop.header.span.line - b.drop.header.span.line);
      const headers = list.map((i) => `${i.drop.header.name} (${where(i.drop.header.span, span)})`);
      const consequences = [...new Set(list.map((i) => i.effect.consequence))];
      const responses = [...new Set(list.map((i) => i.effect.responses))];
      const report: Report = {
        span,
        message:
          `${joinWords(headers)} ${headers.length === 1 ? 'does' : 'do'} not reach ${joinWords(responses)} of ${routeNames(items.map((i) => i.route.name))}: ` +
          `this add_header replaces the inherited list, so ${joinWords(consequences)}. ` +
          'Repeat the CORS headers in this block (a shared include keeps them in one place), or use `add_header_inherit merge;` on nginx 1.29.3+',
      };
      if (list.every((i) => i.effect.severity === 'warning')) report.severity = 'warning';
      context.report(report);
    }
  },
};

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export default rule;


interface Effect {
  responses: string;
  consequence: string;
  severity?: 'warning';
}

/** What losing a header costs on this responder, or undefined when the header does not matter there. */
function effectOfLosing(name: string, responder: Responder, preflight: boolean): Effect | undefined {
  if (!isCorsHeader(name)) return undefined;
  const actual = responder.methods === '*' || responder.methods.some((m) => m !== 'OPTIONS');
  const responses = preflight && !actual ? 'the preflight (OPTIONS) response' : 'the responses';
  switch (name.toLowerCase()) {
    case 'access-control-allow-origin':
      return { responses, consequence: 'the browser blocks them with a CORS error' };
    case 'access-control-allow-credentials':
      return { responses, consequence: 'every request sent with credentials (cookies) fails the CORS check' };
    case 'access-control-allow-methods':
      return preflight
        ? { responses, consequence: 'preflights for PUT, PATCH, DELETE and other non-simple methods fail' }
        : undefined;
    case 'access-control-allow-headers':
      return preflight
        ? { responses, consequence: 'preflights for requests with Authorization, Content-Type: application/json or custom headers fail' }
        : undefined;
    case 'access-control-max-age':
      return preflight
        ? { responses, consequence: 'browsers cache each preflight only 5 seconds', severity: 'warning' }
        : undefined;
    case 'access-control-expose-headers':
      return actual
        ? { responses, consequence: 'scripts can no longer read the response headers it exposed', severity: 'warning' }
        : undefined;
    default:
      return undefined;
  }
}
