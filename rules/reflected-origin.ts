import type { RuleContext, Rule } from '../src/engine/rule.js';
import { PROBE_ORIGINS, reflectsAnyOrigin } from '../src/model/origin.js';
import { SpanReporter, credentialsFor, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';
import { spanKey } from './lib/grouping.js';

/** Any request Origin is echoed into Access-Control-Allow-Origin (no credentials). */
const rule: Rule = {
  meta: {
    id: 'reflected-origin',
    severity: 'warning',
    description: 'Any request Origin is echoed into Access-Control-Allow-Origin without an allowlist: any site can read the responses',
    security: true,
  },
  check(context) {
    reflectedOriginFindings(context, false);
  },
};

export default rule;

/**
 * Shared by `reflected-origin` and `reflected-origin-with-credentials`: reports each ACAO
 * declaration that echoes any origin, under the rule matching whether that response is credentialed.
 */
export function reflectedOriginFindings(context: RuleContext, withCredentials: boolean): void {
  const evil = PROBE_ORIGINS[0];
  const reporter = new SpanReporter();
  const credentialed = new Set<string>();
  const sites = headerSites(context.routes, 'access-control-allow-origin').filter((s) => reflectsAnyOrigin(s.header.value));
  const key = (s: (typeof sites)[number]): string => spanKey(valueSpanOf(s.header));
  for (const s of sites) if (credentialsFor(s, evil)) credentialed.add(key(s));
  for (const s of sites) {
    // A declaration credentialed in any scope belongs to the -with-credentials rule only.
    if (credentialed.has(key(s)) !== withCredentials) continue;
    const message = withCredentials
      ? `Any site can read authenticated responses: the request Origin is echoed into Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true (e.g. ${evil} gets Access-Control-Allow-Origin: ${evil} and the user's cookies ride along); check the origin against an allowlist`
      : `Any site can read these responses: the request Origin is echoed into Access-Control-Allow-Origin without an allowlist (e.g. ${evil} is allowed); send * for public data or check the origin against an allowlist`;
    reporter.add({ span: valueSpanOf(s.header), message, severity: withCredentials ? 'error' : 'warning' });
  }
  reporter.flush(context);
}
