/**
 * The Preflight rules over hand-built model objects, in ESLint RuleTester style: per rule a table
 * of routes that must stay quiet and routes that must be reported at an exact line and column.
 * The routes are what any source (nginx, API Gateway, CloudFront) produces, so these tables
 * pin the rules' logic independently of the parsers.
 */
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import type { ClientSpec, Severity } from '../src/engine/rule.js';
import type { AuthRequirement, HeaderRule, HeaderValue, Responder, Route, Span } from '../src/model/types.js';
import { parseTokenList } from '../src/model/header-list.js';

const FILE = 'api.conf';

function span(line: number, column = 5, length = 10): Span {
  return { file: FILE, line, column, endLine: line, endColumn: column + length };
}

/** A header declared at `line`; its value starts at column 20. */
function header(name: string, value: string | HeaderValue, line: number, extra: Partial<HeaderRule> = {}): HeaderRule {
  return {
    name,
    value: typeof value === 'string' ? { kind: 'literal', text: value } : value,
    onSuccess: true,
    onErrors: true,
    span: span(line),
    valueSpan: span(line, 20, typeof value === 'string' ? value.length : 5),
    addedBy: 'gateway',
    via: 'add_header',
    ...extra,
  };
}

function auth(mechanism: AuthRequirement['mechanism'], line: number, extra: Partial<AuthRequirement> = {}): AuthRequirement {
  const descriptions: Record<string, string> = {
    basic: 'auth_basic "api"',
    'authorization-header': 'JWT authorizer Cognito',
    'api-key': 'API key (ApiKeyRequired)',
    'ip-allowlist': 'deny all',
    unknown: 'access_by_lua_block',
    iam: 'AWS_IAM',
  };
  return { mechanism, description: descriptions[mechanism] ?? mechanism, span: span(line), ...extra };
}

/** The gateway answers OPTIONS itself (nginx `if (OPTIONS) { ...; return 204; }`, a MOCK method). */
function optionsAnswer(line: number, headers: HeaderRule[], code = 204, extra: Partial<Responder> = {}): Responder {
  return {
    methods: ['OPTIONS'],
    answeredBy: 'gateway',
    status: { kind: 'fixed', code, span: span(line + 1) },
    headers,
    auth: [],
    span: span(line, 1, 30),
    description: `if ($request_method = OPTIONS) { return ${code}; }`,
    ...extra,
  };
}

/** A backend (proxy) answers these methods; the gateway adds `headers`. */
function backend(headers: HeaderRule[], extra: Partial<Responder> = {}): Responder {
  return {
    methods: '*',
    answeredBy: 'backend',
    status: { kind: 'backend' },
    headers,
    auth: [],
    backend: { kind: 'proxy', emitsCors: 'unknown', hiddenHeaders: [], description: 'proxy_pass http://app' },
    span: span(30, 1, 20),
    description: 'proxy_pass http://app',
    ...extra,
  };
}

/** nginx `limit_except GET { deny all; }`: every other method gets 403. */
function limitExcept(line = 7): Responder {
  return backend([header(ACAO, '*', 3)], {
    answeredBy: 'gateway',
    status: { kind: 'fixed', code: 403, span: span(line, 25) },
    span: span(line),
    description: 'limit_except GET { deny all; }',
  });
}

const staticFiles = { kind: 'static' as const, emitsCors: 'no' as const, hiddenHeaders: [], description: 'static files' };

let routeCounter = 0;
function route(responders: Responder[], extra: Partial<Route> = {}): Route {
  routeCounter++;
  return {
    id: `test:${routeCounter}`,
    source: 'nginx',
    name: extra.name ?? 'location /api/',
    span: span(1, 1, 20),
    match: { hosts: ['api.example.com'], path: { kind: 'prefix', value: '/api/' }, methods: '*' },
    responders,
    droppedHeaders: [],
    cookies: [],
    ...extra,
  };
}

interface Finding {
  line: number;
  column: number;
  message: string;
  severity: Severity;
}

