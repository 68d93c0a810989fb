/**
 * Terraform source (hashicorp/aws provider): the `.tf` files of one directory form a module
 * (those not given are read from disk as context); its API Gateway REST and HTTP APIs, CloudFront distributions and policies and
 * S3 bucket CORS are written as the equivalent CloudFormation resources (`as-cloudformation.ts`) and
 * normalized by the CloudFormation source's builders, then every span is moved back to the
 * Terraform file, line and column it comes from.
 */
import { dirname, join } from 'node:path';
import type { Route, SourceDiagnostic, SourceResult, Span } from '../../model/types.js';
import { templateRoutes } from '../cloudformation/index.js';
import type { InputFile, SourceAdapter, SourceHost } from '../types.js';
import { LineIndex, type ParsedDocument } from '../yaml-positions.js';
import { parseHcl, spanAt, type HclFile } from './hcl.js';
import { parseHclJson, parseTfvarsJson } from './hcl-json.js';
import { TfModule, type At, type TfFile } from './module.js';
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

function atSpan(at: At): Span {
  return spanAt(at.file.hcl, at.start, at.end);
}

/** Rewrites, in place, every vehicle span and logical id found in `value`. */
function restore(value: unknown, files: TfFile[], addresses: Map<string, string>, seen: Set<object>): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  const obj = value as Record<string, unknown>;
  if (obj.file === VEHICLE && typeof obj.offset === 'number') {
    const start = obj.offset;
    const end = typeof obj.endOffset === 'number' ? obj.endOffset : start;
    const f = locate(files, start);
    const local = Math.min(start - f.base, f.hcl.text.length);
    Object.assign(obj, spanAt(f.hcl, local, Math.min(Math.max(local, end - f.base), f.hcl.text.length)));
    return;
  }
  const rename = (s: string) => s.replace(/TFX\d+(?:i[A-Za-z0-9]*)?X/g, (id) => addresses.get(id) ?? id);
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') {
      if (v.includes('TFX')) obj[k] = rename(v);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (typeof item === 'string' && item.includes('TFX')) v[i] = rename(item);
        else restore(item, files, addresses, seen);
      });
    } else restore(v, files, addresses, seen);
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

function loadModule(inputs: InputFile[], context: InputFile[], result: SourceResult): void {
  const read: { hcl: HclFile; tfvars: boolean }[] = [];
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
  if (read.length === 0) return;
  for (const f of context) {
    const hcl = parseModuleFile(f.path, f.text);
    if (hcl.error) continue;
    result.files.set(f.path, f.text);
    read.push({ hcl, tfvars: TFVARS.test(f.path) });
  }
  // module code first (as read), then the automatic tfvars in Terraform's order: TfModule lets the last value win
  const rank = (r: { hcl: HclFile; tfvars: boolean }) => (r.tfvars ? `1${tfvarsRank(r.hcl.file)}` : '0');
  read.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  const files: TfFile[] = [];
  let base = 0;
  for (const { hcl, tfvars } of read) {
    files.push(tfvars ? { hcl, base, tfvars } : { hcl, base });
    base += hcl.text.length + 1;
  }
  const module = new TfModule(files, managedPolicyId);
  const vehicle = new VehicleBuilder(module);
  vehicle.build();
  const text = files.map((f) => f.hcl.text).join('\n');
  const doc: ParsedDocument = { file: VEHICLE, text, format: 'json', root: vehicle.root(text.length), diagnostics: [], lines: new LineIndex(text) };
  const model = templateRoutes(doc);
  const { incomplete, addresses } = vehicle.marks;
  const seen = new Set<object>();
  for (const route of model.routes) {
    route.source = 'terraform';
    const offsets = [route.span.offset, ...route.responders.map((r) => r.span.offset)];
    for (const o of offsets) {
      const marks = o === undefined ? undefined : incomplete.get(o);
      if (!marks) continue;
      route.incomplete ??= [];
      for (const m of marks) if (!route.incomplete.some((x) => x.reason === m.reason)) route.incomplete.push({ reason: m.reason, span: atSpan(m.at) });
    }
    restore(route, files, addresses, seen);
    result.routes.push(route as Route);
  }
  for (const d of model.diagnostics) {
    restore(d, files, addresses, seen);
    let message = d.message;
    for (const [re, to] of TERMS) message = message.replace(re, to);
    result.diagnostics.push({ ...d, message } as SourceDiagnostic);
  }
  for (const d of vehicle.marks.diagnostics) result.diagnostics.push({ ruleId: d.ruleId, message: d.message, span: atSpan(d.at) });
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
    for (const [dir, group] of byDir) {
      try {
        loadModule(group, siblingsOf(dir, group, host), result);
      } catch (err) {
        // A source bug costs this module only, reported on each of its files.
        for (const f of group) {
          result.diagnostics.push({
            ruleId: 'parse-error',
            fatal: true,
            message: `Internal error while reading this Terraform module: ${(err as Error).message}`,
            span: { file: f.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
          });
        }
      }
    }
    return result;
  },
};
