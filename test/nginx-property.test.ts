/**
 * Property tests: whatever the input, the nginx front end never throws, and every diagnostic
 * and every span points inside the file it names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceDiagnostic, Span } from '../src/model/types.js';
import type { NginxDirective } from '../src/sources/nginx/ast.js';
import { lex } from '../src/sources/nginx/lexer.js';
import { parseNginxFiles } from '../src/sources/nginx/parse.js';
import { parseNginx } from '../src/sources/nginx/parser.js';

const noHost = { readFile: () => undefined, glob: () => [] };

/** 1-based line/column of every offset, computed the slow obvious way */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function checkSpan(span: Span, text: string): void {
  expect(span.line).toBeGreaterThanOrEqual(1);
  expect(span.column).toBeGreaterThanOrEqual(1);
  expect(span.endLine).toBeGreaterThanOrEqual(span.line);
  if (span.endLine === span.line) expect(span.endColumn).toBeGreaterThanOrEqual(span.column);
  if (span.offset !== undefined && span.endOffset !== undefined) {
    expect(span.offset).toBeGreaterThanOrEqual(0);
    expect(span.endOffset).toBeLessThanOrEqual(text.length);
    expect(span.endOffset).toBeGreaterThanOrEqual(span.offset);
    // offsets and line/column agree
    expect(positionOf(text, span.offset)).toEqual({ line: span.line, column: span.column });
    expect(positionOf(text, span.endOffset)).toEqual({ line: span.endLine, column: span.endColumn });
  }
}

function checkTree(directives: NginxDirective[], text: string, file: string): void {
  for (const d of directives) {
    if (d.span.file !== file) continue; // an included file's directives are checked with that file
    checkSpan(d.span, text);
    checkSpan(d.nameSpan, text);
    for (const a of d.args) checkSpan(a.span, text);
    if (d.condition) checkSpan(d.condition.span, text);
    if (d.block) checkTree(d.block, text, file);
  }
}

function checkDiagnostics(ds: SourceDiagnostic[], files: Map<string, string>): void {
  for (const d of ds) {
    const text = files.get(d.span.file);
    expect(text, `diagnostic in an unknown file: ${d.span.file}`).toBeDefined();
    checkSpan(d.span, text!);
  }
}

const pieces = [
  'server', 'location', 'if', 'add_header', 'map', 'include', 'http', 'events', 'return', 'content_by_lua_block',
  '$http_origin', '${VAR}', '(', ')', '($a', '=', '~*', 'x)', '"', "'", '\\', '{', '}', ';', '#', '{{', '}}', '{%', '%}',
  ' ', ' ', '\n', '\r\n', '\t', 'a', 'é', '😀', '--', '[[', ']]', '"q"', "'q'", '\u0000', '*.conf', 'a.conf',
];

const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 120 }).map((a) => a.join(''));

