/** The contract between the engine and one source kind (one folder under src/sources/). */
import type { SourceKind, SourceResult } from '../model/types.js';

export interface InputFile {
  /** absolute path, or the --stdin-filename */
  path: string;
  text: string;
}

/** File access for sources that follow references (nginx include, AWS::Include, $ref). */
export interface SourceHost {
  /** the text of a file outside the input set; undefined when it cannot be read */
  readFile(path: string): string | undefined;
  /** matching file paths for a glob (absolute pattern), sorted */
  glob(pattern: string): string[];
}

export interface SourceAdapter {
  kind: SourceKind;
  /** turns the files detected as this kind into routes and diagnostics; never throws on bad input */
  load(files: InputFile[], host: SourceHost): SourceResult;
}
