/**
 * Applies the `fix` edits rules attach to findings, ESLint's way: per pass, edits sorted by
 * offset, an edit overlapping (or touching) one already applied waits for the next pass; after
 * each pass everything is linted again on the fixed text, up to 10 passes, and the final
 * findings are those of the fixed text. Edits are plain text splices, so the rest of each file
 * (comments, layout, quoting) stays byte for byte.
 */
import type { SourceKind } from '../model/types.js';
import type { InputFile } from '../sources/types.js';
import { lintFiles, type LintMessage, type LintOptions, type LintResult } from './lint.js';

export const MAX_FIX_PASSES = 10;

export interface TextEdit {
  /** 0-based offsets, end exclusive */
  range: [number, number];
  text: string;
}

export interface AppliedEdits {
  output: string;
  applied: TextEdit[];
  /** edits that overlapped an earlier one or fell outside the text */
  skipped: TextEdit[];
}

/** Applies non-overlapping edits to `text`; identical duplicate edits count once. */
export function applyEdits(text: string, edits: readonly TextEdit[]): AppliedEdits {
  const seen = new Set<string>();
  const unique: TextEdit[] = [];
  for (const e of edits) {
    const key = `${e.range[0]}:${e.range[1]}:${e.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(e);
  }
  const ordered = unique.slice().sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const applied: TextEdit[] = [];
  const skipped: TextEdit[] = [];
  let out = '';
  let lastEnd = -1;
  let cursor = 0;
  for (const e of ordered) {
    const [start, end] = e.range;
    const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= text.length;
    if (!valid || start <= lastEnd) {
      skipped.push(e);
      continue;
    }
    out += text.slice(cursor, start) + e.text;
    cursor = end;
    lastEnd = end;
    applied.push(e);
  }
  out += text.slice(cursor);
  return { output: out, applied, skipped };
}

export type FixedResult = LintResult & { output?: string };

export interface FixRun {
  /** findings after fixing; results of changed files carry `output` (ESLint's shape) */
  results: FixedResult[];
  /** the new text of every file a fix changed */
  changed: Map<string, string>;
  passes: number;
}

export interface FixOptions {
  /** which findings' fixes to apply (e.g. only errors under --quiet); default all */
  filter?: (message: LintMessage, filePath: string) => boolean;
  maxPasses?: number;
  forcedKind?: SourceKind;
}

/** Lints, applies fixes, lints again, until nothing is left to fix or the pass limit is hit. */
export async function lintAndFix(inputs: readonly InputFile[], options: LintOptions, fixOptions: FixOptions = {}): Promise<FixRun> {
  const maxPasses = fixOptions.maxPasses ?? MAX_FIX_PASSES;
  const texts = new Map<string, string>(inputs.map((f) => [f.path, f.text]));
  const changed = new Map<string, string>();
  const host = {
    ...options.host,
    readFile: (p: string) => texts.get(p) ?? options.host.readFile(p),
  };
  const lint = () =>
    lintFiles(
      inputs.map((f) => ({ path: f.path, text: texts.get(f.path) ?? f.text })),
      { ...options, host },
      fixOptions.forcedKind,
    );
  let results = await lint();
  let passes = 0;
  let fixedInLastPass = false;
  while (passes < maxPasses) {
    fixedInLastPass = false;
    for (const r of results) {
      const edits = r.messages.filter((m) => m.fix && (fixOptions.filter?.(m, r.filePath) ?? true)).map((m) => m.fix!);
      if (!edits.length) continue;
      const current = texts.get(r.filePath) ?? r.source ?? options.host.readFile(r.filePath);
      if (current === undefined) continue;
      const { output, applied } = applyEdits(current, edits);
      if (!applied.length || output === current) continue;
      texts.set(r.filePath, output);
      changed.set(r.filePath, output);
      fixedInLastPass = true;
    }
    if (!fixedInLastPass) break;
    passes++;
    results = await lint();
  }
  const fixed: FixedResult[] = results.map((r) => {
    const output = changed.get(r.filePath);
    if (output === undefined) return r;
    // ESLint: `output` replaces `source` when fixes were made.
    const { source: _source, ...rest } = r;
    return { ...rest, output };
  });
  return { results: fixed, changed, passes };
}
