/**
 * Serverless Framework variables, resolved where the service itself says what they are:
 * - `${self:custom.x}` (any path into the service file, also through other references);
 * - `${file(resources/x.yml)}` and `${file(x.yml):a.b}`, relative to the service directory
 *   (the folder of serverless.yml), read through the SourceHost; a file that cannot be read is
 *   an `unresolved-include` warning at the reference;
 * - quoted, numeric and boolean literals.
 * Everything decided at deploy time (`${opt:stage}`, `${env:X}`, `${sls:stage}`, `${aws:region}`,
 * `${ssm:...}`, `${cf:...}`, JavaScript files, ...) is unknown with the reason, even with a
 * fallback: the fallback is only one of the possible values.
 *
 * `${...}` that is not a Serverless variable (CloudFormation `Fn::Sub` placeholders such as
 * `${AWS::Region}` or `${MyBucket.Arn}`) is left as written.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import type { SourceDiagnostic, Span } from '../../model/types.js';
import { parseTemplateText } from '../cloudformation/index.js';
import { isMap, isScalar, isSeq, PosMap, ScalarNode, SeqNode, spanOf, type ParsedDocument, type YMap, type YNode, type YPair } from '../yaml-positions.js';
import type { SourceHost } from '../types.js';

/** A node together with the document it comes from (its offsets are into that document's text). */
export interface Located {
  node: YNode;
  doc: ParsedDocument;
}

export type Text = { ok: true; text: string } | { ok: false; reason: string };

type Value = { kind: 'node'; at: Located } | { kind: 'text'; text: string } | { kind: 'unknown'; reason: string };

