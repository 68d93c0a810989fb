import type { Rule } from '../src/engine/rule.js';
import { matcherAccepts, reflectsAnyOrigin, valueForOrigin } from '../src/model/origin.js';
import { SpanReporter, casesOf, credentialsFor, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';

/** `Origin: null` is allowed: sandboxed iframes and data: documents of any site send it. */
const rule: Rule = {
  meta: {
    id: 'null-origin-allowed',
    severity: 'error',
    description: 'The `null` origin is allowed: any site can send it from a sandboxed iframe, so trusting it trusts everyone',
    security: true,
  },
  check(context) {
    const reporter = new SpanReporter();
    const sites = headerSites(context.routes, 'access-control-allow-origin');
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i]!;
      const value = site.header.value;
      // a fixed value other than null (most sites) needs no evaluation
      if (value.kind === 'unknown' || (value.kind === 'literal' && value.text.trim() !== 'null')) continue;
      if (reflectsAnyOrigin(value)) continue; // the reflected-origin rules report it
      const result = valueForOrigin(value, 'null');
      if (result.kind !== 'text' || result.text.trim() !== 'null') continue;
      const accepting = casesOf(value).find((c) => matcherAccepts(c.when, 'null') === true);
      const creds = credentialsFor(site, 'null');
      reporter.add({
        span: accepting?.when.span ?? valueSpanOf(site.header),
        severity: creds ? 'error' : 'warning',
        message: `Origin null is allowed: any site can send Origin: null from a sandboxed iframe (<iframe sandbox="allow-scripts">) or a data: URL and read ${creds ? 'authenticated responses (Access-Control-Allow-Credentials: true)' : 'the responses'}; remove null from the allowlist (hybrid apps should use an https:// or capacitor:// origin)`,
      });
    }
    reporter.flush(context);
  },
};

export default rule;
