import type { Rule } from '../src/engine/rule.js';
import type { Route, Span } from '../src/model/types.js';
import { calledCrossOrigin, optionsNotServed, preflightAnswer, preflightReason, statusText } from '../src/model/preflight.js';
import { routeNames, spanKey, SpanGroups } from './lib/grouping.js';
import { reportBySpan, type RouteProblem } from './lib/report-by-span.js';

/**
 * Browsers preflight non-simple requests (methods other than GET/HEAD/POST, headers such as
 * Authorization or a JSON Content-Type). When nothing on the route answers OPTIONS with a 2xx,
 * the browser never sends the real request. Preflights a backend answers are not judged here:
 * the linter cannot see whether the backend handles OPTIONS (`cors-delegated-to-backend`).
 */
const rule: Rule = {
  meta: {
    id: 'preflight-unhandled',
    severity: 'error',
    description: 'A route needs preflights, but nothing answers OPTIONS with 2xx',
  },
  check(context) {
    const groups = new SpanGroups<RouteProblem>();
    // Routes failing for one problem at one span (GET and PUT of a path without OPTIONS) are one
    // finding, even when each is preflighted for its own reason: the message lists them all.
    const failing = new Map<string, FailingPreflights>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) {
      const route = all[n]!;
      const unanswered = whyUnanswered(route);
      if (!unanswered) continue;
      if (!calledCrossOrigin(route, context.routes)) continue;
      const reason = preflightReason(route, context.settings.clients);
      if (!reason) continue;
      const { problem } = unanswered;
      const key = `${spanKey(unanswered.span)}\0${problem}`;
      let routes = failing.get(key);
      if (!routes) failing.set(key, (routes = new FailingPreflights()));
      routes.reasons.push({ name: route.name, reason });
      const sameFailure = routes;
      groups.add(unanswered.span, {
        route,
        message: (names) => `Preflight for ${sameFailure.methodsOfOnePath() ?? names} fails: ${problem}; browsers preflight ${sameFailure.whyPreflighted()}, and block the request when OPTIONS is not answered with 2xx`,
      });
    }
    reportBySpan(context, groups);
  },
};

/**
 * The routes failing for one problem at one span, with their reasons. reportBySpan words each
 * route's message (to tell problems apart at a span) once all are known: the parts that name
 * them all are worded once, not per route.
 */
class FailingPreflights {
  readonly reasons: { name: string; reason: string }[] = [];
  private paths: string | null | undefined;
  private why: string | undefined;

  methodsOfOnePath(): string | undefined {
    if (this.paths === undefined) this.paths = methodsOfOnePath(this.reasons.map((r) => r.name)) ?? null;
    return this.paths ?? undefined;
  }

  whyPreflighted(): string {
    return (this.why ??= whyPreflighted(this.reasons));
  }
}

/** `GET and PUT /orders` for routes named `<METHOD> <same path>`; undefined otherwise or for one route. */
function methodsOfOnePath(names: readonly string[]): string | undefined {
  const distinct = [...new Set(names)];
  if (distinct.length < 2) return undefined;
  const parts = distinct.map((n) => /^([A-Z]+) (.+)$/.exec(n));
  const path = parts[0]?.[2];
  if (!path || parts.some((m) => !m || m[2] !== path)) return undefined;
  const methods = parts.map((m) => m![1]!);
  return `${methods.slice(0, -1).join(', ')} and ${methods[methods.length - 1]} ${path}`;
}

/** `it because <reason>`, or per reason the routes (or methods) it applies to (`GET because ..., PUT because ...`). */
function whyPreflighted(reasons: readonly { name: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const r of reasons) {
    const names = byReason.get(r.reason);
    if (names) names.push(r.name);
    else byReason.set(r.reason, [r.name]);
  }
  if (byReason.size === 1) return `it because ${reasons[0]!.reason}`;
  const onePath = methodsOfOnePath(reasons.map((r) => r.name)) !== undefined;
  return [...byReason]
    .map(([reason, names]) => `${onePath ? [...new Set(names.map((n) => n.split(' ')[0]))].join(' and ') : routeNames(names)} because ${reason}`)
    .join(', ');
}

/** Why OPTIONS on the route gets no 2xx from anyone, and where that is configured. */
function whyUnanswered(route: Route): { problem: string; span: Span } | undefined {
  const answer = preflightAnswer(route);
  switch (answer.kind) {
    case 'cdn-blocked':
      return {
        problem: `the CDN allows only ${answer.methods.join(', ')} and rejects OPTIONS itself (403) before the origin sees it`,
        span: answer.span ?? route.span,
      };
    case 'none':
      // An unread include may hold the OPTIONS handler.
      if (route.incomplete?.length) return undefined;
      return { problem: 'nothing on the route answers OPTIONS', span: route.match.span ?? route.span };
    case 'nobody': {
      const { status: info, description } = answer.responder;
      // Sources often name the status already ("API Gateway answers 403 ...").
      const status = info.kind === 'fixed' && !description.includes(String(info.code)) ? ` (${statusText(info.code)})` : '';
      return { problem: `nothing answers OPTIONS: ${description}${status}`, span: answer.responder.span };
    }
    case 'status':
      if (!optionsNotServed(route, answer)) return undefined;
      return {
        problem: `OPTIONS is not among the methods the route serves (${(route.match.methods as string[]).join(', ')}): ${answer.responder.description} answers it with ${statusText(answer.code)}`,
        span: answer.responder.span,
      };
    default:
      return undefined;
  }
}

export default rule;
