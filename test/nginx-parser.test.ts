/** nginx parser, includes, `nginx -T` dumps and directive contexts. */
import { describe, expect, it } from 'vitest';
import type { SourceDiagnostic } from '../src/model/types.js';
import type { NginxDirective } from '../src/sources/nginx/ast.js';
import { parseNginxFiles, splitDump } from '../src/sources/nginx/parse.js';
import { parseNginx } from '../src/sources/nginx/parser.js';
import type { SourceHost } from '../src/sources/types.js';

const noHost: SourceHost = { readFile: () => undefined, glob: () => [] };

/** an in-memory file system for the host */
function memHost(files: Record<string, string>): SourceHost & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(p) {
      reads.push(p);
      return files[p];
    },
    glob(pattern) {
      const re = new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
      return Object.keys(files).filter((p) => re.test(p)).sort();
    },
  };
}

const brief = (ds: SourceDiagnostic[]) => ds.map((d) => `${d.ruleId} ${d.span.file}:${d.span.line}:${d.span.column} ${d.message}`);

function find(ds: NginxDirective[], name: string): NginxDirective | undefined {
  for (const d of ds) {
    if (d.name === name) return d;
    const inner = (d.block && find(d.block, name)) || (d.included && d.included.map((i) => find(i.directives, name)).find(Boolean));
    if (inner) return inner;
  }
  return undefined;
}

