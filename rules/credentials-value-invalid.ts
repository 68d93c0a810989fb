import type { Rule } from '../src/engine/rule.js';
import type { Span } from '../src/model/types.js';
import { SpanReporter, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';

/** Access-Control-Allow-Credentials present with anything but exactly `true`. */
const rule: Rule = {
  meta: {
    id: 'credentials-value-invalid',
    severity: 'error',
    description: 'Access-Control-Allow-Credentials is present with anything but exactly `true`',
  },
  check(context) {
    const reporter = new SpanReporter();
    const sites = headerSites(context.routes, 'access-control-allow-credentials');
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i]!;
      const value = site.header.value;
      // the usual literal `true` (or an empty value, which sends nothing) needs no list
      if (value.kind === 'literal' && isFine(value.text.trim())) continue;
      if (value.kind !== 'literal' && value.kind !== 'by-origin') continue;
      const span = valueSpanOf(site.header);
      const texts: { text: string; span: Span }[] = [];
      if (value.kind === 'literal') texts.push({ text: value.text, span });
      else if (value.kind === 'by-origin') {
        for (const c of value.cases) if (c.then?.kind === 'literal') texts.push({ text: c.then.text, span: c.when.span ?? span });
        if (value.otherwise?.kind === 'literal') texts.push({ text: value.otherwise.text, span });
      }
      for (const { text, span: at } of texts) {
        const t = text.trim();
        if (isFine(t)) continue;
        const why =
          t.toLowerCase() === 'true'
            ? `the value is case-sensitive, so "${t}" is not "true"`
            : t.toLowerCase() === 'false'
              ? '"false" does not switch credentials off, it only makes credentialed requests fail; remove the header instead'
              : `"${t}" is not "true"`;
        reporter.add({
          span: at,
          severity: 'error',
          message: `Credentialed requests fail: Access-Control-Allow-Credentials must be exactly "true" and ${why}; fetch(..., { credentials: 'include' }) gets a CORS error`,
        });
      }
    }
    reporter.flush(context);
  },
};

export default rule;

/** `true`, or empty: nginx sends no header. */
function isFine(trimmed: string): boolean {
  return trimmed === 'true' || trimmed === '';
}
