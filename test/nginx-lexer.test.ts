/**
 * Lexer conformance: the cases of crossplane's tests/configs (simple, with-comments, messy,
 * quote-behavior, quoted-right-brace, lua-block-*, comments-between-args, ...) rewritten as
 * configs of our own, checked as crossplane checks them — (token, line, quoted) triples — plus
 * nginx's own rules where crossplane is looser (need-space after a closing quote, `}` and `#`
 * literal inside a word) and exact columns/offsets.
 */
import { describe, expect, it } from 'vitest';
import { lex, unescapeNginx } from '../src/sources/nginx/lexer.js';

/** crossplane's view: [token, line, quoted] without comments */
function triples(text: string): [string, number, boolean][] {
  return lex(text)
    .tokens.filter((t) => t.kind !== 'comment' && t.kind !== 'eof')
    .map((t) => [t.value, t.span.line, t.quote !== null]);
}

describe('crossplane conformance', () => {
  it('simple', () => {
    const text = [
      'events {',
      '    worker_connections 1024;',
      '}',
      '',
      'http {',
      '    server {',
      '        listen 127.0.0.1:8080;',
      "        server_name default_server;",
      '        location / {',
      "            return 200 \"foo bar baz\";",
      '        }',
      '    }',
      '}',
    ].join('\n');
    expect(triples(text)).toEqual([
      ['events', 1, false], ['{', 1, false],
      ['worker_connections', 2, false], ['1024', 2, false], [';', 2, false],
      ['}', 3, false],
      ['http', 5, false], ['{', 5, false],
      ['server', 6, false], ['{', 6, false],
      ['listen', 7, false], ['127.0.0.1:8080', 7, false], [';', 7, false],
      ['server_name', 8, false], ['default_server', 8, false], [';', 8, false],
      ['location', 9, false], ['/', 9, false], ['{', 9, false],
      ['return', 10, false], ['200', 10, false], ['foo bar baz', 10, true], [';', 10, false],
      ['}', 11, false], ['}', 12, false], ['}', 13, false],
    ]);
  });

  it('with-comments: comments are tokens with their text and exact span', () => {
    const text = 'events {  # the events block\n    worker_connections 64;\n}\n#comment\nhttp {}\n';
    const { tokens } = lex(text, '/c.conf');
    const comments = tokens.filter((t) => t.kind === 'comment');
    expect(comments.map((c) => [c.value, c.span.line, c.span.column, c.span.endColumn])).toEqual([
      [' the events block', 1, 11, 29],
      ['comment', 4, 1, 9],
    ]);
    expect(triples(text).map((t) => t[0])).toEqual(['events', '{', 'worker_connections', '64', ';', '}', 'http', '{', '}']);
  });

  it('comments-between-args', () => {
    const text = 'http { #comment 1\n  log_format #comment 2\n  \\#arg\\ 1 #comment 3\n  \'#arg 2\' #comment 4\n  ;\n}\n';
    const { tokens } = lex(text);
    expect(tokens.filter((t) => t.kind === 'word').map((t) => t.value)).toEqual(['http', 'log_format', '\\#arg\\ 1', '#arg 2']);
    expect(tokens.filter((t) => t.kind === 'comment').map((t) => t.value)).toEqual(['comment 1', 'comment 2', 'comment 3', 'comment 4']);
  });

  it('messy: escapes, quoted names, braces glued to words, ${var}', () => {
    const text = [
      'user nobody;',
      '"events" { "worker_connections" "2048"; }',
      '"http" {#fourteen',
      '  "access_log" off;default_type "text/plain"; error_log "off";',
      '  server {"listen" 8080;',
      '    location ~ "/hello/world;"{"return" 301 /status.html;}',
      '    location /foo{}location /bar{}',
      '    location /\\{\\;\\}\\ #\\ ab {}# hello',
      '    if ($request_method = P\\{O\\)\\###\\;ST  ){}',
      '    location "/status.html" { try_files /abc/${uri} /abc/${uri}.html =404 ; }',
      '  }',
      '}',
    ].join('\n');
    expect(triples(text)).toEqual([
      ['user', 1, false], ['nobody', 1, false], [';', 1, false],
      ['events', 2, true], ['{', 2, false], ['worker_connections', 2, true], ['2048', 2, true], [';', 2, false], ['}', 2, false],
      ['http', 3, true], ['{', 3, false],
      ['access_log', 4, true], ['off', 4, false], [';', 4, false], ['default_type', 4, false], ['text/plain', 4, true], [';', 4, false],
      ['error_log', 4, false], ['off', 4, true], [';', 4, false],
      ['server', 5, false], ['{', 5, false], ['listen', 5, true], ['8080', 5, false], [';', 5, false],
      ['location', 6, false], ['~', 6, false], ['/hello/world;', 6, true], ['{', 6, false], ['return', 6, true], ['301', 6, false],
      ['/status.html', 6, false], [';', 6, false], ['}', 6, false],
      ['location', 7, false], ['/foo', 7, false], ['{', 7, false], ['}', 7, false], ['location', 7, false], ['/bar', 7, false], ['{', 7, false], ['}', 7, false],
      ['location', 8, false], ['/\\{\\;\\}\\ #\\ ab', 8, false], ['{', 8, false], ['}', 8, false],
      ['if', 9, false], ['($request_method', 9, false], ['=', 9, false], ['P\\{O\\)\\###\\;ST', 9, false], [')', 9, false], ['{', 9, false], ['}', 9, false],
      ['location', 10, false], ['/status.html', 10, true], ['{', 10, false], ['try_files', 10, false], ['/abc/${uri}', 10, false],
      ['/abc/${uri}.html', 10, false], ['=404', 10, false], [';', 10, false], ['}', 10, false],
      ['}', 11, false], ['}', 12, false],
    ]);
    expect(lex(text).diagnostics).toEqual([]);
  });

  it('quote-behavior: quotes open a string only at a token start', () => {
    const { tokens, diagnostics } = lex('outer-quote "left"-quote right-"quote" inner"-"quote;\n"" "" left-empty right-empty"" inner""empty;\n');
    expect(tokens.filter((t) => t.kind === 'word').map((t) => [t.value, t.quote])).toEqual([
      ['outer-quote', null],
      ['left', '"'],
      ['-quote', null],
      ['right-"quote"', null],
      ['inner"-"quote', null],
      ['', '"'],
      ['', '"'],
      ['left-empty', null],
      ['right-empty""', null],
      ['inner""empty', null],
    ]);
    // nginx (unlike crossplane) rejects a character glued to a closing quote
    expect(diagnostics.map((d) => [d.message.slice(0, 14), d.span.line, d.span.column])).toEqual([['unexpected "-"', 1, 19]]);
  });

  it('quoted-right-brace: braces inside quotes are text', () => {
    const text = 'events {}\nhttp {\n  log_format main escape=json \'{ "@timestamp": "$time_iso8601", \'\n    \'"server_name": "$server_name" }\';\n}\n';
    const words = lex(text).tokens.filter((t) => t.kind === 'word');
    expect(words.map((t) => t.value)).toEqual(['events', 'http', 'log_format', 'main', 'escape=json', '{ "@timestamp": "$time_iso8601", ', '"server_name": "$server_name" }']);
    expect(lex(text).diagnostics).toEqual([]);
  });

  it('russian-text and other non-ASCII: columns count UTF-16 units', () => {
    const text = 'env "русский текст";\nadd_header X-😀 "é";';
    const { tokens } = lex(text);
    expect(tokens[1]).toMatchObject({ value: 'русский текст', quote: '"', span: { line: 1, column: 5, endColumn: 20 } });
    const emoji = tokens.find((t) => t.value === 'X-😀')!;
    expect(emoji.span).toMatchObject({ line: 2, column: 12, endColumn: 16 });
    expect(tokens.find((t) => t.value === 'é')!.span).toMatchObject({ column: 17, endColumn: 20 });
  });

  it('directive-with-space and empty-value-map', () => {
    const text = 'map $http_user_agent $mobile {\n  default 0;\n  \'~Opera Mini\' 1;\n  "" 2;\n}\n';
    expect(triples(text)).toEqual([
      ['map', 1, false], ['$http_user_agent', 1, false], ['$mobile', 1, false], ['{', 1, false],
      ['default', 2, false], ['0', 2, false], [';', 2, false],
      ['~Opera Mini', 3, true], ['1', 3, false], [';', 3, false],
      ['', 4, true], ['2', 4, false], [';', 4, false],
      ['}', 5, false],
    ]);
  });

  it('missing-semicolon: tokens run on, the parser decides', () => {
    expect(triples('http {\n  proxy_pass http://x\n}\n').map((t) => t[0])).toEqual(['http', '{', 'proxy_pass', 'http://x', '}']);
  });
});

