/**
 * The "Response shape and delivery" rules over hand-built model objects, RuleTester style:
 * each `valid` case must stay quiet, each `invalid` case must report exactly the listed
 * findings (line, column, and words the message must contain).
 */
import { describe, expect, it } from 'vitest';
import type { Report, Rule } from '../src/engine/rule.js';
import type {
  AuthRequirement,
  Backend,
  CdnFacts,
  GatewayError,
  HeaderRule,
  HeaderValue,
  Responder,
  Route,
  Span,
} from '../src/model/types.js';
import cdnStripsAuthorization from '../rules/cdn-strips-authorization.js';
import cdnStripsCorsRequestHeaders from '../rules/cdn-strips-cors-request-headers.js';
import corsDelegatedToBackend from '../rules/cors-delegated-to-backend.js';
import corsHeadersDroppedByInheritance from '../rules/cors-headers-dropped-by-inheritance.js';
import corsHeadersMissingOnErrors from '../rules/cors-headers-missing-on-errors.js';
import duplicateCorsHeader from '../rules/duplicate-cors-header.js';
import missingVaryOrigin from '../rules/missing-vary-origin.js';
import samesiteNoneWithoutSecure, { sameSiteNoneWithoutSecure } from '../rules/samesite-none-without-secure.js';
import { dependsOnOrigin, cdnForwardsHeader } from '../src/model/query.js';

// ---------------------------------------------------------------- builders

const FILE = '/cfg/nginx.conf';

function span(line: number, column = 5, file = FILE): Span {
  return { file, line, column, endLine: line, endColumn: column + 10 };
}

const lit = (text: string): HeaderValue => ({ kind: 'literal', text });
const reflect: HeaderValue = { kind: 'reflect' };
const unknown: HeaderValue = { kind: 'unknown', reason: 'variable $x' };
const allowlist = (...origins: string[]): HeaderValue => ({
  kind: 'by-origin',
  cases: origins.map((o) => ({ when: { kind: 'exact', origin: o }, then: { kind: 'literal', text: o } })),
  otherwise: null,
});

function header(name: string, value: HeaderValue, line: number, opts: Partial<HeaderRule> = {}): HeaderRule {
  return { name, value, onSuccess: true, onErrors: false, span: span(line), addedBy: 'gateway', via: 'add_header', ...opts };
}

const proxy = (opts: Partial<Backend> = {}): Backend => ({
  kind: 'proxy',
  emitsCors: 'unknown',
  hiddenHeaders: [],
  description: 'http://app',
  span: span(20),
  ...opts,
});

function responder(opts: Partial<Responder> = {}): Responder {
  return {
    methods: '*',
    answeredBy: 'backend',
    status: { kind: 'backend' },
    headers: [],
    auth: [],
    backend: proxy(),
    span: span(2, 1),
    description: 'location /api/',
    ...opts,
  };
}

/** An nginx-style OPTIONS block: `if ($request_method = OPTIONS) { ...; return 204; }`. */
function preflight204(headers: HeaderRule[], line = 3): Responder {
  return {
    methods: ['OPTIONS'],
    answeredBy: 'gateway',
    status: { kind: 'fixed', code: 204 },
    headers,
    auth: [],
    span: span(line, 5),
    description: 'if ($request_method = OPTIONS) { return 204; }',
  };
}

function route(responders: Responder[], opts: Partial<Route> = {}): Route {
  return {
    id: `nginx:${FILE}:1`,
    source: 'nginx',
    name: 'location /api/',
    span: span(1, 1),
    match: { hosts: [], path: { kind: 'prefix', value: '/api/' }, methods: '*' },
    responders,
    droppedHeaders: [],
    cookies: [],
    ...opts,
  };
}

const basicAuth: AuthRequirement = {
  mechanism: 'basic',
  header: 'Authorization',
  description: 'auth_basic "Restricted"',
  failureStatus: 401,
  span: span(9),
};

// ---------------------------------------------------------------- tester

interface Expected {
  line: number;
  column?: number;
  message?: (string | RegExp)[];
  severity?: Report['severity'];
}

function run(rule: Rule, routes: Route[], files: Map<string, string> = new Map()): Report[] {
  const reports: Report[] = [];
  rule.check({ routes, diagnostics: [], settings: { clients: [], sites: [] }, files, report: (r) => reports.push(r) });
  return reports;
}

