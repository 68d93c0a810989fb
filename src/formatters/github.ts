/**
 * GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per
 * finding, escaped as @actions/core does, with repo-relative paths. Columns are sent only for
 * single-line ranges (GitHub ignores them otherwise).
 */
import { findRoot, levelOf, relativePath } from './paths.js';
import type { Formatter } from './types.js';

/** Message data: `%`, CR and LF (toolkit `escapeData`). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values: additionally `:` and `,` (toolkit `escapeProperty`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export const github: Formatter = (results, context) => {
  const root = findRoot(context.cwd);
  const lines: string[] = [];
  for (const r of results) {
    const file = relativePath(root, r.filePath);
    for (const m of r.messages) {
      const props: [string, string | number][] = [['file', file], ['line', m.line]];
      const endLine = m.endLine ?? m.line;
      if (endLine !== m.line) props.push(['endLine', endLine]);
      else {
        props.push(['col', m.column]);
        if (m.endColumn && m.endColumn > m.column) props.push(['endColumn', m.endColumn]);
      }
      props.push(['title', `corslint (${m.ruleId})`]);
      const propText = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
      lines.push(`::${COMMAND[levelOf(m)]} ${propText}::${escapeData(m.message)}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
};
