/**
 * Inline suppressions in the config's own comment syntax (`#` for nginx, YAML and HCL; also
 * `//` in HCL), after ESLint's directives:
 *
 *   # corslint-disable-next-line reflected-origin, max-age-missing -- public read-only API
 *   add_header Access-Control-Allow-Origin $http_origin;  # corslint-disable-line reflected-origin
 *   # corslint-disable missing-vary-origin -- the CDN adds Vary
 *   ...
 *   # corslint-enable missing-vary-origin
 *   # corslint-disable-file max-age-missing
 *
 * No rule list means every rule. `disable-next-line` applies to the next line that is not
 * blank or a comment, so several directives can be stacked above one line. Suppressed
 * findings move to `suppressedMessages` with ESLint's `{ kind: 'directive', justification }`.
 * Fatal parse errors are never suppressed. JSON has no comments: use config `overrides`.
 */
import { countResult, type LintMessage, type LintResult } from './lint.js';
import { compareRuleIds, type Severity } from './rule.js';

export type DirectiveKind = 'disable' | 'enable' | 'disable-line' | 'disable-next-line' | 'disable-file';

export interface Directive {
  kind: DirectiveKind;
  /** rule IDs named; empty = all rules */
  rules: string[];
  justification: string;
  /** 1-based position of the comment's `#` */
  line: number;
  column: number;
  endColumn: number;
  /** the line the directive covers (disable-line / disable-next-line) */
  targetLine?: number;
}

/** pseudo rule IDs for problems with the directives themselves */
export const UNUSED_DIRECTIVE_ID = 'unused-disable-directive';
export const INVALID_DIRECTIVE_ID = 'invalid-disable-directive';

const DIRECTIVE = /^corslint-(disable-next-line|disable-line|disable-file|disable|enable)(?=\s|$)(.*)$/;

/** Files whose syntax has `#` comments (and `//` for HCL); JSON has none. */
function commentMarkers(path: string): string[] {
  const lower = path.toLowerCase();
  if (/\.json$/.test(lower)) return [];
  if (/\.(tf|hcl|tfvars)$/.test(lower)) return ['#', '//'];
  return ['#'];
}

/**
 * Finds the start of a comment on one line: a marker at the start of a token (line start,
 * after whitespace or `;{}`), outside quotes. Quotes open only at the start of a token, as in
 * nginx and YAML, so an apostrophe inside a word does not hide a comment.
 */
export function commentStart(line: string, markers: readonly string[]): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    const prev = i === 0 ? ' ' : line[i - 1]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    const tokenStart = /[\s;{}[\],:(]/.test(prev) || i === 0;
    if ((ch === '"' || ch === "'") && tokenStart) {
      quote = ch;
      continue;
    }
    if (!/[\s;{}]/.test(prev) && i !== 0) continue;
    for (const m of markers) if (line.startsWith(m, i)) return i;
  }
  return -1;
}

export interface ParsedDirectives {
  directives: Directive[];
  /** malformed directives (unknown rule IDs) */
  problems: { line: number; column: number; endColumn: number; message: string }[];
}

/** Reads every `corslint-*` directive comment in a file. */
export function parseDirectives(path: string, text: string, knownRules?: ReadonlySet<string>): ParsedDirectives {
  const markers = commentMarkers(path);
  const directives: Directive[] = [];
  const problems: ParsedDirectives['problems'] = [];
  if (!markers.length || !text.includes('corslint-')) return { directives, problems };
  const lines = text.split(/\r\n|\r|\n/);
  const pendingNextLine: Directive[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineText = lines[i]!;
    const at = commentStart(lineText, markers);
    const codeBefore = at < 0 ? lineText : lineText.slice(0, at);
    if (codeBefore.trim() !== '') {
      // a line with content: the target of pending disable-next-line directives
      for (const d of pendingNextLine) d.targetLine = i + 1;
      pendingNextLine.length = 0;
    }
    if (at < 0) continue;
    const marker = markers.find((m) => lineText.startsWith(m, at))!;
    const body = lineText.slice(at + marker.length).trim();
    const m = DIRECTIVE.exec(body);
    if (!m) continue;
    const kind = m[1] as DirectiveKind;
    const rest = m[2]!;
    const sep = rest.search(/\s--(?:\s|$)/);
    const list = (sep >= 0 ? rest.slice(0, sep) : rest).trim();
    const justification = sep >= 0 ? rest.slice(sep).replace(/^\s--\s*/, '').trim() : '';
    const rules = list
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const directive: Directive = { kind, rules: [], justification, line: i + 1, column: at + 1, endColumn: lineText.length + 1 };
    for (const r of rules) {
      if (knownRules && !knownRules.has(r)) {
        problems.push({ line: i + 1, column: at + 1, endColumn: lineText.length + 1, message: `Unknown rule "${r}" in corslint-${kind} directive: nothing is suppressed for it (see \`corslint rules\`)` });
      } else directive.rules.push(r);
    }
    // A directive naming only unknown rules suppresses nothing (rather than everything).
    if (rules.length && !directive.rules.length) continue;
    if (kind === 'disable-line') directive.targetLine = i + 1;
    if (kind === 'disable-next-line') pendingNextLine.push(directive);
    directives.push(directive);
  }
  return { directives, problems };
}