function run(ruleId: string, routes: Route[], clients: ClientSpec[] = []): Finding[] {
  const rule = allRules.find((r) => r.meta.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const out: Finding[] = [];
  rule.check({
    routes,
    diagnostics: [],
    settings: { clients, sites: [] },
    files: new Map(),
    report: (r) => out.push({ line: r.span.line, column: r.span.column, message: r.message, severity: r.severity ?? rule.meta.severity }),
  });
  return out;
}

interface Case {
  name: string;
  routes: Route[];
  clients?: ClientSpec[];
}
interface InvalidCase extends Case {
  errors: { line: number; column?: number; message?: RegExp; severity?: Severity }[];
}

function ruleTester(ruleId: string, table: { valid: Case[]; invalid: InvalidCase[] }): void {
  describe(ruleId, () => {
    for (const c of table.valid) {
      it(`valid: ${c.name}`, () => {
        expect(run(ruleId, c.routes, c.clients)).toEqual([]);
      });
    }
    for (const c of table.invalid) {
      it(`invalid: ${c.name}`, () => {
        const found = run(ruleId, c.routes, c.clients);
        expect(found.map((f) => f.line)).toEqual(c.errors.map((e) => e.line));
        c.errors.forEach((e, i) => {
          const f = found[i]!;
          if (e.column !== undefined) expect(f.column).toBe(e.column);
          if (e.message) expect(f.message).toMatch(e.message);
          if (e.severity) expect(f.severity).toBe(e.severity);
        });
      });
    }
  });
}

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';
const ACEH = 'Access-Control-Expose-Headers';
const ACMA = 'Access-Control-Max-Age';

describe('parseTokenList (Fetch: extract header list values)', () => {
  it('accepts commas with optional whitespace and ignores empty elements', () => {
    expect(parseTokenList('GET, POST, DELETE')).toEqual({ ok: true, items: ['GET', 'POST', 'DELETE'] });
    expect(parseTokenList('Content-Type,Authorization,')).toEqual({ ok: true, items: ['Content-Type', 'Authorization'] });
    expect(parseTokenList(' *\t')).toEqual({ ok: true, items: ['*'] });
  });
  it('fails on names separated by spaces or semicolons and on double quotes', () => {
    expect(parseTokenList('GET POST')).toMatchObject({ ok: false, problem: 'space-separated', element: 'GET POST' });
    expect(parseTokenList('X-A;X-B')).toMatchObject({ ok: false, problem: 'semicolon-separated' });
    expect(parseTokenList('"Content-Type"')).toMatchObject({ ok: false, problem: 'double-quoted' });
    expect(parseTokenList('text/plain')).toMatchObject({ ok: false, problem: 'not-a-token' });
  });
});

ruleTester('preflight-requires-auth', {
  valid: [
    {
      name: 'OPTIONS answered in the rewrite phase before auth_basic',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4)]), backend([header(ACAO, '*', 12)], { auth: [auth('basic', 10)] })])],
    },
    {
      name: 'auth_basic on a location that sends no CORS headers (not called cross-origin)',
      routes: [route([backend([], { auth: [auth('basic', 10)] })])],
    },
    {
      name: 'an IP allowlist that covers every method (the preflight comes from the same address)',
      routes: [route([backend([header(ACAO, '*', 12)], { auth: [auth('ip-allowlist', 9)] })])],
    },
  ],
  invalid: [
    {
      name: 'auth_basic covers OPTIONS',
      routes: [route([backend([header(ACAO, '*', 12)], { auth: [auth('basic', 10, { failureStatus: 401 })] })])],
      errors: [{ line: 10, column: 5, message: /^Preflight for location \/api\/ fails: auth_basic "api" applies to OPTIONS, .*never send credentials .*response 401/ }],
    },
    {
      name: 'an authorizer on the OPTIONS method itself (API Gateway)',
      routes: [
        route([optionsAnswer(20, [header(ACAO, '*', 22)], 200, { auth: [auth('authorization-header', 21, { failureStatus: 401 })] })], {
          name: 'OPTIONS /orders',
          source: 'cloudformation',
        }),
      ],
      errors: [{ line: 21, message: /Preflight for OPTIONS \/orders fails: JWT authorizer Cognito applies to OPTIONS/ }],
    },
    {
      name: 'API key required: the message names the key header',
      routes: [route([optionsAnswer(20, [header(ACAO, '*', 22)], 200, { auth: [auth('api-key', 24, { header: 'X-Api-Key' })] })])],
      errors: [{ line: 24, message: /never send API keys \(X-Api-Key\) on a preflight \(response 403\)/ }],
    },
    {
      name: 'a route without CORS headers of its own, in an API whose other routes set CORS up',
      routes: [
        route([backend([], { auth: [auth('authorization-header', 40)] })], { name: 'ANY /', group: 'rest:Api' }),
        route([optionsAnswer(50, [header(ACAO, '*', 51)], 200), backend([], { auth: [auth('authorization-header', 45)] })], {
          name: 'ANY /{proxy+}',
          group: 'rest:Api',
        }),
      ],
      errors: [{ line: 40, message: /Preflight for ANY \/ fails/ }],
    },
    {
      name: 'a method restriction that denies OPTIONS while GET is served',
      routes: [
        route([
          backend([header(ACAO, '*', 12)], { methods: ['GET', 'HEAD'] }),
          backend([header(ACAO, '*', 12)], { auth: [auth('ip-allowlist', 8, { failureStatus: 403, description: 'limit_except GET { deny all; }' })] }),
        ]),
      ],
      errors: [{ line: 8, message: /limit_except GET \{ deny all; \} rejects OPTIONS \(response 403\) while GET is served/ }],
    },
    {
      name: 'satisfy any: an address allowlist or basic auth',
      routes: [
        route([
          backend([header(ACAO, '*', 12)], {
            auth: [auth('basic', 10, { satisfyAny: true }), auth('ip-allowlist', 8, { satisfyAny: true, description: 'allow 10.0.0.0/8; deny all' })],
          }),
        ]),
      ],
      errors: [{ line: 10, message: /^Preflight for location \/api\/ from addresses outside allow 10\.0\.0\.0\/8; deny all fails: auth_basic/ }],
    },
    {
      name: 'auth the linter cannot read is a warning',
      routes: [route([backend([header(ACAO, '*', 12)], { auth: [auth('unknown', 7)] })])],
      errors: [{ line: 7, severity: 'warning', message: /may fail/ }],
    },
    {
      name: 'one server-level auth_basic reaching two locations is one finding naming both',
      routes: [
        route([backend([header(ACAO, '*', 3)], { auth: [auth('basic', 2)] })], { name: 'location /a/' }),
        route([backend([header(ACAO, '*', 3)], { auth: [auth('basic', 2)] })], { name: 'location /b/' }),
      ],
      errors: [{ line: 2, message: /location \/a\/ \(and 1 other route\)/ }],
    },
  ],
});

