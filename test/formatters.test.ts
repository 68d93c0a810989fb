/** Output formats: SARIF against the official schema, compact against VS Code's matcher, GitHub escaping, GitLab fingerprints, JUnit, stylish, json. */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { ruleDocUrl } from '../src/cli/rule-docs.js';
import { countResult, emptyResult, type LintMessage, type LintResult } from '../src/engine/lint.js';
import { loadFormatter } from '../src/formatters/index.js';
import type { FormatContext } from '../src/formatters/types.js';

const REPO = mkdtempSync(join(tmpdir(), 'corslint-fmt-'));
mkdirSync(join(REPO, '.git'));
const CWD = join(REPO, 'infra');
mkdirSync(CWD);

const context = (extra: Partial<FormatContext> = {}): FormatContext => ({ cwd: CWD, rules: allRules.map((r) => r.meta), color: false, ...extra });

function msg(ruleId: string, line: number, column: number, extra: Partial<LintMessage> = {}): LintMessage {
  return { ruleId, severity: 2, level: 'error', message: `${ruleId} problem`, line, column, endLine: line, endColumn: column + 5, ...extra };
}

function result(filePath: string, messages: LintMessage[], source?: string): LintResult {
  return countResult({ ...emptyResult(filePath, source), messages });
}

const API = join(REPO, 'conf', 'api site.conf');
const API_SOURCE = ['server {', '  location / {', '    add_header Access-Control-Allow-Origin $http_origin;', '    add_header Access-Control-Allow-Origin $http_origin;', '  }', '}'].join('\n');

function sample(): LintResult[] {
  const api = result(
    API,
    [
      msg('reflected-origin-with-credentials', 3, 44, { message: 'Any site can read authenticated responses: 100% of origins pass,\nincluding https://evil.example' }),
      msg('reflected-origin-with-credentials', 4, 44, { message: 'Any site can read authenticated responses: 100% of origins pass,\nincluding https://evil.example' }),
      msg('cors-headers-missing-on-errors', 3, 5, { severity: 1, level: 'warning', endColumn: 56, fix: { range: [52, 52], text: ' always' } }),
      msg('max-age-missing', 2, 3, { severity: 1, level: 'info', endLine: 5, endColumn: 4 }),
    ],
    API_SOURCE,
  );
  api.suppressedMessages.push({ ...msg('missing-vary-origin', 3, 5, { severity: 1, level: 'warning' }), suppressions: [{ kind: 'directive', justification: 'CDN adds Vary' }] });
  const broken = result(join(REPO, 'broken.yaml'), [msg('parse-error', 7, 13, { fatal: true, message: 'Unexpected "]" <here> & there' })], 'a: ]\n');
  const clean = result(join(REPO, 'clean.conf'), [], 'server {}\n');
  return [api, broken, clean];
}

