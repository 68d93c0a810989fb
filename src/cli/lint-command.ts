/** `corslint [paths...]`: discover, lint, format, and decide the exit code. */
import { dirname, resolve } from 'node:path';
import { allRules } from '../../rules/index.js';
import { ConfigLoader, effectiveConfig } from '../config/index.js';
import type { Baseline } from '../engine/baseline.js';
import type { LintResult } from '../engine/lint.js';
import { lintConfigured } from './configured-lint.js';
import type { Severity, SeverityOrOff } from '../engine/rule.js';
import { Timing } from '../engine/timing.js';
import { formatterNames, loadFormatter } from '../formatters/index.js';
import type { InputFile } from '../sources/types.js';
import { discoverFiles } from './discover.js';
import { hostFor, readTextFile } from './file-host.js';
import { stdout } from './stdout.js';
import { UsageError } from './usage-error.js';

// node:fs without its ES module facade (see file-host.ts)
const fs = process.getBuiltinModule('node:fs');

export interface LintCommandOptions {
  format?: string;
  maxWarnings?: string;
  quiet?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  rule?: string[];
  outputFile?: string;
  color?: boolean;
  /** workflow options (config, suppressions, baseline, fixes) */
  config?: string;
  printConfig?: string;
  fix?: boolean;
  fixDryRun?: boolean;
  baseline?: string;
  baselineWrite?: string;
  pruneBaseline?: boolean;
  passOnStaleBaseline?: boolean;
  reportUnusedDisableDirectives?: boolean;
  /** `--aws rest-api:<id>[@stage]`, `http-api:<id>`, `cloudfront:<id>`: live AWS configuration to lint */
  aws?: string[];
}

const SEVERITIES: SeverityOrOff[] = ['off', 'info', 'warning', 'error'];

/** `--rule id:severity` pairs, validated against the known rules. */
export function parseRuleFlags(flags: string[] | undefined): Map<string, SeverityOrOff> {
  const map = new Map<string, SeverityOrOff>();
  const known = new Set(allRules.map((r) => r.meta.id));
  for (const flag of flags ?? []) {
    for (const part of flag.split(',')) {
      const m = /^\s*([a-z0-9-]+)\s*:\s*(off|info|warning|warn|error|0|1|2)\s*$/.exec(part);
      if (!m) throw new UsageError(`Invalid --rule value "${part}": expected <rule-id>:off|info|warning|error`);
      const id = m[1]!;
      if (!known.has(id)) throw new UsageError(`Unknown rule "${id}" in --rule (see \`corslint rules\`)`);
      const raw = m[2]!;
      const sev = raw === 'warn' || raw === '1' ? 'warning' : raw === '0' ? 'off' : raw === '2' ? 'error' : (raw as SeverityOrOff);
      if (!SEVERITIES.includes(sev)) throw new UsageError(`Invalid severity "${raw}"`);
      map.set(id, sev);
    }
  }
  return map;
}

/** NO_COLOR (non-empty) and FORCE_COLOR as https://no-color.org and Node; no colour into files or pipes. */
function colorByDefault(toFile: boolean): boolean {
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return !toFile && !!stdout().isTTY;
}

type BaselineModule = typeof import('../engine/baseline.js');

function readBaselineOrUsage(baseline: BaselineModule, path: string): Baseline {
  try {
    return baseline.readBaseline(path);
  } catch (err) {
    if (err instanceof baseline.BaselineError) throw new UsageError(err.message);
    throw err;
  }
}