/** `source:` or `source(` at the start: a Serverless variable (CloudFormation's `AWS::Region` has `::`). */
const VARIABLE = /^\s*([A-Za-z][\w-]*)\s*(\(|:(?!:))/;
const INNERMOST = /\$\{([^${}]*)\}/g;
const MAX_DEPTH = 24;

const SOURCE_REASONS: Record<string, string> = {
  opt: 'a command-line option',
  env: 'an environment variable',
  sls: 'the Serverless CLI (stage, instance id)',
  aws: 'the AWS account the stack is deployed to',
  ssm: 'an SSM parameter',
  cf: 'another CloudFormation stack',
  s3: 'an S3 object',
  param: 'a Serverless Dashboard parameter',
  git: 'the git repository',
  strToBool: 'a computed value',
};

export class Variables {
  readonly diagnostics: SourceDiagnostic[] = [];
  private readonly docs = new Map<string, ParsedDocument | string | null>();
  private readonly reported = new Set<string>();
  readonly serviceDir: string;

  constructor(
    readonly main: ParsedDocument,
    private readonly host: SourceHost,
    /** every file read, with its text (the source result's `files`) */
    readonly files: Map<string, string>,
  ) {
    this.serviceDir = dirname(resolvePath(main.file));
  }

  span(at: { doc: ParsedDocument }, start: number, end: number): Span {
    return spanOf(at.doc, start, end);
  }
  spanNode(at: Located): Span {
    return spanOf(at.doc, at.node.start, at.node.end);
  }
  spanKey(doc: ParsedDocument, p: YPair): Span {
    return spanOf(doc, p.keyStart, p.keyEnd);
  }
  spanPair(doc: ParsedDocument, p: YPair): Span {
    return spanOf(doc, p.keyStart, Math.max(p.keyEnd, p.value.end));
  }

  /**
   * Follows a value that is one whole reference (`${self:custom.cors}`, `${file(x.yml)}`) to the
   * node it names. Other values are returned as they are; undefined when the reference cannot be
   * followed (an unreadable file has been reported).
   */
  resolve(node: YNode | undefined, doc: ParsedDocument, depth = 0): Located | undefined {
    if (!node) return undefined;
    if (!isScalar(node) || !node.text.includes('${') || depth > MAX_DEPTH) return { node, doc };
    const m = /^\s*\$\{([\s\S]*)\}\s*$/.exec(node.text);
    if (!m || !isVariable(m[1]!) || hasTopLevelSiblings(node.text)) return { node, doc };
    const v = this.evaluate(m[1]!, { node, doc }, depth + 1);
    if (v.kind === 'node') return this.resolve(v.at.node, v.at.doc, depth + 1);
    return { node, doc };
  }

  /** `resolve` for a located node. */
  follow(at: Located | undefined): Located | undefined {
    return at ? this.resolve(at.node, at.doc) : undefined;
  }

  /** The entry `key` of a map (after following references), with its document. */
  pair(at: Located | undefined, key: string): { pair: YPair; doc: ParsedDocument } | undefined {
    const m = this.follow(at);
    if (!m || !isMap(m.node)) return undefined;
    const p = m.node.byKey.get(key);
    return p ? { pair: p, doc: m.doc } : undefined;
  }

  get(at: Located | undefined, key: string): Located | undefined {
    const p = this.pair(at, key);
    return p ? this.resolve(p.pair.value, p.doc) : undefined;
  }

  /** Map entries (following references), each with its document. */
  entries(at: Located | undefined): { pair: YPair; doc: ParsedDocument }[] {
    const m = this.follow(at);
    if (!m || !isMap(m.node)) return [];
    return [...m.node.byKey.values()].sort((a, b) => a.keyStart - b.keyStart).map((pair) => ({ pair, doc: m.doc }));
  }

  /** A list: a sequence's items (each followed), a scalar as a one-item list, else undefined. */
  list(at: Located | undefined): Located[] | undefined {
    const m = this.follow(at);
    if (!m) return undefined;
    if (isSeq(m.node)) return m.node.items.map((i) => this.resolve(i, m.doc) ?? { node: i, doc: m.doc });
    if (isScalar(m.node)) return [m];
    return undefined;
  }

  /** A string value with every variable substituted, or the reason it is only known at deploy time. */
  text(at: Located | undefined, depth = 0): Text {
    if (!at) return { ok: false, reason: 'the value is missing' };
    if (depth > MAX_DEPTH) return { ok: false, reason: 'variables nest too deeply (circular reference?)' };
    const n = at.node;
    if (isSeq(n)) return { ok: false, reason: 'a list where a string is expected' };
    if (isMap(n)) {
      const [only] = n.byKey.keys();
      if (n.byKey.size === 1 && only && (only === 'Ref' || only.startsWith('Fn::'))) return { ok: false, reason: `${only} is only known at deploy time` };
      return { ok: false, reason: 'a map where a string is expected' };
    }
    if (n.value === null && !n.quoted) return { ok: false, reason: 'the value is empty' };
    if (!n.text.includes('${')) return { ok: true, text: n.text };
    return this.expand(n.text, at, depth);
  }

  /** Substitutes the variables of a text, innermost first. */
  private expand(input: string, at: Located, depth: number): Text {
    let text = input;
    for (let round = 0; round < 64; round++) {
      let found: RegExpExecArray | undefined;
      INNERMOST.lastIndex = 0;
      for (let m = INNERMOST.exec(text); m; m = INNERMOST.exec(text)) {
        if (isVariable(m[1]!)) {
          found = m;
          break;
        }
      }
      if (!found) return { ok: true, text };
      const v = this.evaluate(found[1]!, at, depth + 1);
      let piece: string;
      if (v.kind === 'unknown') return { ok: false, reason: v.reason };
      if (v.kind === 'text') piece = v.text;
      else {
        const s = this.text(v.at, depth + 1);
        if (!s.ok) return s;
        piece = s.text;
      }
      text = text.slice(0, found.index) + piece + text.slice(found.index + found[0].length);
    }
    return { ok: false, reason: 'too many variables in one value' };
  }

  bool(at: Located | undefined): boolean | undefined {
    const m = this.follow(at);
    if (!m || !isScalar(m.node)) return undefined;
    if (typeof m.node.value === 'boolean') return m.node.value;
    const s = this.text(m);
    if (!s.ok) return undefined;
    if (/^true$/i.test(s.text)) return true;
    if (/^false$/i.test(s.text)) return false;
    return undefined;
  }

  /** Evaluates the inside of one `${...}` (innermost variables already substituted). */
  private evaluate(inner: string, at: Located, depth: number): Value {
    let expr = inner;
    if (expr.includes('${')) {
      // `${self:custom.${opt:stage}}`: the inner variables first
      const x = this.expand(expr, at, depth + 1);
      if (!x.ok) return { kind: 'unknown', reason: x.reason };
      expr = x.text;
    }
    const alternatives = splitTopLevel(expr);
    const [primary, ...fallbacks] = alternatives;
    const first = this.evaluateOne(primary ?? '', at, depth);
    if (first.kind !== 'missing') {
      if (first.kind === 'unknown' && fallbacks.length) {
        return { kind: 'unknown', reason: `${first.reason} (fallback ${fallbacks.join(', ')})` };
      }
      return first;
    }
    for (const f of fallbacks) {
      const v = this.evaluateOne(f, at, depth);
      if (v.kind !== 'missing') return v;
    }
    return { kind: 'unknown', reason: first.reason };
  }

  private evaluateOne(expr: string, at: Located, depth: number): Value | { kind: 'missing'; reason: string } {
    const e = expr.trim();
    const quoted = /^(['"])([\s\S]*)\1$/.exec(e);
    if (quoted) return { kind: 'text', text: quoted[2]! };
    if (/^-?\d+(\.\d+)?$/.test(e) || /^(true|false)$/.test(e)) return { kind: 'text', text: e };
    const file = /^file\(\s*([^)]*?)\s*\)\s*(?::\s*([\s\S]*))?$/.exec(e);
    if (file) return this.fileValue(file[1]!.replace(/^(['"])(.*)\1$/, '$2'), file[2]?.trim(), at, e, depth);
    const m = /^([A-Za-z][\w-]*)\s*:\s*([\s\S]*)$/.exec(e);
    if (!m) return { kind: 'unknown', reason: `\${${e}} is not a variable corslint can resolve` };
    const [, source, address] = m;
    if (source === 'self') {
      const target = this.lookup({ node: this.main.root!, doc: this.main }, address!, depth);
      if (!target) return { kind: 'missing', reason: `\${self:${address}} names nothing in this file` };
      return { kind: 'node', at: target };
    }
    const why = SOURCE_REASONS[source!] ?? `the ${source} variable source`;
    return { kind: 'unknown', reason: `\${${e}} comes from ${why}, only known at deploy time` };
  }

  /** A dotted path (`custom.cors.origins.0`) inside a node, following references on the way. */
  private lookup(from: Located, address: string, depth: number): Located | undefined {
    let cur: Located | undefined = this.resolve(from.node, from.doc, depth);
    const parts = address.trim() === '' ? [] : address.trim().split('.');
    for (const part of parts) {
      if (!cur) return undefined;
      const n: YNode = cur.node;
      if (isMap(n)) {
        const p = n.byKey.get(part);
        cur = p ? this.resolve(p.value, cur.doc, depth + 1) : undefined;
      } else if (isSeq(n) && /^\d+$/.test(part)) {
        const item = n.items[Number(part)];
        cur = item ? this.resolve(item, cur.doc, depth + 1) : undefined;
      } else return undefined;
    }
    return cur;
  }

  private fileValue(path: string, address: string | undefined, at: Located, expr: string, depth: number): Value {
    if (/\.(js|cjs|mjs|ts)$/i.test(path)) return { kind: 'unknown', reason: `\${${expr}} runs JavaScript, only known at deploy time` };
    const abs = resolvePath(this.serviceDir, path);
    const loaded = this.load(abs);
    if (loaded === null) {
      this.reportUnresolved(at, `Cannot read ${path} (\${${expr}}, resolved against ${this.serviceDir}): the configuration it provides was not checked`);
      return { kind: 'unknown', reason: `${path} could not be read` };
    }
    if (typeof loaded === 'string') {
      return address ? { kind: 'unknown', reason: `${path} is not YAML or JSON` } : { kind: 'text', text: loaded };
    }
    if (!loaded.root) return { kind: 'unknown', reason: `${path} is empty or does not parse` };
    const target = this.lookup({ node: loaded.root, doc: loaded }, address ?? '', depth);
    return target ? { kind: 'node', at: target } : { kind: 'unknown', reason: `${path} has no ${address}` };
  }

  /** Reads and parses a referenced file once; null when it cannot be read. */
  private load(abs: string): ParsedDocument | string | null {
    if (this.docs.has(abs)) return this.docs.get(abs)!;
    let out: ParsedDocument | string | null = null;
    const text = abs === resolvePath(this.main.file) ? this.main.text : this.host.readFile(abs);
    if (text !== undefined) {
      this.files.set(abs, text);
      if (/\.(ya?ml|json)$/i.test(abs)) {
        const doc = parseTemplateText(abs, text);
        this.diagnostics.push(...doc.diagnostics);
        out = doc;
      } else out = text;
    }
    this.docs.set(abs, out);
    return out;
  }

  /** An `unresolved-include` warning at the scalar holding the reference, once per reference. */
  reportUnresolved(at: Located, message: string): void {
    const key = `${at.doc.file}\0${at.node.start}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push({ ruleId: 'unresolved-include', message, span: this.spanNode(at) });
  }

  /**
   * A copy of a CloudFormation subtree where every Serverless variable is substituted, for the
   * CloudFormation readers. A value only known at deploy time becomes a one-key map named after
   * the variable (`{"${opt:stage}": ...}`), which those readers treat as unknown with that
   * name. Whole-value references into another file cannot keep their positions here: they are
   * reported through `unseen`.
   */
  substitute(at: Located, unseen: (at: Located, reason: string) => void, depth = 0): YNode {
    const n = at.node;
    if (depth > 64) return n;
    if (isScalar(n)) {
      if (!n.text.includes('${')) return n;
      const whole = this.resolve(n, at.doc);
      if (whole && whole.node !== n) {
        if (whole.doc !== at.doc) {
          unseen(at, `${n.text} brings in part of another file, which corslint does not merge into resources`);
          return unknownMarker(n);
        }
        return this.substitute(whole, unseen, depth + 1);
      }
      const s = this.text(at);
      // (copies are built with the node classes: a spread would not copy `kind`, which is on their prototypes)
      if (s.ok) return s.text === n.text ? n : new ScalarNode(s.text, s.text, n.quoted, n.start, n.end);
      return unknownMarker(n);
    }
    if (isSeq(n)) {
      let changed = false;
      const items = n.items.map((i) => {
        const c = this.substitute({ node: i, doc: at.doc }, unseen, depth + 1);
        if (c !== i) changed = true;
        return c;
      });
      return changed ? new SeqNode(items, n.start, n.end) : n;
    }
    let changed = false;
    const pairs = n.pairs.map((p) => {
      const v = this.substitute({ node: p.value, doc: at.doc }, unseen, depth + 1);
      if (v === p.value) return p;
      changed = true;
      return { ...p, value: v };
    });
    if (!changed) return n;
    const byKey = new Map<string, YPair>();
    for (const p of pairs) byKey.set(p.key, p);
    const out = new PosMap(n.start, n.end, pairs);
    out.byKey = byKey;
    out.shortForm = n.shortForm;
    return out;
  }
}

function unknownMarker(n: YNode): YMap {
  const key = isScalar(n) ? n.text : 'a Serverless variable';
  const pair: YPair = { key, keyStart: n.start, keyEnd: n.end, value: n };
  return { kind: 'map', pairs: [pair], byKey: new Map([[key, pair]]), start: n.start, end: n.end };
}

function isVariable(inner: string): boolean {
  return VARIABLE.test(inner);
}

/** `${a}-${b}` is not one whole reference even though it starts with `${` and ends with `}`. */
function hasTopLevelSiblings(text: string): boolean {
  const t = text.trim();
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '$' && t[i + 1] === '{') {
      depth++;
      i++;
    } else if (t[i] === '}') {
      depth--;
      if (depth === 0 && i !== t.length - 1) return true;
    }
  }
  return false;
}

/** Splits `opt:stage, self:provider.stage, 'dev'` at top-level commas (not inside quotes or parentheses). */
function splitTopLevel(expr: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let parens = 0;
  for (const ch of expr) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') parens++;
    else if (ch === ')') parens--;
    else if (ch === ',' && parens === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out.filter((s) => s !== '');
}
