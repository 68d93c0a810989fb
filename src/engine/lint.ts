/**
 * The engine: detect each input's kind, let its source build routes, run the rules, and
 * turn reports into ESLint-shaped results per file.
 */
import type { SourceKind, SourceResult, Span } from '../model/types.js';
import type { InputFile, SourceAdapter, SourceHost } from '../sources/types.js';
import { detectKind } from '../sources/detect.js';
import { loadPatternSupport, needsPatternSupport, prepareOriginAnalysis } from '../model/patterns.js';
import type { Fix, Rule, RuleSettings, Severity, SeverityOrOff } from './rule.js';

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

export async function loadSources(byKind: Map<SourceKind, InputFile[]>, host: SourceHost): Promise<SourceResult> {
  const merged: SourceResult = { routes: [], diagnostics: [], files: new Map() };
  for (const [kind, files] of byKind) {
    const loader = LOADERS[kind];
    if (!loader) continue;
    const adapter = await loader();
    let result: SourceResult;
    try {
      result = adapter.load(files, host);
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
  }
  // Rules and the simulator test regexes synchronously: load that support (a large lazy chunk) first, if needed.
  if (needsPatternSupport(merged.routes)) await loadPatternSupport();
  return merged;
}

/** Runs every enabled rule over a source result and returns raw findings. */
export function runRules(source: SourceResult, options: LintOptions): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const fatalIds = new Set(source.diagnostics.filter((d) => d.fatal).map((d) => `${d.span.file}\0${d.message}`));
  for (const rule of options.rules) {
    const id = rule.meta.id;
    rule.check({
      routes: source.routes,
      diagnostics: source.diagnostics,
      settings: options.settings,
      files: source.files,
      report(r) {
        const configured = options.severityFor?.(id, r.span.file);
        if (configured === 'off') return;
        const severity = configured ?? r.severity ?? rule.meta.severity;
        const key = `${id}\0${r.span.file}\0${r.span.line}\0${r.span.column}\0${r.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        const finding: Finding = { ruleId: id, severity, message: r.message, span: r.span };
        if (r.fix) finding.fix = r.fix;
        if (id === 'parse-error' && fatalIds.has(`${r.span.file}\0${r.message}`)) finding.fatal = true;
        findings.push(finding);
      },
    });
  }
  return findings;
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
  r.errorCount = r.messages.filter((m) => m.severity === 2).length;
  r.warningCount = r.messages.filter((m) => m.level === 'warning').length;
  r.infoCount = r.messages.filter((m) => m.level === 'info').length;
  r.fatalErrorCount = r.messages.filter((m) => m.fatal).length;
  r.fixableErrorCount = r.messages.filter((m) => m.severity === 2 && m.fix).length;
  r.fixableWarningCount = r.messages.filter((m) => m.severity === 1 && m.fix).length;
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
  for (const f of findings) resultFor(f.span.file).messages.push(toMessage(f));
  for (const r of byFile.values()) {
    r.messages.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
    countResult(r);
  }
  return [...byFile.values()];
}

/** Lints a set of files end to end. */
export async function lintFiles(files: InputFile[], options: LintOptions, forcedKind?: SourceKind): Promise<LintResult[]> {
  const byKind = classify(files, forcedKind);
  const source = await loadSources(byKind, options.host);
  // the origin rules' automaton search (refa, a large lazy chunk): only when some allowlist pattern needs it
  await prepareOriginAnalysis(source.routes, options.settings.sites);
  const findings = runRules(source, options);
  const linted = [...byKind.values()].flat().map((f) => f.path);
  let results = toResults(findings, linted, source.files);
  if (options.postProcess) results = options.postProcess(results, source.files).map(countResult);
  return results;
}
