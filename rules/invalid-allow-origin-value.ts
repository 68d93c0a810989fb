import type { Rule } from '../src/engine/rule.js';
import type { Span } from '../src/model/types.js';
import { isValidAllowOriginValue } from '../src/model/origin.js';
import { SpanReporter, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';

/** A literal Access-Control-Allow-Origin value that can never equal a browser's Origin. */
const rule: Rule = {
  meta: {
    id: 'invalid-allow-origin-value',
    severity: 'error',
    description:
      'An Access-Control-Allow-Origin value that can never match a browser origin (trailing slash, path, uppercase, default port, several origins, *.example.com pattern syntax)',
  },
  check(context) {
    const reporter = new SpanReporter();
    const sites = headerSites(context.routes, 'access-control-allow-origin');
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i]!;
      const value = site.header.value;
      // the usual valid literal needs no list
      if (value.kind === 'literal' && isFine(value.text)) continue;
      if (value.kind !== 'literal' && value.kind !== 'by-origin') continue;
      const texts: { text: string; span: Span }[] = [];
      const span = valueSpanOf(site.header);
      if (value.kind === 'literal') texts.push({ text: value.text, span });
      else if (value.kind === 'by-origin') {
        for (const c of value.cases) if (c.then?.kind === 'literal') texts.push({ text: c.then.text, span: c.when.span ?? span });
        if (value.otherwise?.kind === 'literal') texts.push({ text: value.otherwise.text, span });
      }
      for (const { text, span: at } of texts) {
        if (text.trim() === '') continue; // nginx sends no header for an empty value
        const check = isValidAllowOriginValue(text);
        if (check.valid) continue;
        reporter.add({
          span: at,
          severity: 'error',
          message: `Access-Control-Allow-Origin "${text.trim()}" never matches a browser's Origin: ${check.reason}, so every cross-origin request to this response fails the CORS check${check.suggestion ? ` (use ${check.suggestion})` : ''}`,
        });
      }
    }
    reporter.flush(context);
  },
};

export default rule;

/** Empty (nginx sends no header for an empty value) or a value that can match an origin. */
function isFine(text: string): boolean {
  return text.trim() === '' || isValidAllowOriginValue(text).valid;
}
