/**
 * The Fetch standard's CORS algorithm over one route and one request
 * (reference/cors-protocol.md §1–2): is a preflight sent and why, what answers it, each check in
 * the order Chromium reports them, the actual response's CORS check (errors and redirects
 * included), and the verdict with the config span responsible for each step.
 */
import { normalizeOrigin } from '../model/origin.js';
import { sameHeaderName } from '../model/query.js';
import type { Route, Span } from '../model/types.js';
import { enginesFor, type EngineProfile } from './engines.js';
import {
  isSafelistedMethod,
  normalizeHeaderValue,
  normalizeMethod,
  parseTokenList,
  preflightCacheSeconds,
  unsafeRequestHeaderNames,
  type RequestHeader,
} from './fetch.js';
import { fixFor } from './fixes.js';
import { linesNamed, predictResponse, type PredictedResponse } from './response.js';
import type { EngineRun, FailedCheck, SimOptions, SimRequest, Simulation, Step } from './types.js';

const MAX_REDIRECTS = 20;

/** Runs the simulation in the given mode (`browsers` by default: what users see). */
export function simulate(route: Route | undefined, request: SimRequest, options: SimOptions = {}): Simulation {
  const mode = options.mode ?? 'browsers';
  const runs = enginesFor(mode).map((engine) => runEngine(route, request, engine, options));
  const blocked = runs.find((r) => r.verdict === 'blocked');
  const unknown = runs.find((r) => r.verdict === 'unknown');
  const primary = blocked ?? unknown ?? runs[0]!;
  return {
    mode,
    route,
    verdict: primary.verdict,
    allowed: primary.verdict === 'allowed',
    preflightSent: primary.preflightSent,
    failedCheck: primary.failedCheck,
    primary,
    runs,
  };
}

interface Hop {
  route: Route;
  url: string | undefined;
  method: string;
  headers: RequestHeader[];
  /** the serialized request origin as sent on this hop (`null` after a cross-origin redirect) */
  origin: string;
}

class Run {
  steps: Step[] = [];
  failure: Step | undefined;
  unknowns: { reason: string; span?: Span }[] = [];
  responses: EngineRun['responses'] = [];
  preflightSent = false;
  cacheSeconds: number | undefined;

  constructor(
    readonly engine: EngineProfile,
    readonly request: SimRequest,
    readonly options: SimOptions,
  ) {}

  add(step: Step): Step {
    this.steps.push(step);
    if (step.result === 'fail' && !this.failure) this.failure = step;
    if (step.result === 'unknown') this.unknowns.push(step.span ? { reason: step.message, span: step.span } : { reason: step.message });
    return step;
  }

  info(phase: Step['phase'], check: string, message: string, span?: Span): void {
    this.add(span ? { phase, check, result: 'info', message, span } : { phase, check, result: 'info', message });
  }
}

function runEngine(route: Route | undefined, request: SimRequest, engine: EngineProfile, options: SimOptions): EngineRun {
  const run = new Run(engine, request, options);
  const done = (): EngineRun => finishRun(run, route);

  if (request.origin === undefined) {
    run.info('request', 'origin', 'No Origin header: this is not a browser request (React Native, curl, a server), so CORS does not apply');
    return done();
  }
  const origin = request.origin;
  if (!route) {
    run.add({ phase: 'request', check: 'route', result: 'fail', failedCheck: 'no-route', message: 'No route in the configuration matches this request' });
    return done();
  }
  const method = normalizeMethod(request.method);
  if (method !== request.method && method.toUpperCase() === request.method.toUpperCase()) {
    run.info('request', 'method', `The method ${request.method} is normalized to ${method}`);
  } else if (method !== method.toUpperCase()) {
    run.info('request', 'method', `The method "${method}" is sent as written: only DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased`);
  }
  const headers = request.headers.map((h) => ({ name: h.name, value: normalizeHeaderValue(h.value) }));
  let hop: Hop = { route, url: request.url, method, headers, origin };
  const urlList: (string | undefined)[] = [request.url];

  for (let n = 0; n <= MAX_REDIRECTS; n++) {
    const outcome = fetchHop(run, hop, n);
    if (outcome.kind === 'stop') return done();
    // A redirect: main fetch runs again for the new URL.
    const next = outcome.next;
    if (n === MAX_REDIRECTS) {
      run.add({ phase: 'redirect', check: 'redirect', result: 'fail', failedCheck: 'redirect', message: `More than ${MAX_REDIRECTS} redirects: a network error`, span: outcome.span });
      return done();
    }
    urlList.push(next.url);
    next.origin = taintedOrigin(origin, urlList) ? 'null' : origin;
    if (next.origin === 'null' && origin !== 'null') {
      run.info('redirect', 'origin', 'After a cross-origin redirect the browser sends Origin: null, so the next response must allow the origin null (or *, without credentials)');
    }
    hop = next;
  }
  return done();
}

