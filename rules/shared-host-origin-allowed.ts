import type { Rule } from '../src/engine/rule.js';
import { reflectsAnyOrigin, valueForOrigin } from '../src/model/origin.js';
import { SpanReporter, analyseMatcher, casesOf, credentialsFor, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';

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
    for (const site of headerSites(context.routes, 'access-control-allow-origin')) {
      const value = site.header.value;
      if (value.kind !== 'by-origin' || reflectsAnyOrigin(value)) continue;
      for (const c of casesOf(value)) {
        const m = c.when;
        if (c.then?.kind !== 'reflect') continue;
        let analysis;
        if ((m.kind === 'regex' && !m.negated) || (m.kind === 'wildcard' && m.pattern.trim() !== '*')) {
          analysis = analyseMatcher(m, context.settings.sites);
        } else continue;
        if (!analysis.ok || !analysis.sharedHost) continue;
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
    }
    reporter.flush(context);
  },
};

export default rule;
