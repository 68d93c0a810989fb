import { reportSourceDiagnostics, type Rule } from '../src/engine/rule.js';

/** A file that cannot be parsed: reported where parsing stopped; the other files are still linted. */
const rule: Rule = {
  meta: {
    id: 'parse-error',
    severity: 'error',
    description: 'The file cannot be parsed; reported at the exact position, and linting of other files goes on',
  },
  check(context) {
    reportSourceDiagnostics(context, 'parse-error');
  },
};

export default rule;