function finishRun(run: Run, route: Route | undefined): EngineRun {
  const verdict = run.failure ? 'blocked' : run.unknowns.length ? 'unknown' : 'allowed';
  const result: EngineRun = {
    engine: run.engine.name,
    verdict,
    preflightSent: run.preflightSent,
    failedCheck: run.failure?.failedCheck ?? null,
    unknowns: run.unknowns,
    steps: run.steps,
    responses: run.responses,
  };
  if (run.failure) {
    result.failure = run.failure;
    const fix = fixFor(run.failure, route, run.request, run.responses);
    if (fix) result.fix = fix;
  }
  if (run.cacheSeconds !== undefined) result.preflightCacheSeconds = run.cacheSeconds;
  return result;
}

/** Fetch "serializing a request origin": `null` once the URL list crossed origins away from the request's origin. */
function taintedOrigin(requestOrigin: string, urlList: (string | undefined)[]): boolean {
  let last: string | undefined | null = null;
  for (const url of urlList) {
    const o = url === undefined ? undefined : (normalizeOrigin(url) ?? undefined);
    if (last === null) {
      last = o;
      continue;
    }
    // An unknown URL is taken as cross-origin to everything but itself.
    const crossFromLast = o === undefined || last === undefined || o !== last;
    const requestNotLast = last === undefined || requestOrigin !== last;
    if (crossFromLast && requestNotLast) return true;
    last = o;
  }
  return false;
}

type HopOutcome = { kind: 'stop' } | { kind: 'redirect'; next: Hop; span?: Span };

function describeStatus(res: PredictedResponse): string {
  const s = res.status;
  if (s.kind === 'known') return `${s.code}`;
  if (s.kind === 'class') return s.cls === 'success' ? '2xx (assumed)' : 'an error status';
  return 'an unknown status';
}

function describeHeaders(res: PredictedResponse): string {
  const cors = res.headers.filter((h) => /^access-control-/i.test(h.name));
  if (cors.length === 0) return 'no CORS headers';
  return cors
    .map((h) => `${h.name}: ${h.value.kind === 'text' ? h.value.text : '?'}${h.certain ? '' : ' (maybe)'}`)
    .join('; ');
}

