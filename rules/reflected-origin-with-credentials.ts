import type { Rule } from '../src/engine/rule.js';
import { reflectedOriginFindings } from './reflected-origin.js';

/** Any request Origin is echoed into Access-Control-Allow-Origin while credentials are allowed. */
const rule: Rule = {
  meta: {
    id: 'reflected-origin-with-credentials',
    severity: 'error',
    description:
      'Any request Origin is echoed into Access-Control-Allow-Origin and credentials are allowed: any site can read authenticated responses',
    security: true,
  },
  check(context) {
    reflectedOriginFindings(context, true);
  },
};

export default rule;
