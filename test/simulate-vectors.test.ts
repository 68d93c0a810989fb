/**
 * The 60 test vectors of reference/cors-protocol.md §6, as table-driven simulator tests in both
 * modes (`spec`: the Fetch standard; `browsers`: Chrome, Firefox and Safari today).
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../src/model/types.js';
import { ENGINES, enginesFor } from '../src/simulate/engines.js';
import {
  cacheCovers,
  isResponseHeaderExposed,
  preflightCacheSeconds,
  unsafeRequestHeaderNames,
  type PreflightCacheEntry,
} from '../src/simulate/fetch.js';
import { simulate } from '../src/simulate/simulate.js';
import type { FailedCheck, SimOptions, SimRequest, Simulation, Verdict } from '../src/simulate/types.js';
import { allowlist, auth, header, preflightAndActual, responder, route } from './helpers/sim-model.js';

const O = 'https://app.example.com';
const URL_ = 'https://api.example.net/v1/items';

interface Expect {
  pre: boolean;
  verdict: Verdict;
  failed?: FailedCheck;
}

interface Row {
  row: number;
  title: string;
  route: () => Route;
  request: Partial<SimRequest>;
  spec: Expect;
  /** defaults to `spec` */
  browsers?: Expect;
  options?: SimOptions;
  /** extra assertions on both modes */
  also?: (sim: Simulation, mode: 'spec' | 'browsers') => void;
}

const req = (r: Partial<SimRequest>): SimRequest => ({ origin: O, method: 'GET', headers: [], credentials: false, url: URL_, ...r });
const h = (name: string, value: string) => ({ name, value });
const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';

/** Only an actual responder (for rows about simple requests). */
const actualOnly = (...headers: ReturnType<typeof header>[]) => () => route([responder({ methods: '*', headers })]);
/** Preflight and actual responders both with the given headers (the §6 default). */
const both = (pre: ReturnType<typeof header>[], actual: ReturnType<typeof header>[], preStatus = 204) => () =>
  preflightAndActual({ headers: pre, status: preStatus }, { headers: actual });

const pass = (pre: boolean): Expect => ({ pre, verdict: 'allowed' });
const fail = (pre: boolean, failed: FailedCheck): Expect => ({ pre, verdict: 'blocked', failed });