function ruleTester(
  rule: Rule,
  cases: { valid: { name: string; routes: Route[] }[]; invalid: { name: string; routes: Route[]; errors: Expected[] }[] },
): void {
  describe(rule.meta.id, () => {
    for (const v of cases.valid) {
      it(`valid: ${v.name}`, () => {
        expect(run(rule, v.routes)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const reports = run(rule, c.routes);
        expect(reports.map((r) => r.span.line)).toEqual(c.errors.map((e) => e.line));
        c.errors.forEach((e, i) => {
          const r = reports[i]!;
          if (e.column !== undefined) expect(r.span.column).toBe(e.column);
          for (const m of e.message ?? []) {
            if (typeof m === 'string') expect(r.message).toContain(m);
            else expect(r.message).toMatch(m);
          }
          if (e.severity) expect(r.severity).toBe(e.severity);
        });
      });
    }
  });
}

// ---------------------------------------------------------------- model helpers

describe('query helpers', () => {
  it('dependsOnOrigin: reflection and differing allowlist outcomes depend on Origin, literals and unknowns do not', () => {
    expect(dependsOnOrigin(reflect)).toBe(true);
    expect(dependsOnOrigin(allowlist('https://a.example'))).toBe(true);
    expect(dependsOnOrigin(lit('*'))).toBe(false);
    expect(dependsOnOrigin(unknown)).toBe(false);
    expect(
      dependsOnOrigin({
        kind: 'by-origin',
        cases: [{ when: { kind: 'regex', source: '.', caseInsensitive: false, dialect: 'pcre' }, then: { kind: 'literal', text: '*' } }],
        otherwise: { kind: 'literal', text: '*' },
      }),
    ).toBe(false);
  });
  it('cdnForwardsHeader: cache-key headers count as forwarded; unknown stays unknown', () => {
    expect(cdnForwardsHeader({ cacheKeyHeaders: { headers: ['origin'] } }, 'Origin')).toBe(true);
    expect(cdnForwardsHeader({ forwardedHeaders: { headers: 'all' } }, 'Authorization')).toBe(true);
    expect(cdnForwardsHeader({ forwardedHeaders: { headers: ['Host'] }, cacheKeyHeaders: { headers: [] } }, 'Origin')).toBe(false);
    expect(cdnForwardsHeader({ forwardedHeaders: { unknown: 'policy by ARN' } }, 'Origin')).toBeUndefined();
    expect(cdnForwardsHeader({}, 'Origin')).toBeUndefined();
  });
});

// ---------------------------------------------------------------- cors-headers-missing-on-errors

ruleTester(corsHeadersMissingOnErrors, {
  valid: [
    { name: 'ACAO with always on a proxied location', routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4, { onErrors: true })] })])] },
    { name: 'a return 204 preflight needs no always', routes: [route([preflight204([header('Access-Control-Allow-Origin', lit('*'), 4)])])] },
    {
      name: 'a fixed 200 answered by the gateway without auth cannot be an error',
      routes: [route([responder({ answeredBy: 'gateway', status: { kind: 'fixed', code: 200 }, backend: undefined, headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])],
    },
    { name: 'no CORS headers at all', routes: [route([responder({ headers: [header('X-Frame-Options', lit('DENY'), 4)] })])] },
    {
      name: 'Allow-Methods without always does not matter on errors',
      routes: [
        route([
          responder({
            headers: [
              header('Access-Control-Allow-Origin', lit('https://a.example'), 4, { onErrors: true }),
              header('Access-Control-Allow-Methods', lit('GET, PUT'), 5),
            ],
          }),
        ]),
      ],
    },
    {
      name: 'REST route whose DEFAULT_4XX and DEFAULT_5XX carry ACAO',
      routes: [
        route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4, { onErrors: true, via: 'IntegrationResponse' })] })], {
          gatewayErrors: [
            { type: 'DEFAULT_4XX', status: 400, span: span(30), headers: [header('Access-Control-Allow-Origin', lit('*'), 31, { onErrors: true, onSuccess: false })] },
            { type: 'DEFAULT_5XX', status: 500, span: span(34), headers: [header('Access-Control-Allow-Origin', lit('*'), 35, { onErrors: true, onSuccess: false })] },
          ],
        }),
      ],
    },
    { name: 'REST route without any CORS: gateway errors are not a CORS problem', routes: [route([responder()], { gatewayErrors: [] })] },
  ],
  invalid: [
    {
      name: 'add_header ACAO without always on a proxy',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])],
      errors: [{ line: 4, column: 5, message: ['location /api/', 'without Access-Control-Allow-Origin', 'CORS error instead of the real status', '`always`', 'http://app'] }],
    },
    {
      name: 'auth_basic makes errors possible even for a fixed 200',
      routes: [
        route([
          responder({ answeredBy: 'gateway', status: { kind: 'fixed', code: 200 }, backend: undefined, auth: [basicAuth], headers: [header('Access-Control-Allow-Origin', lit('*'), 6)] }),
        ]),
      ],
      errors: [{ line: 6, message: ['A 401 from auth_basic "Restricted"'] }],
    },
    {
      name: 'ACAO has always but credentials do not',
      routes: [
        route([
          responder({
            headers: [
              header('Access-Control-Allow-Origin', allowlist('https://a.example'), 4, { onErrors: true }),
              header('Access-Control-Allow-Credentials', lit('true'), 5),
            ],
          }),
        ]),
      ],
      errors: [{ line: 5, message: ['without Access-Control-Allow-Credentials: true', 'credentialed requests'] }],
    },
    {
      name: 'one server-level header reaching two locations is one finding',
      routes: [
        route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })]),
        route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })], { name: 'location /v2/' }),
      ],
      errors: [{ line: 4, message: ['location /api/ (and 1 other route)'] }],
    },
    {
      name: 'REST route with CORS and no gateway responses',
      routes: [
        route(
          [
            preflight204([header('Access-Control-Allow-Origin', lit("'*'"), 12, { via: 'IntegrationResponse' })]),
            responder({ backend: proxy({ kind: 'lambda-proxy', description: 'Lambda OrdersFn' }), auth: [{ mechanism: 'authorization-header', header: 'Authorization', description: 'Cognito authorizer MyAuth', failureStatus: 401, span: span(40) }] }),
          ],
          { gatewayErrors: [], name: 'PUT /orders' },
        ),
      ],
      errors: [{ line: 12, message: ['PUT /orders', 'UNAUTHORIZED', 'Cognito authorizer MyAuth', 'DEFAULT_4XX', 'DEFAULT_5XX', 'gatewayresponse.header.Access-Control-Allow-Origin'] }],
    },
    {
      name: 'REST gateway response declared without ACAO is reported at its declaration',
      routes: [
        route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4, { onErrors: true, via: 'IntegrationResponse' })] })], {
          gatewayErrors: [
            { type: 'DEFAULT_4XX', status: 400, span: span(30), headers: [header('Access-Control-Allow-Origin', lit('*'), 31, { onErrors: true, onSuccess: false })] },
            { type: 'DEFAULT_5XX', status: 500, span: span(34), headers: [header('X-Trace', lit('1'), 35, { onErrors: true, onSuccess: false })] },
          ] satisfies GatewayError[],
        }),
      ],
      errors: [{ line: 34, message: ['DEFAULT_5XX'] }],
    },
  ],
});

