/** ESLint-compatible JSON: tools that read `eslint -f json` read this unchanged. */
import type { Formatter } from './types.js';

export const json: Formatter = (results) =>
  JSON.stringify(
    results.map(({ source: _source, ...r }) => r),
  );
