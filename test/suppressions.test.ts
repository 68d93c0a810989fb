/** Inline directives: next-line, line, ranges, file; ESLint's suppressedMessages; unused and unknown directives. */
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { fsHost } from '../src/cli/host.js';
import { countResult, emptyResult, lintFiles, type LintMessage, type LintResult } from '../src/engine/lint.js';
import { applySuppressions, commentStart, parseDirectives } from '../src/engine/suppressions.js';

const KNOWN = ['reflected-origin', 'max-age-missing', 'missing-vary-origin', 'cors-headers-missing-on-errors', 'reflected-origin-with-credentials', 'parse-error'];

/** A finding of `ruleId` on every line containing `@<ruleId>` (a stand-in for a rule). */
function resultFor(path: string, text: string): LintResult {
  const messages: LintMessage[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/@([a-z-]+)/g)) {
      messages.push({ ruleId: m[1]!, severity: 1, level: 'warning', message: `finding ${m[1]}`, line: i + 1, column: m.index + 1, endLine: i + 1, endColumn: m.index + 2 + m[1]!.length });
    }
  });
  return countResult({ ...emptyResult(path, text), messages });
}

function run(text: string, path = '/x/site.conf', reportUnused: 'off' | 'error' | 'warning' = 'off') {
  const r = resultFor(path, text);
  const [out] = applySuppressions({ reportUnused, knownRules: KNOWN })([r], new Map([[path, text]]));
  return out!;
}

const kept = (r: LintResult) => r.messages.map((m) => `${m.line}:${m.ruleId}`);
const suppressed = (r: LintResult) => r.suppressedMessages.map((m) => `${m.line}:${m.ruleId}`);

describe('directives', () => {
  it('disable-next-line with rules and a reason; ESLint suppressedMessages shape', () => {
    const r = run(
      [
        'location / {',
        '  # corslint-disable-next-line reflected-origin, max-age-missing -- public read-only API',
        '  add_header X @reflected-origin @max-age-missing @missing-vary-origin;',
        '  add_header Y @reflected-origin;',
        '}',
      ].join('\n'),
    );
    expect(kept(r)).toEqual(['3:missing-vary-origin', '4:reflected-origin']);
    expect(suppressed(r)).toEqual(['3:reflected-origin', '3:max-age-missing']);
    expect(r.suppressedMessages[0]).toMatchObject({
      ruleId: 'reflected-origin',
      line: 3,
      suppressions: [{ kind: 'directive', justification: 'public read-only API' }],
    });
    expect(r.warningCount).toBe(2);
  });

  it('disable-next-line skips blank and comment lines, so directives stack', () => {
    const r = run(['# corslint-disable-next-line reflected-origin', '# corslint-disable-next-line max-age-missing -- why', '', 'x @reflected-origin @max-age-missing;', 'y @reflected-origin;'].join('\n'));
    expect(suppressed(r)).toEqual(['4:reflected-origin', '4:max-age-missing']);
    expect(kept(r)).toEqual(['5:reflected-origin']);
  });

  it('disable-line after the code; no rule list means all rules', () => {
    const r = run(['a @reflected-origin @max-age-missing;  # corslint-disable-line', 'b @reflected-origin;'].join('\n'));
    expect(suppressed(r)).toEqual(['1:reflected-origin', '1:max-age-missing']);
    expect(kept(r)).toEqual(['2:reflected-origin']);
  });

  it('disable/enable ranges, per rule and for all rules', () => {
    const r = run(
      [
        'a @reflected-origin;',
        '# corslint-disable reflected-origin -- legacy block',
        'b @reflected-origin @max-age-missing;',
        '# corslint-disable',
        'c @max-age-missing @missing-vary-origin;',
        '# corslint-enable missing-vary-origin',
        'd @max-age-missing @missing-vary-origin;',
        '# corslint-enable',
        'e @reflected-origin @max-age-missing;',
      ].join('\n'),
    );
    expect(kept(r)).toEqual(['1:reflected-origin', '3:max-age-missing', '7:missing-vary-origin', '9:reflected-origin', '9:max-age-missing']);
    expect(suppressed(r)).toEqual(['3:reflected-origin', '5:max-age-missing', '5:missing-vary-origin', '7:max-age-missing']);
  });

  it('disable-file anywhere in the file', () => {
    const r = run(['a @max-age-missing;', 'b @reflected-origin;', '# corslint-disable-file max-age-missing -- CDN sets Max-Age'].join('\n'));
    expect(kept(r)).toEqual(['2:reflected-origin']);
    expect(suppressed(r)).toEqual(['1:max-age-missing']);
  });

  it('YAML comments work; text inside quotes is not a comment', () => {
    const r = run(
      [
        'Resources:',
        '  Api:',
        '    # corslint-disable-next-line reflected-origin',
        '    AllowOrigin: "@reflected-origin"',
        "    Desc: '# corslint-disable-next-line max-age-missing'",
        '    MaxAge: @max-age-missing',
        "    Note: it's fine @max-age-missing # corslint-disable-line max-age-missing",
      ].join('\n'),
      '/x/template.yaml',
    );
    expect(kept(r)).toEqual(['6:max-age-missing']);
    expect(suppressed(r)).toEqual(['4:reflected-origin', '7:max-age-missing']);
  });

  it('JSON has no comments: nothing there is a directive', () => {
    const r = run('{ "a": "# corslint-disable-line", "b": "@reflected-origin" }', '/x/t.json');
    expect(kept(r)).toEqual(['1:reflected-origin']);
  });

  it('fatal parse errors are never suppressed', () => {
    const path = '/x/a.conf';
    const text = '# corslint-disable-file\nserver {';
    const r = resultFor(path, text);
    r.messages.push({ ruleId: 'parse-error', severity: 2, level: 'error', fatal: true, message: 'unexpected end of file', line: 2, column: 9, endLine: 2, endColumn: 9 });
    const [out] = applySuppressions({ knownRules: KNOWN })([r], new Map([[path, text]]));
    expect(out!.messages.map((m) => m.ruleId)).toEqual(['parse-error']);
    expect(out!.errorCount).toBe(1);
  });

  it('unknown rule names are reported and suppress nothing', () => {
    const r = run(['# corslint-disable-next-line reflectd-origin', 'a @reflected-origin;'].join('\n'));
    expect(kept(r)).toEqual(['1:invalid-disable-directive', '2:reflected-origin']);
    expect(r.messages[0]!.message).toMatch(/Unknown rule "reflectd-origin" in corslint-disable-next-line directive/);
  });

  it('--report-unused-disable-directives reports directives (and rule names) that suppressed nothing', () => {
    const r = run(
      [
        '# corslint-disable-next-line reflected-origin, max-age-missing',
        'a @reflected-origin;',
        'b;  # corslint-disable-line',
        '# corslint-disable-file missing-vary-origin',
      ].join('\n'),
      '/x/a.conf',
      'error',
    );
    const unused = r.messages.filter((m) => m.ruleId === 'unused-disable-directive');
    expect(unused.map((m) => [m.line, m.severity, m.message])).toEqual([
      [1, 2, "Unused corslint-disable-next-line directive (no problems were reported from 'max-age-missing')."],
      [3, 2, 'Unused corslint-disable-line directive.'],
      [4, 2, "Unused corslint-disable-file directive (no problems were reported from 'missing-vary-origin')."],
    ]);
    expect(unused[1]!.column).toBe(5);
    expect(r.errorCount).toBe(3);
    // without the option, nothing is reported
    expect(run('b;  # corslint-disable-line').messages).toEqual([]);
  });
});

