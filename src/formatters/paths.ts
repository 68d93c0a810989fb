/** Paths and stable fingerprints shared by the CI formats (SARIF, GitHub, GitLab, JUnit). */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LintMessage, LintResult } from '../engine/lint.js';

/** The repository root above `cwd` (nearest `.git`), else `cwd`: CI formats want repo-relative paths. */
export function findRoot(cwd: string): string {
  for (let d = resolve(cwd); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return resolve(cwd);
  }
}

/** POSIX path relative to `root`; paths outside it stay absolute (with forward slashes). */
export function relativePath(root: string, filePath: string): string {
  if (!isAbsolute(filePath)) return filePath.split(sep).join('/');
  const rel = relative(root, filePath);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return filePath.split(sep).join('/');
  return rel.split(sep).join('/');
}

/**
 * A fingerprint that survives unrelated edits (no line number) and stays unique: rule, file,
 * message, the trimmed text of the reported line, and the occurrence index among findings
 * with the same key in the file.
 */
export function fingerprints(result: LintResult, relPath: string): Map<LintMessage, string> {
  const lines = result.source?.split(/\r\n|\r|\n/);
  const occurrences = new Map<string, number>();
  const out = new Map<LintMessage, string>();
  for (const m of result.messages) {
    const lineText = lines?.[m.line - 1]?.trim() ?? `${m.line}:${m.column}`;
    const key = `${m.ruleId}\0${relPath}\0${m.message}\0${lineText}`;
    const n = occurrences.get(key) ?? 0;
    occurrences.set(key, n + 1);
    out.set(m, createHash('sha256').update(`${key}\0${n}`).digest('hex'));
  }
  return out;
}

/** error | warning | info, with fatal parse errors as errors. */
export function levelOf(m: LintMessage): 'error' | 'warning' | 'info' {
  if (m.fatal || m.severity === 2) return 'error';
  return m.level === 'info' ? 'info' : 'warning';
}
