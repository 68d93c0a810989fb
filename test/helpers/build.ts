/**
 * Builds dist/ once for the end-to-end suites (CLI, LSP) that run the real `bin/corslint.js`.
 * Test files run in parallel processes: a lock directory serialises builds, and a build is
 * skipped when dist/ is newer than every source file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'corslint.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|json|mjs)$/.test(name)) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  const out = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  return newestSource(join(ROOT, 'src')) < built && newestSource(join(ROOT, 'rules')) < built;
}

export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `corslint-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // another suite is building; a lock older than two minutes is a leftover
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // it was just released
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!upToDate()) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