ruleTester('preflight-unhandled', {
  valid: [
    {
      name: 'a backend answers OPTIONS (delegated: not guessed)',
      routes: [route([backend([header(ACAO, '*', 12), header(ACAM, 'GET, PUT', 13)])], { match: { hosts: [], path: { kind: 'prefix', value: '/' }, methods: ['GET', 'PUT'] } })],
    },
    {
      name: 'CloudFront GET/HEAD behaviour in front of simple requests only',
      routes: [
        route([backend([header(ACAO, '*', 30)], { methods: ['GET', 'HEAD'] })], {
          source: 'cloudformation',
          cdn: { allowedMethods: { methods: ['GET', 'HEAD'], span: span(7) } },
        }),
      ],
    },
    {
      name: 'a REST PUT without OPTIONS in an API with no CORS at all',
      routes: [route([backend([], { methods: ['PUT'] })], { name: 'PUT /orders', match: { hosts: [], path: { kind: 'template', value: '/orders' }, methods: ['PUT'] } })],
    },
  ],
  invalid: [
    {
      name: 'REST resource serving PUT with CORS headers but no OPTIONS method',
      routes: [
        route([backend([header(ACAO, '*', 12)], { methods: ['PUT'], answeredBy: 'gateway', status: { kind: 'fixed', code: 200 } })], {
          name: 'PUT /orders',
          match: { hosts: [], path: { kind: 'template', value: '/orders' }, methods: ['PUT'], span: span(9, 7) },
        }),
      ],
      errors: [{ line: 9, column: 7, message: /^Preflight for PUT \/orders fails: nothing on the route answers OPTIONS; browsers preflight it because it serves PUT/ }],
    },
    {
      name: 'CloudFront behaviour without OPTIONS in front of routes that need Authorization',
      routes: [
        route([backend([header(ACAO, '*', 30), header(ACAH, 'Authorization', 31)])], {
          source: 'cloudformation',
          name: 'behavior /api/*',
          cdn: { allowedMethods: { methods: ['GET', 'HEAD'], span: span(7) } },
        }),
      ],
      errors: [{ line: 7, message: /the CDN allows only GET, HEAD and rejects OPTIONS itself \(403\).*announces Authorization/ }],
    },
    {
      name: 'an OPTIONS slot with nothing behind it, on a route taking JSON',
      routes: [
        route(
          [
            optionsAnswer(5, [], 403, { answeredBy: 'nobody', description: 'no OPTIONS method (Missing Authentication Token)' }),
            backend([header(ACAO, '*', 12)], { methods: ['POST'] }),
          ],
          { takesJson: true, name: 'POST /orders' },
        ),
      ],
      errors: [{ line: 5, message: /no OPTIONS method \(Missing Authentication Token\) \(403 Forbidden\).*requests carry Content-Type \(the route takes JSON bodies\)/ }],
    },
    {
      name: 'nginx limit_except without OPTIONS on a route announcing custom headers',
      routes: [route([backend([header(ACAO, '*', 3), header(ACAH, 'X-Custom', 4)], { methods: ['GET', 'HEAD'] }), limitExcept(7)], { match: { hosts: [], path: { kind: 'prefix', value: '/' }, methods: ['GET', 'HEAD'] } })],
      errors: [{ line: 7, column: 5, message: /OPTIONS is not among the methods the route serves \(GET, HEAD\): limit_except GET \{ deny all; \} answers it with 403 Forbidden/ }],
    },
  ],
});

