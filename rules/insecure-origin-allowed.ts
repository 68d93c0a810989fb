import type { Rule } from '../src/engine/rule.js';
import type { Span } from '../src/model/types.js';
import { isLoopbackHost, parseOrigin, reflectsAnyOrigin, valueForOrigin } from '../src/model/origin.js';
import { SpanReporter, analyseMatcher, credentialsFor, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';

/** A plain-http origin (not localhost) is trusted by a credentialed scope. */
const rule: Rule = {
  meta: {
    id: 'insecure-origin-allowed',
    severity: 'warning',
    description: 'An http:// origin other than localhost is trusted by a scope that allows credentials',
    security: true,
  },
  check(context) {
    const reporter = new SpanReporter();
    const sites = headerSites(context.routes, 'access-control-allow-origin');
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i]!;
      const value = site.header.value;
      if (value.kind === 'unknown' || value.kind === 'reflect' || reflectsAnyOrigin(value)) continue;
      // only plain-http origins count (parseOrigin lower-cases the scheme): most values have none
      if (value.kind === 'literal' && !PLAIN_HTTP.test(value.text.trim())) continue;
      const candidates: { origin: string; span: Span }[] = [];
      const span = valueSpanOf(site.header);
      if (value.kind === 'literal') candidates.push({ origin: value.text.trim(), span });
      else {
        for (const c of value.cases) {
          const m = c.when;
          const at = m.span ?? span;
          if (c.then?.kind === 'literal') candidates.push({ origin: c.then.text.trim(), span: at });
          if (c.then?.kind !== 'reflect') continue;
          if (m.kind === 'exact') candidates.push({ origin: m.origin.toLowerCase(), span: at });
          else if (m.kind === 'wildcard' && m.pattern.trim() !== '*') candidates.push({ origin: m.pattern.replaceAll('*', 'app'), span: at });
          else if (m.kind === 'regex' && !m.negated) {
            const a = analyseMatcher(m, context.settings.sites);
            if (a.ok && !a.acceptsAny && a.httpOrigin) candidates.push({ origin: a.httpOrigin, span: at });
          }
        }
        if (value.otherwise?.kind === 'literal') candidates.push({ origin: value.otherwise.text.trim(), span });
      }
      for (const cand of candidates) {
        if (!PLAIN_HTTP.test(cand.origin)) continue;
        const parts = parseOrigin(cand.origin);
        if (!parts || parts.scheme !== 'http' || isLoopbackHost(parts.host)) continue;
        const sent = valueForOrigin(value, cand.origin);
        if (sent.kind !== 'text' || sent.text.trim() !== cand.origin) continue;
        if (!credentialsFor(site, cand.origin)) continue;
        reporter.add({
          span: cand.span,
          severity: 'warning',
          message: `${cand.origin} is trusted with credentials over plain http: anyone on the network path (public Wi-Fi, a hostile proxy) can inject script into that page and read authenticated responses; allow only the https:// origin`,
        });
      }
    }
    reporter.flush(context);
  },
};

export default rule;

const PLAIN_HTTP = /^http:\/\//i;
