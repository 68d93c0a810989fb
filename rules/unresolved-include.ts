import { reportSourceDiagnostics, type Rule } from '../src/engine/rule.js';

/** An include (non-glob) or reference that cannot be resolved: part of the configuration was not seen, so its CORS behaviour is unchecked. */
const rule: Rule = {
  meta: {
    id: 'unresolved-include',
    severity: 'warning',
    description: 'An nginx include (non-glob) or a CloudFormation/OpenAPI reference cannot be resolved, so part of the configuration was not seen',
  },
  check(context) {
    reportSourceDiagnostics(context, 'unresolved-include');
  },
};

export default rule;
