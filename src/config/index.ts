/** Configuration: discovery (lilconfig), validation (zod), and what applies to one file. */
import type { RuleMeta, SeverityOrOff } from '../engine/rule.js';
import { configuredSeverity, isIgnored, type ResolvedConfig } from './load.js';

export { ConfigError, ConfigLoader, configuredSeverity, isIgnored, normalizeSeverity, SEARCH_PLACES, type ResolvedConfig } from './load.js';

/** What `--print-config FILE` prints: everything that applies to that file, after overrides and `--rule`. */
export function effectiveConfig(
  config: ResolvedConfig,
  file: string,
  rules: readonly RuleMeta[],
  ruleFlags: ReadonlyMap<string, SeverityOrOff>,
): Record<string, unknown> {
  const severities: Record<string, SeverityOrOff> = {};
  for (const meta of rules) {
    severities[meta.id] = ruleFlags.get(meta.id) ?? configuredSeverity(config, meta.id, file) ?? meta.severity;
  }
  return {
    filePath: file,
    configFile: config.filepath ?? null,
    ignored: isIgnored(config, file),
    rules: severities,
    clients: config.settings.clients,
    sites: config.settings.sites,
    ignores: config.ignorePatterns,
    overrides: config.overrides.map((o) => ({ files: o.patterns, rules: Object.fromEntries(o.rules) })),
  };
}
