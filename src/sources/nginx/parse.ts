/**
 * Entry point of the nginx front end: parses the input files, splits `nginx -T` dumps back
 * into their files, resolves `include`, finds the root configs and checks directive contexts.
 *
 * Includes follow nginx: a relative path is relative to the directory of the main config
 * (nginx's conf prefix), not of the including file; a glob expands sorted and may match
 * nothing; a missing plain file is an `unresolved-include` warning at the include's argument.
 * A file that does not look like a main config (no top-level `http`/`events`) does not tell
 * where the main config is, so its relative includes are also tried from up to two parent
 * directories (`sites-enabled/x` including `snippets/cors.conf` of `/etc/nginx`). An include
 * cycle is a `parse-error` (nginx itself recurses until it fails) and is cut at the include.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SourceDiagnostic, Span } from '../../model/types.js';
import type { InputFile, SourceHost } from '../types.js';
import type { NginxDirective, NginxFile } from './ast.js';
import { checkContexts, type NginxContext } from './contexts.js';
import { parseNginx, type ParsedNginxFile } from './parser.js';

export type { NginxContext } from './contexts.js';

export interface NginxUnit {
  file: NginxFile;
  context: NginxContext;
}

export interface NginxParseResult {
  units: NginxUnit[];
  diagnostics: SourceDiagnostic[];
  files: Map<string, string>;
}

const DUMP_HEADER = /^# configuration file ((?:\/|[A-Za-z]:[\\/]).*):\r?$/gm;
/** what may precede the first file of a dump: nginx's own status lines (`nginx: the configuration file ... syntax is ok`) */
const DUMP_PREAMBLE = /^(?:\s*|nginx: .*)$/;
const GLOB_MAGIC = /[*?[]/;
/** include chains deeper than this are cut (real configs nest a handful of levels) */
const MAX_INCLUDE_DEPTH = 64;
const MAIN_DIRECTIVES = new Set(['http', 'events', 'stream', 'mail']);

/**
 * `nginx -T` output: `# configuration file PATH:` then the file's text and one extra newline,
 * for every file nginx read. Returns the files, or undefined when the text is not a dump.
 */
export function splitDump(text: string): InputFile[] | undefined {
  DUMP_HEADER.lastIndex = 0;
  const heads: { path: string; start: number; bodyStart: number }[] = [];
  for (let m = DUMP_HEADER.exec(text); m; m = DUMP_HEADER.exec(text)) {
    const nl = text.indexOf('\n', m.index);
    heads.push({ path: m[1]!.trim(), start: m.index, bodyStart: nl < 0 ? text.length : nl + 1 });
  }
  if (heads.length === 0) return undefined;
  // a config that merely has such a comment somewhere is not a dump
  if (!text.slice(0, heads[0]!.start).split('\n').every((l) => DUMP_PREAMBLE.test(l))) return undefined;
  const out: InputFile[] = [];
  for (let i = 0; i < heads.length; i++) {
    const h = heads[i]!;
    let end = i + 1 < heads.length ? heads[i + 1]!.start : text.length;
    // nginx writes a newline after each file's text
    if (end > h.bodyStart && text.charCodeAt(end - 1) === 10) end--;
    if (end > h.bodyStart && text.charCodeAt(end - 1) === 13) end--;
    out.push({ path: h.path, text: text.slice(h.bodyStart, Math.max(end, h.bodyStart)) });
  }
  return out;
}

/** glob(3)-style pattern to a RegExp over whole paths: `*` and `?` stay within one path segment and skip dot files */
function globToRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const segStart = i === 0 || pattern[i - 1] === '/';
    if (c === '*') re += segStart ? '(?!\\.)[^/]*' : '[^/]*';
    else if (c === '?') re += segStart ? '[^/.]' : '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let cls = pattern.slice(i + 1, close);
        if (cls.startsWith('!')) cls = '^' + cls.slice(1);
        re += '[' + cls.replace(/\\/g, '\\\\') + ']';
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

function topLevelNames(file: NginxFile): Set<string> {
  const names = new Set<string>();
  for (const d of file.directives) {
    names.add(d.name);
    if (d.included) for (const inc of d.included) for (const x of inc.directives) names.add(x.name);
  }
  return names;
}

/** the context a root file is written for, from what it has at the top */
export function inferContext(file: NginxFile): NginxContext {
  const names = topLevelNames(file);
  for (const n of MAIN_DIRECTIVES) if (names.has(n)) return 'main';
  if (names.has('server') || names.has('map') || names.has('upstream')) return 'http';
  if (names.has('location') || names.has('listen') || names.has('server_name')) return 'server';
  return 'location';
}

function argSpan(d: NginxDirective): Span {
  return d.args[0]?.span ?? d.nameSpan;
}

export function parseNginxFiles(files: InputFile[], host: SourceHost): NginxParseResult {
  const diagnostics: SourceDiagnostic[] = [];
  const seenDiag = new Set<string>();
  const report = (d: SourceDiagnostic): void => {
    const key = `${d.ruleId}\0${d.span.file}\0${d.span.line}\0${d.span.column}\0${d.message}`;
    if (seenDiag.has(key)) return;
    seenDiag.add(key);
    diagnostics.push(d);
  };
  const texts = new Map<string, string>();

  // 1. The input set: plain files and the files inside `nginx -T` dumps.
  interface Input {
    path: string;
    text: string;
    /** for files from a dump: the dump's main config (its first file); includes resolve only inside the dump */
    dumpMain?: string;
  }
  const inputs: Input[] = [];
  for (const f of files) {
    const sections = f.text.includes('# configuration file ') && !f.text.includes('\u0000') ? splitDump(f.text) : undefined;
    if (sections) {
      for (const s of sections) {
        if (texts.has(s.path)) continue;
        inputs.push({ path: s.path, text: s.text, dumpMain: sections[0]!.path });
        texts.set(s.path, s.text);
      }
    } else if (!texts.has(f.path)) {
      inputs.push({ path: f.path, text: f.text });
      texts.set(f.path, f.text);
    }
  }
  const inputByPath = new Map(inputs.map((i) => [i.path, i]));
  const inputPaths = [...inputByPath.keys()].sort();

  // Parse each input once for the root search; the trees for units are parsed per prefix below.
  const firstParse = new Map<string, ParsedNginxFile>();
  /** files with template syntax: their structure is not the rendered one, so only syntax is reported */
  const templates = new Set<string>();
  const parseOnce = (path: string, text: string): ParsedNginxFile => {
    let parsed = firstParse.get(path);
    if (!parsed) {
      parsed = parseNginx(text, path);
      for (const d of parsed.diagnostics) report(d);
      if (parsed.template) templates.add(path);
      firstParse.set(path, parsed);
    }
    return parsed;
  };

  const isMainLike = (f: NginxFile): boolean => f.directives.some((d) => MAIN_DIRECTIVES.has(d.name) && d.block);

  /** directories a relative include may be resolved against, in order */
  const prefixesFor = (root: Input, file: NginxFile): string[] => {
    if (root.dumpMain) return [dirname(root.dumpMain)];
    const dir = dirname(root.path);
    if (isMainLike(file)) return [dir];
    const out = [dir];
    const up1 = dirname(dir);
    if (up1 !== dir) out.push(up1);
    const up2 = dirname(up1);
    if (up2 !== up1) out.push(up2);
    return out;
  };

  /** the files an include argument names, in nginx's order; `missing` when a plain file does not exist */
  const resolveInclude = (arg: string, prefixes: string[], closed: boolean): { paths: string[]; tried: string } => {
    const candidates = isAbsolute(arg) ? [arg] : prefixes.map((p) => resolve(p, arg));
    if (GLOB_MAGIC.test(arg)) {
      for (const pattern of candidates) {
        const re = globToRegExp(pattern);
        const found = new Set(inputPaths.filter((p) => re.test(p)));
        if (!closed) for (const p of host.glob(pattern)) found.add(p);
        // the first prefix with a match wins; nginx itself only has one prefix
        if (found.size) return { paths: [...found].sort(), tried: pattern };
      }
      return { paths: [], tried: candidates[0]! };
    }
    for (const p of candidates) {
      if (inputByPath.has(p) || texts.has(p)) return { paths: [p], tried: p };
      if (!closed) {
        const t = host.readFile(p);
        if (t !== undefined) {
          texts.set(p, t);
          return { paths: [p], tried: p };
        }
      }
    }
    return { paths: [], tried: candidates[0]! };
  };

  // 2. Roots: inputs no other input includes (checked against every plausible prefix).
  const includedInputs = new Set<string>();
  const mainDirs = new Set<string>();
  for (const inp of inputs) {
    const f = parseOnce(inp.path, inp.text).file;
    if (isMainLike(f)) mainDirs.add(dirname(inp.dumpMain ?? inp.path));
  }
  for (const inp of inputs) {
    const parsed = parseOnce(inp.path, inp.text);
    const prefixes = [...new Set([...prefixesFor(inp, parsed.file), ...(inp.dumpMain ? [] : mainDirs)])];
    for (const d of parsed.includes) {
      if (d.args.length !== 1) continue;
      const arg = d.args[0]!.value;
      const cands = isAbsolute(arg) ? [arg] : prefixes.map((p) => resolve(p, arg));
      for (const c of cands) {
        if (GLOB_MAGIC.test(arg)) {
          const re = globToRegExp(c);
          for (const p of inputPaths) if (p !== inp.path && re.test(p)) includedInputs.add(p);
        } else if (c !== inp.path && inputByPath.has(c)) includedInputs.add(c);
      }
    }
  }

  // 3. Units: each root with its include tree. Trees are cached per (prefixes, path) so a
  //    file included many times is parsed and resolved once per prefix set.
  const trees = new Map<string, { file: NginxFile; done: boolean }>();
  const covered = new Set<string>();

  const expand = (path: string, text: string, prefixes: string[], closed: boolean, chain: string[]): NginxFile => {
    const key = `${prefixes.join('\0')}\u0001${path}`;
    const cached = trees.get(key);
    if (cached) return cached.file;
    const first = firstParse.get(path);
    let parsed: ParsedNginxFile;
    if (first && !trees.has(`\u0002${path}`)) {
      // the first expansion of an input reuses its first parse
      parsed = first;
      trees.set(`\u0002${path}`, { file: first.file, done: true });
    } else {
      parsed = parseNginx(text, path);
      for (const d of parsed.diagnostics) report(d);
      if (parsed.template) templates.add(path);
    }
    const file = parsed.file;
    const entry = { file, done: false };
    trees.set(key, entry);
    covered.add(path);
    chain.push(path);
    for (const d of parsed.includes) {
      if (d.args.length !== 1) {
        report({ ruleId: 'parse-error', message: `invalid number of arguments in "include" directive (nginx takes exactly one file or mask)`, span: d.nameSpan });
        continue;
      }
      const arg = d.args[0]!.value;
      // a templated path (`{{ printf "/etc/nginx/vhost.d/%s" $host }}`) names no file yet
      if ((d.args[0] as { template?: boolean }).template) continue;
      const { paths, tried } = resolveInclude(arg, prefixes, closed);
      d.included = [];
      if (paths.length === 0) {
        if (!GLOB_MAGIC.test(arg)) {
          report({
            ruleId: 'unresolved-include',
            message: `include "${arg}" cannot be resolved (no file ${tried}): that part of the configuration was not seen, so headers, auth or returns it adds are not checked`,
            span: argSpan(d),
          });
        }
        continue;
      }
      for (const p of paths) {
        if (chain.includes(p)) {
          const loop = [...chain.slice(chain.indexOf(p)), p].join(' -> ');
          report({
            ruleId: 'parse-error',
            message: `include cycle: ${loop}; nginx would include these files again and again until it fails, so it rejects this configuration`,
            span: argSpan(d),
          });
          continue;
        }
        if (chain.length >= MAX_INCLUDE_DEPTH) {
          report({ ruleId: 'parse-error', message: `includes are nested more than ${MAX_INCLUDE_DEPTH} levels deep: "${p}" was not read`, span: argSpan(d) });
          continue;
        }
        const t = texts.get(p);
        if (t === undefined) continue;
        const sub = expand(p, t, prefixes, closed, chain);
        d.included.push({ file: p, directives: sub.directives });
      }
    }
    chain.pop();
    entry.done = true;
    return file;
  };

  const units: NginxUnit[] = [];
  const makeUnit = (inp: Input): void => {
    const f0 = parseOnce(inp.path, inp.text).file;
    const prefixes = prefixesFor(inp, f0);
    const file = expand(inp.path, inp.text, prefixes, !!inp.dumpMain, []);
    const inferred = inferContext(file);
    const context = templates.has(inp.path) ? inferred : checkContexts(file, inferred, report);
    units.push({ file, context });
  };
  const roots = inputs.filter((i) => !includedInputs.has(i.path));
  // main configs first, so their includes claim the snippets before those could become units
  roots.sort((a, b) => Number(isMainLike(parseOnce(b.path, b.text).file)) - Number(isMainLike(parseOnce(a.path, a.text).file)));
  for (const r of roots) makeUnit(r);
  // inputs only reachable through an include cycle among themselves: the first of each becomes a unit
  for (const inp of inputs) if (!covered.has(inp.path)) makeUnit(inp);

  diagnostics.sort((a, b) => (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.line - b.span.line || a.span.column - b.span.column));
  return { units, diagnostics, files: texts };
}
