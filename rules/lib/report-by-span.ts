/**
 * Reporting for rules whose finding sits on a declaration shared by several routes (a server-level
 * add_header, an included OPTIONS block): one finding per span and per distinct problem, naming
 * the routes it affects, so two routes with different problems at one span are not merged.
 */
import type { Fix, Report, RuleContext, Severity } from '../../src/engine/rule.js';
import type { Route, Span } from '../../src/model/types.js';
import { routeNames, type SpanGroups } from './grouping.js';

export interface RouteProblem {
  route: Route;
  /** the message for the routes (already joined into one phrase) this problem affects */
  message: (routes: string) => string;
  severity?: Severity;
  /** an edit that fixes the declaration (the same for every route sharing it) */
  fix?: Fix;
}

export function reportBySpan(context: RuleContext, groups: SpanGroups<RouteProblem>): void {
  for (const { span, items } of groups.list()) {
    if (items.length === 1) {
      // one route at this span: nothing to tell apart, so no message is worded for a key
      report(context, span, items);
      continue;
    }
    const byProblem = new Map<string, RouteProblem[]>();
    for (const item of items) {
      const key = `${item.severity ?? ''}\0${item.message('\0')}`;
      const list = byProblem.get(key);
      if (list) list.push(item);
      else byProblem.set(key, [item]);
    }
    for (const same of byProblem.values()) report(context, span, same);
  }
}

/** One finding for routes with the same problem at one span, worded and fixed as the first one's. */
function report(context: RuleContext, span: Span, same: readonly RouteProblem[]): void {
  const first = same[0]!;
  const report: Report = { span, message: first.message(routeNames(same.map((i) => i.route.name))) };
  if (first.severity) report.severity = first.severity;
  if (first.fix) report.fix = first.fix;
  context.report(report);
}