describe('cors-headers-missing-on-errors fix', () => {
  it('inserts " always" after the value when the directive ends there', () => {
    const text = "location /api/ {\n    add_header Access-Control-Allow-Origin '*';\n}\n";
    const at = text.indexOf("'*'") + 3;
    const h = header('Access-Control-Allow-Origin', lit('*'), 2, {
      valueSpan: { file: FILE, line: 2, column: 43, endLine: 2, endColumn: 46, offset: at - 3, endOffset: at },
    });
    const reports = run(corsHeadersMissingOnErrors, [route([responder({ headers: [h] })])], new Map([[FILE, text]]));
    expect(reports).toHaveLength(1);
    const fix = reports[0]!.fix!;
    expect(text.slice(0, fix.range[0]) + fix.text + text.slice(fix.range[1])).toContain("add_header Access-Control-Allow-Origin '*' always;");
  });
});

// ---------------------------------------------------------------- cors-headers-dropped-by-inheritance

const serverAcao = header('Access-Control-Allow-Origin', lit('https://a.example'), 3, { onErrors: true });
const serverAcac = header('Access-Control-Allow-Credentials', lit('true'), 4, { onErrors: true });
const serverAcam = header('Access-Control-Allow-Methods', lit('GET, PUT'), 5, { onErrors: true });