const covers = (d: Directive, ruleId: string) => d.rules.length === 0 || d.rules.includes(ruleId);

/** The directive that suppresses a finding at (line, column) of `ruleId`, if any. */
export function suppressingDirective(directives: readonly Directive[], ruleId: string, line: number, column: number): Directive | undefined {
  for (const d of directives) {
    if ((d.kind === 'disable-line' || d.kind === 'disable-next-line') && d.targetLine === line && covers(d, ruleId)) return d;
  }
  // Ranges: the last disable/enable before the position that concerns this rule decides.
  let global: Directive | undefined;
  const perRule = new Map<string, Directive | undefined>();
  for (const d of directives) {
    if (d.kind !== 'disable' && d.kind !== 'enable') continue;
    if (d.line > line || (d.line === line && d.column > column)) break;
    if (d.rules.length === 0) {
      global = d.kind === 'disable' ? d : undefined;
      perRule.clear();
    } else if (d.rules.includes(ruleId)) {
      perRule.set(ruleId, d.kind === 'disable' ? d : undefined);
    }
  }
  const ranged = perRule.has(ruleId) ? perRule.get(ruleId) : global;
  if (ranged) return ranged;
  return directives.find((d) => d.kind === 'disable-file' && covers(d, ruleId));
}

export interface SuppressionOptions {
  /** report directives that suppressed nothing, at this severity */
  reportUnused?: Severity | 'off';
  /** rule IDs that exist; directives naming others are reported */
  knownRules?: readonly string[];
}

function directiveMessage(ruleId: string, severity: Severity, line: number, column: number, endColumn: number, message: string): LintMessage {
  return { ruleId, severity: severity === 'error' ? 2 : 1, level: severity, message, line, column, endLine: line, endColumn };
}

/** The `LintOptions.postProcess` step that applies inline directives. */
export function applySuppressions(options: SuppressionOptions = {}) {
  const known = options.knownRules ? new Set(options.knownRules) : undefined;
  return (results: LintResult[], files: ReadonlyMap<string, string>): LintResult[] => {
    for (const result of results) {
      const text = files.get(result.filePath) ?? result.source;
      if (text === undefined) continue;
      const { directives, problems } = parseDirectives(result.filePath, text, known);
      if (!directives.length && !problems.length) continue;
      const used = new Map<Directive, Set<string>>();
      const kept: LintMessage[] = [];
      for (const m of result.messages) {
        const d = m.fatal ? undefined : suppressingDirective(directives, m.ruleId, m.line, m.column);
        if (!d) {
          kept.push(m);
          continue;
        }
        let names = used.get(d);
        if (!names) used.set(d, (names = new Set()));
        names.add(m.ruleId);
        result.suppressedMessages.push({ ...m, suppressions: [{ kind: 'directive', justification: d.justification }] });
      }
      for (const p of problems) kept.push(directiveMessage(INVALID_DIRECTIVE_ID, 'warning', p.line, p.column, p.endColumn, p.message));
      if (options.reportUnused && options.reportUnused !== 'off') {
        for (const d of directives) {
          if (d.kind === 'enable') continue;
          const names = used.get(d);
          const unusedNames = d.rules.length ? d.rules.filter((r) => !names?.has(r)) : names ? [] : ['*'];
          for (const r of unusedNames) {
            const what = r === '*' ? '' : ` (no problems were reported from '${r}')`;
            kept.push(directiveMessage(UNUSED_DIRECTIVE_ID, options.reportUnused, d.line, d.column, d.endColumn, `Unused corslint-${d.kind} directive${what}.`));
          }
        }
      }
      kept.sort((a, b) => a.line - b.line || a.column - b.column || compareRuleIds(a.ruleId, b.ruleId));
      result.messages = kept;
      countResult(result);
    }
    return results;
  };
}