ruleTester('preflight-bad-status', {
  valid: [
    {
      name: 'a port-80 server redirecting to https without any CORS',
      routes: [route([backend([], { answeredBy: 'gateway', status: { kind: 'fixed', code: 301 }, redirect: { status: 301, location: 'https://$host$request_uri', span: span(4) } })])],
    },
    { name: 'OPTIONS answered with 204', routes: [route([optionsAnswer(3, [header(ACAO, '*', 4)]), backend([header(ACAO, '*', 12)])])] },
    {
      name: 'static files with ACAO * answer OPTIONS with 405, but only simple requests reach them',
      routes: [route([backend([header(ACAO, '*', 3)], { methods: ['GET', 'HEAD'] }), backend([header(ACAO, '*', 3)], { answeredBy: 'gateway', status: { kind: 'fixed', code: 405 } })])],
    },
    {
      name: 'server-wide Allow lists reaching a route that only serves files announce nothing',
      routes: [
        route([
          backend([header(ACAO, '*', 3), header(ACAM, 'GET, PUT', 4), header(ACAH, 'Authorization', 5)], { methods: ['GET', 'HEAD'], backend: staticFiles }),
          backend([header(ACAO, '*', 3), header(ACAM, 'GET, PUT', 4), header(ACAH, 'Authorization', 5)], { answeredBy: 'gateway', status: { kind: 'fixed', code: 405 }, backend: staticFiles }),
        ]),
      ],
    },
    {
      name: 'a method restriction without OPTIONS is preflight-unhandled, not a bad status',
      routes: [route([backend([header(ACAO, '*', 3), header(ACAH, 'X-Custom', 4)], { methods: ['GET', 'HEAD'] }), limitExcept()], { match: { hosts: [], path: { kind: 'prefix', value: '/' }, methods: ['GET', 'HEAD'] } })],
    },
  ],
  invalid: [
    {
      name: 'a redirect applying to OPTIONS on a CORS route',
      routes: [
        route([backend([header(ACAO, '*', 3), header(ACAH, 'Authorization', 4)], { answeredBy: 'gateway', status: { kind: 'fixed', code: 301 }, redirect: { status: 301, location: '/api/', span: span(6, 9) } })], {
          name: 'location = /api',
        }),
      ],
      errors: [{ line: 6, column: 9, message: /^Preflight for location = \/api fails: OPTIONS is answered with a 301 redirect to \/api\/, and browsers never follow a redirect on a preflight/ }],
    },
    {
      name: 'OPTIONS answered with 405 where the route sends CORS headers',
      routes: [route([optionsAnswer(3, [], 405), backend([header(ACAO, '*', 12), header(ACAM, 'GET, PUT', 13)])])],
      errors: [{ line: 4, message: /answered with 405 Method Not Allowed .* a preflight needs a 2xx status \(browsers preflight it because its Access-Control-Allow-Methods announces PUT\)/ }],
    },
  ],
});

