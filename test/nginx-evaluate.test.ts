/**
 * The nginx evaluator: small configs in, the model out. Each case states the nginx behaviour
 * it encodes (phases, "if is evil", add_header inheritance and statuses, maps, backends).
 */
import { describe, expect, it } from 'vitest';
import type { HeaderRule, Responder, Route } from '../src/model/types.js';
import { evaluateNginx } from '../src/sources/nginx/evaluate.js';
import { parseNginxFiles } from '../src/sources/nginx/parse.js';
import { nginxSource } from '../src/sources/nginx/index.js';

const host = { readFile: () => undefined, glob: () => [] };

function evaluate(text: string, path = '/etc/nginx/nginx.conf', extra: { path: string; text: string }[] = []): Route[] {
  const parsed = parseNginxFiles([{ path, text }, ...extra], host);
  return evaluateNginx(parsed.units, parsed.files);
}

function route(routes: Route[], name: string): Route {
  const r = routes.find((x) => x.name.startsWith(name));
  if (!r) throw new Error(`no route ${name}; have ${routes.map((x) => x.name).join(' | ')}`);
  return r;
}

function responder(r: Route, method: string): Responder {
  const x = r.responders.find((p) => p.methods === '*' || p.methods.includes(method));
  if (!x) throw new Error(`no responder for ${method}`);
  return x;
}

function header(p: Responder, name: string): HeaderRule | undefined {
  return p.headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
}

const http = (body: string): string => `http {\n${body}\n}\n`;

describe('routes', () => {
  it('one route per location (nested too), named with the server, plus an implicit route without location /', () => {
    const routes = evaluate(
      http(`
  server {
    listen 443 ssl;
    server_name api.example.com;
    location /api/ {
      location /api/v1/ { proxy_pass http://b; }
      proxy_pass http://a;
    }
    location = /health { return 200 ok; }
    location @fallback { proxy_pass http://c; }
  }`),
    );
    expect(routes.map((r) => r.name)).toEqual([
      'location /api/ (server api.example.com)',
      'location /api/v1/ (server api.example.com)',
      'location = /health (server api.example.com)',
      'server api.example.com (requests no location matches)',
    ]);
    const api = route(routes, 'location /api/ ');
    expect(api.match.hosts).toEqual(['api.example.com']);
    expect(api.match.path).toEqual({ kind: 'prefix', value: '/api/' });
    expect(api.match.listen?.[0]).toMatchObject({ port: '443', ssl: true });
    expect(route(routes, 'location = /health').match.path).toEqual({ kind: 'exact', value: '/health' });
    expect(route(routes, 'location /api/v1/').match.parent).toBe(api.id);
    // ids are stable: file, line and column of the location
    expect(api.id).toBe('nginx:/etc/nginx/nginx.conf:6:5');
    expect(new Set(routes.map((r) => r.id)).size).toBe(routes.length);
  });

  it('a location snippet is one route named after the file; its handler is unknown', () => {
    const routes = evaluate(`add_header X-Test 1;\n`, '/etc/nginx/snippets/cors.conf');
    expect(routes).toHaveLength(1);
    expect(routes[0]!.name).toBe('cors.conf (location snippet)');
    const p = responder(routes[0]!, 'OPTIONS');
    expect(p.answeredBy).toBe('backend');
    expect(p.backend?.kind).toBe('unknown');
  });

  it('never throws on bad input and still returns routes for the rest', () => {
    expect(() => evaluate('server { location / { if ( { } } ')).not.toThrow();
    const r = nginxSource.load([{ path: '/x/broken.conf', text: 'location / { add_header A "b; }' }], host);
    expect(Array.isArray(r.routes)).toBe(true);
  });
});

