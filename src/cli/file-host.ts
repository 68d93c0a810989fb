/**
 * The file access the lint command hands to sources, without loading the glob library when no
 * input can use it. Only nginx `include` directives with glob characters ever call
 * `SourceHost.glob`, synchronously while the source reads its files (and the included files are
 * read then too): so a run whose inputs contain no `include` at all never calls it, and gets a
 * host without tinyglobby (picomatch and fdir: about 90 KB to load). Any other run gets `fsHost`.
 */
import type { InputFile, SourceHost } from '../sources/types.js';
import { fs } from './node-fs.js';

export function readTextFile(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether a text may hold an include directive: the word `include` in any case, even split by
 * quotes or backslashes (`"include"`, `inc\lude`), so that no way of writing it is missed.
 */
export function mayInclude(text: string): boolean {
  return /i[\\"']*n[\\"']*c[\\"']*l[\\"']*u[\\"']*d[\\"']*e/i.test(text);
}

/** A host without globbing, for inputs none of which may include another file. */
const readOnlyHost: SourceHost = {
  readFile: readTextFile,
  glob(pattern) {
    throw new Error(`corslint bug: glob ${pattern} requested by inputs without any include directive`);
  },
};

/** The host for linting these inputs: `fsHost` (with tinyglobby) when any of them may include files. */
export async function hostFor(inputs: readonly InputFile[]): Promise<SourceHost> {
  if (inputs.some((f) => mayInclude(f.text))) return (await import('./host.js')).fsHost;
  return readOnlyHost;
}
