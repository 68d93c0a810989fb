/**
 * YAML and JSON loaders where every value keeps its position.
 *
 * YAML goes through js-yaml 5's event parser (`parseEvents`: a flat event stream with source
 * offsets, ≈ 10 MB/s) and this module builds a small positioned tree from it in one pass.
 * CloudFormation short forms (`!Ref X`, `!GetAtt [A, B]`, `!If [...]`, ...) become their long
 * form (`{Ref: X}`, `{"Fn::GetAtt": [A, B]}`), with the tag's own position as the key's span,
 * so later stages see one shape whatever the author wrote. JSON goes through `json-positions.ts`.
 *
 * Nothing here throws on bad input: syntax errors, duplicate keys and alias bombs become
 * `parse-error` diagnostics at the exact position.
 */
import { getScalarValue, parseEvents, type Event } from 'js-yaml';
import type { SourceDiagnostic, Span } from '../model/types.js';
import { readFastYaml } from './yaml-fast-events.js';

export interface YScalar {
  kind: 'scalar';
  /** typed value (YAML core schema for plain scalars; quoted scalars are strings) */
  value: string | number | boolean | null;
  /** the decoded text, whatever the type (`200` for both `200` and `'200'`) */
  text: string;
  quoted: boolean;
  start: number;
  end: number;
}

export interface YSeq {
  kind: 'seq';
  items: YNode[];
  start: number;
  end: number;
}

export interface YPair {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: YNode;
}

export interface YMap {
  kind: 'map';
  /** pairs in source order; with duplicate keys, `byKey` holds the last one (CloudFormation's behaviour) */
  pairs: YPair[];
  byKey: Map<string, YPair>;
  /** a CloudFormation short-form tag this map was built from (`!Ref`), for messages */
  shortForm?: string;
  start: number;
  end: number;
}

export type YNode = YScalar | YSeq | YMap;

/**
 * The scalars, pairs and sequences the YAML and JSON readers build: one class each, every field
 * set in the constructor, so each kind has one shape wherever it was made (the readers' many
 * object literals were one shape too, but each literal was an allocation site whose pretenuring
 * decision, taken half way through a large file, threw away all the code that built nodes).
 */
export class ScalarNode implements YScalar {
  /** on the prototype (below), not in each node: one field less to allocate, set and copy per scalar */
  declare readonly kind: 'scalar';
  declare value: string | number | boolean | null;
  declare text: string;
  declare quoted: boolean;
  declare start: number;
  declare end: number;
  constructor(value: string | number | boolean | null, text: string, quoted: boolean, start: number, end: number) {
    this.value = value;
    this.text = text;
    this.quoted = quoted;
    this.start = start;
    this.end = end;
  }
}

export class SeqNode implements YSeq {
  /** on the prototype, as ScalarNode's */
  declare readonly kind: 'seq';
  declare items: YNode[];
  declare start: number;
  declare end: number;
  constructor(items: YNode[], start: number, end: number) {
    this.items = items;
    this.start = start;
    this.end = end;
  }
}

// A node's `kind` is its class's: an object spread (`{ ...node }`) does not copy it, so copies of
// nodes are made with these constructors.
Object.defineProperty(ScalarNode.prototype, 'kind', { value: 'scalar' });
Object.defineProperty(SeqNode.prototype, 'kind', { value: 'seq' });

export class PairNode implements YPair {
  declare key: string;
  declare keyStart: number;
  declare keyEnd: number;
  declare value: YNode;
  constructor(key: string, keyStart: number, keyEnd: number, value: YNode) {
    this.key = key;
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
    this.value = value;
  }
}

/** Maps with more pairs than this get their `byKey` index while they are built; smaller ones only when asked for it. */
const INDEX_AT = 8;

/** What open collections hold until they are closed (replaced by an array of exactly their size). */
const OPEN: never[] = [];

/**
 * The maps the YAML and JSON readers build. Most template maps are small (`!Ref X`, a method's
 * `Properties`), so their key index is not built unless someone reads `byKey`: `child`/`pairOf`
 * look small maps up in `pairs` (no duplicates there: a duplicate key builds the index at once).
 * A multi-MB template has ~60k maps, and a `Map` each was a fifth of what the tree allocated.
 */
