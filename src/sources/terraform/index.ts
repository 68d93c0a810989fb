/**
 * Terraform source (hashicorp/aws provider): the `.tf` files of one directory form a module
 * (those not given are read from disk as context); its API Gateway REST and HTTP APIs, CloudFront distributions and policies and
 * S3 bucket CORS are written as the equivalent CloudFormation resources (`as-cloudformation.ts`) and
 * normalized by the CloudFormation source's builders, then every span is moved back to the
 * Terraform file, line and column it comes from. A module's `module` blocks with a local source
 * lint the modules they call, with the values they give those modules' variables.
 */
import { dirname, join, resolve } from 'node:path';
import type { Route, SourceDiagnostic, SourceResult, Span } from '../../model/types.js';
import { templateRoutes } from '../cloudformation/index.js';
import type { InputFile, SourceAdapter, SourceHost } from '../types.js';
import { internalError } from '../per-file.js';
import { reachedFromRoots } from '../reached.js';
import { shownPath } from '../shown-path.js';
import { LineIndex, type ParsedDocument } from '../yaml-positions.js';
import { parseHcl, spanAt, type Attribute, type Block, type HclFile } from './hcl.js';
import { parseHclJson, parseTfvarsJson } from './hcl-json.js';
import { attrOf, TfModule, type At, type TfFile, type Val } from './module.js';
import { managedPolicyId, VehicleBuilder } from './as-cloudformation.js';

const VEHICLE = '\u0000terraform-module';

/** Moves a vehicle span to its Terraform file; `files` sorted by base. */
function locate(files: TfFile[], offset: number): TfFile {
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (files[mid]!.base <= offset) lo = mid;
    else hi = mid - 1;
  }
  return files[lo]!;
}

function atSpan(at: At, via: string | undefined): Span {
  const span = spanAt(at.file.hcl, at.start, at.end);
  if (via !== undefined) span.via = via;
  return span;
}

/** Rewrites, in place, every vehicle span and logical id found in `value`; `via` names the module call a called module is read through. */
function restore(value: unknown, files: TfFile[], addresses: Map<string, string>, seen: Set<object>, via: string | undefined): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  const obj = value as Record<string, unknown>;
  if (obj.file === VEHICLE && typeof obj.offset === 'number') {
    const start = obj.offset;
    const end = typeof obj.endOffset === 'number' ? obj.endOffset : start;
    const f = locate(files, start);
    const local = Math.min(start - f.base, f.hcl.text.length);
    Object.assign(obj, spanAt(f.hcl, local, Math.min(Math.max(local, end - f.base), f.hcl.text.length)));
    if (via !== undefined) obj.via = via;
    return;
  }
  const rename = (s: string) => s.replace(/TFX\d+(?:i[A-Za-z0-9]*)?X/g, (id) => addresses.get(id) ?? id);
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') {
      if (v.includes('TFX')) obj[k] = rename(v);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (typeof item === 'string' && item.includes('TFX')) v[i] = rename(item);
        else restore(item, files, addresses, seen, via);
      });
    } else restore(v, files, addresses, seen, via);
  }
}

/** CloudFormation property names in the builders' messages, as the Terraform arguments they stand for. */
const TERMS: [RegExp, string][] = [
  [/\bResourceId\b/g, 'resource_id'],
  [/\bAuthorizerId\b/g, 'authorizer_id'],
  [/\bParentId\b/g, 'parent_id'],
  [/\bPathPart\b/g, 'path_part'],
  [/\bRestApi\b/g, 'REST API'],
  [/\bMethod (aws_)/g, '$1'],
];

/** The variable definitions files Terraform loads by itself; other `.tfvars` files only with `-var-file`. */
const AUTO_TFVARS = /(?:^|[\\/])(?:terraform\.tfvars(?:\.json)?|[^\\/]+\.auto\.tfvars(?:\.json)?)$/i;
const TFVARS = /\.tfvars(?:\.json)?$/i;