ruleTester(corsHeadersDroppedByInheritance, {
  valid: [
    {
      name: 'a non-CORS header dropped is not this rule',
      routes: [route([responder()], { droppedHeaders: [{ header: header('X-Cache', lit('$upstream_cache_status'), 3), droppedBy: span(12), responderIndex: 0 }] })],
    },
    {
      name: 'the inner block re-declares the dropped CORS header',
      routes: [
        route([preflight204([header('Access-Control-Allow-Origin', lit('https://a.example'), 13)])], {
          droppedHeaders: [{ header: serverAcao, droppedBy: span(13), responderIndex: 0 }],
        }),
      ],
    },
    {
      name: 'Allow-Methods dropped on a responder that never answers a preflight',
      routes: [
        route([preflight204([header('Access-Control-Allow-Methods', lit('GET, PUT'), 13), header('Access-Control-Allow-Origin', lit('*'), 14)]), responder({ headers: [header('X-Frame-Options', lit('DENY'), 20)] })], {
          droppedHeaders: [{ header: serverAcam, droppedBy: span(20), responderIndex: 1 }],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'OPTIONS block drops the server-level credentials header',
      routes: [
        route([preflight204([header('Access-Control-Allow-Origin', lit('https://a.example'), 13), header('Access-Control-Allow-Methods', lit('GET'), 14)]), responder({ headers: [serverAcao, serverAcac] })], {
          droppedHeaders: [
            { header: serverAcao, droppedBy: span(13), responderIndex: 0 },
            { header: serverAcac, droppedBy: span(13), responderIndex: 0 },
          ],
        }),
      ],
      errors: [{ line: 13, column: 5, message: ['Access-Control-Allow-Credentials (line 4) does not reach the preflight (OPTIONS) response', 'credentials', 'add_header_inherit merge'] }],
    },
    {
      name: 'a location add_header drops ACAO for all methods; names the other file',
      routes: [
        route([responder({ headers: [header('X-Frame-Options', lit('DENY'), 20)] })], {
          droppedHeaders: [{ header: { ...serverAcao, span: span(3, 5, '/cfg/cors.conf') }, droppedBy: span(20), responderIndex: 0 }],
        }),
      ],
      errors: [{ line: 20, message: ['cors.conf:3', 'location /api/', 'CORS error'] }],
    },
    {
      name: 'several headers cut off by one add_header: one finding, error when any matters',
      routes: [
        route([responder({ headers: [header('X-Frame-Options', lit('DENY'), 20)] })], {
          droppedHeaders: [
            { header: serverAcao, droppedBy: span(20), responderIndex: 0 },
            { header: header('Access-Control-Expose-Headers', lit('X-Id'), 6), droppedBy: span(20), responderIndex: 0 },
          ],
        }),
      ],
      errors: [{ line: 20, severity: undefined, message: ['Access-Control-Allow-Origin (line 3) and Access-Control-Expose-Headers (line 6) do not reach', 'CORS error and scripts can no longer read'] }],
    },
    {
      name: 'a dropped Max-Age only costs caching: warning',
      routes: [
        route([preflight204([header('Access-Control-Allow-Origin', lit('*'), 13)])], {
          droppedHeaders: [{ header: header('Access-Control-Max-Age', lit('600'), 6), droppedBy: span(13), responderIndex: 0 }],
        }),
      ],
      errors: [{ line: 13, severity: 'warning', message: ['5 seconds'] }],
    },
  ],
});

// ---------------------------------------------------------------- duplicate-cors-header

ruleTester(duplicateCorsHeader, {
  valid: [
    {
      name: 'upstream CORS hidden with proxy_hide_header',
      routes: [route([responder({ backend: proxy({ emitsCors: 'yes', hiddenHeaders: ['access-control-allow-origin'] }), headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])],
    },
    {
      name: 'backend of unknown CORS behaviour without evidence',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])],
    },
    {
      name: 'complementary variables (unknown values) may each be empty',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', unknown, 4), header('Access-Control-Allow-Origin', { kind: 'unknown', reason: '$b' }, 5)] })])],
    },
    {
      name: 'an upstream-dependent value with an emitting backend (map empty when upstream sets it)',
      routes: [route([responder({ backend: proxy({ emitsCors: 'yes' }), headers: [header('Access-Control-Allow-Origin', unknown, 4)] })])],
    },
    {
      name: 'Allow-Methods twice merges harmlessly',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Methods', lit('GET'), 4), header('Access-Control-Allow-Methods', lit('PUT'), 5)] })])],
    },
    {
      name: 'two allowlists for disjoint origins',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', allowlist('https://a.example'), 4), header('Access-Control-Allow-Origin', allowlist('https://b.example'), 5)] })])],
    },
    {
      name: 'gateway overrides backend CORS',
      routes: [route([responder({ backend: proxy({ emitsCors: 'yes', gatewayOverridesCors: true }), headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])],
    },
  ],
  invalid: [
    {
      name: 'ACAO added twice at one level',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4), header('Access-Control-Allow-Origin', reflect, 5)] })])],
      errors: [{ line: 5, message: ['added a second time', 'first at line 4', '"*, <request origin>"', 'every CORS request fails'] }],
    },
    {
      // nginx sends both: headers-more's filter runs before add_header's (see the real-nginx fixture)
      name: 'more_set_headers and add_header of one name on one response',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4, { via: 'more_set_headers' }), header('Access-Control-Allow-Origin', lit('*'), 5)] })])],
      errors: [{ line: 5, message: ['added a second time', 'first at line 4', '"*, *"', 'keep either the more_set_headers or the add_header'] }],
    },
    {
      name: 'nginx adds ACAO while the upstream emits CORS',
      routes: [route([responder({ backend: proxy({ emitsCors: 'yes' }), headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])],
      errors: [{ line: 4, message: ['location /api/ adds Access-Control-Allow-Origin here while http://app also sends it (it emits CORS headers itself)', 'proxy_hide_header Access-Control-Allow-Origin'] }],
    },
    {
      name: 'unknown upstream, but another location hides its ACAO',
      routes: [
        route([responder({ headers: [header('Access-Control-Allow-Credentials', lit('true'), 4)] })]),
        route([responder({ backend: proxy({ hiddenHeaders: ['Access-Control-Allow-Credentials'] }) })], { name: 'location /v2/' }),
      ],
      errors: [{ line: 4, message: ["(location /v2/ hides the upstream's copy)"] }],
    },
    {
      name: 'CloudFront policy with OriginOverride false before a CORS-emitting origin',
      routes: [
        route([responder({ backend: proxy({ kind: 's3', emitsCors: 'yes', gatewayOverridesCors: false, description: 'S3 bucket Assets' }), headers: [header('Access-Control-Allow-Origin', lit('*'), 14, { via: 'ResponseHeadersPolicy' })] })]),
      ],
      errors: [{ line: 14, message: ["origin's value wins", 'S3 bucket Assets'] }],
    },
  ],
});

