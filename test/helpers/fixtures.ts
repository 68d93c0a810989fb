/**
 * Fixture conventions (rustc UI tests / gixy): the expected finding sits on the line that
 * must be reported, as a comment in the file's own syntax:
 *
 *   add_header Access-Control-Allow-Origin $http_origin always;  # expect: reflected-origin
 *
 * A case is a file, or a directory linted as one run (includes, several files). Files that
 * cannot carry comments (JSON) list expectations in `<file>.expect.json` beside them:
 * `[{ "ruleId": "x", "line": 3 }]`. A case may restrict which rules it checks with a comment
 * `# fixture-rules: a, b` anywhere in its files; otherwise every finding must be expected.
 * A directory case may hold `.corslintrc.json` with `clients`/`sites` settings.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { allRules } from '../../rules/index.js';
import { fsHost } from '../../src/cli/host.js';
import { lintFiles, type LintResult } from '../../src/engine/lint.js';
import type { RuleSettings } from '../../src/engine/rule.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
}

export interface FixtureCase {
  /** path relative to fixtures/ */
  name: string;
  files: string[];
  expected: Expectation[];
  /** rules this case checks; undefined = all */
  onlyRules?: Set<string>;
  settings: RuleSettings;
}

const EXPECT = /(?:#|\/\/)\s*expect:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;
const ONLY = /(?:#|\/\/)\s*fixture-rules:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

export function loadCase(path: string): FixtureCase {
  const isDir = statSync(path).isDirectory();
  const all = isDir ? walk(path) : [path];
  const files = all.filter((f) => !f.endsWith('.expect.json') && !/\.corslintrc\.json$/.test(f) && !f.endsWith('README.md'));
  const expected: Expectation[] = [];
  let onlyRules: Set<string> | undefined;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    text.split(/\r?\n/).forEach((lineText, i) => {
      const m = EXPECT.exec(lineText);
      if (m) for (const id of m[1]!.split(',')) expected.push({ file, line: i + 1, ruleId: id.trim() });
      const o = ONLY.exec(lineText);
      if (o) {
        onlyRules ??= new Set();
        for (const id of o[1]!.split(',')) onlyRules.add(id.trim());
      }
    });
    const side = `${file}.expect.json`;
    if (existsSync(side)) {
      for (const e of JSON.parse(readFileSync(side, 'utf8')) as { ruleId: string; line: number }[]) {
        expected.push({ file, line: e.line, ruleId: e.ruleId });
      }
    }
  }
  let settings: RuleSettings = { clients: [], sites: [] };
  const rc = join(isDir ? path : join(path, '..'), '.corslintrc.json');
  if (isDir && existsSync(rc)) settings = { clients: [], sites: [], ...JSON.parse(readFileSync(rc, 'utf8')) };
  return { name: relative(FIXTURES, path), files, expected, onlyRules, settings };
}

/** Every case under fixtures/<group>/<...>/: each direct child of a leaf folder is one case. */
export function listCases(group: string): FixtureCase[] {
  const root = join(FIXTURES, group);
  if (!existsSync(root)) return [];
  const cases: FixtureCase[] = [];
  for (const bucket of readdirSync(root).sort()) {
    const dir = join(root, bucket);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.expect.json') || name === 'README.md' || name.startsWith('.')) continue;
      cases.push(loadCase(join(dir, name)));
    }
  }
  return cases;
}

export async function lintCase(c: FixtureCase): Promise<LintResult[]> {
  const inputs = c.files.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return lintFiles(inputs, { rules: allRules, settings: c.settings, host: fsHost });
}

/** Compares findings with expectations; returns human-readable differences (empty = pass). */
export function diffCase(c: FixtureCase, results: LintResult[]): string[] {
  const key = (file: string, line: number, ruleId: string) => `${relative(FIXTURES, file)}:${line} ${ruleId}`;
  const actual = new Map<string, string>();
  for (const r of results) {
    for (const m of r.messages) {
      if (c.onlyRules && !c.onlyRules.has(m.ruleId)) continue;
      actual.set(key(r.filePath, m.line, m.ruleId), m.message);
    }
  }
  const wanted = new Set(c.expected.filter((e) => !c.onlyRules || c.onlyRules.has(e.ruleId)).map((e) => key(e.file, e.line, e.ruleId)));
  const diffs: string[] = [];
  for (const w of wanted) if (!actual.has(w)) diffs.push(`missing   ${w}`);
  for (const [a, msg] of actual) if (!wanted.has(a)) diffs.push(`unexpected ${a}: ${msg}`);
  return diffs.sort();
}
