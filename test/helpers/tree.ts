import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { allRules } from '../../rules/index.js';
import { fsHost } from '../../src/cli/host.js';
import { lintFiles, type LintResult } from '../../src/engine/lint.js';

/** Writes `files` (relative paths, subdirectories made as needed) under a new temporary directory; returns it. */
export function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'corslint-tree-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

/** Lints the files `names` of a tree in one run, with every rule, reading other files from disk. */
export function lintTree(root: string, names: string[]): Promise<LintResult[]> {
  return lintFiles(
    names.map((n) => ({ path: join(root, n), text: fsHost.readFile(join(root, n))! })),
    { rules: allRules, settings: { clients: [], sites: [] }, host: fsHost },
  );
}
