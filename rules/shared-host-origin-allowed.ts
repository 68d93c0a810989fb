import type { Rule } from '../src/engine/rule.js';
import { valueForOrigin } from '../src/model/origin.js';
import { SpanReporter, credentialsFor, reflectingPatternCases, valueSpanOf } from '../src/model/origin-scopes.js';

/** An allowlist trusts every subdomain of a shared hosting suffix (github.io, vercel.app, ...). */
const rule: Rule = {
  meta: {
    id: 'shared-host-origin-allowed',
    severity: 'warning',
    description: 'An allowlist trusts every subdomain of a shared hosting suffix (*.github.io, *.herokuapp.com, *.vercel.app, ...)',
    security: true,
  },
  check(context) {
    const reporter = new SpanReporter();
    for (const { site, value, matcher: m, analysis } of reflectingPatternCases(context.routes, context.settings.sites)) {
      if (!analysis.sharedHost) continue;
      const { suffix, origin } = analysis.sharedHost;
      const sent = valueForOrigin(value, origin);
      if (sent.kind !== 'text' || sent.text !== origin) continue;
      const creds = credentialsFor(site, origin);
      reporter.add({
        span: m.span ?? valueSpanOf(site.header),
        severity: 'warning',
        message: `The allowlist trusts every site on ${suffix} (e.g. ${origin}): anyone can publish a page there and read ${creds ? 'authenticated responses' : 'the responses'}; list your own ${suffix} origins exactly`,
      });
    }
    reporter.flush(context);
  },
};

export default rule;
