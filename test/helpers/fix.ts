/**
 * A rule's fixes end to end, for the AWS and mapping-expression fix tests: lint with every
 * rule, apply only that rule's fixes, and expect the fixed text to lint clean of the rule.
 */
import { expect } from 'vitest';
import { allRules } from '../../rules/index.js';
import { fsHost } from '../../src/cli/host.js';
import { lintAndFix } from '../../src/engine/fix.js';
import { lintFiles, type LintMessage, type LintOptions } from '../../src/engine/lint.js';

const options: LintOptions = { rules: allRules, settings: { clients: [], sites: [] }, host: fsHost };

/** The findings of one rule in a text linted as `path`. */
export async function ruleFindings(path: string, text: string, ruleId: string): Promise<LintMessage[]> {
  const [r] = await lintFiles([{ path, text }], options);
  return (r?.messages ?? []).filter((m) => m.ruleId === ruleId);
}

/** Expects findings of `ruleId`, each with a fix; applies only those fixes, expects the result clean of the rule, returns it. */
export async function fixAndRelint(path: string, text: string, ruleId: string): Promise<string> {
  const before = await ruleFindings(path, text, ruleId);
  expect(before.length).toBeGreaterThan(0);
  expect(before.every((m) => m.fix)).toBe(true);
  const run = await lintAndFix([{ path, text }], options, { filter: (m) => m.ruleId === ruleId });
  const fixed = run.changed.get(path);
  expect(fixed).toBeDefined();
  expect(await ruleFindings(path, fixed!, ruleId)).toEqual([]);
  return fixed!;
}