describe('structure and spans', () => {
  const text = [
    'http {',
    '    map $http_origin $cors {',
    '        default "";',
    '        "~^https://(a|b)\\.example\\.com$" $http_origin;',
    '    }',
    '    server {',
    '        location /api {',
    "            add_header 'Access-Control-Allow-Origin' $cors always;",
    '            if ($request_method = OPTIONS) { return 204; }',
    '        }',
    '    }',
    '}',
  ].join('\n');
  const { file, diagnostics } = parseNginx(text, '/etc/nginx/nginx.conf');

  it('builds the tree', () => {
    expect(diagnostics).toEqual([]);
    const http = file.directives[0]!;
    expect(http.name).toBe('http');
    expect(http.block!.map((d) => d.name)).toEqual(['map', 'server']);
    const map = http.block![0]!;
    expect(map.args.map((a) => a.value)).toEqual(['$http_origin', '$cors']);
    expect(map.block!.map((d) => [d.name, d.nameQuote, d.args.map((a) => a.value)])).toEqual([
      ['default', undefined, ['']],
      ['~^https://(a|b)\\.example\\.com$', '"', ['$http_origin']],
    ]);
  });

  it('keeps exact spans: directive from name to ";" or "}", name, each argument with its quote', () => {
    const add = find(file.directives, 'add_header')!;
    expect(add.span).toMatchObject({ file: '/etc/nginx/nginx.conf', line: 8, column: 13, endLine: 8, endColumn: 67 });
    expect(add.nameSpan).toMatchObject({ line: 8, column: 13, endColumn: 23 });
    expect(add.args.map((a) => [a.value, a.quote, a.span.column, a.span.endColumn])).toEqual([
      ['Access-Control-Allow-Origin', "'", 24, 53],
      ['$cors', null, 54, 59],
      ['always', null, 60, 66],
    ]);
    expect(text.slice(add.span.offset, add.span.endOffset)).toBe("add_header 'Access-Control-Allow-Origin' $cors always;");
    const location = find(file.directives, 'location')!;
    expect(location.span).toMatchObject({ line: 7, column: 9, endLine: 10, endColumn: 10 });
    expect(text.slice(location.span.offset, location.span.endOffset).endsWith('}')).toBe(true);
  });

  it('parses if conditions (variable, operator, operand, spans without parentheses)', () => {
    const iff = find(file.directives, 'if')!;
    expect(iff.condition).toMatchObject({ variable: '$request_method', operator: '=', operand: { value: 'OPTIONS', quote: null } });
    expect(iff.condition!.operand!.span).toMatchObject({ line: 9, column: 35, endColumn: 42 });
    expect(iff.block!.map((d) => d.name)).toEqual(['return']);
  });

  it.each([
    ['if ($http_origin) {}', { variable: '$http_origin', operator: '' }],
    ['if ($http_origin ~* "^https://a\\.com$") {}', { variable: '$http_origin', operator: '~*', operand: { value: '^https://a\\.com$', quote: '"' } }],
    ['if ( $a != b ) {}', { variable: '$a', operator: '!=', operand: { value: 'b' } }],
    ['if ($request_method ~ (GET|PUT)) {}', { variable: '$request_method', operator: '~', operand: { value: '(GET|PUT)' } }],
    ['if (!-f $request_filename) {}', { variable: '$request_filename', operator: '!-f' }],
    ["if ($http_origin !~ '^https://x$') {}", { variable: '$http_origin', operator: '!~', operand: { quote: "'" } }],
  ])('if condition %s', (src, expected) => {
    const r = parseNginx(src, '/t.conf');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.directives[0]!.condition).toMatchObject(expected);
  });

  it.each([
    ['if $a {}', 'must be in parentheses'],
    ['if ($a {}', 'must end with ")"'],
    ['if ($a == b) {}', 'unexpected "=="'],
    ['if (!$a) {}', 'no "!" for variables'],
  ])('invalid if condition %s', (src, msg) => {
    const r = parseNginx(src, '/t.conf');
    expect(brief(r.diagnostics).join('\n')).toContain(msg);
  });

  it('keeps comments with positions', () => {
    const r = parseNginx('# top\nlocation / { # corslint-disable-next-line x -- y\n  return 204;\n}\n', '/c.conf');
    expect(r.file.comments.map((c) => [c.text, c.span.line, c.span.column])).toEqual([
      [' top', 1, 1],
      [' corslint-disable-next-line x -- y', 2, 14],
    ]);
  });

  it('reads *_by_lua_block bodies opaquely, brace-aware (Lua strings, long brackets, comments)', () => {
    const src = [
      'location / {',
      '  content_by_lua_block {',
      '    ngx.say("}")  -- a } in a comment',
      "    local s = [[ } ]] .. '{' .. [==[ ]] } ]==]",
      '    --[[ } ]]',
      '    local t = { a = "{" }',
      '  }',
      '  set_by_lua_block $res { return 32 + math.cos(32) }',
      '  add_header X $res;',
      '}',
    ].join('\n');
    const r = parseNginx(src, '/l.conf');
    expect(r.diagnostics).toEqual([]);
    const loc = r.file.directives[0]!;
    expect(loc.block!.map((d) => d.name)).toEqual(['content_by_lua_block', 'set_by_lua_block', 'add_header']);
    const lua = loc.block![0]!;
    expect(lua.block).toBeUndefined();
    expect(lua.luaBody!.value).toContain('local t = { a = "{" }');
    expect(lua.args).toEqual([lua.luaBody]);
    expect(lua.span).toMatchObject({ line: 2, endLine: 7, endColumn: 4 });
    const set = loc.block![1]!;
    expect(set.args.map((a) => a.value)).toEqual(['$res', ' return 32 + math.cos(32) ']);
  });

  it('lua-block-tricky: the block keyword as an argument is just a word', () => {
    const src = 'server {\n  server_name content_by_lua_block;\n  set_by_lua_block $res {\n    return 32 + math.cos(32)\n  }\n  rewrite_by_lua_block {\n    ngx.var.a = ngx.var.a .. "a"\n  }\n}\n';
    const r = parseNginx(src, '/t.conf');
    expect(r.diagnostics).toEqual([]);
    expect(r.file.directives[0]!.block!.map((d) => [d.name, d.args.length])).toEqual([
      ['server_name', 1],
      ['set_by_lua_block', 2],
      ['rewrite_by_lua_block', 1],
    ]);
  });

  it('spelling-mistake and non-unicode: unknown directives and replacement characters parse without findings', () => {
    const r = parseNginxFiles([{ path: '/s.conf', text: 'events {}\nhttp { server { location / { proxy_passs http://x; add_header X "caf\uFFFD"; } } }\n' }], noHost);
    expect(r.diagnostics).toEqual([]);
  });

  it('an unclosed lua block is an end-of-file error', () => {
    const r = parseNginx('content_by_lua_block {\n ngx.say("x")\n', '/l.conf');
    expect(brief(r.diagnostics)).toEqual([expect.stringContaining('parse-error /l.conf:3:1 unexpected end of file, expecting "}" to close the Lua block opened at line 1')]);
  });
});