describe('nginx token rules', () => {
  it('"}" and "#" inside a word are literal; ";" and "{" end it', () => {
    expect(triples('return 200 a}b#c;d{').map((t) => t[0])).toEqual(['return', '200', 'a}b#c', ';', 'd', '{']);
  });

  it('${var} keeps its brace; a "{" not after "$" ends the word', () => {
    expect(triples('add_header X ${CORS_ORIGIN}x;').map((t) => t[0])).toEqual(['add_header', 'X', '${CORS_ORIGIN}x', ';']);
    expect(triples('location ~ ^/a{3}').map((t) => t[0])).toEqual(['location', '~', '^/a', '{', '3}']);
  });

  it('backslash escapes: nginx unescapes \\" \\\' \\\\ \\t \\r \\n and keeps other pairs', () => {
    expect(unescapeNginx('a\\"b\\\'c\\\\d\\te\\nf\\.g')).toBe('a"b\'c\\d\te\nf\\.g');
    const t = lex('return 200 "say \\"hi\\"\\n";').tokens[2]!;
    expect(t).toMatchObject({ value: 'say "hi"\n', quote: '"', span: { column: 12, endColumn: 26, offset: 11, endOffset: 25 } });
    expect(lex('set $a \\;x;').tokens[2]!.value).toBe('\\;x');
  });

  it('a quoted string may span lines; its end position is on the last line', () => {
    const t = lex("set_by_lua $x '\n  return 1\n';").tokens[2]!;
    expect(t.span).toMatchObject({ line: 1, column: 15, endLine: 3, endColumn: 2 });
  });

  it('unterminated quote: reported at the opening quote', () => {
    const { diagnostics } = lex('server {\n  add_header X "abc;\n}\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.span).toMatchObject({ line: 2, column: 16 });
    expect(diagnostics[0]!.message).toMatch(/never closed/);
  });

  it('a quote glued after a closing quote is nginx\'s unexpected character', () => {
    const { diagnostics } = lex("add_header 'Timing-Allow-Origin '*'\nreturn 204;");
    expect(diagnostics.map((d) => [d.message.slice(0, 14), d.span.line, d.span.column])).toEqual([['unexpected "*"', 1, 34]]);
  });

  it('a closing quote followed by ")" is fine (if conditions)', () => {
    expect(lex('if ($a = "b"){ }').diagnostics).toEqual([]);
  });

  it('CRLF: columns stay right and comments drop the CR', () => {
    const { tokens } = lex('a b;\r\n# hi\r\nc d;\r\n');
    expect(tokens.find((t) => t.kind === 'comment')).toMatchObject({ value: ' hi', span: { line: 2, column: 1, endColumn: 5 } });
    expect(tokens.find((t) => t.value === 'd')!.span).toMatchObject({ line: 3, column: 3 });
  });

  it('template placeholders stay inside one word and are flagged', () => {
    const { tokens } = lex('client_max_body_size {{ size }};\nserver {{ .IP }}:{{ .Port }};');
    expect(tokens.filter((t) => t.kind === 'word').map((t) => [t.value, !!t.template])).toEqual([
      ['client_max_body_size', false],
      ['{{ size }}', true],
      ['server', false],
      ['{{ .IP }}:{{ .Port }}', true],
    ]);
  });

  it('a template placeholder holding the quote character does not end the quoted string', () => {
    const { tokens, diagnostics } = lex(`access_by_lua 'for _,v in pairs({"{{ agents|join('", "') }}"}) do end';`);
    expect(diagnostics).toEqual([]);
    expect(tokens[1]!.template).toBe(true);
  });
});

describe('lua blocks (lexed through the parser entry readLuaBlock)', () => {
  // lex() alone sees the braces; the parser switches to Lua mode after `*_by_lua_block {`
  it('lex() of a lua block is plain tokens until the parser takes over', () => {
    expect(triples('content_by_lua_block { ngx.say(1) }').map((t) => t[0])).toEqual(['content_by_lua_block', '{', 'ngx.say(1)', '}']);
  });
});

describe('long inputs', () => {
  // Lines are counted apart from the scanning (indexOf over the text): a long file must give every
  // token of a repeated chunk the same value and column, its line moved by the chunk's line count.
  it('a chunk repeated 2000 times lexes as 2000 shifted copies of the chunk', () => {
    const chunk = [
      'server { # a comment with "quotes" and {braces}',
      '  add_header X-A "multi',
      'line \\"value\\"" always;',
      "  set $x '${a}b\\\\c';\r",
      '  location ~ ^/a\\{3\\}$ { return 204; }',
      '}',
      '',
    ].join('\n');
    const one = lex(chunk).tokens.filter((t) => t.kind !== 'eof');
    const lines = chunk.split('\n').length - 1;
    const times = 2000;
    const all = lex(chunk.repeat(times)).tokens.filter((t) => t.kind !== 'eof');
    expect(all).toHaveLength(one.length * times);
    for (let i = 0; i < times; i++) {
      for (let j = 0; j < one.length; j++) {
        const a = all[i * one.length + j]!;
        const b = one[j]!;
        const shift = i * lines;
        const moved = i * chunk.length;
        if (a.value !== b.value || a.kind !== b.kind || a.quote !== b.quote) expect([i, j, a.value]).toEqual([i, j, b.value]);
        const sa = a.span;
        const sb = b.span;
        if (sa.line !== sb.line + shift || sa.endLine !== sb.endLine + shift || sa.column !== sb.column || sa.endColumn !== sb.endColumn || sa.offset !== sb.offset! + moved) {
          expect([i, j, sa]).toEqual([i, j, { ...sb, line: sb.line + shift, endLine: sb.endLine + shift, offset: sb.offset! + moved, endOffset: sb.endOffset! + moved }]);
        }
      }
    }
    expect(one.map((t) => [t.value, t.span.line, t.span.column, t.span.endLine, t.span.endColumn])).toEqual([
      ['server', 1, 1, 1, 7],
      ['{', 1, 8, 1, 9],
      [' a comment with "quotes" and {braces}', 1, 10, 1, 48],
      ['add_header', 2, 3, 2, 13],
      ['X-A', 2, 14, 2, 17],
      ['multi\nline "value"', 2, 18, 3, 16],
      ['always', 3, 17, 3, 23],
      [';', 3, 23, 3, 24],
      ['set', 4, 3, 4, 6],
      ['$x', 4, 7, 4, 9],
      ['${a}b\\c', 4, 10, 4, 20],
      [';', 4, 20, 4, 21],
      ['location', 5, 3, 5, 11],
      ['~', 5, 12, 5, 13],
      ['^/a\\{3\\}$', 5, 14, 5, 23],
      ['{', 5, 24, 5, 25],
      ['return', 5, 26, 5, 32],
      ['204', 5, 33, 5, 36],
      [';', 5, 36, 5, 37],
      ['}', 5, 38, 5, 39],
      ['}', 6, 1, 6, 2],
    ]);
  });
});
