import type { Rule } from '../src/engine/rule.js';
import { valueForOrigin } from '../src/model/origin.js';
import { SpanReporter, credentialsFor, reflectingPatternCases, valueSpanOf } from '../src/model/origin-scopes.js';

/** An origin allowlist pattern accepts an origin an attacker can host. */
const rule: Rule = {
  meta: {
    id: 'origin-pattern-bypass',
    severity: 'error',
    description:
      'An origin allowlist pattern (regex or wildcard entry) accepts origins outside the intended sites; the message names one that passes',
    security: true,
  },
  check(context) {
    const reporter = new SpanReporter();
    for (const { site, value, matcher: m, analysis } of reflectingPatternCases(context.routes, context.settings.sites)) {
      if (!analysis.attackerOrigin || analysis.acceptsAny) continue;
      const attacker = analysis.attackerOrigin;
      // The attacker must really get its origin back (an earlier case may answer differently).
      const echoed = valueForOrigin(value, attacker);
      if (echoed.kind !== 'text' || echoed.text !== attacker) continue;
      const creds = credentialsFor(site, attacker);
      const pattern = m.kind === 'regex' ? m.source : m.pattern;
      const sites = analysis.intendedSites.length > 0 ? analysis.intendedSites.join(', ') : 'the intended sites';
      const consequence = creds
        ? `a page on ${attacker} can read authenticated responses (Access-Control-Allow-Credentials: true)`
        : `a page on ${attacker} can read the responses`;
      reporter.add({
        span: m.span ?? valueSpanOf(site.header),
        severity: creds ? 'error' : 'warning',
        message: `Origin allowlist \`${pattern}\` accepts ${attacker}, which is outside ${sites}: ${analysis.explanation}; ${consequence}`,
      });
    }
    reporter.flush(context);
  },
};

export default rule;
