/** ESLint's stylish layout (VS Code's `$eslint-stylish` matcher reads it), with an info level. */
import pc from 'picocolors';
import type { Formatter } from './types.js';

export const stylish: Formatter = (results, context) => {
  const c = pc.createColors(context.color);
  let out = '';
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let fixable = 0;
  for (const r of results) {
    if (r.messages.length === 0) continue;
    out += `\n${c.underline(r.filePath)}\n`;
    const rows = r.messages.map((m) => {
      const level = m.fatal || m.severity === 2 ? 'error' : m.level === 'info' ? 'info' : 'warning';
      if (level === 'error') errors++;
      else if (level === 'warning') warnings++;
      else infos++;
      if (m.fix) fixable++;
      return { pos: `${m.line}:${m.column}`, level, message: m.message, rule: m.ruleId };
    });
    const posWidth = Math.max(...rows.map((row) => row.pos.length));
    const levelWidth = Math.max(...rows.map((row) => row.level.length));
    for (const row of rows) {
      const colored = row.level === 'error' ? c.red(row.level) : row.level === 'warning' ? c.yellow(row.level) : c.blue(row.level);
      out += `  ${c.dim(row.pos.padEnd(posWidth))}  ${colored}${' '.repeat(levelWidth - row.level.length)}  ${row.message}  ${c.dim(row.rule)}\n`;
    }
  }
  const total = errors + warnings + infos;
  if (total === 0) return '';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const summary = `\u2716 ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${infos} info` : ''})`;
  out += `\n${errors ? c.red(c.bold(summary)) : c.yellow(c.bold(summary))}\n`;
  if (fixable) out += c.dim(`  ${plural(fixable, 'problem')} potentially fixable with the \`--fix\` option.\n`);
  return out;
};