function fetchHop(run: Run, hop: Hop, hopIndex: number): HopOutcome {
  const { engine, request } = run;
  const route = hop.route;
  const credentials = request.credentials;
  if (hopIndex === 0) run.info('request', 'route', `Route: ${route.name}`, route.span);
  else run.info('redirect', 'route', `Redirect target route: ${route.name}`, route.span);
  if (engine.name === 'chromium') localNetworkNote(run, hop);

  // Is a preflight sent? [F§main-fetch]
  const unsafe = unsafeRequestHeaderNames(hop.headers, engine);
  const reasons: string[] = [];
  if (!isSafelistedMethod(hop.method)) reasons.push(`${hop.method} is not a CORS-safelisted method (GET, HEAD, POST)`);
  for (const name of unsafe.names) reasons.push(`${name}: ${unsafe.reasons.get(name)}`);
  if (request.forcePreflight) reasons.push('the request uses upload listeners or a stream body');
  const needsPreflight = reasons.length > 0;
  const phase = hopIndex === 0 ? 'request' : 'redirect';
  if (needsPreflight) {
    run.add({ phase, check: 'preflight-needed', result: 'info', message: `A preflight is sent because ${reasons.join('; ')}` });
  } else {
    const safe = hop.headers.length ? ` and its headers (${hop.headers.map((h) => h.name).join(', ')}) are safelisted` : ' and it sets no headers';
    run.add({ phase, check: 'preflight-needed', result: 'info', message: `No preflight: ${hop.method} is safelisted${safe}` });
  }

  if (needsPreflight) {
    run.preflightSent = true;
    const ok = preflight(run, hop, unsafe.names);
    if (ok === 'fail') return { kind: 'stop' };
  }

  // The actual request.
  const headerNames = hop.headers.map((h) => h.name.toLowerCase());
  const res = predictResponse(route, { method: hop.method, origin: hop.origin, headerNames, credentials, isPreflight: false, backend: run.options.backend }, engine);
  run.responses.push({ kind: 'actual', method: hop.method, url: hop.url, origin: hop.origin, route, response: res });
  const who = res.rejectedBy ? `${res.rejectedBy.description} (before ${res.responder?.description ?? 'the handler'})` : res.responder ? res.responder.description : `nothing on ${route.name}`;
  for (const note of res.notes) run.info('actual', 'note', note);
  const statusSpan = res.status.span ?? res.responder?.span;
  if (res.status.kind === 'unknown') {
    run.add({ phase: 'actual', check: 'status', result: 'unknown', message: `Actual ${hop.method}: ${res.status.reason}`, span: statusSpan });
  } else {
    run.info('actual', 'response', `Actual ${hop.method} with Origin: ${hop.origin}${credentials ? ' and credentials' : ''} is answered by ${who}: status ${describeStatus(res)} (${res.status.why}); ${describeHeaders(res)}`, statusSpan);
  }
  const check = corsCheck(res, hop.origin, credentials, 'actual', route);
  run.add(check);
  if (check.result === 'fail') return { kind: 'stop' };

  if (res.redirect && res.status.kind === 'known' && res.status.code >= 300 && res.status.code < 400) {
    return followRedirect(run, hop, res);
  }
  if (res.status.kind === 'known' && res.status.code >= 400 && check.result === 'pass') {
    run.info('actual', 'note', `CORS lets the script read the response, and the script sees status ${res.status.code}`);
  }
  cookieNotes(run, route);
  return { kind: 'stop' };
}

/** Private/loopback address literals and localhost (the targets of Local Network Access). */
function isLocalAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^f[cd][0-9a-f]{2}:/.test(h) || /^fe80:/.test(h)) return true;
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** Chrome's Local Network Access: a public page calling a private address needs the user's permission (§1.12). */
function localNetworkNote(run: Run, hop: Hop): void {
  if (!hop.url || hop.origin === 'null') return;
  let target: string;
  let page: string;
  try {
    target = new URL(hop.url).hostname;
    page = new URL(hop.origin).hostname;
  } catch {
    return;
  }
  if (isLocalAddress(target) && !isLocalAddress(page)) {
    run.info('request', 'local-network-access', `${hop.origin} is a public page calling ${target}, a local-network address: Chrome 142+ asks the user for Local Network Access permission first (Chrome 104–141 sent a warning-only Private Network Access preflight)`);
  }
}

function cookieNotes(run: Run, route: Route): void {
  if (!run.request.credentials) return;
  for (const c of route.cookies) {
    const attrs = c.attributes.toLowerCase();
    if (/samesite\s*=\s*none/.test(attrs) && !/(^|;)\s*secure\s*(;|$)/.test(attrs)) {
      run.info('actual', 'cookie', 'This Set-Cookie has SameSite=None without Secure: browsers ignore the cookie, so later credentialed requests are unauthenticated', c.span);
    }
  }
}

