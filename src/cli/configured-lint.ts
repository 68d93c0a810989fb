/**
 * Lints files under their configuration: each file's nearest config (or `--config`) decides its
 * ignores, rule severities (with overrides by glob) and settings; `--rule` flags win. Files that
 * share a config are linted in one run (so includes and cross-file facts work), and inline
 * suppressions and fixes apply. Used by the lint command and the language server.
 */
import { allRules } from '../../rules/index.js';
import { configuredSeverity, isIgnored, type ConfigLoader, type ResolvedConfig } from '../config/index.js';
import type { FixedResult, FixOptions } from '../engine/fix.js';
import { countResult, lintFiles, type LintOptions } from '../engine/lint.js';
import { compareRuleIds, type Severity, type SeverityOrOff } from '../engine/rule.js';
import { applySuppressions } from '../engine/suppressions.js';
import type { Timing } from '../engine/timing.js';
import type { InputFile, SourceHost } from '../sources/types.js';

export interface ConfiguredLintOptions {
  loader: ConfigLoader;
  /** `--rule id:severity` flags; they win over every config */
  ruleFlags?: ReadonlyMap<string, SeverityOrOff>;
  host: SourceHost;
  /** `--report-unused-disable-directives` */
  reportUnused?: Severity | 'off';
  /** run the fix loop (`--fix`, `--fix-dry-run`, LSP code actions) */
  fix?: FixOptions;
  /** `TIMING`: measures each rule and source */
  timing?: Timing;
}

export interface ConfiguredLintRun {
  results: FixedResult[];
  /** new text of files changed by fixes */
  changed: Map<string, string>;
  /** files skipped because a config's `ignores` matched */
  ignored: string[];
}

export function lintOptionsFor(config: ResolvedConfig, options: ConfiguredLintOptions): LintOptions {
  const flags = options.ruleFlags;
  return {
    rules: allRules,
    settings: config.settings,
    severityFor: (id, file) => flags?.get(id) ?? configuredSeverity(config, id, file),
    host: options.host,
    postProcess: applySuppressions({ reportUnused: options.reportUnused ?? 'off', knownRules: allRules.map((r) => r.meta.id) }),
    timing: options.timing,
  };
}

export async function lintConfigured(inputs: readonly InputFile[], options: ConfiguredLintOptions): Promise<ConfiguredLintRun> {
  const groups = new Map<ResolvedConfig, InputFile[]>();
  const ignored: string[] = [];
  for (const input of inputs) {
    const config = await options.loader.forFile(input.path);
    if (isIgnored(config, input.path)) {
      ignored.push(input.path);
      continue;
    }
    let list = groups.get(config);
    if (!list) groups.set(config, (list = []));
    list.push(input);
  }
  const results: FixedResult[] = [];
  const changed = new Map<string, string>();
  // the fix loop loads only for --fix, --fix-dry-run and code actions
  const fixer = options.fix ? await import('../engine/fix.js') : undefined;
  for (const [config, files] of groups) {
    const lintOptions = lintOptionsFor(config, options);
    if (fixer && options.fix) {
      const run = await fixer.lintAndFix(files, lintOptions, options.fix);
      results.push(...run.results);
      for (const [k, v] of run.changed) changed.set(k, v);
    } else {
      results.push(...(await lintFiles(files, lintOptions)));
    }
  }
  // One result per file, even when two config groups both reported on a shared include.
  const byPath = new Map<string, FixedResult>();
  for (const r of results) {
    const prev = byPath.get(r.filePath);
    if (!prev) byPath.set(r.filePath, r);
    else {
      const key = (m: { ruleId: string; line: number; column: number; message: string }) => `${m.ruleId}\0${m.line}\0${m.column}\0${m.message}`;
      const have = new Set(prev.messages.map(key));
      for (const m of r.messages) if (!have.has(key(m))) prev.messages.push(m);
      prev.messages.sort((a, b) => a.line - b.line || a.column - b.column || compareRuleIds(a.ruleId, b.ruleId));
      countResult(prev);
    }
  }
  const merged = [...byPath.values()].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  return { results: merged, changed, ignored };
}
