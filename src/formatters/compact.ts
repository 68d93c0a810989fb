/** ESLint's compact shape, which VS Code's `$eslint-compact` problem matcher reads. */
import type { Formatter } from './types.js';

export const compact: Formatter = (results) => {
  const lines: string[] = [];
  let total = 0;
  for (const r of results) {
    for (const m of r.messages) {
      total++;
      const kind = m.fatal || m.severity === 2 ? 'Error' : 'Warning';
      lines.push(`${r.filePath}: line ${m.line}, col ${m.column}, ${kind} - ${m.message} (${m.ruleId})`);
    }
  }
  if (total > 0) lines.push('', `${total} problem${total === 1 ? '' : 's'}`);
  return lines.length ? lines.join('\n') + '\n' : '';
};