describe('phases and responders', () => {
  it('an OPTIONS if with return 204 answers the preflight before auth_basic; other methods meet auth', () => {
    const routes = evaluate(
      http(`
  server {
    server_name a.test;
    location /api/ {
      auth_basic "Restricted";
      auth_basic_user_file /etc/htpasswd;
      if ($request_method = OPTIONS) {
        add_header Access-Control-Allow-Origin https://app.test;
        return 204;
      }
      proxy_pass http://backend;
    }
  }`),
    );
    const r = route(routes, 'location /api/');
    expect(r.responders[0]!.methods).toEqual(['OPTIONS']);
    const pre = responder(r, 'OPTIONS');
    expect(pre.answeredBy).toBe('gateway');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 204 });
    expect(pre.auth).toEqual([]);
    expect(pre.span.line).toBe(8); // the if block
    expect(header(pre, 'access-control-allow-origin')?.value).toEqual({ kind: 'literal', text: 'https://app.test' });
    const get = responder(r, 'GET');
    expect(get.methods).toBe('*');
    expect(get.answeredBy).toBe('backend');
    expect(get.auth).toHaveLength(1);
    expect(get.auth[0]).toMatchObject({ mechanism: 'basic', failureStatus: 401, header: 'Authorization' });
    expect(get.auth[0]!.span.line).toBe(6);
    expect(r.requiredRequestHeaders?.[0]?.name).toBe('Authorization');
  });

  it('auth_basic covers OPTIONS when nothing returns earlier', () => {
    const r = route(evaluate(http(`server { location / { auth_request /auth; proxy_pass http://b; } }`)), 'location /');
    const pre = responder(r, 'OPTIONS');
    expect(pre.auth.map((a) => a.mechanism)).toEqual(['subrequest']);
    expect(pre.answeredBy).toBe('backend');
    expect(pre.backend).toMatchObject({ kind: 'proxy', emitsCors: 'unknown' });
  });

  it('allow/deny is an ip allowlist (403), auth_jwt reads Authorization, satisfy any marks alternatives', () => {
    const r = route(
      evaluate(http(`server { location / { satisfy any; allow 10.0.0.0/8; deny all; auth_jwt "api"; proxy_pass http://b; } }`)),
      'location /',
    );
    const p = responder(r, 'GET');
    const mechs = p.auth.map((a) => [a.mechanism, a.failureStatus, a.satisfyAny]);
    expect(mechs).toEqual([
      ['authorization-header', 401, true],
      ['ip-allowlist', 403, true],
    ]);
  });

  it('server-level return runs before any location: an http->https server redirects the preflight', () => {
    const routes = evaluate(
      http(`
  server {
    listen 80;
    server_name api.test;
    return 301 https://$host$request_uri;
    location /api/ { proxy_pass http://b; }
  }`),
    );
    for (const r of routes) {
      const pre = responder(r, 'OPTIONS');
      expect(pre.redirect).toMatchObject({ status: 301, location: 'https://$host$request_uri' });
      expect(pre.status).toMatchObject({ kind: 'fixed', code: 301 });
      expect(pre.auth).toEqual([]);
    }
    expect(routes.map((r) => r.name)).toContain('server api.test (requests no location matches)');
  });

  it('rewrite ... permanent and return URL become redirects', () => {
    const routes = evaluate(
      http(`server {
  location /old/ { rewrite ^(.*)$ https://new.test$1 permanent; }
  location /go { return https://elsewhere.test/; }
}`),
    );
    expect(responder(route(routes, 'location /old/'), 'OPTIONS').redirect).toMatchObject({ status: 301 });
    expect(responder(route(routes, 'location /go'), 'OPTIONS').redirect).toMatchObject({ status: 302, location: 'https://elsewhere.test/' });
  });

  it('static content answers OPTIONS with 405; GET is served', () => {
    const r = route(evaluate(http(`server { location / { root /srv/www; add_header Access-Control-Allow-Origin * always; } }`)), 'location /');
    const pre = responder(r, 'OPTIONS');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 405 });
    expect(pre.backend?.kind).toBe('static');
    expect(header(pre, 'access-control-allow-origin')?.onErrors).toBe(true);
    const get = responder(r, 'GET');
    expect(get.status.kind).toBe('backend');
    expect(get.backend?.emitsCors).toBe('no');
  });

  it('limit_except: unlisted methods use its block (deny all = 403) and skip the location rewrite script', () => {
    const r = route(
      evaluate(
        http(`server { location /api/ {
  if ($request_method = OPTIONS) { return 204; }
  limit_except GET POST { deny all; }
  proxy_pass http://b;
} }`),
      ),
      'location /api/',
    );
    expect(r.match.methods).toEqual(['GET', 'POST', 'HEAD']);
    // OPTIONS is not listed: find-config swaps in limit_except, whose rewrite script is empty
    const pre = responder(r, 'OPTIONS');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 403 });
    expect(pre.description).toContain('limit_except');
    expect(responder(r, 'GET').answeredBy).toBe('backend');
    expect(responder(r, 'HEAD').answeredBy).toBe('backend');
  });

  it('limit_except OPTIONS exempts the preflight from auth_basic inside it', () => {
    const r = route(evaluate(http(`server { location / { limit_except OPTIONS { auth_basic "x"; } proxy_pass http://b; } }`)), 'location /');
    expect(responder(r, 'OPTIONS').auth).toEqual([]);
    expect(responder(r, 'PUT').auth.map((a) => a.mechanism)).toEqual(['basic']);
  });

  it('method regex and != conditions give per-method responders, OPTIONS first', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  if ($request_method ~ ^(GET|POST)$) { add_header X-Read yes; }
  if ($request_method != OPTIONS) { add_header X-Not-Options yes; }
  if ($request_method = OPTIONS) { return 204; }
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    expect(r.responders[0]!.methods).toEqual(['OPTIONS']);
    // GET and POST match both ifs: the last matching one wins
    expect(header(responder(r, 'GET'), 'x-not-options')).toBeDefined();
    expect(header(responder(r, 'GET'), 'x-read')).toBeUndefined();
    expect(header(responder(r, 'PUT'), 'x-not-options')).toBeDefined();
  });
});

