/**
 * GitLab Code Quality report (`artifacts: reports: codequality`): a JSON array of issues with
 * a repo-relative path, begin/end lines, a severity GitLab knows, and a fingerprint that is
 * unique per finding and stable across unrelated edits (so the merge request widget shows
 * only new and resolved findings).
 */
import type { LintMessage } from '../engine/lint.js';
import { findRoot, fingerprints, levelOf, relativePath } from './paths.js';
import type { Formatter } from './types.js';

type GitLabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export const gitlab: Formatter = (results, context) => {
  const root = findRoot(context.cwd);
  const security = new Set(context.rules.filter((r) => r.security).map((r) => r.id));
  const severity = (m: LintMessage): GitLabSeverity => {
    if (m.fatal) return 'blocker';
    const level = levelOf(m);
    if (level === 'error') return security.has(m.ruleId) ? 'critical' : 'major';
    return level === 'warning' ? 'minor' : 'info';
  };
  const issues: Record<string, unknown>[] = [];
  for (const r of results) {
    const path = relativePath(root, r.filePath);
    const fps = fingerprints(r, path);
    for (const m of r.messages) {
      issues.push({
        type: 'issue',
        check_name: m.ruleId,
        description: m.message,
        categories: [security.has(m.ruleId) ? 'Security' : 'Bug Risk'],
        severity: severity(m),
        fingerprint: fps.get(m),
        location: { path, lines: { begin: m.line, end: Math.max(m.line, m.endLine ?? m.line) } },
      });
    }
  }
  return JSON.stringify(issues, null, 2) + '\n';
};
