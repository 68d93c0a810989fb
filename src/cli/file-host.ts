/**
 * The file access the lint command hands to sources, without loading the glob library when no
 * input can use it. Only nginx `include` directives with glob characters ever call
 * `SourceHost.glob`, synchronously while the source reads its files (and the included files are
 * read then too): so a run whose inputs contain no `include` at all never calls it, and gets a
 * host without tinyglobby (picomatch and fdir: about 90 KB to load). Any other run gets `fsHost`.
 */
import type { InputFile, SourceHost } from '../sources/types.js';

// node:fs without its ES module facade: importing node:fs as an ES module makes Node build a facade
// that reads every export, and the lazy fs.ReadStream getter then loads the whole streams stack
// (milliseconds of a start that should take little more than Node's own). process.getBuiltinModule
// (Node >= 20.16; engines asks for 20.19) returns the CommonJS module itself. Written out in each
// start-up module rather than shared: a shared module of its own would be one more bundle chunk.
const fs = process.getBuiltinModule('node:fs');

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
