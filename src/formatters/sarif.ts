/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): one run, every rule described
 * (`helpUri` to its doc, `help.markdown` from `rules/<id>.md`, `security-severity` on security
 * rules), repo-relative URIs under `%SRCROOT%`, columns in UTF-16 code units, line-independent
 * `partialFingerprints`. Suppressed findings are kept with their `suppressions`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintMessage } from '../engine/lint.js';
import type { RuleMeta, Severity } from '../engine/rule.js';
import { packageRoot, readRuleDoc, ruleDocUrl } from '../cli/rule-docs.js';
import { findRoot, fingerprints, levelOf, relativePath } from './paths.js';
import type { Formatter } from './types.js';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub: >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.1', warning: '5.3', info: '2.0' };

/** rules the engine reports that are not rule modules (directive problems) */
const PSEUDO_RULES: Record<string, RuleMeta> = {
  'unused-disable-directive': {
    id: 'unused-disable-directive',
    severity: 'warning',
    description: 'A corslint-disable directive that suppresses nothing (reported with --report-unused-disable-directives)',
  },
  'invalid-disable-directive': {
    id: 'invalid-disable-directive',
    severity: 'warning',
    description: 'A corslint-disable directive names a rule that does not exist, so it suppresses nothing',
  },
};

function toolVersion(): string {
  const root = packageRoot();
  if (!root) return '0.0.0';
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const pascal = (id: string) => id.replace(/(^|-)([a-z0-9])/g, (_, _d: string, c: string) => c.toUpperCase());
const cap = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The first paragraph of a rule doc after its title: the long description. */
function firstParagraph(markdown: string | undefined): string | undefined {
  if (!markdown) return undefined;
  const paragraphs = markdown
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith('#') && !p.startsWith('```') && !p.startsWith('|'));
  return paragraphs[0]?.replace(/\s+/g, ' ');
}

function encodeUri(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

function region(m: LintMessage) {
  const r: { startLine: number; startColumn: number; endLine?: number; endColumn?: number } = {
    startLine: Math.max(1, m.line),
    startColumn: Math.max(1, m.column),
  };
  const endLine = m.endLine ?? m.line;
  const endColumn = m.endColumn ?? m.column;
  if (endLine > r.startLine || (endLine === r.startLine && endColumn >= r.startColumn)) {
    r.endLine = endLine;
    r.endColumn = Math.max(1, endColumn);
  }
  return r;
}

export const sarif: Formatter = (results, context) => {
  const root = findRoot(context.cwd);
  const metas = new Map<string, RuleMeta>();
  for (const meta of context.rules) metas.set(meta.id, meta);
  for (const r of results) {
    for (const m of [...r.messages, ...r.suppressedMessages]) {
      if (!metas.has(m.ruleId)) {
        metas.set(m.ruleId, PSEUDO_RULES[m.ruleId] ?? { id: m.ruleId, severity: m.level, description: m.ruleId });
      }
    }
  }
  const ids = [...metas.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const rules = ids.map((id) => {
    const meta = metas.get(id)!;
    const doc = readRuleDoc(id);
    const description = meta.description || id;
    const rule: Record<string, unknown> = {
      id,
      name: pascal(id),
      shortDescription: { text: cap(description, 1024) },
      fullDescription: { text: cap(firstParagraph(doc) ?? description, 1024) },
      help: doc ? { text: cap(doc, 100_000), markdown: cap(doc, 100_000) } : { text: `${description}. See ${ruleDocUrl(id)}` },
      defaultConfiguration: { level: SARIF_LEVEL[meta.severity] },
      properties: {
        tags: meta.security ? ['cors', 'security'] : ['cors'],
        precision: 'high',
        'problem.severity': meta.severity === 'info' ? 'recommendation' : meta.severity,
        ...(meta.security ? { 'security-severity': SECURITY_SEVERITY[meta.severity] } : {}),
      },
    };
    if (!PSEUDO_RULES[id]) rule.helpUri = ruleDocUrl(id);
    return rule;
  });

  const sarifResults: Record<string, unknown>[] = [];
  for (const r of results) {
    const rel = relativePath(root, r.filePath);
    const inside = !rel.startsWith('/') && !/^[a-zA-Z]:\//.test(rel);
    const artifactLocation = inside ? { uri: encodeUri(rel), uriBaseId: '%SRCROOT%' } : { uri: pathToFileURL(r.filePath).href };
    const fpAll = fingerprints({ ...r, messages: [...r.messages, ...r.suppressedMessages] }, rel);
    const emit = (m: LintMessage, suppressions?: { kind: string; justification: string }[]) => {
      const result: Record<string, unknown> = {
        ruleId: m.ruleId,
        ruleIndex: index.get(m.ruleId),
        level: SARIF_LEVEL[levelOf(m)],
        message: { text: m.message || m.ruleId },
        locations: [{ physicalLocation: { artifactLocation, region: region(m) } }],
        partialFingerprints: { 'corslint/v1': fpAll.get(m) },
      };
      if (suppressions?.length) {
        result.suppressions = suppressions.map((s) => ({
          kind: s.kind === 'directive' ? 'inSource' : 'external',
          ...(s.justification ? { justification: s.justification } : {}),
        }));
      }
      sarifResults.push(result);
    };
    for (const m of r.messages) emit(m);
    for (const m of r.suppressedMessages) emit(m, m.suppressions);
  }

  const rootUri = pathToFileURL(root).href.replace(/\/?$/, '/');
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'corslint',
            semanticVersion: toolVersion(),
            informationUri: RULES_INFO_URI,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

const RULES_INFO_URI = ruleDocUrl('index').replace(/index\.md$/, '');