ruleTester('preflight-missing-allow-origin', {
  valid: [
    { name: 'OPTIONS 204 with ACAO', routes: [route([optionsAnswer(3, [header(ACAO, '*', 4)]), backend([header(ACAO, '*', 12)])])] },
    {
      name: 'a backend answers OPTIONS and the gateway adds nothing (not guessed)',
      routes: [route([backend([header(ACEH, 'X-Total', 12)])])],
    },
    {
      name: 'credentials on both the preflight and the actual response',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, 'https://app.example.com', 4), header(ACAC, 'true', 5)]),
          backend([header(ACAO, 'https://app.example.com', 12), header(ACAC, 'true', 13)]),
        ]),
      ],
    },
    {
      name: 'an unread include may add the header: no absence claim',
      routes: [
        route([optionsAnswer(29, []), backend([header(ACAO, '*', 25)])], { incomplete: [{ reason: 'include cors.conf not found', span: span(28) }] }),
      ],
    },
    {
      name: 'a computed Allow-Credentials on the preflight is not judged',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, 'https://app.example.com', 4), header(ACAC, { kind: 'unknown', reason: '$cors_creds' }, 5)]),
          backend([header(ACAO, 'https://app.example.com', 12), header(ACAC, 'true', 13)]),
        ]),
      ],
    },
  ],
  invalid: [
    {
      name: 'the OPTIONS block returns 204 with no CORS headers while actual responses send ACAO',
      routes: [route([optionsAnswer(29, [header('Content-Length', '0', 30)]), backend([header(ACAO, '*', 25)])], { name: 'location /' })],
      errors: [{ line: 29, column: 1, message: /^Preflight for location \/ fails: the OPTIONS response .* carries no Access-Control-Allow-Origin/ }],
    },
    {
      name: 'the OPTIONS block drops Allow-Credentials that actual responses send',
      routes: [
        route([
          optionsAnswer(1, [header(ACAO, { kind: 'unknown', reason: '$allow_origin' }, 2), header(ACAM, 'GET, POST', 3)]),
          backend([header(ACAO, { kind: 'unknown', reason: '$allow_origin' }, 11), header(ACAC, 'true', 12)]),
        ]),
      ],
      errors: [{ line: 1, message: /^Credentialed preflights for location \/api\/ fail: actual responses allow credentials \(Access-Control-Allow-Credentials at line 12\)/ }],
    },
  ],
});

const basicAuthBackend = (headers: HeaderRule[] = [header(ACAO, '*', 12)]) => backend(headers, { auth: [auth('basic', 10)] });