async function format(name: string, results = sample(), ctx = context()): Promise<string> {
  const f = await loadFormatter(name);
  expect(f, name).toBeDefined();
  return f!(results, ctx);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed JSON reports are walked freely */
describe('sarif', () => {
  async function validator() {
    const { Ajv } = await import('ajv');
    // The official schema is draft-04; Ajv 8 reads it once `id` is `$id` and `$schema` is dropped.
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
    delete schema.$schema;
    schema.$id = schema.id;
    delete schema.id;
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addFormat('uri', (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && !/\s/.test(s));
    ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s));
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
    return ajv.compile(schema);
  }

  it('is valid SARIF 2.1.0 against the official schema', async () => {
    const validate = await validator();
    const log = JSON.parse(await format('sarif'));
    expect(validate(log), JSON.stringify(validate.errors, null, 1)).toBe(true);
    // an empty run is valid too
    const empty = JSON.parse(await format('sarif', []));
    expect(validate(empty), JSON.stringify(validate.errors)).toBe(true);
    expect(empty.runs[0].results).toEqual([]);
  });

  it('has what GitHub code scanning uses', async () => {
    const log = JSON.parse(await format('sarif'));
    const run = log.runs[0];
    expect(log.version).toBe('2.1.0');
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${REPO}/`);
    const rules = run.tool.driver.rules as { id: string; helpUri?: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string }; properties: Record<string, unknown> }[];
    // every rule of the catalog is described, with its doc
    for (const meta of allRules.map((r) => r.meta)) {
      const rule = rules.find((r) => r.id === meta.id);
      expect(rule, meta.id).toBeDefined();
      expect(rule!.helpUri).toBe(ruleDocUrl(meta.id));
      expect(rule!.shortDescription.text).toBe(meta.description);
      expect(rule!.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule!.help.text.length).toBeGreaterThan(0);
      if (meta.security) {
        expect(rule!.properties['security-severity'], meta.id).toMatch(/^\d+\.\d$/);
        expect(rule!.properties.tags).toContain('security');
      } else expect(rule!.properties['security-severity']).toBeUndefined();
    }
    const results = run.results as Record<string, any>[];
    const first = results[0]!;
    expect(first.ruleId).toBe('reflected-origin-with-credentials');
    expect(rules[first.ruleIndex]!.id).toBe(first.ruleId);
    expect(first.level).toBe('error');
    // repo-relative (the cwd is a subfolder), URI-encoded, under %SRCROOT%
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'conf/api%20site.conf', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 44, endLine: 3, endColumn: 49 },
    });
    const levels = results.map((r) => `${r.ruleId}:${r.level}`);
    expect(levels).toContain('max-age-missing:note');
    expect(levels).toContain('parse-error:error');
    // fingerprints: present and unique (two identical messages on different lines differ)
    const fps = results.map((r) => r.partialFingerprints['corslint/v1']);
    expect(fps.every((f) => typeof f === 'string' && f.length === 64)).toBe(true);
    expect(new Set(fps).size).toBe(fps.length);
    // suppressed findings are kept, marked as suppressed in source with the reason
    const suppressed = results.find((r) => r.ruleId === 'missing-vary-origin')!;
    expect(suppressed.suppressions).toEqual([{ kind: 'inSource', justification: 'CDN adds Vary' }]);
  });

  it('fingerprints do not depend on line numbers', async () => {
    const shifted = sample();
    const api = shifted[0]!;
    api.source = `# a new first line\n${API_SOURCE}`;
    for (const m of [...api.messages, ...api.suppressedMessages]) {
      m.line++;
      m.endLine++;
    }
    const before = JSON.parse(await format('sarif')).runs[0].results.map((r: any) => r.partialFingerprints['corslint/v1']);
    const after = JSON.parse(await format('sarif', shifted)).runs[0].results.map((r: any) => r.partialFingerprints['corslint/v1']);
    expect(after).toEqual(before);
  });
});

describe('compact', () => {
  // VS Code's built-in `$eslint-compact` problem matcher
  const ESLINT_COMPACT = /^(.+):\sline\s(\d+),\scol\s(\d+),\s(Error|Warning|Info)\s-\s(.+)\s\((.+)\)$/;

  it('every finding is one line the $eslint-compact matcher reads, with the absolute path', async () => {
    const out = await format('compact');
    const lines = out.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual(['', '5 problems']);
    const findings = lines.slice(0, -2);
    const parsed = findings.map((l) => ESLINT_COMPACT.exec(l));
    expect(parsed.every(Boolean), findings.join('\n')).toBe(true);
    expect(parsed.map((m) => [m![1], m![2], m![3], m![4], m![6]])).toEqual([
      [API, '3', '44', 'Error', 'reflected-origin-with-credentials'],
      [API, '4', '44', 'Error', 'reflected-origin-with-credentials'],
      [API, '3', '5', 'Warning', 'cors-headers-missing-on-errors'],
      [API, '2', '3', 'Info', 'max-age-missing'],
      [join(REPO, 'broken.yaml'), '7', '13', 'Error', 'parse-error'],
    ]);
    // a multi-line message is folded onto its line
    expect(parsed[0]![5]).toBe('Any site can read authenticated responses: 100% of origins pass, including https://evil.example');
  });
});

describe('github', () => {
  it('prints escaped workflow commands with repo-relative paths', async () => {
    const out = await format('github');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      '::error file=conf/api site.conf,line=3,col=44,endColumn=49,title=corslint (reflected-origin-with-credentials)::Any site can read authenticated responses: 100%25 of origins pass,%0Aincluding https://evil.example',
    );
    expect(lines[2]).toBe('::warning file=conf/api site.conf,line=3,col=5,endColumn=56,title=corslint (cors-headers-missing-on-errors)::cors-headers-missing-on-errors problem');
    // a multi-line range sends endLine and no columns; info is a notice
    expect(lines[3]).toBe('::notice file=conf/api site.conf,line=2,endLine=5,title=corslint (max-age-missing)::max-age-missing problem');
    expect(lines[4]).toBe('::error file=broken.yaml,line=7,col=13,endColumn=18,title=corslint (parse-error)::Unexpected "]" <here> & there');
  });

  it('escapes , and : in property values, and CR/LF/% everywhere', async () => {
    const weird = join(REPO, 'a,b:c%d.conf');
    const out = await format('github', [result(weird, [msg('reflected-origin', 1, 1, { message: 'x\r\ny%' })])]);
    expect(out).toBe('::error file=a%2Cb%3Ac%25d.conf,line=1,col=1,endColumn=6,title=corslint (reflected-origin)::x%0D%0Ay%25\n');
  });

  it('prints nothing for a clean run', async () => {
    expect(await format('github', [result(join(REPO, 'clean.conf'), [])])).toBe('');
  });
});

