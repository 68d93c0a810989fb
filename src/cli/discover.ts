/** Turns command-line paths and globs into the files to lint, honouring .gitignore. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { glob, isDynamicPattern } from 'tinyglobby';

export class UsageError extends Error {}

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/.terraform/**', '**/cdk.out/**'];

/** The .gitignore rules that apply under `dir`, read from `dir` up to the repository root. */
function gitignoreFor(dir: string): { root: string; ig: Ignore } {
  let root = dir;
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) {
      root = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  const ig = ignore();
  // Nested .gitignore files between the root and dir also apply.
  const rel = relative(root, dir);
  const parts = rel ? rel.split(sep) : [];
  for (let i = 0; i <= parts.length; i++) {
    const d = join(root, ...parts.slice(0, i));
    const file = join(d, '.gitignore');
    if (!existsSync(file)) continue;
    const prefix = relative(root, d).split(sep).join('/');
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      if (!prefix) ig.add(t);
      else {
        const neg = t.startsWith('!');
        const body = neg ? t.slice(1) : t;
        const anchored = body.replace(/^\//, '');
        ig.add(`${neg ? '!' : ''}${prefix}/${body.includes('/') && !body.endsWith('/') ? anchored : '**/' + anchored}`);
      }
    }
  }
  return { root, ig };
}

export interface DiscoverOptions {
  cwd: string;
  /** extra ignore globs (config `ignores`) */
  ignores?: string[];
}

/** Resolves paths, directories and globs into a sorted, de-duplicated list of absolute file paths. */
export async function discoverFiles(patterns: string[], options: DiscoverOptions): Promise<string[]> {
  const out = new Set<string>();
  const cwd = options.cwd;
  const extraIgnore = ignore().add(options.ignores ?? []);
  const keep = (abs: string): boolean => {
    const rel = relative(cwd, abs).split(sep).join('/');
    return rel.startsWith('..') || isAbsolute(rel) || rel === '' || !extraIgnore.ignores(rel);
  };
  for (const pattern of patterns) {
    const abs = resolve(cwd, pattern);
    if (existsSync(abs)) {
      const st = statSync(abs);
      if (st.isFile()) {
        // A file named explicitly is linted even when ignored (as pre-commit passes it).
        out.add(abs);
        continue;
      }
      if (st.isDirectory()) {
        const { root, ig } = gitignoreFor(abs);
        const found = await glob('**/*', { cwd: abs, absolute: true, dot: true, ignore: ALWAYS_IGNORED, onlyFiles: true });
        for (const f of found) {
          const rel = relative(root, f).split(sep).join('/');
          if (rel && !rel.startsWith('..') && ig.ignores(rel)) continue;
          if (!keep(f)) continue;
          out.add(f);
        }
        continue;
      }
    }
    if (isDynamicPattern(pattern)) {
      const found = await glob(pattern, { cwd, absolute: true, dot: true, ignore: ALWAYS_IGNORED, onlyFiles: true });
      if (found.length === 0) throw new UsageError(`No files matching the pattern "${pattern}" were found.`);
      for (const f of found) if (keep(f)) out.add(f);
      continue;
    }
    throw new UsageError(`No such file or directory: ${pattern}`);
  }
  return [...out].sort();
}
