import type { ClientSpec, Rule } from '../src/engine/rule.js';
import { normalizeOrigin } from '../src/model/origin.js';
import { routeHasCors } from '../src/model/preflight.js';
import { browserFacing, isCorsHeader } from '../src/model/query.js';
import type { Route, Span } from '../src/model/types.js';
import { simulate } from '../src/simulate/simulate.js';
import type { FailedCheck, SimRequest } from '../src/simulate/types.js';

/**
 * Every client declared in `clients:` is simulated against every route it can reach, with its
 * methods, headers and credentials, as today's browsers would run the request. One finding per
 * (client, route, failed step), at the configuration line responsible.
 */
const rule: Rule = {
  meta: {
    id: 'client-blocked',
    severity: 'error',
    description: 'A client declared in the configuration (origin, methods, headers, credentials) would be blocked by a route, per the browser simulation',
  },
  check(context) {
    for (const client of context.settings.clients) {
      const origin = client.origin === 'null' ? 'null' : normalizeOrigin(client.origin);
      if (!origin) continue; // the config loader reports malformed origins
      for (const route of context.routes) {
        if (!reachable(route, context.routes)) continue;
        const failures = new Map<string, { span: Span; check: FailedCheck; message: string; methods: string[] }>();
        for (const method of methodsFor(client, route)) {
          const request: SimRequest = { origin, method, headers: headersFor(client), credentials: !!client.credentials };
          const sim = simulate(route, request, { mode: 'browsers' });
          if (sim.verdict !== 'blocked' || !sim.primary.failure) continue;
          const failure = sim.primary.failure;
          const span = failure.span ?? route.span;
          const key = `${sim.failedCheck}\0${span.file}\0${span.line}\0${span.column}\0${failure.message}`;
          const entry = failures.get(key);
          if (entry) entry.methods.push(method);
          else failures.set(key, { span, check: sim.failedCheck!, message: failure.message, methods: [method] });
        }
        for (const f of failures.values()) {
          context.report({ span: f.span, message: `Client "${client.name}" (${origin}) is blocked on ${route.name}: ${describe(client, f.methods)} fails at ${STEP[f.check]}: ${lowerFirst(f.message)}` });
        }
      }
    }
  },
};

const STEP: Record<FailedCheck, string> = {
  'no-route': 'routing',
  'preflight-status': 'the preflight status',
  'preflight-missing-allow-origin': 'the preflight',
  'allow-origin-mismatch': 'the origin check',
  'wildcard-origin-with-credentials': 'the origin check',
  'missing-allow-credentials': 'the credentials check',
  'method-not-allowed': 'the preflight method check',
  'header-not-allowed': 'the preflight header check',
  'invalid-allow-list': 'the preflight',
  'multiple-allow-origin': 'the origin check',
  'actual-missing-allow-origin': 'the CORS check of the response',
  redirect: 'a redirect',
};

/** Routes browsers call that show they are called cross-origin (CORS headers, or CORS headers an inner block drops). */
function reachable(route: Route, all: readonly Route[]): boolean {
  if (!browserFacing(route, all)) return false;
  return routeHasCors(route) || route.droppedHeaders.some((d) => isCorsHeader(d.header.name));
}

/** The client's methods; without a list, the methods the route names (GET for routes that serve any). */
function methodsFor(client: ClientSpec, route: Route): string[] {
  const served = route.match.methods;
  const wanted = client.methods?.length ? client.methods : Array.isArray(served) ? served.filter((m) => m.toUpperCase() !== 'OPTIONS') : ['GET'];
  if (served === '*') return wanted;
  const upper = served.map((m) => m.toUpperCase());
  if (upper.includes('ANY')) return wanted;
  return wanted.filter((m) => upper.includes(m.toUpperCase()));
}

/** Declared header names get the value a client typically sends (JSON for Content-Type). */
function headersFor(client: ClientSpec): { name: string; value: string }[] {
  return (client.headers ?? []).map((name) => ({
    name,
    value: /^authorization$/i.test(name) ? 'Bearer token' : /^content-type$/i.test(name) ? 'application/json' : /^accept$/i.test(name) ? 'application/json' : 'x',
  }));
}

function describe(client: ClientSpec, methods: string[]): string {
  const extras = [...(client.headers ?? []), ...(client.credentials ? ['credentials'] : [])];
  const list = extras.length > 1 ? `${extras.slice(0, -1).join(', ')} and ${extras.at(-1)}` : extras[0];
  return `${methods.join('/')}${list ? ` with ${list}` : ''}`;
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

export default rule;