function followRedirect(run: Run, hop: Hop, res: PredictedResponse): HopOutcome {
  const redirect = res.redirect!;
  const code = (res.status as { code: number }).code;
  const location = redirect.location;
  if (!location || /\$/.test(location)) {
    run.add({ phase: 'redirect', check: 'location', result: 'unknown', message: `The ${code} redirect's Location ${location ? `(${location}) depends on variables` : 'is not in the configuration'}`, span: redirect.span });
    return { kind: 'stop' };
  }
  let target: URL;
  try {
    target = new URL(location, hop.url ?? `https://${hop.route.match.hosts.find((h) => !/[*~]/.test(h)) ?? 'host.invalid'}/`);
  } catch {
    run.add({ phase: 'redirect', check: 'location', result: 'fail', failedCheck: 'redirect', message: `The ${code} redirect's Location "${location}" is not a valid URL: a network error`, span: redirect.span });
    return { kind: 'stop' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    run.add({ phase: 'redirect', check: 'location', result: 'fail', failedCheck: 'redirect', message: `The ${code} redirect goes to a ${target.protocol} URL: CORS redirects must stay on http(s)`, span: redirect.span });
    return { kind: 'stop' };
  }
  if (target.username || target.password) {
    run.add({ phase: 'redirect', check: 'location', result: 'fail', failedCheck: 'redirect', message: `The ${code} redirect's Location carries credentials (user:password@): a network error in CORS mode`, span: redirect.span });
    return { kind: 'stop' };
  }
  const nextUrl = target.href;
  const resolve = run.options.resolveUrl;
  const nextRoute = resolve?.(nextUrl);
  run.info('redirect', 'location', `The browser follows the ${code} redirect to ${nextUrl}`, redirect.span);
  if (!nextRoute) {
    run.add({ phase: 'redirect', check: 'route', result: 'unknown', message: `The redirect target ${nextUrl} is not served by the linted configuration`, span: redirect.span });
    return { kind: 'stop' };
  }
  // 301/302 turn POST into GET; 303 turns anything but GET/HEAD into GET (and drops the body headers).
  let method = hop.method;
  let headers = hop.headers;
  if (((code === 301 || code === 302) && method === 'POST') || (code === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    headers = headers.filter((h) => !/^(content-type|content-language|content-encoding|content-location)$/i.test(h.name));
    run.info('redirect', 'method', `A ${code} turns the request into GET and drops the body headers`);
  }
  const fromOrigin = hop.url ? normalizeOrigin(hop.url) : undefined;
  const toOrigin = normalizeOrigin(nextUrl);
  if (fromOrigin !== toOrigin && headers.some((h) => sameHeaderName(h.name, 'authorization'))) {
    headers = headers.filter((h) => !sameHeaderName(h.name, 'authorization'));
    run.info('redirect', 'authorization', 'The browser removes Authorization on a cross-origin redirect');
  }
  return { kind: 'redirect', next: { route: nextRoute, url: nextUrl, method, headers, origin: hop.origin }, span: redirect.span };
}

/** The preflight: status, the CORS check, Allow-Methods/-Headers. Returns 'fail' when it definitely fails. */
function preflight(run: Run, hop: Hop, unsafeNames: string[]): 'pass' | 'fail' | 'unknown' {
  const { engine, request } = run;
  const credentials = request.credentials;
  const acrh = unsafeNames.length ? `, Access-Control-Request-Headers: ${unsafeNames.join(',')}` : '';
  run.info('preflight', 'request', `Preflight: OPTIONS with Origin: ${hop.origin}, Access-Control-Request-Method: ${hop.method}${acrh}; it never carries cookies or Authorization`);
  const res = predictResponse(hop.route, { method: 'OPTIONS', origin: hop.origin, headerNames: ['access-control-request-method', ...(unsafeNames.length ? ['access-control-request-headers'] : [])], credentials: false, isPreflight: true, backend: run.options.backend }, engine);
  run.responses.push({ kind: 'preflight', method: 'OPTIONS', url: hop.url, origin: hop.origin, route: hop.route, response: res });
  const who = res.rejectedBy ? `${res.rejectedBy.description} (before ${res.responder?.description ?? 'the handler'})` : res.responder ? res.responder.description : `nothing on ${hop.route.name} (no handler for OPTIONS)`;
  for (const note of res.notes) run.info('preflight', 'note', note);
  const statusSpan = res.status.span ?? res.responder?.span;
  if (res.status.kind === 'unknown') {
    run.add({ phase: 'preflight', check: 'status', result: 'unknown', message: `Preflight: ${res.status.reason}`, span: statusSpan });
  } else {
    run.info('preflight', 'response', `The preflight is answered by ${who}: status ${describeStatus(res)} (${res.status.why}); ${describeHeaders(res)}`, statusSpan);
  }
  const failuresBefore = run.failure;
  let unknown = res.status.kind === 'unknown';

  // A preflight never follows a redirect (Chromium checks this first).
  if (res.status.kind === 'known' && res.status.code >= 300 && res.status.code < 400) {
    run.add({
      phase: 'preflight', check: 'redirect', result: 'fail', failedCheck: 'redirect',
      message: `The preflight gets a ${res.status.code} redirect${res.redirect?.location ? ` to ${res.redirect.location}` : ''}; browsers never follow a redirect on a preflight, so it fails`,
      span: res.redirect?.span ?? statusSpan,
    });
    return 'fail';
  }

  // The CORS check with the actual request's credentials mode, then the ok status.
  const check = corsCheck(res, hop.origin, credentials, 'preflight', hop.route);
  run.add(check);
  if (check.result === 'unknown') unknown = true;
  if (res.status.kind === 'known') {
    const ok = res.status.code >= 200 && res.status.code < 300;
    run.add(
      ok
        ? { phase: 'preflight', check: 'status', result: 'pass', message: `Status ${res.status.code} is an ok status (2xx)`, span: statusSpan }
        : { phase: 'preflight', check: 'status', result: 'fail', failedCheck: 'preflight-status', message: `The preflight gets status ${res.status.code}${res.rejectedBy ? ` because ${res.status.why}` : ''}: not an ok status (2xx), so it fails`, span: statusSpan },
    );
  } else if (res.status.kind === 'class') {
    if (res.status.cls === 'error') {
      run.add({ phase: 'preflight', check: 'status', result: 'fail', failedCheck: 'preflight-status', message: `The preflight gets an error status because ${res.status.why}: not an ok status (2xx)`, span: statusSpan });
    }
  }
  if (run.failure !== failuresBefore) return 'fail';

  // Access-Control-Allow-Methods / -Headers: parse failures are network errors.
  const lists: Record<'methods' | 'headers', string[] | null | 'failure' | 'unknown'> = { methods: null, headers: null };
  for (const [key, name] of [['methods', 'Access-Control-Allow-Methods'], ['headers', 'Access-Control-Allow-Headers']] as const) {
    const lines = linesNamed(res, name);
    const unknownLine = lines.find((l) => l.value.kind === 'unknown' || !l.certain);
    if (unknownLine) {
      lists[key] = 'unknown';
      const why = unknownLine.value.kind === 'unknown' ? unknownLine.value.reason : 'it is sent only under a condition';
      run.add({ phase: 'preflight', check: `allow-${key}`, result: 'unknown', message: `${name} is not known: ${why}`, span: unknownLine.span });
      unknown = true;
      continue;
    }
    const parsed = parseTokenList(lines.map((l) => (l.value as { text: string }).text));
    lists[key] = parsed;
    if (parsed === 'failure') {
      run.add({
        phase: 'preflight', check: `allow-${key}`, result: 'fail', failedCheck: 'invalid-allow-list',
        message: `${name}: ${lines.map((l) => `"${(l.value as { text: string }).text}"`).join(', ')} is not a comma-separated list of tokens, so the whole preflight is a network error`,
        span: lines[0]!.span,
      });
      return 'fail';
    }
  }

  // Method rule.
  const methods = lists.methods;
  if (methods !== 'unknown' && methods !== 'failure') {
    const allowMethodsSpan = linesNamed(res, 'Access-Control-Allow-Methods')[0]?.span ?? res.responder?.span;
    const list = methods ?? (request.forcePreflight ? [hop.method] : []);
    if (isSafelistedMethod(hop.method)) {
      run.add({ phase: 'preflight', check: 'allow-methods', result: 'pass', message: `${hop.method} is safelisted: it need not be listed in Access-Control-Allow-Methods` });
    } else if (list.includes(hop.method)) {
      run.add({ phase: 'preflight', check: 'allow-methods', result: 'pass', message: `Access-Control-Allow-Methods lists ${hop.method}`, span: allowMethodsSpan });
    } else if (!credentials && list.includes('*')) {
      run.add({ phase: 'preflight', check: 'allow-methods', result: 'pass', message: `Access-Control-Allow-Methods: * allows ${hop.method} (no credentials)`, span: allowMethodsSpan });
    } else {
      const caseHint = list.find((m) => m.toLowerCase() === hop.method.toLowerCase());
      const why = methods === null
        ? 'there is no Access-Control-Allow-Methods'
        : caseHint
          ? `Access-Control-Allow-Methods lists "${caseHint}", and the comparison is case-sensitive`
          : list.includes('*')
            ? 'Access-Control-Allow-Methods: * is a literal method name for credentialed requests'
            : `Access-Control-Allow-Methods (${list.join(', ')}) does not list it`;
      run.add({ phase: 'preflight', check: 'allow-methods', result: 'fail', failedCheck: 'method-not-allowed', subject: hop.method, message: `Method ${hop.method} is not allowed: ${why}`, span: allowMethodsSpan });
      return 'fail';
    }
  }

  // Authorization and header rules.
  const allowHeaders = lists.headers;
  if (allowHeaders !== 'unknown' && allowHeaders !== 'failure') {
    const allowHeadersSpan = linesNamed(res, 'Access-Control-Allow-Headers')[0]?.span ?? res.responder?.span;
    const list = (allowHeaders ?? []).map((h) => h.toLowerCase());
    const wildcard = list.includes('*');
    for (const name of unsafeNames) {
      if (list.includes(name)) {
        run.add({ phase: 'preflight', check: 'allow-headers', result: 'pass', message: `Access-Control-Allow-Headers lists ${name}`, span: allowHeadersSpan });
        continue;
      }
      if (name === 'authorization' && wildcard && !credentials) {
        if (engine.authorizationCoveredByWildcard) {
          run.add({ phase: 'preflight', check: 'allow-headers', result: 'pass', message: `${engine.label} lets Access-Control-Allow-Headers: * cover Authorization today, with a deprecation warning; the Fetch standard does not (list Authorization explicitly)`, span: allowHeadersSpan });
          continue;
        }
        run.add({ phase: 'preflight', check: 'allow-headers', result: 'fail', failedCheck: 'header-not-allowed', subject: 'Authorization', message: 'Access-Control-Allow-Headers: * never covers Authorization; it must be listed by name', span: allowHeadersSpan });
        return 'fail';
      }
      if (wildcard && !credentials) {
        run.add({ phase: 'preflight', check: 'allow-headers', result: 'pass', message: `Access-Control-Allow-Headers: * allows ${name} (no credentials)`, span: allowHeadersSpan });
        continue;
      }
      const why = allowHeaders === null
        ? 'there is no Access-Control-Allow-Headers'
        : wildcard
          ? 'Access-Control-Allow-Headers: * is a literal header name for credentialed requests'
          : `Access-Control-Allow-Headers (${allowHeaders.join(', ')}) does not list it`;
      run.add({ phase: 'preflight', check: 'allow-headers', result: 'fail', failedCheck: 'header-not-allowed', subject: name, message: `Request header ${name} is not allowed: ${why}`, span: allowHeadersSpan });
      return 'fail';
    }
  }

  // Max-Age: how long this engine caches the result (per URL).
  const maxAgeLines = linesNamed(res, 'Access-Control-Max-Age').filter((l) => l.certain && l.value.kind === 'text');
  const cache = preflightCacheSeconds(maxAgeLines.map((l) => (l.value as { text: string }).text), engine);
  run.cacheSeconds = cache.seconds;
  run.info('preflight', 'max-age', `${engine.label} caches this preflight result for ${cache.seconds} s (${cache.reason}); the cache is per URL`, maxAgeLines[0]?.span);
  return unknown ? 'unknown' : 'pass';
}

/** Fetch "CORS check" [F§cors-check] in Chromium's reporting order. */
function corsCheck(res: PredictedResponse, origin: string, credentials: boolean, phase: 'preflight' | 'actual', route: Route): Step {
  const acao = linesNamed(res, 'Access-Control-Allow-Origin');
  const certain = acao.filter((l) => l.certain);
  const maybe = acao.filter((l) => !l.certain);
  const statusText = res.status.kind === 'known' ? `the ${res.status.code}` : 'the response';
  if (certain.length === 0 && maybe.length === 0) {
    const missing: FailedCheck = phase === 'preflight' ? 'preflight-missing-allow-origin' : 'actual-missing-allow-origin';
    const isError = (res.status.kind === 'known' && res.status.code >= 400) || (res.status.kind === 'class' && res.status.cls === 'error');
    const consequence = isError && phase === 'actual' ? `; the script sees a CORS error, never the ${res.status.kind === 'known' ? res.status.code : 'error'} status` : '';
    return { phase, check: 'allow-origin', result: 'fail', failedCheck: missing, message: `${phase === 'preflight' ? 'The preflight response' : `The ${res.status.kind === 'known' ? `${res.status.code} ` : ''}response`} has no Access-Control-Allow-Origin${missingWhy(res, route)}${consequence}`, span: missingSpan(res, route, phase) };
  }
  if (certain.length === 0 || maybe.length > 0) {
    const l = maybe[0]!;
    return { phase, check: 'allow-origin', result: 'unknown', message: `Access-Control-Allow-Origin may or may not be sent on ${statusText}${l.value.kind === 'unknown' ? `: ${l.value.reason}` : l.rule?.condition ? `: it depends on ${l.rule.condition}` : ''}`, span: l.span };
  }
  if (certain.length > 1) {
    const texts = certain.map((l) => (l.value.kind === 'text' ? l.value.text : '?'));
    return { phase, check: 'allow-origin', result: 'fail', failedCheck: 'multiple-allow-origin', message: `${statusText} carries ${certain.length} Access-Control-Allow-Origin lines (${texts.join(' and ')}${certain.some((l) => l.from === 'backend') ? ', one from the backend' : ''}); browsers join them into "${texts.join(', ')}" and reject it`, span: certain.find((l) => l.from === 'gateway')?.span ?? certain[0]!.span };
  }
  const line = certain[0]!;
  if (line.value.kind === 'unknown') {
    return { phase, check: 'allow-origin', result: 'unknown', message: `Access-Control-Allow-Origin is not known: ${line.value.reason}`, span: line.span };
  }
  const value = normalizeHeaderValue(line.value.text);
  if (value === '*') {
    if (credentials) {
      return { phase, check: 'allow-origin', result: 'fail', failedCheck: 'wildcard-origin-with-credentials', message: 'Access-Control-Allow-Origin is *, which browsers refuse for credentialed requests', span: line.span };
    }
    return { phase, check: 'allow-origin', result: 'pass', message: 'Access-Control-Allow-Origin: * allows any origin (no credentials)', span: line.span };
  }
  if (/[\s,]/.test(value)) {
    return { phase, check: 'allow-origin', result: 'fail', failedCheck: 'multiple-allow-origin', message: `Access-Control-Allow-Origin "${value}" holds several values; browsers accept exactly one origin`, span: line.span };
  }
  if (value !== origin) {
    const hint = value.toLowerCase() === origin.toLowerCase() ? ' (the comparison is byte-exact: case matters)' : value.replace(/\/$/, '') === origin ? ' (a trailing slash never matches)' : '';
    return { phase, check: 'allow-origin', result: 'fail', failedCheck: 'allow-origin-mismatch', message: `Access-Control-Allow-Origin is "${value}" for Origin ${origin}, which does not match${hint}`, span: line.span };
  }
  if (!credentials) {
    return { phase, check: 'allow-origin', result: 'pass', message: `Access-Control-Allow-Origin: ${value} matches the request origin`, span: line.span };
  }
  const acac = linesNamed(res, 'Access-Control-Allow-Credentials');
  if (acac.some((l) => !l.certain || l.value.kind === 'unknown')) {
    const l = acac.find((x) => !x.certain || x.value.kind === 'unknown')!;
    return { phase, check: 'allow-credentials', result: 'unknown', message: `Access-Control-Allow-Credentials is not known${l.value.kind === 'unknown' ? `: ${l.value.reason}` : ''}`, span: l.span };
  }
  const joined = acac.map((l) => normalizeHeaderValue((l.value as { text: string }).text)).join(', ');
  if (joined !== 'true') {
    const why = acac.length === 0 ? 'there is no Access-Control-Allow-Credentials' : `Access-Control-Allow-Credentials is "${joined}", not exactly true`;
    return { phase, check: 'allow-credentials', result: 'fail', failedCheck: 'missing-allow-credentials', message: `The request is credentialed, but ${why}`, span: acac[0]?.span ?? line.span };
  }
  return { phase, check: 'allow-origin', result: 'pass', message: `Access-Control-Allow-Origin: ${value} matches and Access-Control-Allow-Credentials is true`, span: line.span };
}

/** Why a response lacks ACAO, when the model can say (auth, an add_header without always, an inner add_header). */
function missingWhy(res: PredictedResponse, route: Route): string {
  const responder = res.responder;
  if (res.gatewayError) return ` (the ${res.gatewayError.type} gateway response does not set it)`;
  if (route.gatewayErrors && (res.rejectedBy || !responder)) return " (API Gateway's default gateway response carries no CORS headers)";
  if (!responder) return '';
  const why: string[] = [];
  const isError = res.status.kind === 'known' ? res.status.code >= 400 : res.status.kind === 'class' && res.status.cls === 'error';
  if (res.rejectedBy && res.status.kind !== 'unknown') why.push(`the ${describeStatus(res)} comes from ${res.rejectedBy.description}`);
  const rule = responder.headers.find((h) => /^access-control-allow-origin$/i.test(h.name));
  if (rule && !rule.onErrors && isError) {
    why.push(`${rule.via}${rule.via === 'add_header' ? ' without always' : ''} at line ${rule.span.line} applies only to success statuses`);
  } else if (rule && rule.value.kind === 'by-origin') {
    why.push('this origin is not in the allowlist');
  }
  const idx = route.responders.indexOf(responder);
  const dropped = route.droppedHeaders.find((d) => d.responderIndex === idx && /^access-control-allow-origin$/i.test(d.header.name));
  if (dropped && !rule) why.push(`the ${dropped.header.via} at line ${dropped.header.span.line} is not inherited here: this block declares its own headers (line ${dropped.droppedBy.line})`);
  return why.length ? ` (${why.join('; ')})` : '';
}

function missingSpan(res: PredictedResponse, route: Route, phase: 'preflight' | 'actual'): Span | undefined {
  const responder = res.responder;
  const rule = responder?.headers.find((h) => /^access-control-allow-origin$/i.test(h.name));
  if (res.rejectedBy && !res.gatewayError) {
    // A preflight rejected by auth: the fix is to keep auth off OPTIONS. An actual request
    // rejected by auth: the fix is to send the header on errors too.
    return phase === 'actual' && rule ? rule.span : res.rejectedBy.span;
  }
  if (!responder) return res.gatewayError?.span ?? route.span;
  if (rule) return rule.span;
  const idx = route.responders.indexOf(responder);
  const dropped = route.droppedHeaders.find((d) => d.responderIndex === idx && /^access-control-allow-origin$/i.test(d.header.name));
  if (dropped) return dropped.droppedBy;
  return responder.span;
}
