// Evaluates corslint against the labelled corpus in ../shared/corpus (when present): per source
// kind, how many `must` labels are found, `mustNot` rules that fired anyway, and findings on files
// labelled clean. The corpus files carry other projects' licences: they are read here, never copied
// into the repository (Terraform modules are linted from a temporary copy, removed afterwards).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpusArg = process.argv.slice(2).find((a) => !a.startsWith('--'));
const corpus = resolve(corpusArg ?? join(root, '..', 'shared', 'corpus'));
const expectedPath = join(corpus, 'expected.json');
if (!existsSync(expectedPath)) {
  console.log(`No corpus at ${corpus} (expected.json missing): nothing to evaluate.`);
  process.exit(0);
}
const verbose = process.argv.includes('--verbose');
const expected = JSON.parse(readFileSync(expectedPath, 'utf8'));
const bin = join(root, 'bin', 'corslint.js');

function lint(file) {
  let out;
  try {
    out = execFileSync(process.execPath, [bin, '--format', 'json', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (err) {
    if (err.status === 1) out = err.stdout;
    else return { crashed: `exit ${err.status}: ${String(err.stderr).trim().split('\n').slice(-3).join(' | ')}` };
  }
  return { results: JSON.parse(out) };
}

/**
 * The corpus keeps files of several repositories side by side, flattened to `owner__repo__path`.
 * corslint reads a Terraform file's directory as one module, so each file is linted in a copy of
 * its own directory: the files whose names share its `owner__repo__dir__` prefix.
 */
function lintAsModule(file) {
  const dir = dirname(file);
  const name = basename(file);
  const prefix = name.slice(0, name.lastIndexOf('__') + 2);
  const copy = mkdtempSync(join(tmpdir(), 'corslint-corpus-'));
  try {
    for (const sibling of readdirSync(dir)) {
      if (sibling.startsWith(prefix) && sibling.endsWith('.tf')) copyFileSync(join(dir, sibling), join(copy, sibling));
    }
    const run = lint(join(copy, name));
    for (const r of run.results ?? []) if (dirname(r.filePath) === copy) r.filePath = join(dir, basename(r.filePath));
    return run;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

const byKind = new Map();
const stat = (kind) => {
  if (!byKind.has(kind)) byKind.set(kind, { files: 0, must: 0, found: 0, mustNotViolations: 0, cleanFiles: 0, cleanAlarms: 0, crashes: 0, details: [] });
  return byKind.get(kind);
};

for (const [rel, label] of Object.entries(expected)) {
  if (rel.startsWith('_')) continue;
  const kind = rel.split('/')[0];
  const s = stat(kind);
  s.files++;
  const file = join(corpus, rel);
  const run = kind === 'terraform' ? lintAsModule(file) : lint(file);
  if (run.crashed) {
    s.crashes++;
    s.details.push(`CRASH ${rel}: ${run.crashed}`);
    continue;
  }
  const messagesFor = (path) => run.results.filter((r) => r.filePath === path).flatMap((r) => r.messages);
  const own = messagesFor(file);
  for (const [ruleId, lines, other] of label.must ?? []) {
    s.must++;
    const where = other ? join(corpus, other) : file;
    const hit = messagesFor(where).some((m) => m.ruleId === ruleId && (lines.length === 0 || lines.includes(m.line)));
    if (hit) s.found++;
    else s.details.push(`MISSED ${rel}: ${ruleId} at ${lines.join('|') || 'any line'}${other ? ` in ${other}` : ''} (got: ${own.filter((m) => m.ruleId === ruleId).map((m) => m.line).join(',') || 'none'})`);
  }
  for (const ruleId of label.mustNot ?? []) {
    const bad = own.filter((m) => m.ruleId === ruleId);
    if (bad.length) {
      s.mustNotViolations++;
      s.details.push(`FALSE ALARM ${rel}: ${ruleId} at ${bad.map((m) => m.line).join(',')}`);
    }
  }
  if (label.clean) {
    s.cleanFiles++;
    const alarms = own.filter((m) => m.level !== 'info');
    if (alarms.length) {
      s.cleanAlarms++;
      s.details.push(`FALSE ALARM (clean) ${rel}: ${alarms.map((m) => `${m.ruleId}@${m.line}`).join(', ')}`);
    }
  }
  if (verbose) s.details.push(`  ${rel}: ${own.map((m) => `${m.ruleId}@${m.line}`).join(', ') || 'no findings'}`);
}

console.log('kind            files  must found  mustNot-violations  clean-files  clean-alarms  crashes');
let bad = 0;
for (const [kind, s] of [...byKind].sort()) {
  console.log(
    `${kind.padEnd(15)} ${String(s.files).padStart(5)} ${String(s.must).padStart(5)} ${String(s.found).padStart(5)}  ${String(s.mustNotViolations).padStart(18)}  ${String(s.cleanFiles).padStart(11)}  ${String(s.cleanAlarms).padStart(12)}  ${String(s.crashes).padStart(7)}`,
  );
  bad += s.crashes;
}
for (const [kind, s] of [...byKind].sort()) for (const d of s.details) console.log(`${kind}: ${d}`);
process.exit(bad ? 1 : 0);