describe('if is evil', () => {
  it('the last matching if supplies the configuration: a bare return 204 sends no CORS headers', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  set $cors 0;
  if ($request_method = GET) { set $cors 1; }
  if ($request_method = OPTIONS) { set $cors 1; add_header Access-Control-Max-Age 600; }
  if ($cors = 1) {
    add_header Access-Control-Allow-Origin *;
    add_header Access-Control-Allow-Methods "GET, OPTIONS";
  }
  if ($request_method = OPTIONS) { return 204; }
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    const pre = responder(r, 'OPTIONS');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 204 });
    expect(pre.headers).toEqual([]);
    const get = responder(r, 'GET');
    expect(header(get, 'access-control-allow-origin')?.value).toEqual({ kind: 'literal', text: '*' });
    expect(header(get, 'access-control-allow-origin')?.onErrors).toBe(false);
    // POST sets nothing: no if matches, the location (no add_header) answers
    expect(header(responder(r, 'POST'), 'access-control-allow-origin')).toBeUndefined();
  });
});

describe('add_header', () => {
  it('statuses: without always only on success; always also on errors; span and valueSpan', () => {
    const r = route(
      evaluate(http(`server { location / {\n  add_header Access-Control-Allow-Origin "https://a.test";\n  add_header Access-Control-Allow-Credentials true always;\n  proxy_pass http://b;\n} }`)),
      'location /',
    );
    const p = responder(r, 'GET');
    const acao = header(p, 'access-control-allow-origin')!;
    expect([acao.onSuccess, acao.onErrors]).toEqual([true, false]);
    expect(acao.span).toMatchObject({ line: 3, column: 3 });
    expect(acao.valueSpan).toMatchObject({ line: 3, column: 42 });
    const acac = header(p, 'access-control-allow-credentials')!;
    expect([acac.onSuccess, acac.onErrors]).toEqual([true, true]);
  });

  it('a return with a status outside the add_header list loses headers without always', () => {
    const r = route(evaluate(http(`server { location / { add_header X-A 1; add_header X-B 2 always; return 202; } }`)), 'location /');
    const p = responder(r, 'GET');
    expect(header(p, 'x-a')?.onSuccess).toBe(false);
    expect(header(p, 'x-b')?.onSuccess).toBe(true);
  });

  it('an empty value sends no header', () => {
    const r = route(evaluate(http(`server { location / { add_header X-Empty ""; proxy_pass http://b; } }`)), 'location /');
    expect(header(responder(r, 'GET'), 'x-empty')).toBeUndefined();
  });

  it('inheritance: a level with add_header drops the outer ones (droppedHeaders with the inner span)', () => {
    const r = route(
      evaluate(
        http(`  add_header Access-Control-Allow-Origin * always;
  server { location / {
    add_header X-Frame-Options DENY;
    proxy_pass http://b;
  } }`),
      ),
      'location /',
    );
    const p = responder(r, 'GET');
    expect(header(p, 'access-control-allow-origin')).toBeUndefined();
    expect(r.droppedHeaders).toHaveLength(1);
    const d = r.droppedHeaders[0]!;
    expect(d.header.name).toBe('Access-Control-Allow-Origin');
    expect(d.header.span.line).toBe(2);
    expect(d.droppedBy.line).toBe(4);
  });

  it('headers re-declared inside the if are not reported as dropped; the others are', () => {
    const r = route(
      evaluate(`add_header Access-Control-Allow-Origin $http_origin always;
add_header Access-Control-Allow-Credentials true always;
if ($request_method = OPTIONS) {
  add_header Access-Control-Allow-Origin $http_origin;
  add_header Access-Control-Allow-Methods "GET, POST";
  return 204;
}
`, '/etc/nginx/snippets/cors.conf'),
      'cors.conf',
    );
    const pre = responder(r, 'OPTIONS');
    expect(header(pre, 'access-control-allow-credentials')).toBeUndefined();
    const dropped = r.droppedHeaders.map((d) => [d.header.name, d.droppedBy.line, r.responders[d.responderIndex]!.methods]);
    expect(dropped).toEqual([['Access-Control-Allow-Credentials', 4, ['OPTIONS']]]);
    expect(header(responder(r, 'GET'), 'access-control-allow-credentials')?.value).toEqual({ kind: 'literal', text: 'true' });
  });

  it('add_header_inherit merge keeps outer headers; off drops them without reporting', () => {
    const merged = route(
      evaluate(http(`add_header A 1; server { location / { add_header_inherit merge; add_header B 2; proxy_pass http://b; } }`)),
      'location /',
    );
    expect(responder(merged, 'GET').headers.map((h) => h.name)).toEqual(['A', 'B']);
    expect(merged.droppedHeaders).toEqual([]);
    const off = route(evaluate(http(`add_header A 1; server { location / { add_header_inherit off; proxy_pass http://b; } }`)), 'location /');
    expect(responder(off, 'GET').headers).toEqual([]);
    expect(off.droppedHeaders).toEqual([]);
  });

  it('more_set_headers applies to all statuses, -s narrows; more_clear_headers hides backend headers', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  more_set_headers "Access-Control-Allow-Origin: https://a.test";
  more_set_headers -s "200 204" "X-Only-Ok: 1";
  more_clear_headers Access-Control-Allow-Credentials;
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    const p = responder(r, 'GET');
    expect(header(p, 'access-control-allow-origin')).toMatchObject({ via: 'more_set_headers', onErrors: true, value: { kind: 'literal', text: 'https://a.test' } });
    expect(header(p, 'x-only-ok')).toMatchObject({ onSuccess: true, onErrors: false });
    expect(p.backend?.hiddenHeaders).toContain('Access-Control-Allow-Credentials');
  });

  it('proxy_hide_header Access-Control-Allow-Origin makes the backend not emit CORS', () => {
    const r = route(
      evaluate(http(`server { proxy_hide_header Access-Control-Allow-Origin; location / { add_header Access-Control-Allow-Origin * always; proxy_pass http://b; } }`)),
      'location /',
    );
    expect(responder(r, 'GET').backend).toMatchObject({ emitsCors: 'no', hiddenHeaders: ['Access-Control-Allow-Origin'] });
    const fcgi = route(evaluate(http(`server { location / { fastcgi_pass unix:/run/php.sock; } }`)), 'location /');
    expect(responder(fcgi, 'GET').backend).toMatchObject({ kind: 'proxy', emitsCors: 'unknown' });
  });
});

