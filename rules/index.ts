/** Every rule, in catalog order. Adding a rule: one file `rules/<id>.ts`, its doc `rules/<id>.md`, and one line here. */
import type { Rule } from '../src/engine/rule.js';
import parseError from './parse-error.js';
import invalidDirectiveContext from './invalid-directive-context.js';
import unresolvedInclude from './unresolved-include.js';

export const allRules: Rule[] = [
  parseError,
  invalidDirectiveContext,
  unresolvedInclude,
];
