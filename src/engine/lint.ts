/**
 * The engine: detect each input's kind, let its source build routes, run the rules, and
 * turn reports into ESLint-shaped results per file.
 */
import type { Route, SourceKind, SourceResult, Span } from '../model/types.js';
import type { InputFile, SourceAdapter, SourceHost } from '../sources/types.js';
import { detectKind } from '../sources/detect.js';
import { loadPatternSupport, needsPatternSupport, prepareOriginAnalysis } from '../model/patterns.js';
import { positionKey } from '../model/query.js';
import { compareRuleIds, type Fix, type Rule, type RuleContext, type RuleSettings, type Severity, type SeverityOrOff } from './rule.js';
import type { Timing } from './timing.js';

export interface LintMessage {
  ruleId: string;
  severity: 1 | 2;
  level: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fatal?: boolean;
  fix?: { range: [number, number]; text: string };
}

export interface LintResult {
  filePath: string;
  messages: LintMessage[];
  suppressedMessages: (LintMessage & { suppressions: { kind: string; justification: string }[] })[];
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fatalErrorCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** the file's text when the engine has it (used by fixers and the stylish/sarif formatters) */
  source?: string;
}

/** One finding before it is placed into a file's result. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  span: Span;
  fatal?: boolean;
  fix?: Fix;
}

export interface LintOptions {
  rules: readonly Rule[];
  settings: RuleSettings;
  /** the severity configured for a rule in a file (command line, config, overrides); undefined = default */
  severityFor?: (ruleId: string, filePath: string) => SeverityOrOff | undefined;
  host: SourceHost;
  /** post-processing per file (inline suppressions); returns the kept and the suppressed findings */
  postProcess?: (results: LintResult[], files: ReadonlyMap<string, string>) => LintResult[];
  /** `TIMING`: measures each rule and source */
  timing?: Timing;
}

const LOADERS: Partial<Record<SourceKind, () => Promise<SourceAdapter>>> = {
  nginx: async () => (await import('../sources/nginx/index.js')).nginxSource,
  cloudformation: async () => (await import('../sources/cloudformation/index.js')).cloudformationSource,
  openapi: async () => (await import('../sources/openapi/index.js')).openapiSource,
  serverless: async () => (await import('../sources/serverless/index.js')).serverlessSource,
  terraform: async () => (await import('../sources/terraform/index.js')).terraformSource,
};

/** Sources register lazily so a run only loads the parsers it needs. */
export function registerSource(kind: SourceKind, loader: () => Promise<SourceAdapter>): void {
  LOADERS[kind] = loader;
}

export function knownKinds(): SourceKind[] {
  return Object.keys(LOADERS) as SourceKind[];
}

/** Groups input files by detected kind; files of no known kind are skipped quietly. */
export function classify(files: InputFile[], forcedKind?: SourceKind): Map<SourceKind, InputFile[]> {
  const byKind = new Map<SourceKind, InputFile[]>();
  for (const f of files) {
    const kind = forcedKind ?? detectKind(f.path, f.text);
    if (!kind || !LOADERS[kind]) continue;
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(f);
  }
  return byKind;
}

