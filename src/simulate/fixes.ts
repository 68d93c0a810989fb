/** The fix the story ends with: one concrete change, in the route's own configuration language. */
import type { Route } from '../model/types.js';
import type { PredictedResponse } from './response.js';
import type { EngineRun, SimRequest, Step } from './types.js';

function at(span: { file: string; line: number } | undefined): string {
  return span ? ` (${span.file}:${span.line})` : '';
}

export function fixFor(failure: Step, route: Route | undefined, request: SimRequest, responses: EngineRun['responses']): string | undefined {
  const nginx = route?.source === 'nginx';
  const origin = request.origin ?? '';
  const last = responses.filter((r) => r.kind === (failure.phase === 'preflight' ? 'preflight' : 'actual')).at(-1);
  const res: PredictedResponse | undefined = last?.response;
  const preflightAnswer = nginx
    ? `answer preflights before authentication runs: in this location, \`if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin ... always; add_header Access-Control-Allow-Methods ... always; add_header Access-Control-Allow-Headers ... always; return 204; }\` (return runs in the rewrite phase, before auth_basic/auth_request)`
    : 'exempt OPTIONS from the authorizer and API key (browsers never send credentials on a preflight) and answer it with 200/204 and the CORS headers';
  switch (failure.failedCheck) {
    case undefined:
      return undefined;
    case 'no-route':
      return 'Check --url / --path / --host: no route in the given files serves this request';
    case 'redirect':
      return failure.phase === 'preflight'
        ? `Serve OPTIONS at this URL without a redirect${at(failure.span)}; call the final URL (scheme, host, trailing slash) from the client`
        : `Avoid the redirect for cross-origin requests, or make every hop answer with the CORS headers${at(failure.span)}`;
    case 'preflight-status':
      if (res?.rejectedBy) return `${res.rejectedBy.description}${at(res.rejectedBy.span)} rejects the preflight: ${preflightAnswer}`;
      return nginx
        ? `Answer OPTIONS with 204 at the gateway: \`if ($request_method = OPTIONS) { ...CORS add_header lines with always...; return 204; }\`${at(failure.span)}`
        : `Make OPTIONS answer 200 or 204 with the CORS headers${at(failure.span)}`;
    case 'preflight-missing-allow-origin':
      if (res?.rejectedBy) return `${res.rejectedBy.description}${at(res.rejectedBy.span)} rejects the preflight before CORS headers are added: ${preflightAnswer}`;
      if (res?.status.kind === 'known' && res.status.code >= 400 && nginx) return `Add \`always\` to the CORS add_header lines so the ${res.status.code} carries them, and answer OPTIONS with 204${at(failure.span)}`;
      return nginx
        ? `Send Access-Control-Allow-Origin on the OPTIONS response${at(failure.span)}: \`add_header Access-Control-Allow-Origin <origin> always;\` in the block that answers it`
        : `Send Access-Control-Allow-Origin on the OPTIONS response${at(failure.span)}`;
    case 'actual-missing-allow-origin': {
      const rule = res?.responder?.headers.find((h) => /^access-control-allow-origin$/i.test(h.name));
      const errorStatus = res && ((res.status.kind === 'known' && res.status.code >= 400) || (res.status.kind === 'class' && res.status.cls === 'error'));
      if (rule && errorStatus && !rule.onErrors) {
        return nginx
          ? `Add \`always\` to \`${rule.via} ${rule.name}\`${at(rule.span)} (and the other CORS headers) so error responses carry it and the script can read the status`
          : `Send the CORS headers on error responses too${at(rule.span)} (for API Gateway: the gateway responses DEFAULT_4XX/DEFAULT_5XX)`;
      }
      if (route?.gatewayErrors && res && !res.gatewayError && errorStatus) {
        return 'Add CORS headers to the API Gateway gateway responses (DEFAULT_4XX, DEFAULT_5XX, UNAUTHORIZED) so errors reach the script';
      }
      const dropped = res?.responder && route?.droppedHeaders.find((d) => d.responderIndex === route.responders.indexOf(res.responder!) && /^access-control-allow-origin$/i.test(d.header.name));
      if (dropped) return `Repeat the CORS add_header lines in this block${at(dropped.droppedBy)}: add_header is inherited only by blocks that declare none (nginx ≥1.29.3: add_header_inherit merge)`;
      if (rule && rule.value.kind === 'by-origin') return `Add ${origin} to the origin allowlist${at(rule.valueSpan ?? rule.span)}`;
      return `Send Access-Control-Allow-Origin${nginx ? ' (`add_header Access-Control-Allow-Origin <origin> always;`)' : ''} on this route${at(failure.span)}`;
    }
    case 'allow-origin-mismatch':
      return `Allow the exact origin ${origin} (scheme://host[:port], lowercase, no trailing slash) at${at(failure.span) || ' the allowlist'}; never reflect every Origin`;
    case 'wildcard-origin-with-credentials':
      return `Browsers refuse * with credentials: send the request's origin chosen from an allowlist (${nginx ? 'a map on $http_origin' : 'the allowed origins'}) instead of *${at(failure.span)}, plus Vary: Origin`;
    case 'missing-allow-credentials':
      return `Send \`Access-Control-Allow-Credentials: true\`${nginx ? ' (add_header ... always)' : ''} on this response${at(failure.span)}, or do not use credentials: 'include'`;
    case 'method-not-allowed':
      return `Add ${failure.subject ?? request.method} (exactly in this case) to Access-Control-Allow-Methods${at(failure.span)}`;
    case 'header-not-allowed':
      return `Add ${failure.subject ?? 'the header'} to Access-Control-Allow-Headers${at(failure.span)}`;
    case 'invalid-allow-list':
      return `Separate the list items with commas (\`Content-Type, Authorization\`)${at(failure.span)}`;
    case 'multiple-allow-origin':
      return nginx
        ? `Send Access-Control-Allow-Origin once${at(failure.span)}: if the backend sets it too, add \`proxy_hide_header Access-Control-Allow-Origin;\`; choose one origin per request with a map on $http_origin`
        : `Send exactly one Access-Control-Allow-Origin value${at(failure.span)}`;
  }
}
