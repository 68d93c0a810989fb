import type { Rule } from '../src/engine/rule.js';
import type { Route } from '../src/model/types.js';
import { methodForcesPreflight, normalizeMethod } from '../src/model/header-list.js';
import { memoByText } from '../src/model/memo.js';
import {
  ALLOW_METHODS,
  calledCrossOrigin,
  credentialsAllowed,
  describeList,
  listSpan,
  preflightList,
  servedMethods,
} from '../src/model/preflight.js';
import { SpanGroups } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';

/**
 * A method other than GET, HEAD and POST is preflighted and must appear in
 * `Access-Control-Allow-Methods`, compared byte for byte: browsers uppercase DELETE, GET, HEAD,
 * OPTIONS, POST and PUT before sending, so `delete` in the list never allows a DELETE.
 */
const rule: Rule = {
  meta: {
    id: 'allow-methods-missing-method',
    severity: 'warning',
    description: 'A method the route serves (other than GET, HEAD, POST) is missing from Access-Control-Allow-Methods',
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, all, groups);
    reportBySpan(context, groups);
  },
};

/** The methods one route serves that its preflight does not allow, if any (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, all: readonly Route[], groups: SpanGroups<RouteProblem>): void {
  const methods = preflightedMethods(servedMethods(route));
  if (methods.length === 0 || !calledCrossOrigin(route, all)) return;
  const list = preflightList(route, ALLOW_METHODS);
  if (list.kind !== 'absent' && list.kind !== 'list') return;
  const items = list.kind === 'list' ? list.items : [];
  // Without credentials `*` allows every method; with them it is the literal method "*".
  if (items.includes('*') && !credentialsAllowed(route)) return;
  // most routes miss none: the list of missing methods is made only when one is
  if (allIncluded(methods, items)) return;
  const missing = methods.filter((m) => !items.includes(m));
  const caseNotes = missing
    .map((m) => {
      const variant = items.find((i) => i.toUpperCase() === m.toUpperCase());
      return variant ? `${variant} does not allow ${m}: method names compare case-sensitively` : undefined;
    })
    .filter((n) => n !== undefined);
  const allowed = list.kind === 'absent' ? 'the preflight response has no Access-Control-Allow-Methods' : `Access-Control-Allow-Methods allows ${describeList(list)}`;
  const note = caseNotes.length > 0 ? ` (${caseNotes.join('; ')})` : '';
  groups.add(listSpan(list), {
    route,
    message: (routes) =>
      `Preflight for ${missing.join(', ')} requests to ${routes} fails: the route serves ${missing.join(', ')}, but ${allowed}${note}; browsers block those requests before sending them`,
  });
}

/** The distinct normalized methods that force a preflight, in first-served order (shared empty list: none). */
function preflightedMethods(served: readonly string[]): readonly string[] {
  let out: string[] | undefined;
  for (let i = 0; i < served.length; i++) {
    const m = served[i]!;
    const method = preflightedAs(m);
    if (method === null) continue;
    if (out === undefined) out = [method];
    else if (!out.includes(method)) out.push(method);
  }
  return out ?? NONE;
}

const NONE: readonly string[] = [];

function allIncluded(methods: readonly string[], items: readonly string[]): boolean {
  for (let i = 0; i < methods.length; i++) if (!items.includes(methods[i]!)) return false;
  return true;
}

/** A served method as a browser sends it, if it forces a preflight (null: it does not); per method as written, since routes repeat a few. */
const preflightedAs = memoByText((m) => {
  const method = normalizeMethod(m);
  return methodForcesPreflight(method) ? method : null;
}, 1000);

export default rule;