const rows: Row[] = [
  { row: 1, title: 'ACAO * without credentials', route: actualOnly(header(ACAO, '*')), request: {}, spec: pass(false) },
  { row: 2, title: 'ACAO * with credentials', route: actualOnly(header(ACAO, '*'), header(ACAC, 'true')), request: { credentials: true }, spec: fail(false, 'wildcard-origin-with-credentials') },
  { row: 3, title: 'ACAC ignored without credentials', route: actualOnly(header(ACAO, '*'), header(ACAC, 'true')), request: {}, spec: pass(false) },
  { row: 4, title: 'exact ACAO without ACAC, credentialed', route: actualOnly(header(ACAO, O)), request: { credentials: true }, spec: fail(false, 'missing-allow-credentials') },
  { row: 5, title: 'ACAC True is case-sensitive', route: actualOnly(header(ACAO, O), header(ACAC, 'True')), request: { credentials: true }, spec: fail(false, 'missing-allow-credentials') },
  { row: 6, title: 'exact ACAO + ACAC true', route: actualOnly(header(ACAO, O), header(ACAC, 'true')), request: { credentials: true }, spec: pass(false) },
  { row: 7, title: 'trailing slash', route: actualOnly(header(ACAO, `${O}/`)), request: {}, spec: fail(false, 'allow-origin-mismatch') },
  { row: 8, title: 'uppercase scheme', route: actualOnly(header(ACAO, 'HTTPS://app.example.com')), request: {}, spec: fail(false, 'allow-origin-mismatch') },
  { row: 8, title: 'uppercase host', route: actualOnly(header(ACAO, 'https://APP.example.com')), request: {}, spec: fail(false, 'allow-origin-mismatch') },
  { row: 9, title: 'default port', route: actualOnly(header(ACAO, 'https://app.example.com:443')), request: {}, spec: fail(false, 'allow-origin-mismatch') },
  { row: 10, title: 'two identical ACAO lines (nginx + upstream)', route: actualOnly(header(ACAO, O), header(ACAO, O, { addedBy: 'backend' })), request: {}, spec: fail(false, 'multiple-allow-origin') },
  { row: 11, title: 'two origins in one value', route: actualOnly(header(ACAO, `${O}, https://admin.example.com`)), request: {}, spec: fail(false, 'multiple-allow-origin') },
  { row: 12, title: '* and an origin on two lines', route: actualOnly(header(ACAO, '*'), header(ACAO, O)), request: {}, spec: fail(false, 'multiple-allow-origin') },
  { row: 13, title: 'OWS around the value', route: actualOnly(header(ACAO, `   ${O}  `)), request: {}, spec: pass(false) },
  { row: 14, title: 'ACAO null for an opaque origin', route: actualOnly(header(ACAO, 'null'), header(ACAC, 'true')), request: { origin: 'null', credentials: true }, spec: pass(false) },
  { row: 15, title: 'ACAO null for a real origin', route: actualOnly(header(ACAO, 'null')), request: {}, spec: fail(false, 'allow-origin-mismatch') },
  { row: 16, title: 'POST text/plain is simple', route: actualOnly(header(ACAO, O)), request: { method: 'POST', headers: [h('Content-Type', 'text/plain;charset=UTF-8')] }, spec: pass(false) },
  { row: 17, title: 'JSON POST allowed by ACAH', route: both([header(ACAO, O), header(ACAH, 'Content-Type')], [header(ACAO, O)]), request: { method: 'POST', headers: [h('Content-Type', 'application/json')] }, spec: pass(true) },
  { row: 18, title: 'JSON POST without ACAH', route: both([header(ACAO, O)], [header(ACAO, O)]), request: { method: 'POST', headers: [h('Content-Type', 'application/json')] }, spec: fail(true, 'header-not-allowed') },
  {
    row: 19, title: 'Content-Type list is not a MIME type', route: both([header(ACAO, O), header(ACAH, 'Content-Type')], [header(ACAO, O)]),
    request: { method: 'POST', headers: [h('Content-Type', 'application/json, text/plain')] }, spec: pass(true),
    also: (sim) => expect(sim.primary.steps.find((s) => s.check === 'preflight-needed')!.message).toMatch(/does not parse as a MIME type/),
  },
  {
    row: 20, title: 'Content-Type over 128 bytes', route: both([header(ACAO, O)], [header(ACAO, O)]),
    request: { method: 'POST', headers: [h('Content-Type', `text/plain; boundary=${'x'.repeat(130)}`)] }, spec: fail(true, 'header-not-allowed'),
    also: (sim) => expect(sim.primary.steps.find((s) => s.check === 'preflight-needed')!.message).toMatch(/128-byte/),
  },
  { row: 21, title: 'Content-Language with _', route: both([header(ACAO, O), header(ACAH, 'content-language')], [header(ACAO, O)]), request: { headers: [h('Content-Language', 'de_DE')] }, spec: pass(true) },
  { row: 22, title: 'Accept and Accept-Language are safelisted', route: actualOnly(header(ACAO, O)), request: { headers: [h('Accept', 'application/json'), h('Accept-Language', 'en-US,en;q=0.9')] }, spec: pass(false) },
  {
    row: 23, title: 'X-Requested-With, the backend has no OPTIONS route (405)',
    route: () => route([responder({ methods: '*', status: 'backend', headers: [header(ACAO, O, { always: true })] })]),
    request: { headers: [h('X-Requested-With', 'XMLHttpRequest')] }, options: { backend: { status: 405, headers: [] } }, spec: fail(true, 'preflight-status'),
  },
  {
    row: 23, title: 'X-Requested-With, nothing tells what the backend answers to OPTIONS',
    route: () => route([responder({ methods: '*', status: 'backend', headers: [header(ACAO, O, { always: true }), header(ACAH, 'X-Requested-With')] })]),
    request: { headers: [h('X-Requested-With', 'XMLHttpRequest')] }, spec: { pre: true, verdict: 'unknown' },
  },
  { row: 24, title: 'ACAM * without credentials', route: both([header(ACAO, '*'), header(ACAM, '*')], [header(ACAO, '*')], 200), request: { method: 'PUT' }, spec: pass(true) },
  { row: 25, title: 'ACAM * is literal with credentials', route: both([header(ACAO, O), header(ACAC, 'true'), header(ACAM, '*')], [header(ACAO, O), header(ACAC, 'true')], 200), request: { method: 'PUT', credentials: true }, spec: fail(true, 'method-not-allowed') },
  { row: 26, title: 'credentialed PUT allowed', route: both([header(ACAO, O), header(ACAC, 'true'), header(ACAM, 'PUT')], [header(ACAO, O), header(ACAC, 'true')], 200), request: { method: 'PUT', credentials: true }, spec: pass(true) },
  {
    row: 27, title: 'ACAC missing on the preflight only', route: both([header(ACAO, O), header(ACAM, 'PUT')], [header(ACAO, O), header(ACAC, 'true')], 200), request: { method: 'PUT', credentials: true }, spec: fail(true, 'missing-allow-credentials'),
    also: (sim) => expect(sim.primary.failure!.phase).toBe('preflight'),
  },
  { row: 28, title: 'lowercase ACAM does not match DELETE', route: both([header(ACAO, O), header(ACAM, 'get, post, delete')], [header(ACAO, O)], 200), request: { method: 'delete' }, spec: fail(true, 'method-not-allowed') },
  {
    row: 29, title: 'patch is not normalized', route: both([header(ACAO, O), header(ACAM, 'PATCH')], [header(ACAO, O)], 200), request: { method: 'patch' }, spec: fail(true, 'method-not-allowed'),
    also: (sim) => expect(sim.primary.steps.some((s) => /Access-Control-Request-Method: patch/.test(s.message))).toBe(true),
  },
  {
    row: 30, title: 'ACAH * and Authorization', route: both([header(ACAO, '*'), header(ACAH, '*')], [header(ACAO, '*')], 200), request: { headers: [h('Authorization', 'Bearer t')] },
    spec: fail(true, 'header-not-allowed'), browsers: pass(true),
    also: (sim, mode) => {
      if (mode === 'browsers') expect(sim.runs.every((r) => r.steps.some((s) => /deprecation warning/.test(s.message)))).toBe(true);
    },
  },
  { row: 31, title: 'ACAH *, Authorization', route: both([header(ACAO, '*'), header(ACAH, '*, Authorization')], [header(ACAO, '*')], 200), request: { headers: [h('Authorization', 'Bearer t')] }, spec: pass(true) },
  { row: 32, title: 'ACAH * is literal with credentials', route: both([header(ACAO, O), header(ACAC, 'true'), header(ACAH, '*')], [header(ACAO, O), header(ACAC, 'true')], 200), request: { headers: [h('Authorization', 'Bearer t')], credentials: true }, spec: fail(true, 'header-not-allowed') },
  { row: 33, title: 'case-insensitive header match, POST safelisted', route: both([header(ACAO, O), header(ACAH, 'x-api-key')], [header(ACAO, O)], 200), request: { method: 'POST', headers: [h('X-API-Key', 'k'), h('Content-Type', 'text/plain')] }, spec: pass(true) },
  { row: 34, title: 'space-separated ACAH', route: both([header(ACAO, O), header(ACAH, 'X-A X-B')], [header(ACAO, O)], 200), request: { headers: [h('X-A', '1')] }, spec: fail(true, 'invalid-allow-list') },
  { row: 34, title: 'semicolon-separated ACAH', route: both([header(ACAO, O), header(ACAH, 'X-A;X-B')], [header(ACAO, O)], 200), request: { headers: [h('X-A', '1')] }, spec: fail(true, 'invalid-allow-list') },
  { row: 35, title: 'trailing comma in ACAH', route: both([header(ACAO, O), header(ACAH, 'Content-Type, Authorization,')], [header(ACAO, O)], 200), request: { method: 'POST', headers: [h('Content-Type', 'application/json'), h('Authorization', 'Bearer t')] }, spec: pass(true) },
  { row: 36, title: 'OPTIONS 204', route: both([header(ACAO, O), header(ACAM, 'PUT')], [header(ACAO, O)], 204), request: { method: 'PUT' }, spec: pass(true) },
  { row: 37, title: 'OPTIONS 403 with CORS headers', route: both([header(ACAO, O, { always: true }), header(ACAM, 'PUT', { always: true })], [header(ACAO, O)], 403), request: { method: 'PUT' }, spec: fail(true, 'preflight-status') },
  {
    row: 38, title: 'OPTIONS 401 from auth without CORS headers: Chromium reports the missing ACAO',
    route: () => route([responder({ methods: '*', status: 'backend', auth: [auth('basic', 401, 'auth_basic "api"')], headers: [header(ACAO, O), header(ACAH, 'Authorization')] })]),
    request: { headers: [h('Authorization', 'Bearer t')] }, spec: fail(true, 'preflight-missing-allow-origin'),
    also: (sim) => {
      expect(sim.primary.steps.some((s) => s.check === 'status' && s.result === 'fail')).toBe(true);
      expect(sim.primary.failure!.span!.line).toBe(sim.route!.responders[0]!.auth[0]!.span.line);
    },
  },
  { row: 39, title: 'OPTIONS redirects', route: () => preflightAndActual({ headers: [header(ACAO, O)], status: 301, redirect: { status: 301, location: 'https://api.example.net/v1/items/' } }, { headers: [header(ACAO, O)] }), request: { method: 'PUT' }, spec: fail(true, 'redirect') },
  {
    row: 40, title: 'actual 500 without ACAO (add_header without always)',
    route: () => preflightAndActual({ headers: [header(ACAO, O, { always: true }), header(ACAM, 'PUT', { always: true })] }, { status: 'backend', headers: [header(ACAO, O)] }),
    request: { method: 'PUT' }, options: { backend: { status: 500, headers: [] } }, spec: fail(true, 'actual-missing-allow-origin'),
    also: (sim) => expect(sim.primary.failure!.message).toMatch(/never the 500/),
  },
  {
    row: 41, title: '302 without ACAO', route: () => route([responder({ methods: '*', status: 302, redirect: { status: 302, location: 'https://cdn.example.org/x' } })]),
    request: {}, spec: fail(false, 'actual-missing-allow-origin'),
  },
  {
    row: 42, title: '302 with ACAO * to a CDN answering *', route: () => route([responder({ methods: '*', status: 302, redirect: { status: 302, location: 'https://cdn.example.org/x' }, headers: [header(ACAO, '*')] })]),
    request: {}, spec: pass(false), options: { resolveUrl: () => route([responder({ methods: '*', headers: [header(ACAO, '*')] })], { name: 'cdn' }) },
    also: (sim) => expect(sim.primary.responses.map((r) => r.origin)).toEqual([O, 'null']),
  },
  {
    row: 43, title: 'credentialed redirect: the final hop sees Origin null',
    route: () => route([responder({ methods: '*', status: 302, redirect: { status: 302, location: 'https://cdn.example.org/x' }, headers: [header(ACAO, O), header(ACAC, 'true')] })]),
    request: { credentials: true }, spec: fail(false, 'allow-origin-mismatch'),
    options: { resolveUrl: () => route([responder({ methods: '*', headers: [header(ACAO, O), header(ACAC, 'true')] })], { name: 'cdn' }) },
    also: (sim) => expect(sim.primary.failure!.message).toMatch(/for Origin null/),
  },
  {
    row: 44, title: 'redirect with userinfo', route: () => route([responder({ methods: '*', status: 302, redirect: { status: 302, location: 'https://user:pw@api2.example.net/' }, headers: [header(ACAO, O)] })]),
    request: {}, spec: fail(false, 'redirect'),
  },
  {
    row: 54, title: 'allowlist without the Capacitor origin', route: actualOnly(header(ACAO, allowlist(O))),
    request: { origin: 'capacitor://localhost' }, spec: fail(false, 'actual-missing-allow-origin'),
  },
  { row: 55, title: 'http://localhost listed, https://localhost sent', route: actualOnly(header(ACAO, allowlist('http://localhost'))), request: { origin: 'https://localhost' }, spec: fail(false, 'actual-missing-allow-origin') },
  { row: 56, title: 'allowlist lacks null', route: actualOnly(header(ACAO, allowlist(O))), request: { origin: 'null' }, spec: fail(false, 'actual-missing-allow-origin') },
  {
    row: 57, title: 'cookie auth from a WKWebView origin: CORS is fine, the cookie is not sent',
    route: () => route([responder({ methods: '*', status: 'backend', auth: [auth('cookie', 401, 'session cookie')], headers: [header(ACAO, allowlist('capacitor://localhost')), header(ACAC, 'true')] })]),
    request: { origin: 'capacitor://localhost', credentials: true }, spec: pass(false), browsers: fail(false, 'actual-missing-allow-origin'),
    also: (sim, mode) => {
      if (mode === 'browsers') expect(sim.primary.steps.find((s) => s.check === 'allow-origin')!.message).toMatch(/never the 401/);
    },
  },
  {
    row: 58, title: 'SameSite=None without Secure is ignored',
    route: () => route([responder({ methods: '*', headers: [header(ACAO, O), header(ACAC, 'true')] })], { cookies: [{ attributes: 'sid=1; SameSite=None', via: 'add_header', span: { file: 'model.conf', line: 900, column: 1, endLine: 900, endColumn: 2 } }] }),
    request: { credentials: true }, spec: pass(false),
    also: (sim) => expect(sim.primary.steps.find((s) => s.check === 'cookie')!.span!.line).toBe(900),
  },
  {
    row: 59, title: 'public page to a LAN address', route: actualOnly(header(ACAO, O)), request: { url: 'https://192.168.1.10/api' }, spec: pass(false),
    also: (sim, mode) => {
      const lna = sim.runs.flatMap((r) => r.steps).filter((s) => s.check === 'local-network-access');
      expect(lna.length).toBe(mode === 'browsers' ? 1 : 0);
    },
  },
  {
    row: 60, title: 'React Native: no browser Origin', route: actualOnly(), request: { origin: undefined }, spec: pass(false),
  },
];