describe('parse errors and recovery', () => {
  it('unexpected "}" at top level', () => {
    const r = parseNginx('server {\n}\n}\nlisten 80;', '/e.conf');
    expect(brief(r.diagnostics)).toEqual(['parse-error /e.conf:3:1 unexpected "}": there is no open block to close']);
    expect(r.file.directives.map((d) => d.name)).toEqual(['server', 'listen']);
  });

  it('unexpected end of file, expecting "}" names the open block', () => {
    const r = parseNginx('http {\n  server {\n    listen 80;\n', '/e.conf');
    expect(brief(r.diagnostics)).toEqual(['parse-error /e.conf:4:1 unexpected end of file, expecting "}": the "server" block opened at line 2 is never closed']);
    expect(find(r.file.directives, 'listen')).toBeDefined();
  });

  it('a directive cut by "}" is reported at the "}" and kept', () => {
    const r = parseNginx('location / {\n  return 204\n}\n', '/e.conf');
    expect(brief(r.diagnostics)).toEqual(['parse-error /e.conf:3:1 unexpected "}": the "return" directive is not terminated by ";"']);
    expect(find(r.file.directives, 'return')!.args.map((a) => a.value)).toEqual(['204']);
  });

  it('a directive cut by the end of file', () => {
    const r = parseNginx('listen 80', '/e.conf');
    expect(brief(r.diagnostics)).toEqual(['parse-error /e.conf:1:10 unexpected end of file, expecting ";" or "}": the "listen" directive is not terminated']);
  });

  it('stray ";" and "{"', () => {
    const r = parseNginx(';\n{ listen 80; }\nserver {}', '/e.conf');
    expect(brief(r.diagnostics)).toEqual(['parse-error /e.conf:1:1 unexpected ";"', expect.stringMatching(/^parse-error \/e\.conf:2:1 unexpected "\{"/)]);
    expect(r.file.directives.map((d) => d.name)).toEqual(['server']);
  });

  it('a broken quoted token: error at the glued character, the broken line dropped, the next line kept', () => {
    const src = "if ($request_method = 'OPTIONS') {\n  add_header 'Content-Length' 0;\n  add_header 'Timing-Allow-Origin '*'\n  return 204;\n}\n";
    const r = parseNginx(src, '/cors.conf');
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^parse-error \/cors\.conf:3:36 unexpected "\*"/)]);
    const iff = r.file.directives[0]!;
    expect(iff.block!.map((d) => [d.name, d.args.map((a) => a.value)])).toEqual([
      ['add_header', ['Content-Length', '0']],
      ['return', ['204']],
    ]);
  });

  it('a missing ";" before the next line\'s directive: reported where the ";" belongs, both directives kept', () => {
    const r = parseNginx('location / {\n  add_header X y\n  return 204;\n}\n', '/m.conf');
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^parse-error \/m\.conf:2:17 ";" expected after "y": "add_header" takes at most 3 arguments, and "return" on line 3/)]);
    expect(r.file.directives[0]!.block!.map((d) => [d.name, d.args.map((a) => a.value), d.span.endLine])).toEqual([
      ['add_header', ['X', 'y'], 2],
      ['return', ['204'], 3],
    ]);
  });

  it('a simple directive running into a block on the next line', () => {
    const r = parseNginx('server {\n  listen 80\n  location / { return 200; }\n}\n', '/m.conf');
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^parse-error \/m\.conf:2:12 ";" expected after "80": "listen" takes no block/)]);
    expect(r.file.directives[0]!.block!.map((d) => d.name)).toEqual(['listen', 'location']);
  });

  it('arguments continued on the next line are not a missing ";"', () => {
    const src = "upstream u {\n  server 10.0.0.1:80 weight=5\n     max_fails=3;\n}\nlog_format main '$a'\n  '$b';\nreturn 301\n  https://example.com;\n";
    expect(parseNginx(src, '/m.conf').diagnostics).toEqual([]);
  });

  it('unterminated quote at its opening position', () => {
    const r = parseNginx('server {\n  return 200 "oops;\n}\n', '/e.conf');
    expect(brief(r.diagnostics)).toContainEqual(expect.stringMatching(/^parse-error \/e\.conf:2:14 unexpected end of file: the double-quoted string/));
  });

  it('binary files: one fatal finding at the NUL', () => {
    const r = parseNginx('abc\n\u0000\u0001\u0002', '/b.conf');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ fatal: true, span: { line: 2, column: 1 } });
    expect(r.file.directives).toEqual([]);
  });

  it('10,000-deep nesting: a clean finding, no stack overflow', () => {
    const depth = 10000;
    const src = 'location / {'.repeat(depth) + 'return 204;' + '}'.repeat(depth);
    const r = parseNginx(src, '/deep.conf');
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/nested more than 200 levels deep/)]);
    const unclosed = parseNginx('a {'.repeat(depth), '/deep.conf');
    expect(unclosed.diagnostics.length).toBeGreaterThanOrEqual(2);
    // the blocks that never close still hold what was read: 200 levels, then the skipped one
    let levels = 0;
    for (let d = unclosed.file.directives[0]; d?.block; d = d.block[0]) levels++;
    expect(levels).toBe(201);
  });

  it('blocks left open at the end of the file keep their directives', () => {
    const r = parseNginx('http {\n  server {\n    listen 80;\n    location / {\n      return 204;\n', '/open.conf');
    const http = r.file.directives[0]!;
    const server = http.block![0]!;
    expect(server.block!.map((d) => d.name)).toEqual(['listen', 'location']);
    expect(server.block![1]!.block!.map((d) => [d.name, d.args.map((a) => a.value)])).toEqual([['return', ['204']]]);
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/unexpected end of file, expecting "}": the "location" block opened at line 4 is never closed/)]);
  });

  it('Go templates: one finding at the first placeholder, control lines skipped, no brace cascade', () => {
    const src = [
      '{{ $c := .Container }}',
      '{{ range $host, $containers := groupByMulti $ "Env.VIRTUAL_HOST" "," }}',
      'upstream {{ $host }} {',
      '  server {{ .IP }}:{{ .Port }};',
      '}',
      '{{ end }}',
    ].join('\n');
    const r = parseNginx(src, '/nginx.tmpl');
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^parse-error \/nginx\.tmpl:1:1 template syntax "\{\{"/)]);
    expect(r.template).toBe(true);
    expect(r.file.directives.map((d) => d.name)).toEqual(['upstream']);
  });

  it('Jinja placeholder in an argument', () => {
    const r = parseNginx('server {\n    client_max_body_size {{ size }};\n}\n', '/t.tpl');
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^parse-error \/t\.tpl:2:26 template syntax/)]);
  });

  it('envsubst ${VAR} placeholders are valid nginx', () => {
    const r = parseNginx("add_header 'Access-Control-Allow-Origin' '${CORS_ALLOWED_ORIGINS}';\nadd_header X ${Y};", '/e.conf');
    expect(r.diagnostics).toEqual([]);
  });

  it('third-party blocks and directives parse cleanly', () => {
    const src = 'geoip2 /data/GeoIP2-City.mmdb {\n  auto_reload 60m;\n  $geo_city source=$realip city names en;\n}\nlua_shared_dict cache 10m;\nserver { location / { set_by_lua $x \'return "}"\'; return 200 \'{"a": {"b": "$x"}}\'; } }\n';
    const r = parseNginxFiles([{ path: '/etc/nginx/http.conf', text: src }], noHost);
    expect(r.diagnostics).toEqual([]);
  });
});