// ---------------------------------------------------------------- missing-vary-origin

const cloudFront = (cdn: CdnFacts, backend: Backend): Route =>
  route([responder({ backend, headers: [] })], { source: 'cloudformation', name: 'CloudFront behavior /assets/*', cdn });

ruleTester(missingVaryOrigin, {
  valid: [
    { name: 'static ACAO *', routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 4)] })])] },
    {
      name: 'reflection with Vary: Origin',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', reflect, 4), header('Vary', lit('Accept-Encoding, Origin'), 5)] })])],
    },
    {
      name: 'Vary from a variable is not second-guessed',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', allowlist('https://a.example'), 4), header('Vary', unknown, 5)] })])],
    },
    { name: 'ACAO from a map on the response Content-Type (unknown)', routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', unknown, 4)] })])] },
    {
      name: 'CDN caches, Origin in the cache key',
      routes: [cloudFront({ caches: { value: true }, cacheKeyHeaders: { headers: ['Origin'], span: span(40) } }, proxy({ kind: 's3', emitsCors: 'yes' }))],
    },
    {
      name: 'CDN caches, but the CORS headers come from its own policy (per request)',
      routes: [cloudFront({ caches: { value: true }, cacheKeyHeaders: { headers: [], span: span(40) } }, proxy({ kind: 's3', emitsCors: 'yes', gatewayOverridesCors: true }))],
    },
  ],
  invalid: [
    {
      name: 'reflected ACAO without Vary',
      routes: [route([preflight204([header('Access-Control-Allow-Origin', reflect, 2)])])],
      errors: [{ line: 2, message: ['echoes the request Origin', 'no Vary: Origin', 'Vary: Origin'] }],
    },
    {
      name: 'allowlist ACAO with a Vary that lacks Origin',
      routes: [route([responder({ headers: [header('Access-Control-Allow-Origin', allowlist('https://a.example'), 4), header('Vary', lit('Accept-Encoding'), 5)] })])],
      errors: [{ line: 4, message: ['chosen by the request Origin'] }],
    },
    {
      name: 'CDN caches S3 CORS responses without Origin in the cache key',
      routes: [
        cloudFront(
          { caches: { value: true }, forwardedHeaders: { headers: ['Origin'], span: span(38) }, cacheKeyHeaders: { headers: ['Host'], span: span(40) } },
          proxy({ kind: 's3', emitsCors: 'yes' }),
        ),
      ],
      errors: [{ line: 40, message: ['CloudFront behavior /assets/*', 'not in the cache key'] }],
    },
  ],
});

