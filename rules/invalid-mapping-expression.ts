import type { Fix, Rule, RuleContext } from '../src/engine/rule.js';
import type { GatewayError, HeaderRule, Route } from '../src/model/types.js';
import { SpanReporter, valueSpanOf } from '../src/model/origin-scopes.js';

/**
 * An API Gateway header value that is neither a quoted literal nor a mapping expression, such as
 * `method.response.header.Access-Control-Allow-Origin: "*"`: API Gateway rejects it.
 */
const rule: Rule = {
  meta: {
    id: 'invalid-mapping-expression',
    severity: 'error',
    description: 'an API Gateway header value is not in single quotes and is not a mapping expression, so API Gateway rejects it',
    fixable: true,
  },
  check(context) {
    const reporter = new SpanReporter();
    // headers shared between routes are reported once; only the few with the problem are remembered
    const reported = new Set<HeaderRule>();
    const check = (headers: readonly HeaderRule[]) => {
      for (let i = 0; i < headers.length; i++) {
        const header = headers[i]!;
        const value = header.value;
        if (value.kind !== 'unknown' || value.notMappingExpression === undefined || reported.has(header)) continue;
        reported.add(header);
        const text = value.notMappingExpression;
        const fix = quoteLiteral(context, header, text);
        reporter.add({
          ...(fix ? { fix } : {}),
          span: valueSpanOf(header),
          severity: 'error',
          message:
            `API Gateway rejects this ${header.name} value ("Invalid mapping expression specified"): ${JSON.stringify(text)} is not in single quotes, ` +
            `so it is read as a mapping expression, and it is not one (those start with method.request., integration.response., stageVariables. or context.). ` +
            `The deployment fails and no CORS header is sent; write the literal in single quotes inside the string: "'${text}'"`,
        });
      }
    };
    // An API's routes share their gateway responses (one list per kind of auth): each list is looked at once.
    const errorLists = new Set<readonly GatewayError[]>();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, check, errorLists);
    reporter.flush(context);
  },
};

export default rule;

/** Checks the header lists of one route, and its gateway error list unless seen (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, check: (headers: readonly HeaderRule[]) => void, errorLists: Set<readonly GatewayError[]>): void {
  const responders = route.responders;
  for (let j = 0; j < responders.length; j++) {
    const responder = responders[j]!;
    check(responder.headers);
  }
  const errors = route.gatewayErrors;
  if (!errors || errorLists.has(errors)) return;
  errorLists.add(errors);
  for (let j = 0; j < errors.length; j++) {
    const error = errors[j]!;
    check(error.headers);
  }
}

/**
 * Rewrites a value written in place (`"*"`, `'*'`, `*`) as the quoted literal `"'*'"`, which
 * YAML, JSON and HCL all read as the string `'*'`. Nothing for a value that came from elsewhere
 * (a reference, a variable, a substitution) or that holds characters needing escapes.
 */
function quoteLiteral(context: RuleContext, header: HeaderRule, text: string): Fix | undefined {
  const span = header.valueSpan;
  if (!span || span.offset === undefined || span.endOffset === undefined) return undefined;
  const source = context.files.get(span.file);
  if (source === undefined || !/^[^"'\\$%{}\n]+$/.test(text)) return undefined;
  const raw = source.slice(span.offset, span.endOffset);
  const quote = raw[0] === '"' || raw[0] === "'" ? raw[0] : '';
  if ((quote ? raw.slice(1, -1) : raw) !== text || (quote && !raw.endsWith(quote))) return undefined;
  return { file: span.file, range: [span.offset, span.endOffset], text: `"'${text}'"` };
}
