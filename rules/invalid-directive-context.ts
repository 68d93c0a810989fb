import { reportSourceDiagnostics, type Rule } from '../src/engine/rule.js';

/** A known nginx directive where nginx rejects it (`add_header` in a server-level `if`, `map` outside `http`); found by the nginx source from the official directive reference. */
const rule: Rule = {
  meta: {
    id: 'invalid-directive-context',
    severity: 'error',
    description: 'An nginx directive is used where nginx rejects it (e.g. add_header in a server-level if, map outside http), per the official directive reference',
  },
  check(context) {
    reportSourceDiagnostics(context, 'invalid-directive-context');
  },
};

export default rule;
