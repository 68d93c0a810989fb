/** The shape of a rule module (`rules/<id>.ts`), after ESLint's `meta` + `create`. */
import type { Route, SourceDiagnostic, Span } from '../model/types.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeverityOrOff = Severity | 'off';

/**
 * Orders rule IDs by code point. IDs are lowercase ASCII words joined by '-', for which this is the
 * order `localeCompare` gave; `localeCompare` loads ICU's collator on first use (~12 ms of every run).
 */
export function compareRuleIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface RuleMeta {
  /** the public rule ID from RULES.md */
  id: string;
  /** default severity; rules that escalate with credentials pass `severity` in `report` */
  severity: Severity;
  /** one line: what the rule finds */
  description: string;
  /** security rules get a SARIF `security-severity` */
  security?: boolean;
  /** the rule can offer a `fix` */
  fixable?: boolean;
}

/** A text edit in one file, by 0-based offsets (end exclusive). */
export interface Fix {
  file: string;
  range: [number, number];
  text: string;
}

export interface Report {
  span: Span;
  message: string;
  /** overrides the rule's default (used by "error with credentials" rules); a user's setting still wins */
  severity?: Severity;
  fix?: Fix;
}

export interface ClientSpec {
  name: string;
  origin: string;
  credentials?: boolean;
  methods?: string[];
  headers?: string[];
}

export interface RuleSettings {
  /** clients that must get through (checked by simulation) */
  clients: ClientSpec[];
  /** registrable domains that are ours (for origin pattern analysis) */
  sites: string[];
}

export interface RuleContext {
  routes: readonly Route[];
  /** problems the sources found while reading (parse errors, includes, contexts) */
  diagnostics: readonly SourceDiagnostic[];
  settings: RuleSettings;
  /** the text of every file read, for rules that build fixes */
  files: ReadonlyMap<string, string>;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

/** Reports every source diagnostic carrying this rule's ID (parse-error, unresolved-include, ...). */
export function reportSourceDiagnostics(context: RuleContext, id: string): void {
  for (const d of context.diagnostics) {
    if (d.ruleId === id) context.report({ span: d.span, message: d.message });
  }
}
