import type { Rule } from '../src/engine/rule.js';
import { pcreSyntaxError } from '../src/model/patterns.js';
import { SpanReporter, valueSpanOf } from '../src/model/origin-scopes.js';
import type { Route } from '../src/model/types.js';

/** An origin allowlist regex that PCRE does not compile. */
const rule: Rule = {
  meta: {
    id: 'origin-pattern-invalid',
    severity: 'error',
    description: 'An origin allowlist regex does not compile as PCRE: nginx refuses the configuration or the allowlist never matches',
  },
  check(context) {
    const reporter = new SpanReporter();
    const all = context.routes;
    for (let n = 0; n < all.length; n++) checkRoute(all[n]!, reporter);
    reporter.flush(context);
  },
};

/** Invalid PCRE origin patterns in one route's headers (one call per route: a loop around the whole check would be compiled on the fly (OSR) for the few routes left). */
function checkRoute(route: Route, reporter: SpanReporter): void {
  const responders = route.responders;
  for (let j = 0; j < responders.length; j++) {
    const responder = responders[j]!;
    const headers = responder.headers;
    for (let k = 0; k < headers.length; k++) {
      const header = headers[k]!;
      if (header.value.kind !== 'by-origin') continue;
      for (const c of header.value.cases) {
        const m = c.when;
        if (m.kind !== 'regex' || m.dialect !== 'pcre') continue;
        const err = pcreSyntaxError(m.source);
        if (!err) continue;
        reporter.add({
          span: m.span ?? valueSpanOf(header),
          severity: 'error',
          message: `Origin pattern \`${m.source}\` is not valid PCRE (${err.message}${err.offset !== undefined ? ` at offset ${err.offset}` : ''}): nginx fails to start with "pcre_compile() failed", so no ${header.name} is ever sent`,
        });
      }
    }
  }
}

export default rule;
