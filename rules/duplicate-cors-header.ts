import type { Rule } from '../src/engine/rule.js';
import { PROBE_ORIGINS, valueForOrigin } from '../src/model/origin.js';
import { headersNamed, sameHeaderName } from '../src/model/query.js';
import type { Backend, HeaderRule, HeaderValue, Responder, Route } from '../src/model/types.js';
import { SpanGroups, routeNames, where } from './lib/grouping.js';

/**
 * Two Access-Control-Allow-Origin (or -Credentials) lines on one response: the Fetch standard
 * joins them into `a, b` (never a valid origin, never exactly `true`) and Firefox rejects a
 * second ACAO outright, so every CORS request to the route fails.
 */
const rule: Rule = {
  meta: {
    id: 'duplicate-cors-header',
    severity: 'error',
    description: 'A response can carry two Access-Control-Allow-Origin (or -Credentials) lines, which every browser rejects',
  },
  check(context) {
    const sameLevel = new SpanGroups<SameLevel>();
    const withBackend = new SpanGroups<WithBackend>();
    let hidersIndex: HidersIndex | undefined;
    // built on first need: most responders are settled before any other route is consulted
    const hiders = () => (hidersIndex ??= indexHiders(context.routes));
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, hiders, sameLevel, withBackend);
    for (const { span, items } of sameLevel.list()) {
      const { first, second } = items[0]!;
      context.report({
        span,
        message:
          `${second.name} is added a second time on ${routeNames(items.map((i) => i.route.name))} (first at ${where(first.span, span)}): ` +
          `responses carry two ${second.name} lines, which browsers join into "${show(first.value)}, ${show(second.value)}" and reject, so every CORS request fails. ` +
          (first.via === second.via
            ? 'Send it once (pick the value with a map instead of two add_header lines)'
            : `Send it once: keep either the ${first.via} or the ${second.via}`),
      });
    }
    for (const { span, items } of withBackend.list()) {
      const { header, backend, evidence } = items[0]!;
      const names = routeNames(items.map((i) => i.route.name));
      const message =
        backend.gatewayOverridesCors === false
          ? `${names} sets ${header.name} here and ${backend.description} sets it too (${evidence}); the origin's value wins whenever it sends one: ` +
            'two CORS configurations for one route, and this one is silently ignored for those responses. ' +
            'Keep CORS in one place (override the origin, or drop this header)'
          : `${names} adds ${header.name} here while ${backend.description} also sends it (${evidence}): ` +
            `responses carry two ${header.name} lines, which browsers reject, so every CORS request fails. ` +
            `Hide the upstream's copy (\`proxy_hide_header ${header.name};\`) or stop adding it here`;
      context.report({ span, message });
    }
  },
};

export default rule;

/** The duplicated single-valued CORS headers of one route's responders (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, hiders: () => HidersIndex, sameLevel: SpanGroups<SameLevel>, withBackend: SpanGroups<WithBackend>): void {
  const responders = route.responders;
  for (let j = 0; j < responders.length; j++) {
    const responder = responders[j]!;
    for (let k = 0; k < SINGLE_VALUED.length; k++) {
      const name = SINGLE_VALUED[k]!;
      const rules = gatewayHeaders(responder, name);
      if (rules.length === 0) continue;
      const pair = firstCoexistingPair(rules);
      if (pair) {
        sameLevel.add(pair[1].span, { route, first: pair[0], second: pair[1] });
        continue;
      }
      const backend = responder.backend;
      if (responder.answeredBy !== 'backend' || !backend) continue;
      // A proxy_hide_header may sit in the part of the config that could not be read.
      if (route.incomplete?.length) continue;
      const evidence = backendSends(hiders, responder, backend, name);
      if (!evidence) continue;
      // Added only when the backend sends none (a map on $upstream_http_*), so never twice.
      const header = rules.find((h) => h.value.kind !== 'unknown' && !h.unlessBackendSends?.length);
      if (header) withBackend.add(header.span, { route, header, backend, evidence });
    }
  }
}

/** Two lines of one header on a response, both declared in the config. */
interface SameLevel {
  route: Route;
  first: HeaderRule;
  second: HeaderRule;
}

/** A header the config adds while the backend sends it too. */
interface WithBackend {
  route: Route;
  header: HeaderRule;
  backend: Backend;
  evidence: string;
}

/** Headers whose duplicates break the CORS check (list headers like Allow-Methods merge harmlessly); lower case, as the hiders index keys them. */
const SINGLE_VALUED = ['access-control-allow-origin', 'access-control-allow-credentials'];