export class PosMap implements YMap {
  /** an own field (unlike ScalarNode's): maps are copied by spreading (`{ ...map, pairs }`) */
  declare readonly kind: 'map';
  declare pairs: YPair[];
  declare shortForm: string | undefined;
  /** `byKey` once built (kept up to date after that) */
  declare index: Map<string, YPair> | undefined;
  declare start: number;
  declare end: number;
  // (fields set here rather than by initializers: those compile to a second function each map calls)
  constructor(start: number, end: number, pairs: YPair[] = OPEN, shortForm?: string) {
    this.kind = 'map';
    this.pairs = pairs;
    this.shortForm = shortForm;
    this.index = undefined;
    this.start = start;
    this.end = end;
  }
  get byKey(): Map<string, YPair> {
    return (this.index ??= indexOf(this.pairs, 0, this.pairs.length));
  }
  set byKey(m: Map<string, YPair>) {
    this.index = m;
  }
  /** `byKey.size` without building the index */
  get size(): number {
    return this.index ? this.index.size : this.pairs.length;
  }
  /** `byKey.get(key)` without building the index */
  get(key: string): YPair | undefined {
    if (this.index) return this.index.get(key);
    const ps = this.pairs;
    for (let i = 0; i < ps.length; i++) if (ps[i]!.key === key) return ps[i];
    return undefined;
  }
}

/**
 * A CloudFormation short form (`!Ref Api`) as its long-form map (`{Ref: Api}`) that is also its
 * own single pair (`key` `Ref`, `value` the tagged node); its `pairs` array is made when first
 * read. Templates hold tens of thousands of these, which the builders reach through `onlyPair`
 * and `child`: one object each instead of four (map, pair, array, its store) to allocate, copy
 * at each scavenge and mark.
 */
export class ShortFormMap implements YMap, YPair {
  /** an own field, as PosMap's */
  declare readonly kind: 'map';
  declare shortForm: string;
  declare index: Map<string, YPair> | undefined;
  declare start: number;
  declare end: number;
  declare key: string;
  declare keyStart: number;
  declare keyEnd: number;
  declare value: YNode;
  /** `pairs` once read */
  declare private madePairs: YPair[] | undefined;
  constructor(tag: string, longKey: string, tagStart: number, tagEnd: number, node: YNode) {
    this.kind = 'map';
    this.shortForm = tag;
    this.index = undefined;
    this.start = tagStart;
    this.end = Math.max(node.end, tagEnd);
    this.key = longKey;
    this.keyStart = tagStart;
    this.keyEnd = tagEnd;
    this.value = node;
    this.madePairs = undefined;
  }
  /** (read-only: nothing replaces a parsed map's pairs) */
  get pairs(): YPair[] {
    return (this.madePairs ??= [this]);
  }
  get byKey(): Map<string, YPair> {
    return (this.index ??= new Map([[this.key, this]]));
  }
  set byKey(m: Map<string, YPair>) {
    this.index = m;
  }
  /** `byKey.size`, as PosMap's */
  get size(): number {
    return this.index ? this.index.size : 1;
  }
  /** `byKey.get(key)`, as PosMap's */
  get(key: string): YPair | undefined {
    if (this.index) return this.index.get(key);
    return key === this.key ? this : undefined;
  }
  /** `onlyPair(this)` */
  onlyPair(): YPair | undefined {
    if (this.index) return this.index.size === 1 ? this.index.values().next().value : undefined;
    return this;
  }
}

function indexOf(pairs: YPair[], from: number, to: number): Map<string, YPair> {
  const m = new Map<string, YPair>();
  for (let i = from; i < to; i++) m.set(pairs[i]!.key, pairs[i]!);
  return m;
}

/** An open map or sequence of a `Collector`. */
export interface OpenCollection {
  /** where its pairs (map) or items (sequence) start on the collector's stack */
  base: number;
  /** the map's key index, once built (more than INDEX_AT pairs, a duplicate key or a merge) */
  index: Map<string, YPair> | undefined;
}

/**
 * Gathers the pairs and items of the collections being built on one shared stack, so that a
 * closed collection gets an array of exactly its size (an array grown by `push` from empty
 * reserves 17 slots: most template maps have one to three pairs).
 */
export class Collector {
  private readonly pairs: YPair[] = [];
  private pairTop = 0;
  private readonly items: YNode[] = [];
  private itemTop = 0;

