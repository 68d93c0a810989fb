/** The per-file loop the YAML/JSON sources share: one file's failure never costs the others. */
import type { SourceDiagnostic, SourceResult } from '../model/types.js';
import type { InputFile } from './types.js';

/**
 * Loads each file with `loadOne`; an exception (a source bug) becomes a fatal `parse-error`
 * on that file alone, and the remaining files are still read.
 */
export function loadEachFile(files: InputFile[], what: string, loadOne: (file: InputFile, result: SourceResult) => void): SourceResult {
  const result: SourceResult = { routes: [], diagnostics: [], files: new Map() };
  for (const f of files) {
    result.files.set(f.path, f.text);
    try {
      loadOne(f, result);
    } catch (err) {
      result.diagnostics.push(internalError(what, f.path, err));
    }
  }
  return result;
}

/** A source bug (an exception while reading the file at `path`) as a fatal `parse-error` on that file. */
export function internalError(what: string, path: string, err: unknown): SourceDiagnostic {
  return {
    ruleId: 'parse-error',
    fatal: true,
    message: `Internal error while reading this ${what}: ${(err as Error).message}`,
    span: { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 },
  };
}
