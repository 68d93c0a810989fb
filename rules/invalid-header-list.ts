import type { Rule } from '../src/engine/rule.js';
import type { HeaderRule, Route } from '../src/model/types.js';
import { looksTemplated, parseTokenList, singleQuotedItems, type ListProblem } from '../src/model/header-list.js';
import { memoByText } from '../src/model/memo.js';
import { headersNamed, preflightResponder, sameHeaderName } from '../src/model/query.js';
import { ALLOW_HEADERS, ALLOW_METHODS, literalTexts } from '../src/model/preflight.js';
import { routeNames, SpanGroups } from './lib/grouping.js';

/**
 * Browsers parse Allow-Methods and Allow-Headers as comma-separated token lists (Fetch "extract
 * header list values"). A value that does not parse (`GET POST`, `X-A;X-B`, `"Content-Type"`)
 * makes the whole preflight a network error; names kept in single quotes parse, but never match.
 * Values the linter cannot read (`$var`, `${VAR}` templates) are never judged.
 */
const rule: Rule = {
  meta: {
    id: 'invalid-header-list',
    severity: 'error',
    description: 'Access-Control-Allow-Methods or -Allow-Headers is not a comma-separated token list',
  },
  check(context) {
    const groups = new SpanGroups<InvalidList>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, groups);
    for (const { span, items } of groups.list()) {
      const { header, problem } = items[0]!;
      context.report({
        span,
        message: `${canonicalName(header)} on ${routeNames(items.map((i) => i.route.name))} ${problem}`,
      });
    }
  },
};

/** The invalid Allow-Methods / Allow-Headers lists of one route's preflight (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, groups: SpanGroups<InvalidList>): void {
  const pre = preflightResponder(route);
  if (!pre) return;
  // Allow-Methods lines first, then Allow-Headers lines
  for (let k = 0; k < PREFLIGHT_LISTS.length; k++) {
    const name = PREFLIGHT_LISTS[k]!;
    const lists = headersNamed(pre, name, 'success');
    for (let j = 0; j < lists.length; j++) {
      const header = lists[j]!;
      const problem = listProblem(header, name === ALLOW_METHODS);
      if (problem) groups.add(header.valueSpan ?? header.span, { route, header, problem });
    }
  }
}

/** A list value that browsers reject, on one route. */
interface InvalidList {
  route: Route;
  header: HeaderRule;
  problem: string;
}

function canonicalName(h: HeaderRule): string {
  return sameHeaderName(h.name, ALLOW_METHODS) ? 'Access-Control-Allow-Methods' : 'Access-Control-Allow-Headers';
}

const PREFLIGHT_LISTS = [ALLOW_METHODS, ALLOW_HEADERS];

/** What is wrong with the value and what the browser does about it, or undefined when it is fine. */
function listProblem(h: HeaderRule, methods: boolean): string | undefined {
  const value = h.value;
  if (value.kind === 'literal') return textProblem(value.text, methods);
  for (const text of literalTexts(value) ?? []) {
    const problem = textProblem(text, methods);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Problems per value text (null: none), for Allow-Methods and for Allow-Headers: one list is usually repeated on many routes. */
const methodProblem = memoByText((text) => computeTextProblem(text, 'method') ?? null, 4096);
const headerProblem = memoByText((text) => computeTextProblem(text, 'header name') ?? null, 4096);

function textProblem(text: string, methods: boolean): string | undefined {
  return (methods ? methodProblem : headerProblem)(text) ?? undefined;
}

function computeTextProblem(text: string, what: string): string | undefined {
  if (looksTemplated(text)) return undefined;
  const parsed = parseTokenList(text);
  if (!parsed.ok) {
    return `is not a comma-separated list: ${describeProblem(parsed.problem, parsed.element, what)}, so browsers treat the whole preflight as a network error and block every preflighted request; ${fixFor(parsed.problem, parsed.element)}`;
  }
  const quoted = singleQuotedItems(parsed.items);
  if (quoted.length > 0) {
    const shown = quoted.slice(0, 3);
    const more = quoted.length > shown.length ? ` and ${quoted.length - shown.length} more` : '';
    const names = shown.map((q) => q.replace(/'/g, ''));
    return `keeps quotes inside the value: ${shown.map((q) => `[${q}]`).join(', ')}${more} ${quoted.length === 1 ? 'is' : 'are'} read with the quotes as part of the ${what}, so ${quoted.length === 1 ? 'it never matches' : 'they never match'} ${names.join(', ')}${more ? ', ...' : ''} and preflights for requests that need ${quoted.length === 1 ? 'it' : 'them'} fail; remove the inner quotes`;
  }
  return undefined;
}

function describeProblem(problem: ListProblem, element: string, what: string): string {
  switch (problem) {
    case 'space-separated':
      return `"${element}" separates names with spaces`;
    case 'semicolon-separated':
      return `"${element}" separates names with ";"`;
    case 'double-quoted':
      return `${element} carries double quotes, which a ${what} cannot contain`;
    case 'not-a-token':
      return `"${element}" is not a valid ${what}`;
  }
}

function fixFor(problem: ListProblem, element: string): string {
  switch (problem) {
    case 'space-separated':
      return `write ${element.trim().split(/[ \t]+/).join(', ')}`;
    case 'semicolon-separated':
      return `write ${element.split(';').map((s) => s.trim()).filter(Boolean).join(', ')}`;
    case 'double-quoted':
      return 'remove the quotes inside the value';
    case 'not-a-token':
      return 'separate names with commas and use only token characters';
  }
}

export default rule;
