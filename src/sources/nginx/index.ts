/** nginx source: parse (with includes) and evaluate into routes. */
import type { SourceAdapter } from '../types.js';

export const nginxSource: SourceAdapter = {
  kind: 'nginx',
  load(files) {
    // Placeholder until the parser and evaluator land: reads nothing.
    return { routes: [], diagnostics: [], files: new Map(files.map((f) => [f.path, f.text])) };
  },
};