ruleTester('allow-headers-missing-authorization', {
  valid: [
    {
      name: 'Authorization listed, case-insensitively, with spaces after commas',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'content-type, authorization', 5)]), basicAuthBackend()])],
    },
    {
      name: '* without credentials (authorization-covered-only-by-wildcard warns instead)',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, '*', 5)]), basicAuthBackend()])],
    },
    {
      name: 'a REQUEST authorizer reading another header',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Content-Type', 5)]),
          backend([header(ACAO, '*', 12)], { auth: [auth('subrequest', 10, { header: 'Authorization1' })] }),
        ]),
      ],
    },
    {
      name: 'an OPTIONS answer without any CORS header (preflight-missing-allow-origin reports it once)',
      routes: [route([optionsAnswer(3, []), basicAuthBackend()])],
    },
    {
      name: 'a backend answers OPTIONS and the gateway declares no Allow-Headers',
      routes: [route([basicAuthBackend()])],
    },
    {
      name: 'a configured client whose origin the route never admits is not its client',
      routes: [route([optionsAnswer(3, [header(ACAO, 'https://admin.example.com', 4), header(ACAH, 'Content-Type', 5)]), backend([header(ACAO, 'https://admin.example.com', 12)])])],
      clients: [{ name: 'ios-app', origin: 'capacitor://localhost', headers: ['Authorization'] }],
    },
  ],
  invalid: [
    {
      name: 'basic auth on actual requests, the OPTIONS answer allows only Content-Type',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Content-Type', 5)]), basicAuthBackend()])],
      errors: [{ line: 5, column: 20, message: /^Preflight for location \/api\/ fails for every request that sends Authorization: Access-Control-Allow-Headers \(Content-Type\) does not list Authorization, yet the route needs it \(auth_basic "api" reads it\)/ }],
    },
    {
      name: 'the gateway answers OPTIONS without any Allow-Headers (HTTP API CorsConfiguration without AllowHeaders)',
      routes: [
        route([optionsAnswer(36, [header(ACAO, 'https://app.example.com', 37)], 204), backend([], { auth: [auth('authorization-header', 46)] })], {
          name: 'GET /items',
          requiredRequestHeaders: [{ name: 'Authorization', reason: 'the JWT authorizer reads it', span: span(46) }],
        }),
      ],
      errors: [{ line: 36, message: /the preflight response has no Access-Control-Allow-Headers, yet the route needs it \(the JWT authorizer reads it\)/ }],
    },
    {
      name: '* with credentials allowed is a literal name',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, 'https://app.example.com', 4), header(ACAC, 'true', 5), header(ACAH, '*', 6)]),
          basicAuthBackend([header(ACAO, 'https://app.example.com', 12), header(ACAC, 'true', 13)]),
        ]),
      ],
      errors: [{ line: 6, message: /with credentials allowed \* is the literal name "\*"/ }],
    },
    {
      name: 'a configured client sends a bearer token',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Content-Type', 5)]), backend([header(ACAO, '*', 12)])])],
      clients: [{ name: 'ios-app', origin: 'capacitor://localhost', headers: ['Authorization'] }],
      errors: [{ line: 5, message: /client ios-app sends it/ }],
    },
  ],
});

ruleTester('allow-headers-missing-header', {
  valid: [
    {
      name: 'the API key header is listed',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Content-Type,X-Api-Key', 5)]), backend([], { auth: [auth('api-key', 10)] })])],
    },
    {
      name: '* covers every header but Authorization without credentials',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, '*', 5)]), backend([], { auth: [auth('api-key', 10)] })], { takesJson: true })],
    },
    {
      name: 'safelisted and browser-controlled headers need no entry',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'X-Custom', 5)]), backend([header(ACAO, '*', 12)])])],
      clients: [{ name: 'web', origin: 'https://app.example.com', headers: ['Accept', 'Accept-Language', 'Cookie', 'x-custom'] }],
    },
  ],
  invalid: [
    {
      name: 'ApiKeyRequired without X-Api-Key in the list',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Content-Type', 5)]), backend([], { auth: [auth('api-key', 10)] })])],
      errors: [{ line: 5, column: 20, message: /fails for requests that send X-Api-Key: Access-Control-Allow-Headers allows Content-Type, but the route needs X-Api-Key \(API key \(ApiKeyRequired\) reads it\)/ }],
    },
    {
      name: 'IAM needs X-Amz-Date and X-Amz-Security-Token',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Authorization', 5)]), backend([], { auth: [auth('iam', 10)] })])],
      errors: [{ line: 5, message: /send X-Amz-Date, X-Amz-Security-Token:/ }],
    },
    {
      name: 'one shared Allow-Headers line, two routes missing different headers: one finding per problem',
      routes: [
        route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Authorization', 5)]), backend([], { auth: [auth('api-key', 10)] })], { name: 'location /keys/' }),
        route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Authorization', 5)]), backend([header(ACAO, '*', 12)])], { name: 'location /json/', takesJson: true }),
      ],
      errors: [
        { line: 5, message: /^Preflight for location \/keys\/ fails for requests that send X-Api-Key:/ },
        { line: 5, message: /^Preflight for location \/json\/ fails for requests that send Content-Type:/ },
      ],
    },
    {
      name: 'a JSON route without Content-Type in the list',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, 'Authorization', 5)]), backend([header(ACAO, '*', 12)])], { takesJson: true })],
      errors: [{ line: 5, message: /Content-Type \(the route takes JSON bodies\)/ }],
    },
  ],
});

