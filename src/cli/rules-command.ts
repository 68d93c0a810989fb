/** `corslint rules` (the catalog with default severities) and `corslint explain <id>` (one rule's doc). */
import { allRules } from '../../rules/index.js';
import { UsageError } from './discover.js';
import { readRuleDoc, ruleDocUrl } from './rule-docs.js';

export function runRules(opts: { format?: string }): number {
  const rules = allRules.map((r) => r.meta);
  if (opts.format === 'json') {
    process.stdout.write(
      JSON.stringify(
        rules.map((m) => ({ id: m.id, severity: m.severity, description: m.description, fixable: !!m.fixable, security: !!m.security, url: ruleDocUrl(m.id) })),
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  if (opts.format !== undefined && opts.format !== 'text') throw new UsageError(`Unknown format "${opts.format}" for \`corslint rules\` (text or json)`);
  const idWidth = Math.max(...rules.map((m) => m.id.length));
  const lines = rules.map((m) => {
    const flags = `${m.fixable ? ' [fix]' : ''}`;
    return `${m.id.padEnd(idWidth)}  ${m.severity.padEnd(7)}  ${m.description}${flags}`;
  });
  process.stdout.write(`${'rule'.padEnd(idWidth)}  default  description\n${lines.join('\n')}\n\n${rules.length} rules. \`corslint explain <rule>\` prints one rule's documentation.\n`);
  return 0;
}

export function runExplain(id: string): number {
  const rule = allRules.find((r) => r.meta.id === id);
  if (!rule) {
    const near = allRules.map((r) => r.meta.id).filter((r) => r.includes(id) || id.includes(r));
    throw new UsageError(`Unknown rule "${id}"${near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}; \`corslint rules\` lists them`);
  }
  const doc = readRuleDoc(id);
  if (doc) process.stdout.write(doc.endsWith('\n') ? doc : `${doc}\n`);
  else {
    const m = rule.meta;
    process.stdout.write(`# ${m.id}\n\nDefault severity: ${m.severity}\n\n${m.description}\n\nOnline: ${ruleDocUrl(m.id)}\n`);
  }
  return 0;
}