export async function loadSources(byKind: Map<SourceKind, InputFile[]>, host: SourceHost, timing?: Timing): Promise<SourceResult> {
  const merged: SourceResult = { routes: [], diagnostics: [], files: new Map() };
  /** documents a source read as part of another file, and that source's routes */
  const partOf = new Set<string>();
  const readingThem = new Set<Route>();
  for (const [kind, files] of byKind) {
    const loader = LOADERS[kind];
    if (!loader) continue;
    const adapter = await loader();
    let result: SourceResult;
    try {
      result = timing ? timing.source(kind, () => adapter.load(files, host)) : adapter.load(files, host);
    } catch (err) {
      // A source bug must not take the other files down: report it on each of its files.
      result = { routes: [], diagnostics: [], files: new Map(files.map((f) => [f.path, f.text])) };
      for (const f of files) {
        result.diagnostics.push({
          ruleId: 'parse-error',
          fatal: true,
          message: `Internal error while reading this ${kind} file: ${(err as Error).message}`,
          span: { file: f.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
        });
      }
    }
    merged.routes.push(...result.routes);
    merged.diagnostics.push(...result.diagnostics);
    for (const [k, v] of result.files) merged.files.set(k, v);
    for (const f of files) if (!merged.files.has(f.path)) merged.files.set(f.path, f.text);
    if (result.readAsPartOf) {
      for (const p of result.readAsPartOf) partOf.add(p);
      for (const r of result.routes) readingThem.add(r);
    }
  }
  // A document another source read as part of a file of the run: only that reading's routes count.
  if (partOf.size) merged.routes = merged.routes.filter((r) => readingThem.has(r) || !partOf.has(r.span.file));
  // Rules and the simulator test regexes synchronously: load that support (a large lazy chunk) first, if needed.
  if (needsPatternSupport(merged.routes)) await loadPatternSupport();
  return merged;
}

/** Runs every enabled rule over a source result and returns raw findings. */
export function runRules(source: SourceResult, options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  const fatalIds = new Set(source.diagnostics.filter((d) => d.fatal).map((d) => `${d.span.file}\0${d.message}`));
  const severityFor = options.severityFor;
  const seenById = new Map<string, ReportedSpans>();
  for (const rule of options.rules) {
    const id = rule.meta.id;
    const seen = seenById.get(id) ?? new ReportedSpans();
    seenById.set(id, seen);
    // The configured severity depends on the rule and the file only: asked once per file, not per finding.
    let lastFile: string | undefined;
    let lastConfigured: SeverityOrOff | undefined;
    const context: RuleContext = {
      routes: source.routes,
      diagnostics: source.diagnostics,
      settings: options.settings,
      files: source.files,
      report(r) {
        const span = r.span;
        let configured: SeverityOrOff | undefined;
        if (severityFor) {
          if (span.file !== lastFile) {
            lastConfigured = severityFor(id, span.file);
            lastFile = span.file;
          }
          configured = lastConfigured;
        }
        if (configured === 'off') return;
        const severity = configured ?? r.severity ?? rule.meta.severity;
        const message = span.via === undefined ? r.message : `${r.message} (in ${span.via})`;
        if (!seen.add(span, message)) return;
        const finding: Finding = { ruleId: id, severity, message, span };
        if (r.fix) finding.fix = r.fix;
        if (id === 'parse-error' && fatalIds.has(`${span.file}\0${r.message}`)) finding.fatal = true;
        findings.push(finding);
      },
    };
    if (options.timing) options.timing.rule(id, () => rule.check(context));
    else rule.check(context);
  }
  return findings;
}

/**
 * The (file, line, column, message) of one rule's findings, to report each once. Positions are
 * keyed by number (positionKey) and messages compared only against others at the same position
 * (usually none), so no key string is built and hashed per finding.
 */
class ReportedSpans {
  private readonly byFile = new Map<string, Map<number, string | string[]>>();
  private readonly byKey = new Set<string>();

  /** false when this message was already reported at this position */
  add(span: Span, message: string): boolean {
    const pos = positionKey(span);
    if (pos === undefined) {
      const key = `${span.file}\0${span.line}\0${span.column}\0${message}`;
      if (this.byKey.has(key)) return false;
      this.byKey.add(key);
      return true;
    }
    let byPos = this.byFile.get(span.file);
    if (!byPos) this.byFile.set(span.file, (byPos = new Map()));
    const have = byPos.get(pos);
    if (have === undefined) byPos.set(pos, message);
    else if (typeof have === 'string') {
      if (have === message) return false;
      byPos.set(pos, [have, message]);
    } else {
      if (have.includes(message)) return false;
      have.push(message);
    }
    return true;
  }
}

function toMessage(f: Finding): LintMessage {
  const m: LintMessage = {
    ruleId: f.ruleId,
    severity: f.severity === 'error' ? 2 : 1,
    level: f.severity,
    message: f.message,
    line: f.span.line,
    column: f.span.column,
    endLine: f.span.endLine,
    endColumn: f.span.endColumn,
  };
  if (f.fatal) m.fatal = true;
  // ESLint fix ranges are offsets into the message's own file; a fix for another file cannot be expressed.
  if (f.fix && f.fix.file === f.span.file) m.fix = { range: f.fix.range, text: f.fix.text };
  return m;
}

export function countResult(r: LintResult): LintResult {
  // one pass over the messages for all six counts
  r.errorCount = r.warningCount = r.infoCount = r.fatalErrorCount = r.fixableErrorCount = r.fixableWarningCount = 0;
  const messages = r.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.severity === 2) {
      r.errorCount++;
      if (m.fix) r.fixableErrorCount++;
    } else if (m.severity === 1 && m.fix) r.fixableWarningCount++;
    if (m.level === 'warning') r.warningCount++;
    else if (m.level === 'info') r.infoCount++;
    if (m.fatal) r.fatalErrorCount++;
  }
  return r;
}

/** A file's result with no messages and zero counts; `source` is set only when given. */
export function emptyResult(filePath: string, source?: string): LintResult {
  const r: LintResult = {
    filePath,
    messages: [],
    suppressedMessages: [],
    errorCount: 0,
    warningCount: 0,
    infoCount: 0,
    fatalErrorCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
  };
  if (source !== undefined) r.source = source;
  return r;
}

/** Places findings into one result per file: every input file, plus any other file a finding points at. */
export function toResults(findings: Finding[], inputPaths: string[], files: ReadonlyMap<string, string>): LintResult[] {
  const byFile = new Map<string, LintResult>();
  const resultFor = (filePath: string): LintResult => {
    let r = byFile.get(filePath);
    if (!r) {
      r = emptyResult(filePath, files.get(filePath));
      byFile.set(filePath, r);
    }
    return r;
  };
  for (const p of inputPaths) resultFor(p);
  // thousands of findings: an indexed loop (a for-of makes a result object per element in unoptimized code)
  for (let i = 0; i < findings.length; i++) resultFor(findings[i]!.span.file).messages.push(toMessage(findings[i]!));
  const rank = ruleIdRanks(findings);
  for (const r of byFile.values()) {
    r.messages.sort((a, b) => a.line - b.line || a.column - b.column || rank.get(a.ruleId)! - rank.get(b.ruleId)!);
    countResult(r);
  }
  return [...byFile.values()];
}

/**
 * Each rule ID's place in `compareRuleIds` order: sorting thousands of messages compares ranks
 * instead of comparing the same few IDs again and again.
 */
function ruleIdRanks(findings: readonly Finding[]): Map<string, number> {
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort(compareRuleIds);
  const rank = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) rank.set(ids[i]!, i);
  return rank;
}

/** Lints a set of files end to end. */
export async function lintFiles(files: InputFile[], options: LintOptions, forcedKind?: SourceKind): Promise<LintResult[]> {
  const byKind = classify(files, forcedKind);
  const source = await loadSources(byKind, options.host, options.timing);
  // the origin rules' automaton search (refa, a large lazy chunk): only when some allowlist pattern needs it
  await prepareOriginAnalysis(source.routes, options.settings.sites);
  const findings = runRules(source, options);
  const linted = [...byKind.values()].flat().map((f) => f.path);
  let results = toResults(findings, linted, source.files);
  if (options.postProcess) results = options.postProcess(results, source.files).map(countResult);
  return results;
}