/** A tfvars file Terraform reads only when told to (`-var-file`): not part of the module. */
const isVarFileOnly = (path: string) => TFVARS.test(path) && !AUTO_TFVARS.test(path);

/** Terraform's order of the automatic tfvars files (a later one wins): terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name. */
function tfvarsRank(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
  return name === 'terraform.tfvars' ? '0' : name === 'terraform.tfvars.json' ? '1' : `2${name}`;
}

/**
 * The module's other files on disk (`.tf`, `.tf.json`, automatic tfvars), read as context: a
 * pre-commit hook or an editor passes `main.tf` alone, and without `variables.tf`, its tfvars or
 * the file holding the gateway responses the module would look incomplete (missing findings, or
 * findings about what another file fixes). A sibling Terraform itself would reject is left out
 * quietly: it was not asked for.
 */
function siblingsOf(dir: string, inputs: InputFile[], host: SourceHost): InputFile[] {
  const given = new Set(inputs.map((f) => f.path));
  const out: InputFile[] = [];
  let paths: string[];
  try {
    paths = ['*.tf', '*.tf.json', '*.tfvars', '*.tfvars.json'].flatMap((p) => host.glob(join(dir, p)));
  } catch {
    return out;
  }
  for (const path of paths) {
    if (given.has(path) || isVarFileOnly(path)) continue;
    const text = host.readFile(path);
    if (text !== undefined) out.push({ path, text });
  }
  return out;
}

/** A module file in the native syntax (`.tf`, `.tfvars`) or the JSON one (`.tf.json`, `.tfvars.json`). */
function parseModuleFile(path: string, text: string): HclFile {
  if (/\.tfvars\.json$/i.test(path)) return parseTfvarsJson(path, text);
  return /\.tf\.json$/i.test(path) ? parseHclJson(path, text) : parseHcl(path, text);
}

/** A parsed module file; `tfvars`: a variable definitions file Terraform loads by itself. */
interface ReadFile {
  hcl: HclFile;
  tfvars: boolean;
}

/**
 * Parses a module's files: a syntax error in a given file is a finding, a context file with one
 * is left out quietly. Returns the module code first, then the automatic tfvars in Terraform's
 * order (TfModule lets the last value win).
 */
function readModule(inputs: InputFile[], context: InputFile[], result: SourceResult): ReadFile[] {
  const read: ReadFile[] = [];
  for (const f of inputs) {
    const hcl = parseModuleFile(f.path, f.text);
    if (hcl.error) {
      result.diagnostics.push({ ruleId: 'parse-error', fatal: true, message: `Terraform syntax error: ${hcl.error.message}`, span: spanAt(hcl, hcl.error.start, hcl.error.end) });
      continue;
    }
    // a .tfvars file Terraform does not load by itself (-var-file) is checked for syntax only
    if (isVarFileOnly(f.path)) continue;
    read.push({ hcl, tfvars: TFVARS.test(f.path) });
  }
  if (read.length === 0) return read;
  for (const f of context) {
    const r = readContextFile(f.path, f.text, result);
    if (r) read.push(r);
  }
  const rank = (r: ReadFile) => (r.tfvars ? `1${tfvarsRank(r.hcl.file)}` : '0');
  read.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  return read;
}

/** A file read for context, not given to lint: one with a syntax error is left out quietly. */
function readContextFile(path: string, text: string, result: SourceResult): ReadFile | undefined {
  const hcl = parseModuleFile(path, text);
  if (hcl.error) return undefined;
  result.files.set(path, text);
  return { hcl, tfvars: TFVARS.test(path) };
}

/** How deep module calls are followed (Terraform has no limit; real trees are a few levels deep). */
const MAX_MODULE_DEPTH = 16;
/** A `module` block's arguments that are not input variables. */
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/**
 * A `module` block's local source (`./modules/api`, `../shared`) in the file `path`: as written,
 * where, and the directory Terraform resolves it to (relative to the calling module's; `key`
 * resolved, to compare directories). Undefined for a registry, git or URL source, which is not on
 * disk to read.
 */
