/** nginx source: parse (with includes) and evaluate into routes. */
import type { SourceAdapter } from '../types.js';
import { evaluateNginx } from './evaluate.js';
import { parseNginxFiles } from './parse.js';

export const nginxSource: SourceAdapter = {
  kind: 'nginx',
  load(files, host) {
    const parsed = parseNginxFiles(files, host);
    let routes;
    try {
      routes = evaluateNginx(parsed.units, parsed.files);
    } catch (err) {
      // evaluateNginx already isolates units; this only guards against a bug in shared setup
      const first = files[0];
      const span = { file: first?.path ?? '', line: 1, column: 1, endLine: 1, endColumn: 1 };
      return {
        routes: [],
        diagnostics: [
          ...parsed.diagnostics,
          { ruleId: 'parse-error', message: `corslint could not evaluate the nginx configuration: ${err instanceof Error ? err.message : String(err)}`, span },
        ],
        files: parsed.files,
      };
    }
    return { routes, diagnostics: parsed.diagnostics, files: parsed.files };
  },
};