describe('origin values', () => {
  it('$http_origin reflects, also through set', () => {
    const r = route(
      evaluate(http(`server { location / { set $o $http_origin; add_header Access-Control-Allow-Origin "$o" always; add_header X-Raw $http_origin; proxy_pass http://b; } }`)),
      'location /',
    );
    const p = responder(r, 'GET');
    expect(header(p, 'access-control-allow-origin')?.value).toEqual({ kind: 'reflect' });
    expect(header(p, 'x-raw')?.value).toEqual({ kind: 'reflect' });
  });

  it('map $http_origin: regex and exact keys become by-origin cases with spans; default is otherwise', () => {
    const text = http(`  map $http_origin $cors {
    default "";
    "~^https://(www\\.)?example\\.com$" $http_origin;
    https://partner.test $http_origin;
  }
  server { location / { add_header Access-Control-Allow-Origin $cors always; proxy_pass http://b; } }`);
    const r = route(evaluate(text), 'location /');
    const v = header(responder(r, 'GET'), 'access-control-allow-origin')!.value;
    expect(v.kind).toBe('by-origin');
    if (v.kind !== 'by-origin') return;
    expect(v.otherwise).toBeNull();
    const exact = v.cases.find((c) => c.when.kind === 'exact')!;
    expect(exact.when).toMatchObject({ kind: 'exact', origin: 'https://partner.test', caseInsensitive: true });
    expect(exact.then).toEqual({ kind: 'reflect' });
    const re = v.cases.find((c) => c.when.kind === 'regex')!;
    expect(re.when).toMatchObject({ kind: 'regex', source: '^https://(www\\.)?example\\.com$', caseInsensitive: false, dialect: 'pcre' });
    // the span covers exactly the regex source (after the quote and the ~)
    expect(re.when.span).toMatchObject({ line: 4, column: 7, endColumn: 7 + '^https://(www\\.)?example\\.com$'.length });
  });

  it('a regex if on $http_origin gates headers: by-origin with the operand span', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  if ($http_origin ~* ^https://app\\.test$) {
    add_header Access-Control-Allow-Origin $http_origin always;
    add_header Access-Control-Allow-Credentials true always;
  }
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    const p = responder(r, 'GET');
    const v = header(p, 'access-control-allow-origin')!.value;
    expect(v).toMatchObject({
      kind: 'by-origin',
      otherwise: null,
      cases: [{ when: { kind: 'regex', source: '^https://app\\.test$', caseInsensitive: true, span: { line: 3, column: 23 } }, then: { kind: 'reflect' } }],
    });
    expect(header(p, 'access-control-allow-credentials')!.value).toMatchObject({ kind: 'by-origin', cases: [{ then: { kind: 'literal', text: 'true' } }] });
  });

  it('chained set $cors / if ($cors = ...) patterns follow the origin test', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  set $cors "";
  if ($http_origin ~ '^https://(a|b)\\.test$') { set $cors "on"; }
  if ($request_method = OPTIONS) { set $cors "\${cors}opt"; }
  if ($cors = "on") { add_header Access-Control-Allow-Origin $http_origin always; }
  if ($cors = "onopt") { add_header Access-Control-Allow-Origin $http_origin; add_header Access-Control-Max-Age 600; return 204; }
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    const pre = responder(r, 'OPTIONS');
    // the allowlisted origin gets the 204; the model keeps the allowed path's shape
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 204 });
    expect(header(pre, 'access-control-allow-origin')!.value).toMatchObject({ kind: 'by-origin', otherwise: null, cases: [{ then: { kind: 'reflect' } }] });
    const get = responder(r, 'GET');
    expect(get.answeredBy).toBe('backend');
    expect(header(get, 'access-control-allow-origin')!.value).toMatchObject({ kind: 'by-origin', cases: [{ when: { kind: 'regex' } }] });
  });

  it('a map on the response Content-Type with only * or empty is not origin-dependent', () => {
    const r = route(
      evaluate(
        http(`  map $sent_http_content_type $cors { default ""; ~*image/ "*"; ~*font/ "*"; }
  server { location / { add_header Access-Control-Allow-Origin $cors; root /srv; } }`),
      ),
      'location /',
    );
    const h = header(responder(r, 'GET'), 'access-control-allow-origin')!;
    expect(h.value).toEqual({ kind: 'literal', text: '*' });
    expect(h.condition).toContain('$sent_http_content_type');
  });

  it('a map on $upstream_http_access_control_allow_origin reflects only when the upstream sent none', () => {
    const r = route(
      evaluate(
        http(`  map $upstream_http_access_control_allow_origin $acao { default ''; '' $http_origin; }
  server { location / { add_header Access-Control-Allow-Origin $acao always; proxy_pass http://b; } }`),
      ),
      'location /',
    );
    const h = header(responder(r, 'GET'), 'access-control-allow-origin')!;
    expect(h.value).toEqual({ kind: 'reflect' });
    expect(h.unlessBackendSends).toEqual(['Access-Control-Allow-Origin']);
    expect(h.condition).toBeDefined();
  });

  it('values the config cannot tell are unknown with a reason: Lua, undefined variables, upstream headers', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  set_by_lua $lua 'return ngx.var.http_origin';
  add_header A $lua;
  add_header B '\${CORS_ORIGIN}';
  add_header C $upstream_http_x_origin;
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    const p = responder(r, 'GET');
    expect(header(p, 'a')!.value).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('set_by_lua') });
    expect(header(p, 'b')!.value).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('not defined') });
    expect(header(p, 'c')!.value).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('upstream') });
  });

  it('if ($http_origin) holds for CORS requests', () => {
    const r = route(evaluate(http(`server { location / { if ($http_origin) { add_header Access-Control-Allow-Origin * always; } proxy_pass http://b; } }`)), 'location /');
    expect(header(responder(r, 'GET'), 'access-control-allow-origin')?.value).toEqual({ kind: 'literal', text: '*' });
  });
});

