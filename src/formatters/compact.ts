/** ESLint's compact shape, which VS Code's `$eslint-compact` problem matcher reads. */
import type { Formatter } from './types.js';

export const compact: Formatter = (results) => {
  const lines: string[] = [];
  let total = 0;
  for (const r of results) {
    for (const m of r.messages) {
      total++;
      // `$eslint-compact` reads Error, Warning and Info; a message must stay on one line.
      const kind = m.fatal || m.severity === 2 ? 'Error' : m.level === 'info' ? 'Info' : 'Warning';
      const message = m.message.replace(/\s*[\r\n]+\s*/g, ' ');
      lines.push(`${r.filePath}: line ${m.line}, col ${m.column}, ${kind} - ${message} (${m.ruleId})`);
    }
  }
  if (total > 0) lines.push('', `${total} problem${total === 1 ? '' : 's'}`);
  return lines.length ? lines.join('\n') + '\n' : '';
};