function readStdin(): string {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export async function runLint(patterns: string[], opts: LintCommandOptions): Promise<number> {
  const cwd = process.cwd();
  const formatName = opts.format ?? 'stylish';
  const formatter = await loadFormatter(formatName);
  if (!formatter) throw new UsageError(`Unknown format "${formatName}" (one of: ${formatterNames().join(', ')})`);
  let maxWarnings = -1;
  if (opts.maxWarnings !== undefined) {
    maxWarnings = Number(opts.maxWarnings);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings expects an integer, got "${opts.maxWarnings}"`);
  }
  if (opts.pruneBaseline && !opts.baseline) throw new UsageError('--prune-baseline needs --baseline <file>');
  const ruleFlags = parseRuleFlags(opts.rule);
  const loader = new ConfigLoader({ cwd, configFile: opts.config, knownRules: allRules.map((r) => r.meta.id) });
  if (opts.printConfig !== undefined) {
    const file = resolve(cwd, opts.printConfig);
    const config = await loader.forFile(file);
    stdout().write(JSON.stringify(effectiveConfig(config, file, allRules.map((r) => r.meta), ruleFlags), null, 2) + '\n');
    return 0;
  }

  let inputs: InputFile[];
  if (opts.stdin) {
    if (patterns.length) throw new UsageError('--stdin cannot be combined with file paths');
    inputs = [{ path: resolve(cwd, opts.stdinFilename ?? '<stdin>'), text: readStdin() }];
  } else {
    if (patterns.length === 0 && !opts.aws?.length) throw new UsageError('No files given. Usage: corslint [options] <paths or globs...>');
    const paths = patterns.length ? await discoverFiles(patterns, { cwd }) : [];
    inputs = paths.map((path) => ({ path, text: readTextFile(path) ?? '' }));
  }

  // the glob library loads only when some input may include other files
  const fileHost = await hostFor(inputs);
  const host = opts.stdin
    ? { ...fileHost, readFile: (p: string) => (p === inputs[0]!.path ? inputs[0]!.text : fileHost.readFile(p)) }
    : fileHost;
  const fixing = !!(opts.fix || opts.fixDryRun);
  const timing = Timing.fromEnv();
  const run = await lintConfigured(inputs, {
    timing,
    loader,
    ruleFlags,
    host,
    reportUnused: opts.reportUnusedDisableDirectives ? 'error' : 'off',
    // ESLint: with --quiet only the fixes of errors are applied
    fix: fixing ? { filter: (m) => !opts.quiet || m.severity === 2 } : undefined,
  });
  let results: LintResult[] = run.results;
  // Live AWS targets: the SDK loads only here, when --aws is given.
  if (opts.aws?.length) results = [...results, ...(await (await import('./aws-lint.js')).lintAwsTargets(opts.aws, { cwd, loader, ruleFlags }))];
  // --fix writes files; with --stdin (or --fix-dry-run) the fixed text is only reported as `output`
  if (opts.fix && !opts.fixDryRun && !opts.stdin) {
    for (const [file, text] of run.changed) fs.writeFileSync(file, text);
    results = results.map(({ output: _output, ...r }: LintResult & { output?: string }) => r as LintResult);
  }
  const baselinePath = opts.baseline ?? opts.baselineWrite;
  // baselines load their code only when asked for
  const baseline = baselinePath ? await import('../engine/baseline.js') : undefined;
  if (baseline && opts.baselineWrite) {
    const path = resolve(cwd, opts.baselineWrite);
    const root = baseline.repoRoot(dirname(path));
    let previous: Baseline | undefined;
    if (fs.existsSync(path)) previous = readBaselineOrUsage(baseline, path);
    baseline.writeBaseline(path, baseline.updatedBaseline(previous, results, root));
  }
  let staleReport = '';
  if (baseline && baselinePath) {
    const path = resolve(cwd, baselinePath);
    const root = baseline.repoRoot(dirname(path));
    const recorded = readBaselineOrUsage(baseline, path);
    const linted = new Set(results.map((r) => baseline.baselineKey(root, r.filePath)));
    const stale = [...baseline.applyBaseline(results, recorded, root), ...baseline.entriesOfMissingFiles(recorded, root, linted)];
    if (stale.length && opts.pruneBaseline) {
      baseline.writeBaseline(path, baseline.prunedBaseline(recorded, stale));
      process.stderr.write(`corslint: pruned ${stale.length} stale entr${stale.length === 1 ? 'y' : 'ies'} from ${baselinePath}\n`);
    } else if (stale.length) staleReport = baseline.describeStale(stale, baselinePath);
  }

  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  if (opts.quiet) results = results.map((r) => ({ ...r, messages: r.messages.filter((m) => m.severity === 2) }));

  const color = opts.color ?? colorByDefault(!!opts.outputFile);
  const output = formatter(results as LintResult[], { cwd, rules: allRules.map((r) => r.meta), color });
  if (opts.outputFile) fs.writeFileSync(resolve(cwd, opts.outputFile), output);
  else if (output) stdout().write(output);
  if (timing) process.stderr.write(timing.format());

  // ESLint's unused suppressions: an out-of-date baseline is a configuration failure
  if (staleReport) {
    process.stderr.write(staleReport);
    if (!opts.passOnStaleBaseline) return 2;
  }
  if (errors > 0) return 1;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    process.stderr.write(`corslint found too many warnings (maximum: ${maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

export type { Severity };
