/** Baseline: counts per repo-relative file and rule; old findings pass, new ones fail, stale entries are reported. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyBaseline,
  BaselineError,
  countFindings,
  entriesOfMissingFiles,
  prunedBaseline,
  readBaseline,
  repoRoot,
  updatedBaseline,
  type Baseline,
} from '../src/engine/baseline.js';
import { countResult, emptyResult, type LintMessage, type LintResult } from '../src/engine/lint.js';

const ROOT = '/repo';

function msg(ruleId: string, line: number, extra: Partial<LintMessage> = {}): LintMessage {
  return { ruleId, severity: 2, level: 'error', message: `${ruleId} at ${line}`, line, column: 1, endLine: line, endColumn: 2, ...extra };
}

function result(filePath: string, messages: LintMessage[]): LintResult {
  return countResult({ ...emptyResult(filePath), messages });
}

describe('baseline', () => {
  it('counts errors and warnings per repo-relative file and rule; never fatal or info findings', () => {
    const b = countFindings(
      [
        result('/repo/conf/api.conf', [
          msg('reflected-origin', 3, { severity: 1, level: 'warning' }),
          msg('reflected-origin', 9, { severity: 1, level: 'warning' }),
          msg('preflight-requires-auth', 4),
          msg('max-age-missing', 5, { severity: 1, level: 'info' }),
        ]),
        result('/repo/broken.conf', [msg('parse-error', 1, { fatal: true })]),
      ],
      ROOT,
    );
    expect(b).toEqual({ 'conf/api.conf': { 'reflected-origin': { count: 2 }, 'preflight-requires-auth': { count: 1 } } });
  });

  it('old findings pass; one more than recorded fails all of that rule in that file', () => {
    const baseline: Baseline = { 'conf/api.conf': { 'preflight-requires-auth': { count: 2 }, 'reflected-origin': { count: 1 } } };
    const results = [
      result('/repo/conf/api.conf', [msg('preflight-requires-auth', 3), msg('preflight-requires-auth', 8), msg('reflected-origin', 10), msg('reflected-origin', 20)]),
      result('/repo/conf/other.conf', [msg('preflight-requires-auth', 1)]),
    ];
    const stale = applyBaseline(results, baseline, ROOT);
    expect(stale).toEqual([]);
    const [api, other] = results;
    // the same count (2) passes, line numbers do not matter
    expect(api!.messages.map((m) => `${m.ruleId}:${m.line}`)).toEqual(['reflected-origin:10', 'reflected-origin:20']);
    expect(api!.suppressedMessages.map((m) => [m.line, m.suppressions])).toEqual([
      [3, [{ kind: 'baseline', justification: '' }]],
      [8, [{ kind: 'baseline', justification: '' }]],
    ]);
    expect(api!.errorCount).toBe(2);
    // another file is not covered
    expect(other!.errorCount).toBe(1);
  });

  it('reports stale entries (fewer findings than recorded) of the files linted now', () => {
    const baseline: Baseline = {
      'a.conf': { 'preflight-requires-auth': { count: 3 }, 'reflected-origin': { count: 1 } },
      'not-linted.conf': { 'reflected-origin': { count: 1 } },
    };
    const results = [result('/repo/a.conf', [msg('preflight-requires-auth', 1)])];
    const stale = applyBaseline(results, baseline, ROOT);
    expect(stale).toEqual([
      { file: 'a.conf', ruleId: 'preflight-requires-auth', expected: 3, actual: 1 },
      { file: 'a.conf', ruleId: 'reflected-origin', expected: 1, actual: 0 },
    ]);
    expect(results[0]!.errorCount).toBe(0);
  });

  it('entries of files that no longer exist are stale; linted and existing files are not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-missing-'));
    writeFileSync(join(dir, 'kept.conf'), '');
    const baseline: Baseline = {
      'kept.conf': { 'reflected-origin': { count: 1 } },
      'gone.conf': { 'reflected-origin': { count: 2 }, 'max-age-missing': { count: 0 } },
      'from-stdin.conf': { 'reflected-origin': { count: 1 } },
    };
    expect(entriesOfMissingFiles(baseline, dir, new Set(['from-stdin.conf']))).toEqual([{ file: 'gone.conf', ruleId: 'reflected-origin', expected: 2, actual: 0 }]);
  });

  it('pruning lowers stale counts, drops entries and files that reach zero, and touches nothing else', () => {
    const baseline: Baseline = {
      'b.conf': { 'reflected-origin': { count: 1 } },
      'a.conf': { 'preflight-requires-auth': { count: 3 }, 'reflected-origin': { count: 1 } },
    };
    const pruned = prunedBaseline(baseline, [
      { file: 'a.conf', ruleId: 'preflight-requires-auth', expected: 3, actual: 1 },
      { file: 'b.conf', ruleId: 'reflected-origin', expected: 1, actual: 0 },
    ]);
    expect(pruned).toEqual({ 'a.conf': { 'preflight-requires-auth': { count: 1 }, 'reflected-origin': { count: 1 } } });
    // the input is not changed
    expect(baseline['b.conf']).toEqual({ 'reflected-origin': { count: 1 } });
  });

  it('writing keeps the entries of files not linted in this run and drops fixed files', () => {
    const previous: Baseline = { 'old.conf': { 'reflected-origin': { count: 1 } }, 'a.conf': { 'max-age-missing': { count: 4 } } };
    const next = updatedBaseline(previous, [result('/repo/a.conf', [msg('reflected-origin', 2)]), result('/repo/b.conf', [])], ROOT);
    expect(next).toEqual({ 'a.conf': { 'reflected-origin': { count: 1 } }, 'old.conf': { 'reflected-origin': { count: 1 } } });
    expect(Object.keys(next)).toEqual(['a.conf', 'old.conf']);
  });

  it('rejects malformed baseline files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-baseline-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    expect(() => readBaseline(write('a.json', '{'))).toThrow(BaselineError);
    expect(() => readBaseline(write('b.json', '[]'))).toThrow(/object keyed by file/);
    expect(() => readBaseline(write('c.json', '{"a.conf": {"x": {"count": -1}}}'))).toThrow(/"a.conf" → "x" must be \{ "count"/);
    expect(() => readBaseline(join(dir, 'missing.json'))).toThrow(/Cannot read/);
    expect(readBaseline(write('d.json', '{"a.conf": {"x": {"count": 2}}}'))).toEqual({ 'a.conf': { x: { count: 2 } } });
  });

  it('the root is the repository holding the baseline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-root-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'ci', 'deep'), { recursive: true });
    expect(repoRoot(join(dir, 'ci', 'deep'))).toBe(dir);
    const bare = mkdtempSync(join(tmpdir(), 'corslint-noroot-'));
    expect(repoRoot(bare, '/fallback')).toBe('/fallback');
  });
});