describe('§6 test vectors (allow/block)', () => {
  for (const r of rows) {
    for (const mode of ['spec', 'browsers'] as const) {
      it(`row ${r.row} [${mode}]: ${r.title}`, () => {
        const sim = simulate(r.route(), req(r.request), { ...r.options, mode });
        const want = mode === 'browsers' ? (r.browsers ?? r.spec) : r.spec;
        expect({ pre: sim.preflightSent, verdict: sim.verdict, failed: sim.failedCheck ?? undefined }).toEqual({ pre: want.pre, verdict: want.verdict, failed: want.failed });
        expect(sim.allowed).toBe(want.verdict === 'allowed');
        if (want.verdict === 'blocked') {
          // Every failure names the config line responsible and a fix.
          expect(sim.primary.failure!.span ?? sim.route?.span).toBeDefined();
          expect(sim.primary.fix).toBeTruthy();
        }
        r.also?.(sim, mode);
      });
    }
  }
});

describe('§6 rows about what triggers a preflight', () => {
  const probe = (headers: { name: string; value: string }[], method = 'GET') => (mode: 'spec' | 'browsers') =>
    simulate(route([responder({ methods: '*', headers: [header(ACAO, O), header(ACAH, '*')] }), responder({ methods: ['OPTIONS'] })]), req({ method, headers }), { mode });

  it('row 51: Range with a start is safelisted, a suffix range is not (both modes)', () => {
    for (const mode of ['spec', 'browsers'] as const) {
      expect(probe([h('Range', 'bytes=0-99')])(mode).runs.every((r) => !r.preflightSent)).toBe(true);
      expect(probe([h('Range', 'bytes=-500')])(mode).runs.every((r) => r.preflightSent)).toBe(true);
    }
  });

  it('row 52: DPR is preflighted by the spec, Firefox and Safari, not by Chrome', () => {
    const pre = preflightAndActual({ headers: [header(ACAO, O)] }, { headers: [header(ACAO, O)] });
    const spec = simulate(pre, req({ headers: [h('DPR', '2')] }), { mode: 'spec' });
    expect(spec.preflightSent).toBe(true);
    expect(spec.failedCheck).toBe('header-not-allowed');
    const browsers = simulate(pre, req({ headers: [h('DPR', '2')] }), { mode: 'browsers' });
    expect(Object.fromEntries(browsers.runs.map((r) => [r.engine, [r.preflightSent, r.verdict]]))).toEqual({
      chromium: [false, 'allowed'],
      firefox: [true, 'blocked'],
      webkit: [true, 'blocked'],
    });
    expect(browsers.verdict).toBe('blocked');
  });

  it('row 53: safelisted values over 1024 bytes in total are all listed in ACRH', () => {
    const long = 'a'.repeat(120);
    const headers = [h('Accept', long), h('Accept-Language', `${'en,'.repeat(40)}de`), ...Array.from({ length: 8 }, () => h('Content-Language', long))];
    for (const engine of enginesFor('spec').concat(enginesFor('browsers'))) {
      const u = unsafeRequestHeaderNames(headers, engine);
      expect(u.names).toEqual(['accept', 'accept-language', 'content-language']);
    }
    const sim = simulate(preflightAndActual({ headers: [header(ACAO, O), header(ACAH, 'accept, accept-language, content-language')] }, { headers: [header(ACAO, O)] }), req({ headers }), { mode: 'spec' });
    expect(sim.preflightSent).toBe(true);
    expect(sim.verdict).toBe('allowed');
  });
});

