/**
 * `--aws <target>`: lints live AWS configuration under the configuration that applies to the
 * working directory (rule severities, `--rule` flags, clients and sites). Imported only when
 * `--aws` is given, so ordinary runs never load the AWS SDK.
 */
import { join } from 'node:path';
import type { ConfigLoader } from '../config/index.js';
import { runRules, toResults, type LintResult } from '../engine/lint.js';
import { prepareOriginAnalysis } from '../model/patterns.js';
import type { SeverityOrOff } from '../engine/rule.js';
import { lintOptionsFor } from './configured-lint.js';
import { UsageError } from './discover.js';
import { fsHost } from './host.js';

export async function lintAwsTargets(specs: readonly string[], options: { cwd: string; loader: ConfigLoader; ruleFlags?: ReadonlyMap<string, SeverityOrOff> }): Promise<LintResult[]> {
  const { loadAwsLive, AwsLiveError } = await import('../sources/aws-live/index.js');
  let live: Awaited<ReturnType<typeof loadAwsLive>>;
  try {
    live = await loadAwsLive(specs);
  } catch (err) {
    // Missing permissions or credentials, unknown ids, bad targets: a configuration failure (exit 2).
    if (err instanceof AwsLiveError) throw new UsageError(err.message);
    throw err;
  }
  // Live targets have no file: the configuration nearest the working directory applies.
  const config = await options.loader.forFile(join(options.cwd, 'corslint-aws-target'));
  const lintOptions = lintOptionsFor(config, { loader: options.loader, ruleFlags: options.ruleFlags, host: fsHost });
  // live routes skip the engine's loadSources/lintFiles: make the origin-pattern analysis ready here
  await prepareOriginAnalysis(live.result.routes, lintOptions.settings.sites);
  const findings = runRules(live.result, lintOptions);
  return toResults(findings, live.targets, live.result.files);
}