  /** Starts collecting a map's pairs in `c` (a reused frame: no allocation per collection). */
  openMap(c: OpenCollection): void {
    c.base = this.pairTop;
    c.index = undefined;
  }
  openSeq(c: OpenCollection): void {
    c.base = this.itemTop;
    c.index = undefined;
  }
  /** The open map's pair for `key` (the last one, like `byKey.get`). */
  get(m: OpenCollection, key: string): YPair | undefined {
    if (m.index) return m.index.get(key);
    const ps = this.pairs;
    for (let i = m.base; i < this.pairTop; i++) if (ps[i]!.key === key) return ps[i];
    return undefined;
  }
  /** Appends a pair to the open map (the last of a duplicate key wins); returns the pair of that key it replaces. */
  add(m: OpenCollection, pair: YPair): YPair | undefined {
    const previous = this.get(m, pair.key);
    this.pairs[this.pairTop++] = pair;
    if (m.index) m.index.set(pair.key, pair);
    else if (previous || this.pairTop - m.base > INDEX_AT) m.index = indexOf(this.pairs, m.base, this.pairTop);
    return previous;
  }
  /** A YAML merge key's pair: kept in the index only, unless the map already has that key. */
  merge(m: OpenCollection, pair: YPair): void {
    const ix = (m.index ??= indexOf(this.pairs, m.base, this.pairTop));
    if (!ix.has(pair.key)) ix.set(pair.key, pair);
  }
  closeMap(m: OpenCollection, map: PosMap): void {
    map.pairs = this.pairs.slice(m.base, this.pairTop);
    map.index = m.index;
    this.pairTop = m.base;
  }
  addItem(node: YNode): void {
    this.items[this.itemTop++] = node;
  }
  closeSeq(s: OpenCollection, seq: YSeq): void {
    seq.items = this.items.slice(s.base, this.itemTop);
    this.itemTop = s.base;
  }
}

/** A map's pair for `key` (`byKey.get`, without building a parser map's index). */
function lookup(m: YMap, key: string): YPair | undefined {
  return m instanceof PosMap || m instanceof ShortFormMap ? m.get(key) : m.byKey.get(key);
}

/** `byKey.size` of a map (without building a parser map's index). */
export function mapSize(m: YMap): number {
  return m instanceof PosMap || m instanceof ShortFormMap ? m.size : m.byKey.size;
}

/**
 * Short texts of a source as strings, the same string object each time a text repeats (keys,
 * `Api`, `AWS_PROXY`, tags): one slot per hash, checked in place, so a repeated text allocates
 * nothing and keeps its computed hash for later `Map` and property lookups.
 */
export class TextCache {
  private readonly slots: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);
  constructor(private readonly src: string) {}
  get(start: number, end: number): string {
    const src = this.src;
    const len = end - start;
    if (len <= 0 || len > 40) return src.slice(start, end);
    const h = (len * 97 + src.charCodeAt(start) * 31 + src.charCodeAt(end - 1) * 7 + src.charCodeAt(start + (len >> 1))) & 4095;
    // The slice compared with `===` (a native comparison) costs less than `startsWith`, which
    // TurboFan inlines as a loop of two `charCodeAt` per character; a slice that matches is
    // short-lived garbage, which the scavenger never copies.
    const text = src.slice(start, end);
    const c = this.slots[h];
    if (c === text) return c;
    this.slots[h] = text;
    return text;
  }
}

