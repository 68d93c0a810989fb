/**
 * Turns command-line paths and globs into the files to lint, honouring .gitignore. The glob and
 * ignore libraries (tinyglobby with picomatch and fdir, ignore: about 120 KB) load only when a
 * directory or a glob argument needs them: a run on named files never pays for them.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { UsageError } from './usage-error.js';

// node:fs without its ES module facade (see file-host.ts)
const fs = process.getBuiltinModule('node:fs');

export { UsageError };

const loadIgnore = async (): Promise<typeof import('ignore')> => (await import('ignore')).default;
const loadGlob = async (): Promise<typeof import('tinyglobby')> => import('tinyglobby');

const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/.terraform/**', '**/cdk.out/**'];

/** The .gitignore rules that apply under `dir`, read from `dir` up to the repository root. */
async function gitignoreFor(dir: string): Promise<{ root: string; ig: Ignore }> {
  let root = dir;
  for (let d = dir; ; d = dirname(d)) {
    if (fs.existsSync(join(d, '.git'))) {
      root = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  const ig = (await loadIgnore())();
  // Nested .gitignore files between the root and dir also apply.
  const rel = relative(root, dir);
  const parts = rel ? rel.split(sep) : [];
  for (let i = 0; i <= parts.length; i++) {
    const d = join(root, ...parts.slice(0, i));
    const file = join(d, '.gitignore');
    if (!fs.existsSync(file)) continue;
    const prefix = relative(root, d).split(sep).join('/');
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
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
  let extraIgnore: Ignore | undefined;
  const keep = async (abs: string): Promise<boolean> => {
    const rel = relative(cwd, abs).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel) || rel === '') return true;
    const ig = (extraIgnore ??= (await loadIgnore())().add(options.ignores ?? []));
    return !ig.ignores(rel);
  };
  for (const pattern of patterns) {
    const abs = resolve(cwd, pattern);
    if (fs.existsSync(abs)) {
      const st = fs.statSync(abs);
      if (st.isFile()) {
        // A file named explicitly is linted even when ignored (as pre-commit passes it).
        out.add(abs);
        continue;
      }
      if (st.isDirectory()) {
        const { root, ig } = await gitignoreFor(abs);
        const found = await (await loadGlob()).glob('**/*', { cwd: abs, absolute: true, dot: true, ignore: ALWAYS_IGNORED, onlyFiles: true });
        for (const f of found) {
          const rel = relative(root, f).split(sep).join('/');
          if (rel && !rel.startsWith('..') && ig.ignores(rel)) continue;
          if (!(await keep(f))) continue;
          out.add(f);
        }
        continue;
      }
      // a device, a FIFO or a socket: reading it may never end
      throw new UsageError(`Not a file or directory: ${pattern}`);
    }
    const { glob, isDynamicPattern } = await loadGlob();
    if (isDynamicPattern(pattern)) {
      const found = await glob(pattern, { cwd, absolute: true, dot: true, ignore: ALWAYS_IGNORED, onlyFiles: true });
      if (found.length === 0) throw new UsageError(`No files matching the pattern "${pattern}" were found.`);
      for (const f of found) if (await keep(f)) out.add(f);
      continue;
    }
    throw new UsageError(`No such file or directory: ${pattern}`);
  }
  return [...out].sort();
}
