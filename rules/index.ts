/** Every rule, in catalog order. Adding a rule: one file `rules/<id>.ts`, its doc `rules/<id>.md`, and one line here. */
import type { Rule } from '../src/engine/rule.js';
import parseError from './parse-error.js';

export const allRules: Rule[] = [
  parseError,
];
