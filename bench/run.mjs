// corslint's benchmark: every figure is compared, in the same run on the same machine, with
// `node -e 0` (process start) and, when nginx is installed, `nginx -t` on the same file.
// Usage: npm run bench [-- --quick]
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateNginx } from './gen-nginx.mjs';
import { generateCloudFormationJson, generateCloudFormationYaml } from './gen-cloudformation.mjs';
import { generateOpenApiJson, generateOpenApiYaml } from './gen-openapi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'corslint.js');
const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const work = mkdtempSync(join(tmpdir(), 'corslint-bench-'));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

function once(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Median wall time of RUNS runs after one warm-up. */
function median(cmd, args, runs = RUNS) {
  once(cmd, args);
  const times = [];
  for (let i = 0; i < runs; i++) times.push(once(cmd, args));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function peakRssMb(cmd, args) {
  if (!timeBin) return undefined;
  const r = spawnSync(timeBin, ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

const write = (name, text) => {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
};
/** Sizes and throughput in MiB (2^20 bytes), 4.9% stricter than the budgets' MB/s read as 10^6 bytes. */
const mb = (p) => statSync(p).size / (1024 * 1024);
const lintArgs = (p) => [bin, '--format', 'json', '--output-file', join(work, 'out.json'), p];
const fmt = (n, d = 1) => (n === undefined ? 'n/a' : n.toFixed(d));

console.log(`corslint bench — ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${RUNS} runs (median)`);

/**
 * Medians of two commands run in turn (one warm-up each): a ratio of two medians taken one after
 * the other moved with the machine's speed between them (on a shared machine, by a third).
 */
function medianPair([cmdA, argsA], [cmdB, argsB], runs = RUNS) {
  once(cmdA, argsA);
  once(cmdB, argsB);
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(once(cmdA, argsA));
    b.push(once(cmdB, argsB));
  }
  const mid = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [mid(a), mid(b)];
}

// Process start: the pre-commit budget is relative to this.
const small = write('small.conf', generateNginx(1));
const [nodeStart, smallTime] = medianPair([process.execPath, ['-e', '0']], [process.execPath, lintArgs(small)], RUNS * 2);
console.log(`\ncold start   node -e 0: ${fmt(nodeStart)} ms   corslint on one small file: ${fmt(smallTime)} ms   ratio ${fmt(smallTime / nodeStart, 2)}x (target <= 1.5x)`);

// nginx throughput and scaling.
console.log('\nnginx                size MiB   corslint ms  MiB/s (end to end)  peak RSS MiB   nginx -t ms   corslint / nginx -t');
// 1650 servers is the 2.9 MB config of the budget.
const sizes = quick ? [200, 1650] : [200, 1000, 1650, 10000];
const nginxTimes = new Map();
for (const servers of sizes) {
  const p = write(`nginx-${servers}.conf`, generateNginx(servers));
  const t = median(process.execPath, lintArgs(p));
  nginxTimes.set(servers, t);
  let nt;
  if (nginxBin) {
    const prefix = join(work, 'nginx-prefix');
    spawnSync('mkdir', ['-p', join(prefix, 'logs')]);
    nt = median(nginxBin, ['-t', '-q', '-p', prefix, '-e', join(prefix, 'logs', 'error.log'), '-c', p, '-g', `pid ${join(prefix, 'nginx.pid')};`], quick ? 1 : 3);
  }
  const rss = peakRssMb(process.execPath, lintArgs(p));
  console.log(
    `${String(servers).padStart(6)} servers      ${fmt(mb(p), 2).padStart(7)}   ${fmt(t).padStart(11)}   ${fmt(mb(p) / (t / 1000)).padStart(17)}   ${fmt(rss).padStart(11)}   ${fmt(nt).padStart(11)}   ${nt ? fmt(t / nt, 2) + 'x' : 'nginx not installed'}`,
  );
}
if (nginxTimes.has(1000) && nginxTimes.has(10000)) {
  const ratio = (nginxTimes.get(10000) - smallTime) / (nginxTimes.get(1000) - smallTime);
  console.log(`scaling: 10x input (1000 -> 10000 servers) took ${fmt(ratio, 2)}x the time, start-up subtracted (target <= 12x)`);
}

// CloudFormation / OpenAPI, YAML and JSON. Budgets: >= 5 MB/s end to end on the multi-MB inputs
// (3000 resources or paths), a 1 MB template (CloudFormation's own limit) well under a second, and
// 10x input in at most 12x time. Scaling is measured from 1000 to 10000, with the start-up of the
// same source and format subtracted (a one-resource input, timed alongside): at 300 the work left
// after start-up was so small that one slow run swung the ratio.
console.log('\ncloudformation/openapi     size MiB   corslint ms  MiB/s (end to end)  peak RSS MiB   findings');
const awsInputs = [
  ['cloudformation', 'resources', [['yaml', generateCloudFormationYaml], ['json', generateCloudFormationJson]]],
  ['openapi', 'paths', [['yaml', generateOpenApiYaml], ['json', generateOpenApiJson]]],
];

/** The largest count whose input stays within `bytes` (the generators grow with the count). */
function largestWithin(gen, bytes) {
  let lo = 1;
  let hi = 4096;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (Buffer.byteLength(gen(mid)) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function awsRow(label, p, runs) {
  const t = median(process.execPath, lintArgs(p), runs);
  const rss = peakRssMb(process.execPath, lintArgs(p));
  let findings = 'n/a';
  try {
    findings = String(JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')).reduce((c, r) => c + r.messages.length, 0));
  } catch {
    /* the source may not exist yet */
  }
  console.log(`${label.padEnd(25)}${fmt(mb(p), 2).padStart(7)}   ${fmt(t).padStart(11)}   ${fmt(mb(p) / (t / 1000)).padStart(17)}   ${fmt(rss).padStart(11)}   ${findings}`);
  return t;
}

const scalingLines = [];
for (const [kind, unit, generators] of awsInputs) {
  for (const [ext, gen] of generators) {
    const at = (n, runs = RUNS) => awsRow(`${String(n).padStart(5)} ${unit} ${ext}`, write(`${kind}-${n}.${ext}`, gen(n)), runs);
    const startUp = median(process.execPath, lintArgs(write(`${kind}-1.${ext}`, gen(1))), RUNS);
    at(3000);
    if (kind === 'cloudformation') {
      const n = largestWithin(gen, 1024 * 1024);
      awsRow(`  1 MiB template ${ext}`, write(`${kind}-1mib.${ext}`, gen(n)), RUNS);
    }
    if (quick) continue;
    const at1000 = at(1000);
    const at10000 = at(10000, 3);
    const ratio = (at10000 - startUp) / (at1000 - startUp);
    scalingLines.push(`scaling ${kind} ${ext}: 10x input (1000 -> 10000 ${unit}) took ${fmt(ratio, 2)}x the time, start-up (${fmt(startUp)} ms) subtracted (target <= 12x)`);
  }
}
for (const line of scalingLines) console.log(line);

rmSync(work, { recursive: true, force: true });