describe('§6 rows about the preflight cache (Max-Age per engine)', () => {
  const secs = (values: string[]) =>
    Object.fromEntries((['spec', 'chromium', 'firefox', 'webkit'] as const).map((e) => [e, preflightCacheSeconds(values, ENGINES[e]).seconds]));

  it('row 45: Max-Age 86400 is capped per engine; a second PUT after 15 minutes', () => {
    expect(secs(['86400'])).toEqual({ spec: 86400, chromium: 7200, firefox: 86400, webkit: 600 });
    const preflightAgain = (engine: 'chromium' | 'firefox' | 'webkit', at: number) => {
      const entry: PreflightCacheEntry = { origin: O, url: URL_, credentials: false, methods: ['PUT'], headers: [], expiresAt: preflightCacheSeconds(['86400'], ENGINES[engine]).seconds };
      return !cacheCovers(entry, { origin: O, url: URL_, credentials: false, method: 'PUT', unsafeHeaders: [] }, at);
    };
    expect([preflightAgain('chromium', 900), preflightAgain('firefox', 900), preflightAgain('webkit', 900)]).toEqual([false, false, true]);
    expect([preflightAgain('chromium', 3 * 3600), preflightAgain('firefox', 3 * 3600)]).toEqual([true, false]);
    // The simulator reports the engine's cache time on the preflight step, in both modes.
    const r = preflightAndActual({ headers: [header(ACAO, O), header(ACAM, 'PUT'), header('Access-Control-Max-Age', '86400')] }, { headers: [header(ACAO, O)] });
    expect(simulate(r, req({ method: 'PUT' }), { mode: 'spec' }).primary.preflightCacheSeconds).toBe(86400);
    expect(simulate(r, req({ method: 'PUT' }), { mode: 'browsers' }).runs.map((x) => x.preflightCacheSeconds)).toEqual([7200, 86400, 600]);
  });

  it('row 46: absent, 0, -1, abc and a duplicate Max-Age', () => {
    expect(secs([])).toEqual({ spec: 5, chromium: 5, firefox: 5, webkit: 5 });
    expect(secs(['0'])).toEqual({ spec: 0, chromium: 0, firefox: 0, webkit: 0 });
    // Spec: -1 is not delta-seconds, a failure, so 5 s; the engines do not cache it.
    expect(secs(['-1'])).toEqual({ spec: 5, chromium: 0, firefox: 0, webkit: 0 });
    expect(secs(['abc'])).toEqual({ spec: 5, chromium: 5, firefox: 0, webkit: 5 });
    expect(secs(['600', '600'])).toEqual({ spec: 5, chromium: 5, firefox: 0, webkit: 5 });
  });

  it('row 47: an entry stored without credentials never satisfies a credentialed request', () => {
    const entry: PreflightCacheEntry = { origin: O, url: URL_, credentials: false, methods: ['*'], headers: ['*'], expiresAt: 100 };
    expect(cacheCovers(entry, { origin: O, url: URL_, credentials: false, method: 'PUT', unsafeHeaders: [] }, 1)).toBe(true);
    expect(cacheCovers(entry, { origin: O, url: URL_, credentials: true, method: 'PUT', unsafeHeaders: [] }, 1)).toBe(false);
    // ...and the new preflight fails: * is literal with credentials.
    const sim = simulate(both([header(ACAO, '*'), header(ACAM, '*')], [header(ACAO, '*')])(), req({ method: 'PUT', credentials: true }), { mode: 'spec' });
    expect(sim.failedCheck).toBe('wildcard-origin-with-credentials');
  });

  it('row 48: the cache is keyed per URL', () => {
    const entry: PreflightCacheEntry = { origin: O, url: `${URL_}/1`, credentials: false, methods: ['PUT'], headers: [], expiresAt: 100 };
    expect(cacheCovers(entry, { origin: O, url: `${URL_}/1`, credentials: false, method: 'PUT', unsafeHeaders: [] }, 1)).toBe(true);
    expect(cacheCovers(entry, { origin: O, url: `${URL_}/2`, credentials: false, method: 'PUT', unsafeHeaders: [] }, 1)).toBe(false);
    expect(cacheCovers({ ...entry, headers: ['*'] }, { origin: O, url: `${URL_}/1`, credentials: false, method: 'PUT', unsafeHeaders: ['authorization'] }, 1)).toBe(false);
  });
});