/** The headers of this name the gateway adds (none: nothing to check, the backend rule needs one too). */
function gatewayHeaders(responder: Responder, name: string): readonly HeaderRule[] {
  const named = headersNamed(responder, name);
  // usually every one is the gateway's: no copy then
  for (let i = 0; i < named.length; i++) {
    const h = named[i]!;
    if (h.addedBy !== 'gateway') return named.filter((g) => g.addedBy === 'gateway');
  }
  return named;
}

/**
 * Two rules that land on the same response. Unknown values may be empty (nginx then omits the
 * header: the usual trick of complementary maps), and rules under different conditions may
 * never meet, so neither counts.
 */
function firstCoexistingPair(rules: readonly HeaderRule[]): [HeaderRule, HeaderRule] | undefined {
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = rules[i]!;
      const b = rules[j]!;
      if ((a.condition ?? '') !== (b.condition ?? '')) continue;
      if (!((a.onSuccess && b.onSuccess) || (a.onErrors && b.onErrors))) continue;
      if (bothPresentForSomeOrigin(a.value, b.value)) return [a, b];
    }
  }
  return undefined;
}

/** Origins worth trying: every exact allowlist entry of either value, and origins no allowlist names. */
function candidateOrigins(...values: HeaderValue[]): string[] {
  const out = new Set<string>(PROBE_ORIGINS);
  for (const v of values) {
    if (v.kind !== 'by-origin') continue;
    for (const c of v.cases) if (c.when.kind === 'exact') out.add(c.when.origin);
  }
  return [...out];
}

/** Some request origin surely gets both values (an empty value is omitted by the gateway). */
function bothPresentForSomeOrigin(a: HeaderValue, b: HeaderValue): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return false;
  const present = (v: HeaderValue, origin: string) => {
    const r = valueForOrigin(v, origin);
    return r.kind === 'text' && r.text.trim() !== '';
  };
  return candidateOrigins(a, b).some((o) => present(a, o) && present(b, o));
}

/**
 * Why we believe the backend also sends this header (a short phrase), or undefined. `unknown`
 * backends count only with positive evidence: another block that proxies to the same backend
 * hides this very header, so the author knows the upstream sends it.
 */
function backendSends(hiders: () => HidersIndex, responder: Responder, backend: Backend, name: string): string | undefined {
  for (const h of backend.hiddenHeaders) if (sameHeaderName(h, name)) return undefined;
  if (backend.gatewayOverridesCors === true) return undefined;
  const own = headersNamed(responder, name);
  for (let i = 0; i < own.length; i++) {
    const h = own[i]!;
    if (h.addedBy === 'backend') return `as declared at ${where(h.span, responder.span)}`;
  }
  if (backend.emitsCors === 'yes') return 'it emits CORS headers itself';
  if (backend.emitsCors === 'no') return undefined;
  const found = hiders().get(backend.description)?.get(name);
  const hider = found && (found[0].responder !== responder ? found[0] : found[1]);
  return hider ? `${hider.routeName} hides the upstream's copy` : undefined;
}

interface Hider {
  routeName: string;
  responder: Responder;
}

/**
 * Responders that hide a header from a backend, by backend description and lower-cased header:
 * the first in route order, and the first one after it that is another responder (so a lookup
 * that skips the asking responder still finds the first other one). Built once per run: scanning
 * every route for every proxied responder was quadratic in the size of the config. Keyed in two
 * levels, so a lookup builds no key string.
 */
type HidersIndex = Map<string, Map<string, [Hider] | [Hider, Hider]>>;

function indexHiders(routes: readonly Route[]): HidersIndex {
  const index: HidersIndex = new Map();
  for (const route of routes) {
    for (const other of route.responders) {
      const b = other.backend;
      if (!b || b.hiddenHeaders.length === 0) continue;
      let byHeader = index.get(b.description);
      if (!byHeader) index.set(b.description, (byHeader = new Map()));
      const names = b.hiddenHeaders;
      for (let i = 0; i < names.length; i++) {
        const hidden = names[i]!.toLowerCase();
        // each name once per responder (usually one or two names: no Set for them)
        if (names.slice(0, i).some((h) => h.toLowerCase() === hidden)) continue;
        const entry = byHeader.get(hidden);
        if (!entry) byHeader.set(hidden, [{ routeName: route.name, responder: other }]);
        else if (entry.length === 1 && entry[0].responder !== other) entry.push({ routeName: route.name, responder: other });
      }
    }
  }
  return index;
}

function show(value: HeaderValue): string {
  switch (value.kind) {
    case 'literal':
      return value.text;
    case 'reflect':
      return '<request origin>';
    case 'by-origin':
      return '<allowed origin>';
    default:
      return '<dynamic>';
  }
}