describe('properties', () => {
  it('random token streams: the lexer and parser never throw, spans and diagnostics are inside the text', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        const { tokens, diagnostics } = lex(text, '/p.conf');
        for (const t of tokens) checkSpan(t.span, text);
        for (const d of diagnostics) checkSpan(d.span, text);
        const parsed = parseNginx(text, '/p.conf');
        checkTree(parsed.file.directives, text, '/p.conf');
        for (const c of parsed.file.comments) checkSpan(c.span, text);
        checkDiagnostics(parsed.diagnostics, new Map([['/p.conf', text]]));
      }),
      { numRuns: 400 },
    );
  });

  it('a word reads as its own text whatever was read before (equal words share one string, look-alikes never do)', () => {
    // words of one length with the same first, middle and last character: they meet in the lexer's table of shared words
    const lookAlike = fc.tuple(fc.constantFrom('b', 'x', 'é'), fc.constantFrom('d', 'y', '$')).map(([x, y]) => `a${x}c${y}e`);
    const soup = fc.array(fc.oneof(lookAlike, fc.constantFrom(...pieces)), { maxLength: 60 }).map((a) => a.join(' '));
    const plainWords = (text: string) =>
      lex(text, '/w.conf')
        .tokens.filter((t) => t.kind === 'word' && !t.quote && !text.slice(t.span.offset, t.span.endOffset).includes('\\'))
        .map((t) => ({ value: t.value, raw: text.slice(t.span.offset, t.span.endOffset) }));
    fc.assert(
      fc.property(soup, soup, (first, second) => {
        const alone = plainWords(second);
        for (const w of alone) expect(w.value).toBe(w.raw);
        plainWords(first);
        expect(plainWords(second)).toEqual(alone);
      }),
      { numRuns: 300 },
    );
  });

  it('comments read later (a second parse on first access) are the comments read with the tree', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        const eager = parseNginx(text, '/c.conf', { comments: true, maxDepth: 3 }).file.comments;
        expect(parseNginx(text, '/c.conf', { maxDepth: 3 }).file.comments).toEqual(eager);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const r = parseNginxFiles([{ path: '/r/x.conf', text }], noHost);
        checkDiagnostics(r.diagnostics, r.files);
      }),
      { numRuns: 300 },
    );
  });

  const base = [
    'events {}',
    'http {',
    '  map $http_origin $cors { default ""; "~^https://a\\.com$" $http_origin; }',
    '  server {',
    '    listen 80;',
    "    add_header 'Access-Control-Allow-Origin' $cors always; # note",
    '    location /api {',
    '      if ($request_method = OPTIONS) { add_header X 1; return 204; }',
    '      content_by_lua_block { ngx.say("}") }',
    '      include snippets/*.conf;',
    '      include a.conf;',
    '    }',
    '  }',
    '}',
  ].join('\n');

  it('mutated configs (deletions, insertions, swaps) never throw and report inside the files', () => {
    const mutation = fc.record({
      at: fc.nat({ max: base.length }),
      del: fc.nat({ max: 8 }),
      ins: fc.constantFrom('', '{', '}', ';', '"', "'", '\\', '#', '(', ')', '{{', 'if ', 'server {', 'include a.conf;', '\n', '\u0000'),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (ms) => {
        let text = base;
        for (const m of ms) {
          const at = Math.min(m.at, text.length);
          text = text.slice(0, at) + m.ins + text.slice(at + m.del);
        }
        const files = [
          { path: '/m/nginx.conf', text },
          { path: '/m/a.conf', text: 'include nginx.conf;\nadd_header Y 2;\n' },
        ];
        const r = parseNginxFiles(files, noHost);
        checkDiagnostics(r.diagnostics, r.files);
        for (const u of r.units) checkTree(u.file.directives, r.files.get(u.file.path)!, u.file.path);
      }),
      { numRuns: 300 },
    );
  });

  it('the unmutated base config is clean', () => {
    const r = parseNginxFiles([{ path: '/m/nginx.conf', text: base }, { path: '/m/a.conf', text: 'add_header Y 2;\n' }], noHost);
    expect(r.diagnostics).toEqual([]);
    expect(r.units.map((u) => u.file.path)).toEqual(['/m/nginx.conf']);
  });

  it('large inputs parse without trouble (a 20 MB config)', () => {
    const server = 'server {\n  listen 80;\n  location / {\n    add_header Access-Control-Allow-Origin "*" always;\n    proxy_pass http://backend;\n  }\n}\n';
    const text = 'events {}\nhttp {\n' + server.repeat(Math.ceil(20e6 / server.length)) + '}\n';
    const r = parseNginxFiles([{ path: '/big/nginx.conf', text }], noHost);
    expect(r.diagnostics).toEqual([]);
    const http = r.units[0]!.file.directives[1]!;
    expect(http.block!.length).toBe(Math.ceil(20e6 / server.length));
    const last = http.block![http.block!.length - 1]!;
    checkSpan(last.span, text);
  });
});