describe('§6 rows about what the script can read', () => {
  it('row 49: a header without ACEH is not exposed; the request still passes', () => {
    expect(isResponseHeaderExposed('X-Total-Count', [], false)).toBe(false);
    expect(isResponseHeaderExposed('Content-Type', [], false)).toBe(true);
    for (const mode of ['spec', 'browsers'] as const) expect(simulate(actualOnly(header(ACAO, O), header('X-Total-Count', '3'))(), req({}), { mode }).verdict).toBe('allowed');
  });

  it('row 50: ACEH * exposes everything only without credentials', () => {
    expect(isResponseHeaderExposed('X-Total-Count', ['*'], false)).toBe(true);
    expect(isResponseHeaderExposed('X-Total-Count', ['*'], true)).toBe(false);
    expect(isResponseHeaderExposed('*', ['*'], true)).toBe(true);
    expect(isResponseHeaderExposed('Set-Cookie', ['*', 'Set-Cookie'], false)).toBe(false);
  });
});

describe('unknowns are never guessed', () => {
  it('an ACAO value the model cannot know makes the verdict unknown with the reason', () => {
    const sim = simulate(actualOnly(header(ACAO, { kind: 'unknown', reason: 'set by Lua' }))(), req({}), { mode: 'spec' });
    expect(sim.verdict).toBe('unknown');
    expect(sim.primary.unknowns[0]!.reason).toMatch(/set by Lua/);
  });

  it('an unknown preflight does not hide a certain failure of the actual request', () => {
    const r = route([responder({ methods: ['OPTIONS'], status: { unknown: 'decided by Lua' }, headers: [header(ACAO, O), header(ACAM, 'PUT')] }), responder({ methods: '*', headers: [] })]);
    const sim = simulate(r, req({ method: 'PUT' }), { mode: 'spec' });
    expect(sim.verdict).toBe('blocked');
    expect(sim.failedCheck).toBe('actual-missing-allow-origin');
  });

  it('a proxied route without gateway CORS headers is unknown: the backend may send them', () => {
    const r = route([responder({ methods: '*', status: 'backend', backendCors: 'unknown' })]);
    expect(simulate(r, req({}), { mode: 'spec' }).verdict).toBe('unknown');
  });

  it('a backend that emits CORS plus a gateway ACAO is a certain duplicate', () => {
    const r = route([responder({ methods: '*', status: 'backend', backendCors: 'yes', headers: [header(ACAO, O)] })]);
    expect(simulate(r, req({}), { mode: 'spec' }).failedCheck).toBe('multiple-allow-origin');
    const hidden = route([responder({ methods: '*', status: 'backend', backendCors: 'yes', hidden: ['Access-Control-Allow-Origin'], headers: [header(ACAO, O)] })]);
    expect(simulate(hidden, req({}), { mode: 'spec' }).verdict).toBe('allowed');
  });

  it('no route is a blocked no-route verdict', () => {
    expect(simulate(undefined, req({}), { mode: 'spec' }).failedCheck).toBe('no-route');
  });
});