// ---------------------------------------------------------------- cdn-strips-cors-request-headers

ruleTester(cdnStripsCorsRequestHeaders, {
  valid: [
    { name: 'Origin in the cache key (so forwarded)', routes: [cloudFront({ cacheKeyHeaders: { headers: ['Origin'], span: span(40) } }, proxy({ kind: 's3', emitsCors: 'yes' }))] },
    { name: 'origin does not make CORS (the CDN policy does)', routes: [cloudFront({ cacheKeyHeaders: { headers: [], span: span(40) } }, proxy({ kind: 's3', emitsCors: 'yes', gatewayOverridesCors: true }))] },
    { name: 'forwarding unknown (policy by ARN)', routes: [cloudFront({ forwardedHeaders: { unknown: 'policy arn' } }, proxy({ emitsCors: 'yes' }))] },
    {
      name: 'OPTIONS cached with all three in the key',
      routes: [
        cloudFront(
          { cachedMethods: { methods: ['GET', 'HEAD', 'OPTIONS'], span: span(35) }, cacheKeyHeaders: { headers: ['origin', 'access-control-request-method', 'access-control-request-headers'], span: span(40) } },
          proxy({ kind: 's3', emitsCors: 'yes' }),
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'S3 origin with bucket CORS, Origin not forwarded',
      routes: [cloudFront({ forwardedHeaders: { headers: ['Host'], span: span(38) }, cacheKeyHeaders: { headers: [], span: span(40) } }, proxy({ kind: 's3', emitsCors: 'yes', description: 'S3 bucket Assets' }))],
      errors: [{ line: 38, message: ['CloudFront behavior /assets/* does not forward the Origin header to S3 bucket Assets', 'browsers block'] }],
    },
    {
      name: 'OPTIONS cached without the Access-Control-Request-* headers in the key',
      routes: [
        cloudFront(
          { cachedMethods: { methods: ['GET', 'HEAD', 'OPTIONS'], span: span(35) }, cacheKeyHeaders: { headers: ['Origin'], span: span(40) } },
          proxy({ kind: 's3', emitsCors: 'yes' }),
        ),
      ],
      errors: [{ line: 35, message: ['caches OPTIONS', 'Access-Control-Request-Method, Access-Control-Request-Headers'] }],
    },
  ],
});

// ---------------------------------------------------------------- cdn-strips-authorization

ruleTester(cdnStripsAuthorization, {
  valid: [
    { name: 'no auth on the route', routes: [cloudFront({ cacheKeyHeaders: { headers: [], span: span(40) } }, proxy())] },
    {
      name: 'Authorization in the cache key',
      routes: [route([responder({ auth: [basicAuth] })], { cdn: { cacheKeyHeaders: { headers: ['Authorization'], span: span(40) } } })],
    },
    { name: 'all headers forwarded (legacy *)', routes: [route([responder({ auth: [basicAuth] })], { cdn: { forwardedHeaders: { headers: 'all', span: span(40) } } })] },
    { name: 'API key auth does not need Authorization', routes: [route([responder({ auth: [{ mechanism: 'api-key', header: 'X-Api-Key', description: 'API key', span: span(9) }] })], { cdn: { cacheKeyHeaders: { headers: ['X-Api-Key'], span: span(40) } } })] },
  ],
  invalid: [
    {
      name: 'origin authenticates with Authorization, CDN drops it',
      routes: [route([responder({ auth: [basicAuth] })], { cdn: { cacheKeyHeaders: { headers: ['Origin'], span: span(40) } } })],
      errors: [{ line: 40, message: ['location /api/ does not forward the Authorization header to http://app', 'auth_basic "Restricted"', '401/403'] }],
    },
    {
      name: 'route requires Authorization by its declared clients',
      routes: [route([responder()], { cdn: { forwardedHeaders: { headers: ['Origin'], span: span(38) } }, requiredRequestHeaders: [{ name: 'Authorization', reason: 'JWT authorizer', span: span(9) }] })],
      errors: [{ line: 38, message: ['JWT authorizer'] }],
    },
  ],
});

// ---------------------------------------------------------------- samesite-none-without-secure

describe('sameSiteNoneWithoutSecure', () => {
  it.each([
    ['SameSite=None', true],
    ['Path=/; SameSite = None', true],
    ['samesite=none nosecure', true],
    ['"/; SameSite=None"', true],
    ['SameSite=None; Secure', false],
    ['secure samesite=none', false],
    ['SameSite=Lax', false],
    ['samesite=none $flags', false],
    ['sid=$cookie_sid; SameSite=None', true],
  ])('%s -> %s', (attributes, expected) => {
    expect(sameSiteNoneWithoutSecure(attributes)).toBe(expected);
  });
});

ruleTester(samesiteNoneWithoutSecure, {
  valid: [{ name: 'None with Secure', routes: [route([responder()], { cookies: [{ attributes: 'SameSite=None; Secure', span: span(7), via: 'proxy_cookie_flags' }] })] }],
  invalid: [
    {
      name: 'None without Secure',
      routes: [route([responder()], { cookies: [{ attributes: 'samesite=none', span: span(7, 9), via: 'proxy_cookie_flags' }] })],
      errors: [{ line: 7, column: 9, message: ['This proxy_cookie_flags gives cookies of location /api/ SameSite=None without Secure', 'unauthenticated'] }],
    },
  ],
});

// ---------------------------------------------------------------- cors-delegated-to-backend

ruleTester(corsDelegatedToBackend, {
  valid: [
    { name: 'no CORS configuration at all', routes: [route([responder()])] },
    {
      name: 'gateway answers CORS itself on every responder',
      routes: [route([preflight204([header('Access-Control-Allow-Origin', lit('*'), 3)]), responder({ headers: [header('Access-Control-Allow-Origin', lit('*'), 8, { onErrors: true })] })])],
    },
    {
      name: 'gateway overrides backend CORS (HTTP API CorsConfiguration)',
      routes: [route([preflight204([header('Access-Control-Allow-Origin', lit('*'), 3)]), responder({ backend: proxy({ kind: 'lambda-proxy', gatewayOverridesCors: true }) })])],
    },
    {
      name: 'ACAO lost to inheritance is the other rule',
      routes: [
        route([preflight204([header('Access-Control-Allow-Origin', lit('*'), 3)]), responder({ headers: [header('X-Frame-Options', lit('DENY'), 9)] })], {
          droppedHeaders: [{ header: header('Access-Control-Allow-Origin', lit('*'), 1), droppedBy: span(9), responderIndex: 1 }],
        }),
      ],
    },
    { name: 'static files never produce CORS', routes: [route([preflight204([header('Access-Control-Allow-Origin', lit('*'), 3)]), responder({ backend: proxy({ kind: 'static', emitsCors: 'no' }) })])] },
  ],
  invalid: [
    {
      name: 'preflight answered by nginx, actual responses left to the upstream',
      routes: [route([preflight204([header('Access-Control-Allow-Origin', reflect, 3), header('Access-Control-Allow-Credentials', lit('true'), 4)]), responder()])],
      errors: [{ line: 20, message: ['CORS for the actual requests on location /api/', 'left to http://app', 'declares CORS for the preflight (line 3)', '<the request Origin>', 'Access-Control-Allow-Credentials: true', 'Vary: Origin'] }],
    },
    {
      name: 'REST: MOCK preflight, Lambda proxy for the method',
      routes: [
        route([preflight204([header('Access-Control-Allow-Origin', lit('https://app.example'), 3)]), responder({ methods: ['PUT'], backend: proxy({ kind: 'lambda-proxy', description: 'Lambda OrdersFn', span: span(50) }) })], { name: 'PUT /orders' }),
      ],
      errors: [{ line: 50, message: ['PUT requests on PUT /orders', 'Lambda OrdersFn', 'Access-Control-Allow-Origin: https://app.example on every response'] }],
    },
    {
      name: 'actual ACAO static, but preflights go to the backend',
      routes: [route([responder({ methods: ['OPTIONS'], backend: proxy({ span: span(30) }) }), responder({ methods: ['GET', 'PUT'], answeredBy: 'gateway', status: { kind: 'fixed', code: 200 }, backend: undefined, headers: [header('Access-Control-Allow-Origin', lit('*'), 8)] })])],
      errors: [{ line: 30, message: ['OPTIONS requests on', 'answer OPTIONS preflights with a 2xx'] }],
    },
  ],
});

describe('cors-headers-missing-on-errors: one finding per API', () => {
  it('routes of one REST API (same group) share one gateway-response finding listing every missing type', () => {
    const cors = (line: number) => preflight204([header('Access-Control-Allow-Origin', lit("'*'"), line, { via: 'IntegrationResponse' })], line);
    const authed = responder({ auth: [{ mechanism: 'authorization-header', header: 'Authorization', description: 'JWT authorizer', failureStatus: 401, span: span(60) }] });
    const reports = run(corsHeadersMissingOnErrors, [
      route([cors(12), responder()], { gatewayErrors: [], name: 'GET /a', group: 'Api' }),
      route([cors(22), authed], { gatewayErrors: [], name: 'PUT /b', group: 'Api' }),
      route([cors(32), responder()], { gatewayErrors: [], name: 'GET /c', group: 'Other' }),
    ]);
    expect(reports.map((r) => r.span.line)).toEqual([12, 32]);
    expect(reports[0]!.message).toContain('GET /a (and 1 other route)');
    expect(reports[0]!.message).toContain('UNAUTHORIZED');
  });
});

describe('cors-delegated-to-backend: methods left over after the gateway covers the others', () => {
  it('stays quiet when another actual-method block adds ACAO (the rest is not meant for CORS)', () => {
    const r = route([
      preflight204([header('Access-Control-Allow-Origin', lit('*'), 3)]),
      responder({ methods: ['GET', 'POST'], headers: [header('Access-Control-Allow-Origin', lit('*'), 11)] }),
      responder(),
    ]);
    expect(run(corsDelegatedToBackend, [r])).toEqual([]);
  });
});

describe('cors-headers-missing-on-errors: API Gateway auth failures are gateway responses', () => {
  it('does not blame the method for a 401 when gateway responses exist and carry ACAO', () => {
    const cors = header('Access-Control-Allow-Origin', lit('*'), 4, { onErrors: false, via: 'IntegrationResponse' });
    const authed = responder({
      answeredBy: 'gateway',
      status: { kind: 'fixed', code: 200 },
      backend: undefined,
      headers: [cors],
      auth: [{ mechanism: 'authorization-header', header: 'Authorization', description: 'Cognito authorizer A', failureStatus: 401, span: span(9) }],
    });
    const acao = (line: number) => [header('Access-Control-Allow-Origin', lit('*'), line, { onErrors: true, onSuccess: false })];
    const gatewayErrors: GatewayError[] = [
      { type: 'DEFAULT_4XX', status: 400, span: span(30), headers: acao(31) },
      { type: 'DEFAULT_5XX', status: 500, span: span(34), headers: acao(35) },
    ];
    expect(run(corsHeadersMissingOnErrors, [route([authed], { gatewayErrors })])).toEqual([]);
    // the same method behind nginx-style auth has no gateway responses: its 401 lacks ACAO
    expect(run(corsHeadersMissingOnErrors, [route([authed])]).map((r) => r.span.line)).toEqual([4]);
  });
});