/** Offsets to 1-based line/column. */
export class LineIndex {
  /** line start offsets in `starts[0 .. count - 1]` (a typed array: the garbage collector never scans or copies its contents); read by `spanOf` */
  readonly starts: Int32Array;
  readonly count: number;
  /** the line of the last lookup: spans are mostly asked for in text order, and a span's end is near its start */
  private last = 0;
  constructor(text: string) {
    // (V8 strings are shorter than 2^30: every offset fits)
    let starts = new Int32Array(Math.max(16, text.length >> 5));
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      if (n === starts.length) {
        const grown = new Int32Array(n * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[n++] = i + 1;
    }
    this.starts = starts;
    this.count = n;
  }
  /** 0-based line of an offset (offsets before the text are on line 0, after it on the last line) */
  lineAt(offset: number): number {
    const s = this.starts;
    let i = this.last;
    if (s[i]! <= offset) {
      // the hint's line or one of the next few
      for (let k = 0; k < 8; k++) {
        if (i + 1 >= this.count || s[i + 1]! > offset) {
          this.last = i;
          return i;
        }
        i++;
      }
    }
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }
  /** offset where a 0-based line starts */
  lineStart(line: number): number {
    return this.starts[line]!;
  }
  position(offset: number): { line: number; column: number } {
    const line = this.lineAt(offset);
    return { line: line + 1, column: offset - this.starts[line]! + 1 };
  }
}

export interface ParsedDocument {
  file: string;
  text: string;
  format: 'yaml' | 'json';
  /** null when the file could not be parsed (see diagnostics) or is empty */
  root: YNode | null;
  diagnostics: SourceDiagnostic[];
  lines: LineIndex;
}

/** The span of an offset range in a parsed document. */
export function spanOf(doc: { file: string; lines: LineIndex }, start: number, end: number): Span {
  const lines = doc.lines;
  const starts = lines.starts;
  const e = Math.max(start, end);
  const a = lines.lineAt(start);
  // Most spans end on the line they start on: no second lookup then. (Spans are made for every
  // model element and finding; without TurboFan inlining each lookup is a call.)
  const b = a + 1 >= lines.count || starts[a + 1]! > e ? a : lines.lineAt(e);
  return { file: doc.file, line: a + 1, column: start - starts[a]! + 1, endLine: b + 1, endColumn: e - starts[b]! + 1, offset: start, endOffset: e };
}

// CloudFormation short forms: tag → long-form key. `!Ref` and `!Condition` are not `Fn::`.
// (A Map: looking a tag up as an object key would intern every tag string read.)
const SHORT_FORMS = new Map<string, string>(Object.entries({
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!GetAZs': 'Fn::GetAZs',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
  '!ForEach': 'Fn::ForEach',
}));

/** Short forms whose single argument is a list even when written as a scalar (`!GetAtt A.B` → `[A, B]` is done by the resolver). */

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema for plain scalars. Leading zeros stay strings (`0123`, like CloudFormation IDs). */
function resolvePlain(text: string): string | number | boolean | null {
  const c = text.charCodeAt(0);
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
    // Most scalars start with a letter: numbers, .inf and .nan cannot, so only the null and bool spellings are not strings.
    if (c === 110 || c === 78) return NULLS.has(text) ? null : text;
    if (c === 116 || c === 84) return TRUES.has(text) ? true : text;
    if (c === 102 || c === 70) return FALSES.has(text) ? false : text;
    return text;
  }
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (INT.test(text)) {
    if (/^[-+]?0[0-9]/.test(text)) return text;
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  if (FLOAT.test(text)) return Number(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

function scalarFromTag(tag: string, text: string, quoted: boolean): string | number | boolean | null {
  const t = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
  switch (t) {
    case '!!str':
    case '!':
      return text;
    case '!!int':
    case '!!float': {
      const n = Number(text);
      return Number.isNaN(n) ? text : n;
    }
    case '!!bool':
      return TRUES.has(text) ? true : FALSES.has(text) ? false : text;
    case '!!null':
      return null;
    default:
      return quoted ? text : resolvePlain(text);
  }
}

/** Maps an offset of the re-indented text back to the original text. */
function unshift(shifts: { at: number; by: number }[], offset: number): number {
  // Shifts were applied in order, each in the coordinates of the text after the earlier ones.
  let o = offset;
  for (let i = shifts.length - 1; i >= 0; i--) {
    const s = shifts[i]!;
    if (o >= s.at + s.by) o -= s.by;
    else if (o >= s.at) o = s.at;
  }
  return o;
}


export interface YamlOptions {
  /** maximum number of nodes the document may expand to through aliases (alias-bomb guard) */
  maxExpandedNodes?: number;
  /** maximum nesting depth */
  maxDepth?: number;
  /**
   * `js-yaml` forces js-yaml's event parser; by default the fast reader of `yaml-fast-events.ts`
   * runs first and js-yaml only reads what it gives up on (both give the same events).
   */
  reader?: 'auto' | 'js-yaml';
}

/** An open collection; one object per nesting depth, reused by every collection at that depth. */
class Frame implements OpenCollection {
  node: PosMap | YSeq = EMPTY_SEQ;
  base = 0;
  index: Map<string, YPair> | undefined = undefined;
  /** for maps: the key waiting for its value (undefined: none), and its offsets */
  keyText: string | undefined = undefined;
  keyStart = 0;
  keyEnd = 0;
  /** nodes this frame expands to (for the alias guard) */
  weight = 1;
  anchor: string | undefined = undefined;
  /** the short-form tag wrapping this collection: the wrapper map to fill when it closes */
  wrapper: YMap | undefined = undefined;
}

const EMPTY_SEQ: YSeq = new SeqNode(OPEN, 0, 0);

/**
 * Receives a YAML reader's events (js-yaml's event ids, offsets into the text) and builds the
 * positioned tree. Both readers call it directly: the fast reader without allocating events.
 */
export interface YamlSink {
  document(): void;
  scalar(valueStart: number, valueEnd: number, style: number, fast: boolean, tagStart: number, tagEnd: number, anchorStart: number, anchorEnd: number, chomping: number, indent: number): void;
  /** The fast reader's plain key of the innermost (block) mapping, where a key is due: `scalar` without a tag or anchor. */
  key(start: number, end: number): void;
  /** The fast reader's one-line plain scalar in a value position (never a key), optionally tagged: `scalar` without an anchor. */
  plain(start: number, end: number, tagStart: number, tagEnd: number): void;
  /** type 2 = sequence, 3 = mapping */
  collection(type: 2 | 3, start: number, tagStart: number, tagEnd: number, anchorStart: number, anchorEnd: number): void;
  alias(anchorStart: number, anchorEnd: number): void;
  pop(): void;
  /** set once the rest of the stream is to be ignored (a second document, a fatal alias error) */
  readonly aborted: boolean;
}

class TreeBuilder implements YamlSink {
  private readonly anchors = new Map<string, { node: YNode; weight: number }>();
  /** frames[0 .. depth - 1] are the open collections, innermost last */
  private readonly frames: Frame[] = [];
  private depth = 0;
  private readonly collector = new Collector();
  private readonly texts: TextCache;
  private expanded = 0;
  root: YNode | null = null;
  documents = 0;
  aborted = false;

  constructor(
    private readonly source: string,
    private readonly P: (o: number) => number,
    private readonly doc: ParsedDocument,
    private readonly maxExpanded: number,
  ) {
    this.texts = new TextCache(source);
  }

  private error(start: number, end: number, message: string, fatal = true) {
    this.doc.diagnostics.push({ ruleId: 'parse-error', message, span: spanOf(this.doc, start, end), fatal });
  }

  private anchorName(anchorStart: number, anchorEnd: number): string | undefined {
    return anchorStart >= 0 ? this.source.slice(anchorStart + (this.source[anchorStart] === '&' ? 1 : 0), anchorEnd) : undefined;
  }

  /** Places a finished node into its parent (or as the root). */
  private place(node: YNode, weight: number, keyText?: () => string) {
    const top = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    if (!top) {
      if (this.documents === 1) this.root = node;
      return;
    }
    top.weight += weight;
    if (top.node.kind === 'seq') {
      this.collector.addItem(node);
      if (node.end > top.node.end) top.node.end = node.end;
      return;
    }
    const map = top.node;
    if (top.keyText === undefined) {
      top.keyText = node.kind === 'scalar' ? node.text : keyText ? keyText() : this.doc.text.slice(node.start, node.end);
      top.keyStart = node.start;
      top.keyEnd = node.end;
      return;
    }
    const key = top.keyText;
    const keyStart = top.keyStart;
    const keyEnd = top.keyEnd;
    top.keyText = undefined;
    if (node.end > map.end) map.end = node.end;
    if (key === '<<' && !this.collector.get(top, '<<')) {
      // YAML merge key: copy pairs the map does not define itself.
      const sources = node.kind === 'seq' ? node.items : [node];
      for (const s of sources) {
        if (s.kind !== 'map') continue;
        for (const p of s.byKey.values()) this.collector.merge(top, p);
      }
      return;
    }
    const pair: YPair = new PairNode(key, keyStart, keyEnd, node);
    const previous = this.collector.add(top, pair);
    if (previous && !map.shortForm) {
      const first = this.doc.lines.position(previous.keyStart).line;
      this.error(
        keyStart,
        keyEnd,
        `Duplicate key "${key}" (first defined on line ${first}); CloudFormation and most YAML readers keep only the last value`,
        false,
      );
    }
  }

  private isKeyPosition(): boolean {
    const top = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    return top !== undefined && top.node.kind === 'map' && top.keyText === undefined;
  }

  document() {
    this.documents++;
    // A second document: CloudFormation templates are single documents; keep the first.
    if (this.documents === 2) this.aborted = true;
  }

  scalar(valueStart: number, valueEnd: number, style: number, fast: boolean, tagStart: number, tagEnd: number, anchorStart: number, anchorEnd: number, chomping: number, indent: number) {
    const source = this.source;
    const P = this.P;
    const quoted = style === 2 || style === 3;
    const value = fast
      ? this.texts.get(valueStart, valueEnd)
      : getScalarValue(source, { type: 4, valueStart, valueEnd, anchorStart, anchorEnd, tagStart, tagEnd, style, chomping, indent, fast } as Event & { type: 4 });
    const start = P(quoted ? valueStart - 1 : valueStart);
    const end = P(quoted ? valueEnd + 1 : valueEnd);
    const top = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    if (top !== undefined && top.keyText === undefined && top.node.kind === 'map' && tagStart < 0 && anchorStart < 0) {
      // A plain key: only its text and offsets are kept (what `place` would take from a node).
      top.weight += 1;
      top.keyText = value;
      top.keyStart = start;
      top.keyEnd = end;
      return;
    }
    const tag = tagStart >= 0 ? this.texts.get(tagStart, tagEnd) : undefined;
    let node: YNode;
    const longKey = tag === undefined ? undefined : SHORT_FORMS.get(tag);
    if (tag !== undefined && longKey !== undefined && !this.isKeyPosition()) {
      const scalar: YScalar = new ScalarNode(value, value, quoted, start, end);
      node = new ShortFormMap(tag, longKey, P(tagStart), P(tagEnd), scalar);
    } else {
      const typed = tag ? scalarFromTag(tag, value, quoted) : quoted || style >= 4 ? value : resolvePlain(value);
      node = new ScalarNode(typed, value, quoted || style >= 4, start, end);
    }
    const anchor = this.anchorName(anchorStart, anchorEnd);
    if (anchor) this.anchors.set(anchor, { node, weight: 1 });
    this.place(node, 1);
  }

  key(start: number, end: number) {
    // (the fast reader's offsets are the text's own: no `P`)
    const top = this.frames[this.depth - 1]!;
    top.weight += 1;
    top.keyText = this.texts.get(start, end);
    top.keyStart = start;
    top.keyEnd = end;
  }

  plain(start: number, end: number, tagStart: number, tagEnd: number) {
    const text = this.texts.get(start, end);
    let node: YNode;
    if (tagStart < 0) {
      node = new ScalarNode(resolvePlain(text), text, false, start, end);
    } else {
      const tag = this.texts.get(tagStart, tagEnd);
      const longKey = SHORT_FORMS.get(tag);
      node =
        longKey !== undefined
          ? new ShortFormMap(tag, longKey, tagStart, tagEnd, new ScalarNode(text, text, false, start, end))
          : new ScalarNode(scalarFromTag(tag, text, false), text, false, start, end);
    }
    this.place(node, 1);
  }

  collection(type: 2 | 3, start: number, tagStart: number, tagEnd: number, anchorStart: number, anchorEnd: number) {
    const P = this.P;
    const tag = tagStart >= 0 ? this.texts.get(tagStart, tagEnd) : undefined;
    const s = P(start);
    const node: PosMap | YSeq = type === 3 ? new PosMap(s, s + 1) : new SeqNode(OPEN, s, s + 1);
    const longKey = tag === undefined ? undefined : SHORT_FORMS.get(tag);
    const wrapper = tag !== undefined && longKey !== undefined && !this.isKeyPosition() ? new ShortFormMap(tag, longKey, P(tagStart), P(tagEnd), node) : undefined;
    let frame = this.frames[this.depth];
    if (!frame) this.frames.push((frame = new Frame()));
    this.depth++;
    frame.node = node;
    if (type === 3) this.collector.openMap(frame);
    else this.collector.openSeq(frame);
    frame.keyText = undefined;
    frame.keyStart = 0;
    frame.keyEnd = 0;
    frame.weight = 1;
    frame.anchor = anchorStart >= 0 ? this.anchorName(anchorStart, anchorEnd) : undefined;
    frame.wrapper = wrapper;
  }

  alias(anchorStart: number, anchorEnd: number) {
    const source = this.source;
    const P = this.P;
    const name = source.slice(anchorStart + (source[anchorStart] === '*' ? 1 : 0), anchorEnd);
    const target = this.anchors.get(name);
    if (!target) {
      this.error(P(anchorStart), P(anchorEnd), `Unknown YAML alias *${name} (no earlier anchor &${name})`);
      this.aborted = true;
      return;
    }
    this.expanded += target.weight;
    if (this.expanded > this.maxExpanded) {
      this.error(P(anchorStart), P(anchorEnd), `YAML aliases expand this document to more than ${this.maxExpanded} nodes (an alias bomb?); the file was not read further`);
      this.aborted = true;
      return;
    }
    this.place(target.node, target.weight, () => name);
  }

  pop() {
    if (this.depth === 0) return;
    const frame = this.frames[--this.depth]!;
    let node: YNode = frame.node;
    if (frame.node.kind === 'map' && frame.keyText !== undefined) {
      // A key without a value (`a:` at the end of a flow map is still paired by the parser, so this is defensive).
      const empty = new ScalarNode(null, '', false, frame.keyEnd, frame.keyEnd);
      this.collector.add(frame, new PairNode(frame.keyText, frame.keyStart, frame.keyEnd, empty));
    }
    if (frame.node.kind === 'map') this.collector.closeMap(frame, frame.node);
    else this.collector.closeSeq(frame, frame.node);
    if (frame.wrapper) {
      frame.wrapper.end = Math.max(frame.wrapper.end, frame.node.end);
      node = frame.wrapper;
    }
    const weight = Math.min(frame.weight, Number.MAX_SAFE_INTEGER);
    if (frame.anchor) this.anchors.set(frame.anchor, { node, weight });
    this.place(node, weight);
  }
}

/** Parses one YAML document with positions. Multi-document streams keep the first document. */
export function parseYaml(file: string, text: string, options: YamlOptions = {}): ParsedDocument {
  const lines = new LineIndex(text);
  const doc: ParsedDocument = { file, text, format: 'yaml', root: null, diagnostics: [], lines };
  const identity = (o: number) => o;
  if (options.reader !== 'js-yaml' && options.maxDepth === undefined) {
    // Without aliases (the fast reader gives up on them) the alias guard never counts.
    const fast = new TreeBuilder(text, identity, doc, options.maxExpandedNodes ?? 1_000_000);
    if (readFastYaml(text, fast)) {
      doc.root = fast.root;
      return doc;
    }
    doc.diagnostics.length = 0;
  }
  let events: Event[] | undefined;
  // Continuation lines of a quoted scalar inside a flow collection (`{ "Fn::Sub": "...\n  ..." }`)
  // that are not indented past their block parent are a YAML spec error js-yaml reports, but
  // CloudFormation and SAM (SnakeYAML/PyYAML) do not check indentation in flow context, and the
  // extra indentation of such a line does not change the scalar's value. Re-parse with the line
  // indented further, mapping offsets back to the original text.
  const shifts: { at: number; by: number }[] = [];
  let source = text;
  while (!events) {
    try {
      events = parseEvents(source, { filename: file, maxDepth: options.maxDepth ?? 200 });
      break;
    } catch (err) {
      const e = err as { reason?: string; mark?: { position?: number }; message?: string };
      const modPos = Math.min(Math.max(0, e.mark?.position ?? 0), source.length);
      const lineStart = source.lastIndexOf('\n', modPos - 1) + 1;
      if (/deficient indentation/.test(e.reason ?? '') && shifts.length < 200 && source.length < 4_000_000 && /^[ \t]*$/.test(source.slice(lineStart, modPos))) {
        shifts.push({ at: lineStart, by: 64 });
        source = source.slice(0, lineStart) + ' '.repeat(64) + source.slice(lineStart);
        continue;
      }
      const pos = unshift(shifts, modPos);
      doc.diagnostics.push({ ruleId: 'parse-error', message: `YAML syntax error: ${e.reason ?? e.message ?? String(err)}`, span: spanOf(doc, pos, pos), fatal: true });
      return doc;
    }
  }
  const P = shifts.length ? (o: number) => (o < 0 ? o : unshift(shifts, o)) : identity;
  const b = new TreeBuilder(source, P, doc, options.maxExpandedNodes ?? Math.max(1_000_000, events.length * 4));
  for (let i = 0; i < events.length && !b.aborted; i++) {
    const ev = events[i]!;
    switch (ev.type) {
      case 1:
        b.document();
        break;
      case 4:
        b.scalar(ev.valueStart, ev.valueEnd, ev.style, ev.fast, ev.tagStart, ev.tagEnd, ev.anchorStart, ev.anchorEnd, ev.chomping, ev.indent);
        break;
      case 2:
      case 3:
        b.collection(ev.type, ev.start, ev.tagStart, ev.tagEnd, ev.anchorStart, ev.anchorEnd);
        break;
      case 5:
        b.alias(ev.anchorStart, ev.anchorEnd);
        break;
      case 6:
        b.pop();
        break;
    }
  }
  if (!b.aborted || b.documents > 1) doc.root = b.root;
  return doc;
}

/** Parses YAML or JSON by content: JSON when the first non-blank character is `{` or `[`. */
export async function parseDocument(file: string, text: string): Promise<ParsedDocument> {
  const first = /\S/.exec(text)?.[0];
  if (first === '{' || first === '[') {
    const { parseJson } = await import('./json-positions.js');
    return parseJson(file, text);
  }
  return parseYaml(file, text);
}

// ---- small typed accessors used by the sources ----

export function isMap(n: YNode | undefined | null): n is YMap {
  return !!n && n.kind === 'map';
}
export function isSeq(n: YNode | undefined | null): n is YSeq {
  return !!n && n.kind === 'seq';
}
export function isScalar(n: YNode | undefined | null): n is YScalar {
  return !!n && n.kind === 'scalar';
}

/** The value under `key` of a map node (undefined for non-maps). */
export function child(n: YNode | undefined | null, key: string): YNode | undefined {
  if (!n || n.kind !== 'map') return undefined;
  // (`lookup` written out: the sources call this for nearly every property they read)
  const pair = n instanceof PosMap || n instanceof ShortFormMap ? n.get(key) : n.byKey.get(key);
  return pair === undefined ? undefined : pair.value;
}

export function pairOf(n: YNode | undefined | null, key: string): YPair | undefined {
  return n && n.kind === 'map' ? lookup(n, key) : undefined;
}

/** The pair of a map with exactly one key (`Ref`, `Fn::If`, ...), else undefined; without building a parser map's index. */
export function onlyPair(m: YMap): YPair | undefined {
  if (m instanceof ShortFormMap) return m.onlyPair();
  if (m instanceof PosMap) {
    const ix = m.index;
    if (ix === undefined) return m.pairs.length === 1 ? m.pairs[0] : undefined;
    return ix.size === 1 ? ix.values().next().value : undefined;
  }
  if (m.byKey.size !== 1) return undefined;
  return m.pairs.length === 1 ? m.pairs[0] : m.byKey.values().next().value;
}

/** `[...byKey.values()]`: the kept pair of each key, in the order keys first appear (without building a parser map's index when there are no duplicates). */
export function keptPairs(m: YMap): YPair[] {
  return mapSize(m) === m.pairs.length ? m.pairs : [...m.byKey.values()];
}

/** Map entries, last-wins for duplicate keys, in source order of the kept pairs. */
export function entries(n: YNode | undefined | null): YPair[] {
  if (!n || n.kind !== 'map') return [];
  if (mapSize(n) === n.pairs.length) return n.pairs;
  return [...n.byKey.values()].sort((a, b) => a.keyStart - b.keyStart);
}

/** Plain JavaScript value of a node (for small sub-trees such as OpenAPI `security` lists). */
export function toPlain(n: YNode | undefined, depth = 0): unknown {
  if (!n || depth > 64) return undefined;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map((i) => toPlain(i, depth + 1));
  const o: Record<string, unknown> = {};
  for (const p of entries(n)) o[p.key] = toPlain(p.value, depth + 1);
  return o;
}