ruleTester('allow-methods-missing-method', {
  valid: [
    {
      name: '"GET, POST, DELETE" with spaces after commas allows DELETE',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, 'GET, POST, DELETE', 5)]), backend([header(ACAO, '*', 12)], { methods: ['GET', 'POST', 'DELETE'] })])],
    },
    {
      name: 'only safelisted methods served: no list needed',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4)]), backend([header(ACAO, '*', 12)], { methods: ['GET', 'POST'] })])],
    },
    {
      name: '* without credentials',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, '*', 5)]), backend([header(ACAO, '*', 12)], { methods: ['PUT'] })])],
    },
    {
      name: 'an nginx location serving any method: nothing to compare',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, 'GET', 5)]), backend([header(ACAO, '*', 12)])])],
    },
    {
      name: 'a method answered only by a rejection is not served',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, 'GET', 5)]),
          backend([], { methods: ['DELETE'], answeredBy: 'gateway', status: { kind: 'fixed', code: 405 } }),
          backend([header(ACAO, '*', 12)]),
        ]),
      ],
    },
  ],
  invalid: [
    {
      name: 'DELETE served but not listed',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, 'GET, POST, PUT', 5)]), backend([header(ACAO, '*', 12)], { methods: ['PUT', 'DELETE'] })])],
      errors: [{ line: 5, column: 20, message: /^Preflight for DELETE requests to location \/api\/ fails: the route serves DELETE, but Access-Control-Allow-Methods allows GET, POST, PUT/ }],
    },
    {
      name: 'lowercase method names never match',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, 'get, post, delete', 5)]), backend([header(ACAO, '*', 12)], { methods: ['DELETE'] })])],
      errors: [{ line: 5, message: /delete does not allow DELETE: method names compare case-sensitively/ }],
    },
    {
      name: 'the route methods of a REST resource, no Allow-Methods on the MOCK answer',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4)], 200), backend([], { methods: ['PATCH'] })], { name: 'PATCH /items/{id}' })],
      errors: [{ line: 3, message: /the preflight response has no Access-Control-Allow-Methods/ }],
    },
  ],
});

ruleTester('authorization-covered-only-by-wildcard', {
  valid: [
    { name: '* plus Authorization', routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, '*, Authorization', 5)]), basicAuthBackend()])] },
    {
      name: '* with credentials (then Authorization is plainly missing: the error rule)',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, 'https://app.example.com', 4), header(ACAC, 'true', 5), header(ACAH, '*', 6)]),
          basicAuthBackend([header(ACAO, 'https://app.example.com', 12), header(ACAC, 'true', 13)]),
        ]),
      ],
    },
    { name: 'no route needs Authorization', routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, '*', 5)]), backend([header(ACAO, '*', 12)])])] },
  ],
  invalid: [
    {
      name: 'a JWT route allowed only by *',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAH, '*', 5)]), backend([], { auth: [auth('authorization-header', 9)] })])],
      errors: [{ line: 5, column: 20, severity: 'warning', message: /^Access-Control-Allow-Headers: \* is the only entry that lets Authorization through .* never covers Authorization/ }],
    },
  ],
});

ruleTester('wildcard-ignored-with-credentials', {
  valid: [
    { name: '* without credentials', routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, '*', 5), header(ACAH, '*', 6)]), backend([header(ACEH, '*', 12)])])] },
    {
      name: 'Allow-Headers * on actual responses only (browsers read it on the preflight)',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, 'https://a.example', 4), header(ACAC, 'true', 5), header(ACAH, 'X-A', 6)]),
          backend([header(ACAO, 'https://a.example', 12), header(ACAC, 'true', 13), header(ACAH, '*', 14)]),
        ]),
      ],
    },
  ],
  invalid: [
    {
      name: 'Allow-Methods * on a credentialed preflight, Expose-Headers * on credentialed actual responses',
      routes: [
        route([
          optionsAnswer(3, [header(ACAO, 'https://a.example', 4), header(ACAC, 'true', 5), header(ACAM, '*', 6)]),
          backend([header(ACAO, 'https://a.example', 12), header(ACAC, 'true', 13), header(ACEH, '*', 14)]),
        ]),
      ],
      errors: [
        { line: 6, column: 20, message: /^Access-Control-Allow-Methods \* on location \/api\/ is read as the literal method "\*" because credentials are allowed \(Access-Control-Allow-Credentials: true at line 5\)/ },
        { line: 14, message: /^Access-Control-Expose-Headers \* .* at line 13\): scripts making credentialed requests cannot read/ },
      ],
    },
  ],
});

