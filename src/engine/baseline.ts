/**
 * Baseline, after ESLint's bulk suppressions file: counts per file (relative to the repository
 * root, POSIX separators) and rule, no line numbers, so unrelated edits do not invalidate it.
 *
 *   { "conf/api.conf": { "reflected-origin": { "count": 2 } } }
 *
 * With `--baseline FILE`, a file's findings of a rule pass while their number is at most the
 * recorded count; once it is higher, all of them are reported (which one is new cannot be
 * told without line numbers). Entries whose findings are gone (or fewer), and entries of files
 * that no longer exist, are stale: like ESLint's unused suppressions they fail the run (exit 2)
 * until pruned (`--prune-baseline`) or passed (`--pass-on-stale-baseline`), so a fixed finding
 * cannot come back unnoticed under an old count.
 * Fatal parse errors and info findings are never baselined.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { countResult, type LintMessage, type LintResult } from './lint.js';

export type Baseline = Record<string, Record<string, { count: number }>>;

export interface StaleEntry {
  file: string;
  ruleId: string;
  /** count in the baseline */
  expected: number;
  /** findings now */
  actual: number;
}

/** The repository root: the nearest directory upward holding `.git`, else `fallback`. */
export function repoRoot(from: string, fallback = from): string {
  for (let d = resolve(from); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return fallback;
  }
}

export function baselineKey(root: string, filePath: string): string {
  return relative(root, filePath).split(sep).join('/');
}

const baselined = (m: LintMessage) => !m.fatal && m.level !== 'info';

/** Counts of the current findings per file and rule. */
export function countFindings(results: readonly LintResult[], root: string): Baseline {
  const out: Baseline = {};
  for (const r of results) {
    for (const m of r.messages) {
      if (!baselined(m)) continue;
      const file = baselineKey(root, r.filePath);
      const rules = (out[file] ??= {});
      (rules[m.ruleId] ??= { count: 0 }).count++;
    }
  }
  return out;
}

function sorted(b: Baseline): Baseline {
  const out: Baseline = {};
  for (const file of Object.keys(b).sort()) {
    const rules = b[file]!;
    const ids = Object.keys(rules).sort();
    if (!ids.length) continue;
    out[file] = {};
    for (const id of ids) out[file][id] = { count: rules[id]!.count };
  }
  return out;
}

/**
 * The baseline after this run: entries of the files linted now are replaced by their current
 * counts; entries of files not linted in this run (a pre-commit run on a few files) are kept.
 */
export function updatedBaseline(previous: Baseline | undefined, results: readonly LintResult[], root: string): Baseline {
  const next: Baseline = { ...(previous ?? {}) };
  for (const r of results) delete next[baselineKey(root, r.filePath)];
  Object.assign(next, countFindings(results, root));
  return sorted(next);
}

export class BaselineError extends Error {}

export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new BaselineError(`Cannot read the baseline file ${path}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`The baseline file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new BaselineError(`The baseline file ${path} must hold an object keyed by file`);
  for (const [file, rules] of Object.entries(data)) {
    if (!rules || typeof rules !== 'object' || Array.isArray(rules)) throw new BaselineError(`Baseline ${path}: "${file}" must map rule IDs to { "count": n }`);
    for (const [id, entry] of Object.entries(rules as Record<string, unknown>)) {
      const count = (entry as { count?: unknown } | null)?.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw new BaselineError(`Baseline ${path}: "${file}" → "${id}" must be { "count": <non-negative integer> }`);
      }
    }
  }
  return data as Baseline;
}

export function writeBaseline(path: string, baseline: Baseline): void {
  writeFileSync(path, JSON.stringify(baseline, null, 2) + '\n');
}

/**
 * Moves baselined findings to `suppressedMessages` (kind `baseline`) and returns the stale
 * entries of the files linted in this run.
 */
export function applyBaseline(results: LintResult[], baseline: Baseline, root: string): StaleEntry[] {
  const stale: StaleEntry[] = [];
  for (const r of results) {
    const file = baselineKey(root, r.filePath);
    const entries = baseline[file];
    if (!entries) continue;
    const byRule = new Map<string, LintMessage[]>();
    for (const m of r.messages) {
      if (!baselined(m)) continue;
      let list = byRule.get(m.ruleId);
      if (!list) byRule.set(m.ruleId, (list = []));
      list.push(m);
    }
    const suppressed = new Set<LintMessage>();
    for (const [ruleId, { count }] of Object.entries(entries)) {
      const found = byRule.get(ruleId) ?? [];
      if (found.length <= count) for (const m of found) suppressed.add(m);
      if (found.length < count) stale.push({ file, ruleId, expected: count, actual: found.length });
    }
    if (!suppressed.size) continue;
    r.messages = r.messages.filter((m) => !suppressed.has(m));
    for (const m of suppressed) r.suppressedMessages.push({ ...m, suppressions: [{ kind: 'baseline', justification: '' }] });
    countResult(r);
  }
  return stale;
}

/** Entries of files that no longer exist under the root (renamed or deleted): all of them are stale. */
export function entriesOfMissingFiles(baseline: Baseline, root: string, linted: ReadonlySet<string>): StaleEntry[] {
  const stale: StaleEntry[] = [];
  for (const [file, rules] of Object.entries(baseline)) {
    if (linted.has(file) || existsSync(join(root, file))) continue;
    for (const [ruleId, { count }] of Object.entries(rules)) if (count > 0) stale.push({ file, ruleId, expected: count, actual: 0 });
  }
  return stale;
}

/** The baseline with stale entries lowered to their current counts (gone at 0); never raises or adds one. */
export function prunedBaseline(baseline: Baseline, stale: readonly StaleEntry[]): Baseline {
  const next: Baseline = {};
  for (const [file, rules] of Object.entries(baseline)) next[file] = { ...rules };
  for (const s of stale) {
    const rules = next[s.file];
    if (!rules?.[s.ruleId]) continue;
    if (s.actual > 0) rules[s.ruleId] = { count: s.actual };
    else delete rules[s.ruleId];
  }
  return sorted(next);
}

export function describeStale(stale: readonly StaleEntry[], baselinePath: string): string {
  if (!stale.length) return '';
  const lines = stale.map((s) => `  ${s.file}: ${s.ruleId} (baseline ${s.expected}, now ${s.actual})`);
  return (
    `corslint: ${stale.length} baseline entr${stale.length === 1 ? 'y' : 'ies'} in ${baselinePath} no longer occur${stale.length === 1 ? 's' : ''} (fixed findings, or files that are gone):\n` +
    `${lines.join('\n')}\n` +
    `  Remove them with --prune-baseline, so the findings cannot come back unnoticed under the old counts (or pass with --pass-on-stale-baseline).\n`
  );
}