describe('comment detection', () => {
  it.each([
    ['add_header X "a#b"; # c', 20],
    ["key: 'it''s' # c", 13],
    ['a#b # c', 4],
    ["note: it's # c", 11],
    ['x;# c', 2],
    ['"# not"', -1],
  ])('%s', (line, at) => {
    expect(commentStart(line, ['#'])).toBe(at);
  });

  it('HCL also has // comments', () => {
    const { directives } = parseDirectives('/x/main.tf', '// corslint-disable-next-line reflected-origin\nx = 1\n');
    expect(directives.map((d) => [d.kind, d.rules, d.targetLine])).toEqual([['disable-next-line', ['reflected-origin'], 2]]);
  });
});

describe('end to end with the real rules', () => {
  const conf = (directive: string) =>
    [
      'server {',
      '  listen 80;',
      '  location /api/ {',
      directive,
      '    add_header Access-Control-Allow-Origin $http_origin always;',
      '    add_header Access-Control-Allow-Credentials true always;',
      '    add_header Vary Origin always;',
      '    proxy_pass http://backend;',
      '  }',
      '}',
      '',
    ].join('\n');

  async function lint(text: string) {
    const path = '/virtual/api.conf';
    const [r] = await lintFiles([{ path, text }], {
      rules: allRules,
      settings: { clients: [], sites: [] },
      host: fsHost,
      postProcess: applySuppressions({ reportUnused: 'warning', knownRules: allRules.map((x) => x.meta.id) }),
    });
    return r!;
  }

  it('a real finding moves to suppressedMessages with its reason', async () => {
    const plain = await lint(conf('    # nothing here'));
    const finding = plain.messages.find((m) => m.ruleId === 'reflected-origin-with-credentials');
    expect(finding, JSON.stringify(plain.messages)).toBeDefined();
    expect(finding!.line).toBe(5);

    const r = await lint(conf('    # corslint-disable-next-line reflected-origin-with-credentials -- callers are checked upstream'));
    expect(r.messages.map((m) => m.ruleId)).not.toContain('reflected-origin-with-credentials');
    expect(r.messages.map((m) => m.ruleId)).not.toContain('unused-disable-directive');
    expect(r.suppressedMessages).toEqual([
      { ...finding!, suppressions: [{ kind: 'directive', justification: 'callers are checked upstream' }] },
    ]);
    expect(r.errorCount).toBe(plain.errorCount - 1);
  });
});
