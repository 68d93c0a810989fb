/**
 * The file access the lint command hands to sources, without loading the glob library when no
 * input can use it. nginx `include` directives with glob characters call `SourceHost.glob`
 * with any pattern, synchronously while the source reads its files: a run whose inputs contain
 * no `include` at all gets a host without tinyglobby (picomatch and fdir: about 90 KB to load),
 * any other run gets `fsHost`. The light host still lists one directory (`dir/*.tf`: Terraform
 * reads the other files of a module), and refuses anything more.
 */
import { detectKind } from '../sources/detect.js';
import type { InputFile, SourceHost } from '../sources/types.js';

// node:fs without its ES module facade: importing node:fs as an ES module makes Node build a facade
// that reads every export, and the lazy fs.ReadStream getter then loads the whole streams stack
// (milliseconds of a start that should take little more than Node's own). process.getBuiltinModule
// (Node >= 20.16; engines asks for 20.19) returns the CommonJS module itself. Written out in each
// start-up module rather than shared: a shared module of its own would be one more bundle chunk.
const fs = process.getBuiltinModule('node:fs');
const { isAscii } = process.getBuiltinModule('node:buffer');

/**
 * A file's text as UTF-8, as `readFileSync(path, 'utf8')` reads it. Reading the bytes, checking
 * natively that they are ASCII and copying them into a string (ASCII reads the same as Latin-1)
 * is faster in Node 20 than its UTF-8 file read: 9-11 ms against 14-17 ms for a 4.4 MiB template.
 */
export function readTextFile(path: string): string | undefined {
  try {
    // a device or a FIFO (`include /dev/zero;`, a TemplateURL naming /dev/stdin) would never end
    if (!fs.statSync(path).isFile()) return undefined;
    const bytes = fs.readFileSync(path);
    return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
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

/**
 * Files of one directory whose names match `pattern`'s last segment (`*` and `?` only, as glob(3):
 * no dot files unless the pattern starts with a dot), sorted; undefined for any other pattern.
 */
export function listDirectory(pattern: string): string[] | undefined {
  const slash = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, slash);
  const name = pattern.slice(slash + 1);
  if (slash < 0 || /[*?[\]\\{]/.test(dir) || /[[\]\\{]/.test(name)) return undefined;
  const re = new RegExp(`^${name.replace(/[.+^${}()|]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  let names: string[];
  try {
    names = fs.readdirSync(dir || '/');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith('.') && !name.startsWith('.')) continue;
    if (!re.test(n)) continue;
    const p = `${dir}/${n}`;
    try {
      if (fs.statSync(p).isFile()) out.push(p);
    } catch {
      // vanished or unreadable: not a match
    }
  }
  return out.sort();
}

/** A host without the glob library, for inputs none of which may include another file. */
const readOnlyHost: SourceHost = {
  readFile: readTextFile,
  glob(pattern) {
    const listed = listDirectory(pattern);
    if (listed) return listed;
    throw new Error(`corslint bug: glob ${pattern} requested by inputs without any include directive`);
  },
};

/**
 * The host for linting these inputs: `fsHost` (with tinyglobby) when any of them may include files.
 * Only nginx globs; the other kinds are not searched (the search reads the whole text, milliseconds
 * on a multi-MB template).
 */
export async function hostFor(inputs: readonly InputFile[]): Promise<SourceHost> {
  if (inputs.some((f) => detectKind(f.path, f.text) === 'nginx' && mayInclude(f.text))) return (await import('./host.js')).fsHost;
  return readOnlyHost;
}