function localSource(block: Block, path: string): { attr: Attribute; written: string; start: number; end: number; dir: string; key: string } | undefined {
  const attr = attrOf(block.body, 'source');
  const value = attr?.value;
  // Terraform requires a literal string here
  if (!attr || value?.kind !== 'string' || !/^\.\.?[\\/]/.test(value.value)) return undefined;
  const dir = join(dirname(path), value.value);
  return { attr, written: value.value, start: value.start, end: value.end, dir, key: resolve(dir) };
}

/** The modules of one run, by directory (resolved). */
interface Modules {
  /** the parsed files of each module directory given in this run */
  byDir: Map<string, ReadFile[]>;
  /** the code of called modules read from disk (a module called several times is read once) */
  fromDisk: Map<string, ReadFile[]>;
  host: SourceHost;
}

/** A called module's code: the run's own files of that directory, else its `.tf`/`.tf.json` files on disk (a called module reads no tfvars). */
function calledModuleFiles({ dir, key }: { dir: string; key: string }, modules: Modules, result: SourceResult): ReadFile[] {
  const given = modules.byDir.get(key);
  if (given) return given.filter((f) => !f.tfvars);
  const known = modules.fromDisk.get(key);
  if (known) return known;
  const out: ReadFile[] = [];
  modules.fromDisk.set(key, out);
  let paths: string[];
  try {
    paths = ['*.tf', '*.tf.json'].flatMap((p) => modules.host.glob(join(dir, p)));
  } catch {
    return out;
  }
  for (const path of paths) {
    const text = modules.host.readFile(path);
    const r = text === undefined ? undefined : readContextFile(path, text, result);
    if (r) out.push(r);
  }
  return out;
}

/**
 * Lints one module and, through its `module` blocks with a local source, the modules it calls,
 * each with the values its block gives their variables. `chain`: the directories from the root
 * module down to this one (resolved); `prefix`: the module's address (`module.api.`), put before
 * its resources' addresses.
 */
function lintModule(read: ReadFile[], result: SourceResult, modules: Modules, chain: string[], call?: { inputs: ReadonlyMap<string, Val>; prefix: string; via: string }): void {
  const inputs = call?.inputs;
  const prefix = call?.prefix ?? '';
  const via = call?.via;
  const files: TfFile[] = [];
  let base = 0;
  for (const { hcl, tfvars } of read) {
    files.push(tfvars ? { hcl, base, tfvars } : { hcl, base });
    base += hcl.text.length + 1;
  }
  const module = new TfModule(files, managedPolicyId, inputs);
  const vehicle = new VehicleBuilder(module);
  vehicle.build();
  const text = files.map((f) => f.hcl.text).join('\n');
  const doc: ParsedDocument = { file: VEHICLE, text, format: 'json', root: vehicle.root(text.length), diagnostics: [], lines: new LineIndex(text) };
  // route groups under the module's directory (two root modules may both have aws_api_gateway_rest_api.api)
  const model = templateRoutes(doc, { scope: chain[chain.length - 1] });
  const { incomplete, addresses } = vehicle.marks;
  if (prefix) for (const [id, address] of addresses) addresses.set(id, prefix + address);
  const seen = new Set<object>();
  for (const route of model.routes) {
    route.source = 'terraform';
    const offsets = [route.span.offset, ...route.responders.map((r) => r.span.offset)];
    for (const o of offsets) {
      const marks = o === undefined ? undefined : incomplete.get(o);
      if (!marks) continue;
      route.incomplete ??= [];
      for (const m of marks) if (!route.incomplete.some((x) => x.reason === m.reason)) route.incomplete.push({ reason: m.reason, span: atSpan(m.at, via) });
    }
    restore(route, files, addresses, seen, via);
    result.routes.push(route as Route);
  }
  for (const d of model.diagnostics) {
    restore(d, files, addresses, seen, via);
    let message = d.message;
    for (const [re, to] of TERMS) message = message.replace(re, to);
    result.diagnostics.push({ ...d, message } as SourceDiagnostic);
  }
  for (const d of vehicle.marks.diagnostics) result.diagnostics.push({ ruleId: d.ruleId, message: d.message, span: atSpan(d.at, via) });

  for (const call of module.calls) {
    const source = localSource(call.block, call.file.hcl.file);
    if (source === undefined) continue;
    // Terraform rejects a module that calls itself; a tree deeper than this is not followed
    if (chain.includes(source.key) || chain.length >= MAX_MODULE_DEPTH) continue;
    const called = calledModuleFiles(source, modules, result);
    if (called.length === 0) {
      result.diagnostics.push({
        ruleId: 'unresolved-include',
        message: `module.${call.name}: its source "${source.written}" holds no Terraform files (.tf, .tf.json), so the routes that module defines were not checked`,
        span: atSpan({ file: module.fileOf(source.attr, call.file), start: source.start, end: source.end }, via),
      });
      continue;
    }
    const args = new Map<string, Val>();
    for (const item of call.block.body) {
      if (item.type === 'attribute' && !MODULE_META.has(item.name)) args.set(item.name, module.eval(item.value, module.fileOf(item, call.file)));
    }
    const address = `${prefix}module.${call.name}`;
    // no line number: the address is unique in its file, and messages stay the same (SARIF
    // fingerprints too) when lines above the call move
    lintModule(called, result, modules, [...chain, source.key], { inputs: args, prefix: `${address}.`, via: `${address}, called from ${shownPath(call.file.hcl.file)}` });
  }
}

