/**
 * `corslint lsp --stdio`: a lint-only language server. Open nginx, YAML and JSON documents are
 * linted (with their configuration and inline suppressions) on open and on every change;
 * diagnostics carry the rule ID as `code` and its documentation as `codeDescription.href`.
 * Code actions apply a finding's fix, or insert a `corslint-disable-next-line` comment.
 * vscode-languageserver is loaded only here, by dynamic import (it is external in the bundle).
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as LSP from 'vscode-languageserver/node.js';
import type { TextDocument as TextDocumentType } from 'vscode-languageserver-textdocument';
import { allRules } from '../../rules/index.js';
import { ConfigError, ConfigLoader } from '../config/index.js';
import type { LintMessage } from '../engine/lint.js';
import { fsHost } from '../cli/host.js';
import { lintConfigured } from '../cli/configured-lint.js';
import { ruleDocUrl } from '../cli/rule-docs.js';

const KNOWN_RULES = new Set(allRules.map((r) => r.meta.id));

/** Extension for documents that have no file name (untitled), from the editor's language. */
const LANGUAGE_EXT: Record<string, string> = { nginx: '.conf', yaml: '.yaml', json: '.json', jsonc: '.json', terraform: '.tf' };

export function documentPath(uri: string, languageId?: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // fall through to a synthetic path
    }
  }
  const name = decodeURIComponent(uri.replace(/^[a-z]+:\/*/i, '').replace(/[?#].*$/, '')) || 'untitled';
  const ext = extname(name) ? '' : (LANGUAGE_EXT[languageId ?? ''] ?? '');
  return `/${name.replace(/^\/+/, '')}${ext}`;
}

export interface DiagnosticData {
  ruleId: string;
  fix?: { range: [number, number]; text: string };
}

/** Comment syntax for "disable for this line": none in JSON. */
function commentPrefix(path: string): string | undefined {
  return /\.json$/i.test(path) ? undefined : '#';
}

export async function runLanguageServer(): Promise<number> {
  const lspModule = (await import('vscode-languageserver/node.js')) as typeof LSP & { default?: typeof LSP };
  const lsp: typeof LSP = lspModule.default ?? lspModule;
  const tdModule = (await import('vscode-languageserver-textdocument')) as typeof import('vscode-languageserver-textdocument') & {
    default?: typeof import('vscode-languageserver-textdocument');
  };
  const { TextDocument } = tdModule.default ?? tdModule;

  const connection = lsp.createConnection(lsp.ProposedFeatures.all, process.stdin, process.stdout);
  const documents = new lsp.TextDocuments(TextDocument);

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: lsp.TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [lsp.CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'corslint' },
  }));

  const toDiagnostic = (m: LintMessage): LSP.Diagnostic => {
    const start = { line: Math.max(0, m.line - 1), character: Math.max(0, m.column - 1) };
    let end = { line: Math.max(0, (m.endLine ?? m.line) - 1), character: Math.max(0, (m.endColumn ?? m.column) - 1) };
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) end = start;
    const data: DiagnosticData = { ruleId: m.ruleId };
    if (m.fix) data.fix = m.fix;
    const d: LSP.Diagnostic = {
      range: { start, end },
      severity: m.fatal || m.severity === 2 ? lsp.DiagnosticSeverity.Error : m.level === 'info' ? lsp.DiagnosticSeverity.Information : lsp.DiagnosticSeverity.Warning,
      code: m.ruleId,
      source: 'corslint',
      message: m.message,
      data,
    };
    if (KNOWN_RULES.has(m.ruleId)) d.codeDescription = { href: ruleDocUrl(m.ruleId) };
    return d;
  };

  const validate = async (doc: TextDocumentType) => {
    const path = documentPath(doc.uri, doc.languageId);
    const version = doc.version;
    const openTexts = new Map<string, string>();
    for (const d of documents.all()) openTexts.set(documentPath(d.uri, d.languageId), d.getText());
    const host = { ...fsHost, readFile: (p: string) => openTexts.get(p) ?? fsHost.readFile(p) };
    let diagnostics: LSP.Diagnostic[];
    try {
      const run = await lintConfigured([{ path, text: doc.getText() }], {
        loader: new ConfigLoader({ cwd: process.cwd(), knownRules: [...KNOWN_RULES] }),
        host,
      });
      const result = run.results.find((r) => r.filePath === path);
      diagnostics = (result?.messages ?? []).map((m) => toDiagnostic(m));
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : `corslint failed on this document: ${(err as Error).message}`;
      diagnostics = [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: lsp.DiagnosticSeverity.Error,
          source: 'corslint',
          message,
        },
      ];
    }
    // A newer version was linted meanwhile: drop these stale diagnostics.
    if (documents.get(doc.uri)?.version !== version) return;
    await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
  };

  documents.onDidOpen((e) => void validate(e.document));
  documents.onDidChangeContent((e) => void validate(e.document));
  documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));

  connection.onCodeAction((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const path = documentPath(doc.uri, doc.languageId);
    const actions: LSP.CodeAction[] = [];
    const disabledLines = new Set<string>();
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== 'corslint') continue;
      const data = diagnostic.data as DiagnosticData | undefined;
      const ruleId = data?.ruleId ?? (typeof diagnostic.code === 'string' ? diagnostic.code : undefined);
      if (!ruleId) continue;
      if (data?.fix) {
        const edit: LSP.TextEdit = {
          range: { start: doc.positionAt(data.fix.range[0]), end: doc.positionAt(data.fix.range[1]) },
          newText: data.fix.text,
        };
        actions.push({
          title: `Fix: ${diagnostic.message.split(/(?<=[.:])\s/)[0]} (${ruleId})`,
          kind: lsp.CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: { [doc.uri]: [edit] } },
        });
      }
      const prefix = commentPrefix(path);
      const line = diagnostic.range.start.line;
      if (prefix && KNOWN_RULES.has(ruleId) && !disabledLines.has(`${line}\0${ruleId}`)) {
        disabledLines.add(`${line}\0${ruleId}`);
        const lineText = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
        const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
        const eol = /\r\n$/.test(lineText) ? '\r\n' : '\n';
        actions.push({
          title: `Disable ${ruleId} for this line`,
          kind: lsp.CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: {
            changes: {
              [doc.uri]: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}${prefix} corslint-disable-next-line ${ruleId}${eol}` }],
            },
          },
        });
      }
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
  // The connection ends the process on `exit` or when stdin closes.
  return new Promise<number>(() => undefined);
}