describe('includes', () => {
  it('resolves relative to the main config directory, not the including file; snippets are not units', () => {
    const files = {
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n',
      '/etc/nginx/conf.d/b.conf': 'server { location / { include snippets/cors.conf; } }\n',
      '/etc/nginx/conf.d/a.conf': 'server { listen 81; }\n',
      '/etc/nginx/snippets/cors.conf': 'add_header Access-Control-Allow-Origin *;\n',
    };
    const inputs = Object.entries(files).map(([path, text]) => ({ path, text }));
    const r = parseNginxFiles(inputs, noHost);
    expect(r.diagnostics).toEqual([]);
    expect(r.units.map((u) => [u.file.path, u.context])).toEqual([['/etc/nginx/nginx.conf', 'main']]);
    const inc = r.units[0]!.file.directives[1]!.block![0]!;
    // glob sorted
    expect(inc.included!.map((i) => i.file)).toEqual(['/etc/nginx/conf.d/a.conf', '/etc/nginx/conf.d/b.conf']);
    const add = find(r.units[0]!.file.directives, 'add_header')!;
    // findings land at the snippet's own path and line
    expect(add.span).toMatchObject({ file: '/etc/nginx/snippets/cors.conf', line: 1, column: 1 });
  });

  it('reads files outside the input set through the host', () => {
    const host = memHost({ '/srv/snippets/cors.conf': 'add_header Vary Origin;\n' });
    const r = parseNginxFiles([{ path: '/srv/nginx.conf', text: 'events {}\nhttp { server { location / { include snippets/cors.conf; } } }\n' }], host);
    expect(r.diagnostics).toEqual([]);
    expect(host.reads).toContain('/srv/snippets/cors.conf');
    expect(r.files.get('/srv/snippets/cors.conf')).toBe('add_header Vary Origin;\n');
    expect(find(r.units[0]!.file.directives, 'add_header')!.span.file).toBe('/srv/snippets/cors.conf');
  });

  it('a missing plain include is a warning at its argument; an empty glob is fine', () => {
    const text = 'events {}\nhttp {\n  include /etc/nginx/missing.conf;\n  include sites-enabled/*;\n}\n';
    const r = parseNginxFiles([{ path: '/etc/nginx/nginx.conf', text }], noHost);
    expect(brief(r.diagnostics)).toEqual([
      expect.stringMatching(/^unresolved-include \/etc\/nginx\/nginx\.conf:3:11 include "\/etc\/nginx\/missing\.conf" cannot be resolved .*not seen/),
    ]);
    expect(r.diagnostics[0]!.span).toMatchObject({ endColumn: 34 });
  });

  it('include cycles are reported once and do not loop', () => {
    const files = [
      { path: '/c/nginx.conf', text: 'events {}\nhttp { include a.conf; }\n' },
      { path: '/c/a.conf', text: 'include b.conf;\n' },
      { path: '/c/b.conf', text: 'server { listen 80; }\ninclude a.conf;\n' },
    ];
    const r = parseNginxFiles(files, noHost);
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^parse-error \/c\/b\.conf:2:9 include cycle: \/c\/a\.conf -> \/c\/b\.conf -> \/c\/a\.conf/)]);
    expect(r.units.map((u) => u.file.path)).toEqual(['/c/nginx.conf']);
  });

  it('a file including itself', () => {
    const r = parseNginxFiles([{ path: '/c/self.conf', text: 'include self.conf;\n' }], noHost);
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/include cycle: \/c\/self\.conf -> \/c\/self\.conf/)]);
  });

  it('a snippet nobody includes is its own unit, in the context its content implies', () => {
    const r = parseNginxFiles(
      [
        { path: '/s/cors.conf', text: "if ($request_method = OPTIONS) {\n  add_header Access-Control-Allow-Origin '*';\n  return 204;\n}\n" },
        { path: '/s/vhost.conf', text: 'server { listen 80; }\nmap $a $b { default 1; }\n' },
        { path: '/s/loc.conf', text: 'location /api { return 200; }\nlisten 8080;\n' },
      ],
      noHost,
    );
    expect(r.diagnostics).toEqual([]);
    expect(Object.fromEntries(r.units.map((u) => [u.file.path, u.context]))).toEqual({
      '/s/cors.conf': 'location',
      '/s/vhost.conf': 'http',
      '/s/loc.conf': 'server',
    });
  });
});