describe('gitlab', () => {
  it('is a Code Quality report with unique, line-independent fingerprints', async () => {
    const issues = JSON.parse(await format('gitlab')) as any[];
    expect(issues).toHaveLength(5);
    expect(issues[0]).toMatchObject({
      check_name: 'reflected-origin-with-credentials',
      description: expect.stringContaining('Any site can read'),
      severity: 'critical',
      location: { path: 'conf/api site.conf', lines: { begin: 3, end: 3 } },
    });
    expect(issues.map((i) => i.severity)).toEqual(['critical', 'critical', 'minor', 'info', 'blocker']);
    expect(issues[3].location.lines).toEqual({ begin: 2, end: 5 });
    const fps = issues.map((i) => i.fingerprint);
    expect(new Set(fps).size).toBe(fps.length);
    // stable across runs
    expect(JSON.parse(await format('gitlab')).map((i: any) => i.fingerprint)).toEqual(fps);
  });

  it('the same finding twice on identical lines still gets two fingerprints', async () => {
    const text = 'a;\na;\n';
    const r = result(join(REPO, 'dup.conf'), [msg('reflected-origin', 1, 1), msg('reflected-origin', 2, 1)], text);
    const issues = JSON.parse(await format('gitlab', [r]));
    expect(issues[0].fingerprint).not.toBe(issues[1].fingerprint);
  });
});

describe('junit', () => {
  it('one testsuite per file, a failure per finding, an error for a fatal one, a passing case for a clean file', async () => {
    const xml = await format('junit');
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="corslint" tests="6" failures="4" errors="1">')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite package="org.corslint" time="0" tests="4" errors="0" failures="4" name="conf/api site.conf">');
    expect(xml).toContain('<testcase time="0" name="corslint.reflected-origin-with-credentials" classname="conf.api site" file="conf/api site.conf" line="3">');
    expect(xml).toContain('<error message="Unexpected &quot;]&quot; &lt;here&gt; &amp; there" type="Error"><![CDATA[line 7, col 13, Error - Unexpected "]" <here> & there (parse-error)]]></error>');
    expect(xml).toContain('<testcase time="0" name="clean.conf" classname="clean" file="clean.conf" />');
    // balanced tags
    for (const tag of ['testsuites', 'testsuite', 'failure', 'error']) {
      const open = (xml.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length;
      const close = (xml.match(new RegExp(`</${tag}>`, 'g')) ?? []).length;
      expect(close, tag).toBe(open);
    }
  });

  it('CDATA cannot be closed early by a message', async () => {
    const xml = await format('junit', [result(join(REPO, 'x.conf'), [msg('reflected-origin', 1, 1, { message: 'a ]]> b' })])]);
    expect(xml).toContain('<![CDATA[line 1, col 1, Error - a ]]]]><![CDATA[> b (reflected-origin)]]>');
  });
});

describe('stylish and json', () => {
  it('stylish without colour has no escape codes and matches $eslint-stylish', async () => {
    const out = await format('stylish');
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/\u001b\[/);
    const lines = out.split('\n');
    expect(lines).toContain(API);
    const FILE = /^((?:[a-zA-Z]:)*[./\\]+.*?)$/;
    const ROW = /^\s+(\d+):(\d+)\s+(error|warning|info)\s+(.+?)(?:\s\s+(.*))?$/;
    expect(FILE.test(API)).toBe(true);
    const rows = lines.filter((l) => /^\s+\d+:\d+/.test(l)).map((l) => ROW.exec(l));
    expect(rows.every(Boolean)).toBe(true);
    expect(rows.map((m) => m![5])).toContain('cors-headers-missing-on-errors');
    // eslint-disable-next-line no-control-regex
    expect(await format('stylish', sample(), context({ color: true }))).toMatch(/\u001b\[/);
  });

  it('json is ESLint-shaped with level on every message and no source', async () => {
    const parsed = JSON.parse(await format('json'));
    expect(parsed[0].source).toBeUndefined();
    expect(parsed[0].messages.every((m: LintMessage) => ['error', 'warning', 'info'].includes(m.level))).toBe(true);
    expect(parsed[0].suppressedMessages[0].suppressions).toEqual([{ kind: 'directive', justification: 'CDN adds Vary' }]);
  });
});
