import type { LintResult } from '../engine/lint.js';
import type { RuleMeta } from '../engine/rule.js';

export interface FormatContext {
  cwd: string;
  /** metadata of every rule, for formats that describe rules (sarif) */
  rules: readonly RuleMeta[];
  color: boolean;
}

export type Formatter = (results: LintResult[], context: FormatContext) => string;