describe('nginx -T dumps', () => {
  const dump = [
    'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
    '# configuration file /etc/nginx/nginx.conf:',
    'events {}',
    'http {',
    '    include /etc/nginx/conf.d/*.conf;',
    '}',
    '',
    '# configuration file /etc/nginx/conf.d/api.conf:',
    'server {',
    '    location /api {',
    '        add_header Access-Control-Allow-Origin $http_origin;',
    '    }',
    '}',
    '',
  ].join('\n');

  it('splits the dump into its files with their own line numbers', () => {
    // nginx writes one newline after each file: it is not part of the file
    expect(splitDump(dump)!.map((f) => [f.path, f.text])).toEqual([
      ['/etc/nginx/nginx.conf', 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n'],
      ['/etc/nginx/conf.d/api.conf', 'server {\n    location /api {\n        add_header Access-Control-Allow-Origin $http_origin;\n    }\n}'],
    ]);
    expect(splitDump('http {}')).toBeUndefined();
    // a comment that looks like a header, in an ordinary config, does not make it a dump
    expect(splitDump('events {}\n# configuration file /etc/nginx/x.conf:\nhttp {}\n')).toBeUndefined();
    expect(splitDump('# configuration file for my app:\nhttp {}\n')).toBeUndefined();
  });

  it('resolves includes between the dumped files, without touching the disk', () => {
    const host = memHost({});
    const r = parseNginxFiles([{ path: '/tmp/dump.txt', text: dump }], host);
    expect(r.diagnostics).toEqual([]);
    expect(host.reads).toEqual([]);
    expect(r.units.map((u) => u.file.path)).toEqual(['/etc/nginx/nginx.conf']);
    const add = find(r.units[0]!.file.directives, 'add_header')!;
    expect(add.span).toMatchObject({ file: '/etc/nginx/conf.d/api.conf', line: 3, column: 9 });
    expect(r.files.has('/etc/nginx/conf.d/api.conf')).toBe(true);
  });
});

describe('directive contexts', () => {
  const ctxErrors = (text: string, path = '/etc/nginx/nginx.conf') =>
    brief(parseNginxFiles([{ path, text }], noHost).diagnostics.filter((d) => d.ruleId === 'invalid-directive-context'));

  it('add_header in a server-level if is an error, in a location-level if it is not', () => {
    const text = 'events {}\nhttp {\n  server {\n    if ($http_origin) {\n      add_header X 1;\n    }\n    location / {\n      if ($http_origin) { add_header Y 2; return 204; }\n    }\n  }\n}\n';
    expect(ctxErrors(text)).toEqual([expect.stringMatching(/^invalid-directive-context \/etc\/nginx\/nginx\.conf:5:7 "add_header" is not allowed in an "if" block at server level/)]);
  });

  it('map outside http, location directly in http, server in server', () => {
    const text = 'events {}\nhttp {\n  location / {}\n  server {\n    map $a $b { default 1; }\n    server {}\n  }\n}\n';
    expect(ctxErrors(text).map((s) => s.split(' ').slice(1, 3).join(' '))).toEqual([
      '/etc/nginx/nginx.conf:3:3 "location"',
      '/etc/nginx/nginx.conf:5:5 "map"',
      '/etc/nginx/nginx.conf:6:5 "server"',
    ]);
  });

  it('unknown (third-party) directives and map/geo entries are never errors', () => {
    const text = 'events {}\nhttp {\n  more_set_headers "X: y";\n  map $http_origin $o { default ""; listen 1; }\n  server { location / { content_by_lua_block { ngx.say(1) } } }\n}\n';
    expect(ctxErrors(text)).toEqual([]);
  });

  it('stream servers are checked as stream, upstream servers as upstream', () => {
    const text = 'events {}\nstream { upstream u { server 10.0.0.1:53; } server { listen 53 udp; proxy_pass u; } }\nhttp { upstream b { server 127.0.0.1:8080; keepalive 8; } }\n';
    expect(ctxErrors(text)).toEqual([]);
  });

  it('a snippet is judged in the first context it is valid in (no false alarms)', () => {
    // top-level location + if with add_header: valid when included in a location
    expect(ctxErrors('location /x { return 204; }\nif ($a) { add_header X 1; }\n', '/s/snippet.conf')).toEqual([]);
    // nothing makes `add_header` inside `if` inside `server` valid
    expect(ctxErrors('server {\n  if ($a) { add_header X 1; }\n}\n', '/s/vhost.conf')).toHaveLength(1);
  });

  it('a block directive used without a block is a parse error', () => {
    const r = parseNginxFiles([{ path: '/n.conf', text: 'events {}\nhttp { server; }\n' }], noHost);
    expect(brief(r.diagnostics)).toEqual(['parse-error /n.conf:2:8 directive "server" has no opening "{": it takes a block']);
  });

  it('contexts inside included files follow the includer', () => {
    const files = [
      { path: '/i/nginx.conf', text: 'events {}\nhttp { server { include bad.conf; location / { include bad.conf; } } }\n' },
      { path: '/i/bad.conf', text: 'if ($a) {\n  add_header X 1;\n}\n' },
    ];
    const r = parseNginxFiles(files, noHost);
    expect(brief(r.diagnostics)).toEqual([expect.stringMatching(/^invalid-directive-context \/i\/bad\.conf:2:3 "add_header" is not allowed in an "if" block at server level/)]);
  });
});