ruleTester('invalid-header-list', {
  valid: [
    { name: 'commas with spaces', routes: [route([optionsAnswer(3, [header(ACAM, 'GET, POST, DELETE', 4), header(ACAH, 'Content-Type, Authorization,', 5)])])] },
    { name: 'a computed value', routes: [route([optionsAnswer(3, [header(ACAH, { kind: 'unknown', reason: '$cors_headers' }, 4)])])] },
    { name: 'an envsubst placeholder', routes: [route([optionsAnswer(3, [header(ACAH, 'DNT,Range,${CORS_ALLOWED_CUSTOM_HEADERS}', 4)])])] },
  ],
  invalid: [
    {
      name: 'names separated by spaces',
      routes: [route([optionsAnswer(3, [header(ACAM, 'GET POST PUT', 4)])])],
      errors: [{ line: 4, column: 20, message: /^Access-Control-Allow-Methods on location \/api\/ is not a comma-separated list: "GET POST PUT" separates names with spaces, so browsers treat the whole preflight as a network error.*write GET, POST, PUT$/ }],
    },
    {
      name: 'names separated by semicolons',
      routes: [route([optionsAnswer(3, [header(ACAH, 'X-A;X-B', 4)])])],
      errors: [{ line: 4, message: /separates names with ";".*write X-A, X-B/ }],
    },
    {
      name: 'double quotes inside the value',
      routes: [route([optionsAnswer(3, [header(ACAH, '"Content-Type", "Authorization"', 4)])])],
      errors: [{ line: 4, message: /"Content-Type" carries double quotes/ }],
    },
    {
      name: 'single quotes kept inside the value (API Gateway quoted twice)',
      routes: [route([optionsAnswer(3, [header(ACAH, "'Content-Type', 'Authorization'", 4)])])],
      errors: [{ line: 4, message: /keeps quotes inside the value: \['Content-Type'\], \['Authorization'\] are read with the quotes .* they never match Content-Type, Authorization and/ }],
    },
  ],
});

ruleTester('max-age-above-browser-cap', {
  valid: [
    { name: '600 s (every cap)', routes: [route([optionsAnswer(3, [header(ACMA, '600', 4)])])] },
    { name: 'not a number', routes: [route([optionsAnswer(3, [header(ACMA, 'abc', 4)])])] },
    { name: 'computed', routes: [route([optionsAnswer(3, [header(ACMA, { kind: 'unknown', reason: '${CORS_MAX_AGE}' }, 4)])])] },
  ],
  invalid: [
    {
      name: '86400 s',
      routes: [route([optionsAnswer(3, [header(ACMA, '86400', 4)])])],
      errors: [{ line: 4, column: 20, severity: 'info', message: /^Access-Control-Max-Age 86400 on location \/api\/ is above what Chromium and Safari honour: the preflight is cached for Chromium 7200 s, Firefox 86400 s, Safari 600 s$/ }],
    },
    {
      name: '20 days',
      routes: [route([optionsAnswer(3, [header(ACMA, '1728000', 4)])])],
      errors: [{ line: 4, message: /above what any browser honours: .*Chromium 7200 s, Firefox 86400 s, Safari 600 s/ }],
    },
    { name: '3000 s (only Safari caps it)', routes: [route([optionsAnswer(3, [header(ACMA, '3000', 4)])])], errors: [{ line: 4, message: /above what Safari honours: .*Chromium 3000 s, Firefox 3000 s, Safari 600 s/ }] },
  ],
});

ruleTester('max-age-missing', {
  valid: [
    { name: 'Max-Age sent', routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACMA, '600', 5)])])] },
    { name: 'a backend answers the preflight', routes: [route([backend([header(ACAO, '*', 12)])])] },
    { name: 'no CORS headers on the OPTIONS answer (a different problem)', routes: [route([optionsAnswer(3, []), backend([header(ACAO, '*', 12)])])] },
  ],
  invalid: [
    {
      name: 'OPTIONS answered with CORS headers but no Max-Age',
      routes: [route([optionsAnswer(3, [header(ACAO, '*', 4), header(ACAM, 'GET, PUT', 5)]), backend([header(ACAO, '*', 12)])])],
      errors: [{ line: 3, column: 1, severity: 'info', message: /^Preflight responses for location \/api\/ carry no Access-Control-Max-Age, so browsers cache each one for only 5 s/ }],
    },
  ],
});