describe('other conditions', () => {
  it('a condition on anything else becomes HeaderRule.condition, never a guess', () => {
    const r = route(
      evaluate(http(`server { location / { add_header Access-Control-Allow-Origin * always; if ($arg_debug) { add_header X-Debug 1; } proxy_pass http://b; } }`)),
      'location /',
    );
    const p = responder(r, 'GET');
    expect(header(p, 'x-debug')?.condition).toContain('$arg_debug');
    expect(header(p, 'access-control-allow-origin')?.condition).toContain('not when');
    // the debug if drops the location's ACAO when it holds
    expect(r.droppedHeaders.map((d) => d.header.name)).toEqual(['Access-Control-Allow-Origin']);
  });
});

describe('cookies, error pages, includes', () => {
  it('collects Set-Cookie, proxy_cookie_flags and proxy_cookie_path with SameSite', () => {
    const r = route(
      evaluate(
        http(`server { location / {
  add_header Set-Cookie "sid=1; SameSite=None";
  proxy_cookie_flags ~ secure samesite=none;
  proxy_cookie_path / "/; SameSite=None";
  proxy_pass http://b;
} }`),
      ),
      'location /',
    );
    expect(r.cookies.map((c) => [c.via, c.attributes])).toEqual([
      ['add_header', 'SameSite=None'],
      ['proxy_cookie_flags', 'Secure; SameSite=None'],
      ['proxy_cookie_path', 'SameSite=None'],
    ]);
  });

  it('error_page is recorded; unresolved includes mark the route incomplete', () => {
    const r = route(evaluate(http(`server { location / { error_page 401 403 =200 /denied.html; include /nope/cors.conf; proxy_pass http://b; } }`)), 'location /');
    expect(r.errorPages).toEqual([{ codes: [401, 403], target: '/denied.html', status: 200, span: expect.any(Object) }]);
    expect(r.incomplete?.[0]?.span.line).toBe(2);
  });

  it('included snippets are evaluated in the including location, keeping their own spans', () => {
    const routes = evaluate(
      http(`server { location /api/ { include snippets/cors.conf; proxy_pass http://b; } }`),
      '/etc/nginx/nginx.conf',
      [{ path: '/etc/nginx/snippets/cors.conf', text: 'if ($request_method = OPTIONS) {\n  add_header Access-Control-Allow-Origin * always;\n  return 204;\n}\n' }],
    );
    const r = route(routes, 'location /api/');
    const pre = responder(r, 'OPTIONS');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 204 });
    expect(header(pre, 'access-control-allow-origin')!.span).toMatchObject({ file: '/etc/nginx/snippets/cors.conf', line: 2 });
    expect(routes.some((x) => x.name.includes('location snippet'))).toBe(false);
  });
});