/** Each module of the run and the local modules it calls (by resolved directory), for `reachedFromRoots`. */
function moduleCalls(groups: { key: string; read: ReadFile[] }[]): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  for (const { key: from, read } of groups) {
    const to: string[] = [];
    for (const { hcl, tfvars } of read) {
      if (tfvars) continue;
      for (const item of hcl.body) {
        if (item.type !== 'block' || item.blockType !== 'module' || item.labels.length !== 1) continue;
        const target = localSource(item, hcl.file);
        if (target !== undefined) to.push(target.key);
      }
    }
    calls.set(from, to);
  }
  return calls;
}

/** A source bug costs this module only, reported on each of its files. */
function moduleError(group: InputFile[], err: unknown, result: SourceResult): void {
  for (const f of group) result.diagnostics.push(internalError('Terraform module', f.path, err));
}

export const terraformSource: SourceAdapter = {
  kind: 'terraform',
  load(files: InputFile[], host: SourceHost): SourceResult {
    const result: SourceResult = { routes: [], diagnostics: [], files: new Map() };
    const byDir = new Map<string, InputFile[]>();
    for (const f of files) {
      result.files.set(f.path, f.text);
      const dir = dirname(f.path);
      let l = byDir.get(dir);
      if (!l) byDir.set(dir, (l = []));
      l.push(f);
    }
    const modules: Modules = { byDir: new Map(), fromDisk: new Map(), host };
    // each module directory by its resolved path (`key`), as module sources name them
    const groups: { key: string; group: InputFile[]; read: ReadFile[] }[] = [];
    for (const [dir, group] of byDir) {
      try {
        const read = readModule(group, siblingsOf(dir, group, host), result);
        const key = resolve(dir);
        groups.push({ key, group, read });
        if (read.length) modules.byDir.set(key, read);
      } catch (err) {
        moduleError(group, err, result);
      }
    }
    // A module another one here calls is linted through its calls, with the values they give its
    // variables (as an nginx snippet is in the context of the file including it); on its own
    // only when nothing here calls it.
    const throughCalls = reachedFromRoots(moduleCalls(groups));
    for (const { key, group, read } of groups) {
      if (read.length === 0 || throughCalls.has(key)) continue;
      try {
        lintModule(read, result, modules, [key]);
      } catch (err) {
        moduleError(group, err, result);
      }
    }
    return result;
  },
};
