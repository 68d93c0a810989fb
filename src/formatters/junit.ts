/**
 * JUnit XML (GitLab `artifacts: reports: junit`, Jenkins, Azure), after ESLint's old junit
 * formatter: one testsuite per file, one failing testcase per finding (`<error>` for fatal
 * parse errors), one passing testcase for a clean file.
 */
import { findRoot, levelOf, relativePath } from './paths.js';
import type { Formatter } from './types.js';

/** Characters XML 1.0 cannot carry at all are dropped; the rest is escaped. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function cdata(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
  return `<![CDATA[${clean.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

export const junit: Formatter = (results, context) => {
  const root = findRoot(context.cwd);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const r of results) {
    const file = relativePath(root, r.filePath);
    const classname = file.replace(/\.[^./]+$/, '').replace(/\//g, '.');
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteErrors = 0;
    for (const m of r.messages) {
      const kind = levelOf(m) === 'error' ? 'Error' : levelOf(m) === 'warning' ? 'Warning' : 'Info';
      const body = cdata(`line ${m.line}, col ${m.column}, ${kind} - ${m.message} (${m.ruleId})`);
      const tag = m.fatal ? 'error' : 'failure';
      if (m.fatal) suiteErrors++;
      else suiteFailures++;
      cases.push(
        `    <testcase time="0" name="corslint.${xmlEscape(m.ruleId)}" classname="${xmlEscape(classname)}" file="${xmlEscape(file)}" line="${m.line}">\n` +
          `      <${tag} message="${xmlEscape(m.message)}" type="${kind}">${body}</${tag}>\n` +
          `    </testcase>`,
      );
    }
    if (!cases.length) cases.push(`    <testcase time="0" name="${xmlEscape(file)}" classname="${xmlEscape(classname)}" file="${xmlEscape(file)}" />`);
    tests += cases.length;
    failures += suiteFailures;
    errors += suiteErrors;
    suites.push(
      `  <testsuite package="org.corslint" time="0" tests="${cases.length}" errors="${suiteErrors}" failures="${suiteFailures}" name="${xmlEscape(file)}">\n` +
        `${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<testsuites name="corslint" tests="${tests}" failures="${failures}" errors="${errors}">\n` +
    (suites.length ? `${suites.join('\n')}\n` : '') +
    `</testsuites>\n`
  );
};