describe('rewrite-phase credential checks and headers-more replacement', () => {
  it('if ($http_authorization = "") { return 401; } is an AuthRequirement; the preflight takes the 401, an earlier OPTIONS return exempts it', () => {
    const routes = evaluate(
      http(`server {
    location /a/ {
      if ($http_authorization = "") { return 401; }
      add_header Access-Control-Allow-Origin https://app.example.com always;
      proxy_pass http://b;
    }
    location /b/ {
      if ($request_method = OPTIONS) { return 204; }
      if ($http_x_api_key != "secret") { return 403; }
      proxy_pass http://b;
    }
    location /c/ {
      if ($http_x_forwarded_proto = "") { return 403; }
      proxy_pass http://b;
    }
  }`),
    );
    const a = route(routes, 'location /a/');
    const pre = responder(a, 'OPTIONS');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 401 });
    expect(pre.auth).toEqual([expect.objectContaining({ mechanism: 'authorization-header', header: 'Authorization', failureStatus: 401, span: expect.objectContaining({ line: 4, column: 7 }) })]);
    expect(header(pre, 'access-control-allow-origin')?.onErrors).toBe(true);
    const get = responder(a, 'GET');
    expect(get.answeredBy).toBe('backend');
    expect(get.auth.map((x) => x.mechanism)).toEqual(['authorization-header']);
    const b = route(routes, 'location /b/');
    expect(responder(b, 'OPTIONS')).toMatchObject({ status: { kind: 'fixed', code: 204 }, auth: [] });
    expect(responder(b, 'GET').auth).toEqual([expect.objectContaining({ mechanism: 'api-key', header: 'X-Api-Key', failureStatus: 403 })]);
    // a header a proxy in front may add is not taken for a credential
    expect(responder(route(routes, 'location /c/'), 'GET').auth).toEqual([]);
  });

  it('a server-level check whose 401 carries other headers than the location stays a condition for actual requests', () => {
    const r = route(
      evaluate(http(`server {
    if ($cookie_session = "") { return 401; }
    location /a/ {
      add_header Access-Control-Allow-Origin https://app.example.com always;
      proxy_pass http://b;
    }
  }`)),
      'location /a/',
    );
    const pre = responder(r, 'OPTIONS');
    // the preflight gets the server-level 401, without the location's headers
    expect(pre).toMatchObject({ status: { kind: 'fixed', code: 401 }, auth: [expect.objectContaining({ mechanism: 'cookie' })] });
    expect(header(pre, 'access-control-allow-origin')).toBeUndefined();
    expect(responder(r, 'GET').auth).toEqual([]);
    expect(r.notes?.some((n) => n.includes('$cookie_session'))).toBe(true);
  });

  it("more_set_headers replaces the upstream's header (hidden from the backend) unless -t or a -s without 2xx limits it", () => {
    const routes = evaluate(
      http(`server {
    location /a/ { more_set_headers 'Access-Control-Allow-Origin: *'; proxy_pass http://b; }
    location /b/ { more_set_headers -s 404 'Access-Control-Allow-Origin: *'; proxy_pass http://b; }
    location /c/ { more_set_headers -t 'text/html' 'Access-Control-Allow-Origin: *'; proxy_pass http://b; }
  }`),
    );
    const backend = (name: string) => responder(route(routes, name), 'GET').backend!;
    expect(backend('location /a/')).toMatchObject({ hiddenHeaders: ['Access-Control-Allow-Origin'], emitsCors: 'no' });
    expect(backend('location /b/').hiddenHeaders).toEqual([]);
    expect(backend('location /c/').hiddenHeaders).toEqual([]);
  });
});
