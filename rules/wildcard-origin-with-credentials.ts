import type { Rule } from '../src/engine/rule.js';
import { PROBE_ORIGINS, valueForOrigin } from '../src/model/origin.js';
import { SpanReporter, casesOf, credentialHeadersOf, credentialsFor, headerSites, valueSpanOf } from '../src/model/origin-scopes.js';
import type { HeaderRule, HeaderValue } from '../src/model/types.js';

/** `Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true`. */
const rule: Rule = {
  meta: {
    id: 'wildcard-origin-with-credentials',
    severity: 'error',
    description: 'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true: every credentialed request fails',
  },
  check(context) {
    const reporter = new SpanReporter();
    const sites = headerSites(context.routes, 'access-control-allow-origin');
    for (let i = 0; i < sites.length; i++) {
      const site = sites[i]!;
      // Probe an unrelated origin and every origin the response's allowlists name.
      const acac = credentialHeadersOf(site);
      if (acac.length === 0 || !mayAnswerStar(site.header.value, acac)) continue;
      const probes = new Set<string>([PROBE_ORIGINS[0]]);
      for (const c of casesOf(site.header.value)) if (c.when.kind === 'exact') probes.add(c.when.origin);
      for (const h of acac) {
        for (const c of casesOf(h.value)) if (c.when.kind === 'exact') probes.add(c.when.origin);
      }
      for (const origin of probes) {
        const v = valueForOrigin(site.header.value, origin);
        if (v.kind !== 'text' || v.text.trim() !== '*') continue;
        const creds = credentialsFor(site, origin);
        if (!creds) continue;
        reporter.add({
          span: valueSpanOf(site.header),
          severity: 'error',
          message: `Credentialed requests fail: browsers reject Access-Control-Allow-Origin: * when Access-Control-Allow-Credentials is true (line ${creds.span.line}), so fetch(..., { credentials: 'include' }) gets a CORS error; send the caller's allowed origin (and Vary: Origin) instead of *, or drop credentials`,
        });
        break;
      }
    }
    reporter.flush(context);
  },
};

export default rule;

/**
 * Whether some probe can get `*`: only a literal `*` outcome gives it, or the echo of an allowlist
 * entry that is itself `*` (the unrelated probe origin is not). Most sites have neither.
 */
function mayAnswerStar(value: HeaderValue, acac: readonly HeaderRule[]): boolean {
  if (value.kind === 'literal') return isStar(value.text);
  if (value.kind === 'unknown') return false;
  if (value.kind === 'by-origin') {
    for (const c of value.cases) if (c.then?.kind === 'literal' && isStar(c.then.text)) return true;
    if (value.otherwise?.kind === 'literal' && isStar(value.otherwise.text)) return true;
  }
  if (namesStarOrigin(value)) return true;
  for (const h of acac) if (namesStarOrigin(h.value)) return true;
  return false;
}

/** An exact allowlist entry `*`. */
function namesStarOrigin(value: HeaderValue): boolean {
  for (const c of casesOf(value)) if (c.when.kind === 'exact' && isStar(c.when.origin)) return true;
  return false;
}

function isStar(text: string): boolean {
  return text === '*' || text.trim() === '*';
}
