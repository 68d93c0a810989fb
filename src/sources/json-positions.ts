/**
 * JSON loader with positions: builds the same positioned tree as the YAML loader
 * (`yaml-positions.ts`) in one pass, without an intermediate tree. Strict JSON (what templates
 * and OpenAPI exports are) goes through a small reader here; anything else (comments, syntax
 * errors, unusual white space) through jsonc-parser's `visit`, which reports errors. Both call
 * the same visitor with the same offsets. Syntax errors and duplicate keys become `parse-error`
 * diagnostics at their position.
 */
import { printParseErrorCode, visit, type JSONVisitor, type ParseErrorCode } from 'jsonc-parser';
import { Collector, LineIndex, PairNode, PosMap, ScalarNode, SeqNode, spanOf, TextCache, type OpenCollection, type ParsedDocument, type YNode, type YPair, type YSeq } from './yaml-positions.js';

/** An open object or array; one per nesting depth, reused. */
class Frame implements OpenCollection {
  node: PosMap | YSeq = new PosMap(0, 0);
  base = 0;
  index: Map<string, YPair> | undefined = undefined;
  /** the property waiting for its value */
  key: string | undefined = undefined;
  keyStart = 0;
  keyEnd = 0;
}

/**
 * Builds the tree from the readers' calls (jsonc-parser's visitor callbacks): one object with
 * fields rather than closures, so the calls stay small and cheap to optimise.
 */
class JsonTreeBuilder implements StrictVisitor {
  /** frames[0 .. depth - 1] are open */
  private readonly frames: Frame[] = [];
  private depth = 0;
  private collector = new Collector();
  root: YNode | null = null;
  firstError: { code: ParseErrorCode; offset: number; length: number } | undefined = undefined;

  constructor(private readonly doc: ParsedDocument) {}

  /** Starts over (the strict reader may have stopped half way). */
  reset(): void {
    this.depth = 0;
    this.collector = new Collector();
    this.root = null;
    this.doc.diagnostics.length = 0;
  }

  private push(node: PosMap | YSeq): Frame {
    let f = this.frames[this.depth];
    if (!f) this.frames.push((f = new Frame()));
    this.depth++;
    f.node = node;
    f.key = undefined;
    return f;
  }

  private place(node: YNode): void {
    if (this.depth === 0) {
      this.root ??= node;
      return;
    }
    const top = this.frames[this.depth - 1]!;
    if (top.node.kind === 'seq') {
      this.collector.addItem(node);
      return;
    }
    const key = top.key;
    if (key === undefined) return;
    top.key = undefined;
    const previous = this.collector.add(top, new PairNode(key, top.keyStart, top.keyEnd, node));
    if (previous) {
      const doc = this.doc;
      doc.diagnostics.push({
        ruleId: 'parse-error',
        message: `Duplicate key "${key}" (first defined on line ${doc.lines.position(previous.keyStart).line}); CloudFormation and most JSON readers keep only the last value`,
        span: spanOf(doc, top.keyStart, top.keyEnd),
        fatal: false,
      });
    }
  }

  private close(offset: number, length: number): void {
    if (this.depth === 0) return;
    const f = this.frames[--this.depth]!;
    const node = f.node;
    node.end = offset + length;
    if (node.kind === 'map') this.collector.closeMap(f, node);
    else this.collector.closeSeq(f, node);
    this.place(node);
  }

  onObjectBegin(offset: number): void {
    this.collector.openMap(this.push(new PosMap(offset, offset + 1)));
  }
  onObjectProperty(property: string, offset: number, length: number): void {
    if (this.depth === 0) return;
    const top = this.frames[this.depth - 1]!;
    top.key = property;
    top.keyStart = offset;
    top.keyEnd = offset + length;
  }
  onObjectEnd(offset: number, length: number): void {
    this.close(offset, length);
  }
  onArrayBegin(offset: number): void {
    this.collector.openSeq(this.push(new SeqNode([], offset, offset + 1)));
  }
  onArrayEnd(offset: number, length: number): void {
    this.close(offset, length);
  }
  onLiteralValue(value: unknown, offset: number, length: number): void {
    const quoted = typeof value === 'string';
    const v = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
    this.place(new ScalarNode(v, v === null ? '' : String(v), quoted, offset, offset + length));
  }
  onError(code: ParseErrorCode, offset: number, length: number): void {
    this.firstError ??= { code, offset, length };
  }
}

/** `reader: 'jsonc'` skips the strict reader (tests compare both). */
export function parseJson(file: string, text: string, options: { reader?: 'auto' | 'jsonc' } = {}): ParsedDocument {
  const lines = new LineIndex(text);
  const doc: ParsedDocument = { file, text, format: 'json', root: null, diagnostics: [], lines };
  const builder = new JsonTreeBuilder(doc);
  const strict = options.reader === 'jsonc' ? false : readStrictJson(text, builder);
  if (strict instanceof TooDeep) {
    doc.diagnostics.push({ ruleId: 'parse-error', message: `JSON syntax error: nesting deeper than ${MAX_DEPTH} levels`, span: spanOf(doc, strict.offset, strict.offset + 1), fatal: true });
    return doc;
  }
  if (!strict) {
    builder.reset();
    // (jsonc-parser calls the callbacks without `this`)
    const visitor: JSONVisitor = {
      onObjectBegin: (offset) => builder.onObjectBegin(offset),
      onObjectProperty: (property, offset, length) => builder.onObjectProperty(property, offset, length),
      onObjectEnd: (offset, length) => builder.onObjectEnd(offset, length),
      onArrayBegin: (offset) => builder.onArrayBegin(offset),
      onArrayEnd: (offset, length) => builder.onArrayEnd(offset, length),
      onLiteralValue: (value: unknown, offset, length) => builder.onLiteralValue(value, offset, length),
      onError: (code, offset, length) => builder.onError(code, offset, length),
    };
    try {
      visit(text, visitor, { allowTrailingComma: false, disallowComments: false });
    } catch (err) {
      // not strict JSON (comments, odd white space) and nested beyond what its recursion can follow
      if (!(err instanceof RangeError)) throw err;
      doc.diagnostics.push({ ruleId: 'parse-error', message: `JSON syntax error: nesting too deep to read`, span: spanOf(doc, 0, 0), fatal: true });
      return doc;
    }
  }

  const firstError = builder.firstError;
  if (firstError) {
    const what = printParseErrorCode(firstError.code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    doc.diagnostics.push({
      ruleId: 'parse-error',
      message: `JSON syntax error: ${what}`,
      span: spanOf(doc, firstError.offset, firstError.offset + firstError.length),
      fatal: true,
    });
    return doc;
  }
  doc.root = builder.root;
  return doc;
}

interface StrictVisitor {
  onObjectBegin(offset: number): void;
  onObjectProperty(property: string, offset: number, length: number): void;
  onObjectEnd(offset: number, length: number): void;
  onArrayBegin(offset: number): void;
  onArrayEnd(offset: number, length: number): void;
  onLiteralValue(value: unknown, offset: number, length: number): void;
}

class NotStrict {}
const NOT_STRICT = new NotStrict();
const fail = (): never => {
  throw NOT_STRICT;
};
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

/**
 * Deepest nesting read. jsonc-parser has no limit but recurses, so a deeper text would end in a
 * stack overflow: it is a parse error at the bracket that goes too deep instead.
 */
const MAX_DEPTH = 1000;

/** Where the strict reader met nesting deeper than MAX_DEPTH. */
class TooDeep {
  constructor(readonly offset: number) {}
}

/**
 * Reads strict JSON (RFC 8259, white space limited to space, tab, CR and LF) calling `v` like
 * jsonc-parser's `visit` does, and returns true; returns false at the first thing it does not
 * accept, leaving the text to jsonc-parser.
 */
function readStrictJson(text: string, v: StrictVisitor): boolean | TooDeep {
  try {
    return new StrictJsonReader(text, v).read();
  } catch (err) {
    if (err === NOT_STRICT) return false;
    if (err instanceof TooDeep) return err;
    throw err;
  }
}

/**
 * One loop over the text with the open arrays and objects on a stack (rather than a recursive
 * function: a recursive reader is compiled several times over, each copy inlining itself).
 */
class StrictJsonReader {
  private pos = 0;
  private readonly len: number;
  private readonly texts: TextCache;

  constructor(
    private readonly text: string,
    private readonly v: StrictVisitor,
  ) {
    this.len = text.length;
    this.texts = new TextCache(text);
  }

  read(): boolean {
    const text = this.text;
    const v = this.v;
    /** for each open container, innermost last: true for an object, false for an array */
    const inObject: boolean[] = [];
    this.space();
    for (;;) {
      // A value starts at `pos`.
      if (inObject.length > MAX_DEPTH) throw new TooDeep(this.pos);
      let c = text.charCodeAt(this.pos);
      if (c === 123) {
        v.onObjectBegin(this.pos);
        this.pos++;
        this.space();
        if (text.charCodeAt(this.pos) === 125) {
          v.onObjectEnd(this.pos, 1);
          this.pos++;
        } else {
          inObject.push(true);
          this.property();
          continue;
        }
      } else if (c === 91) {
        v.onArrayBegin(this.pos);
        this.pos++;
        this.space();
        if (text.charCodeAt(this.pos) === 93) {
          v.onArrayEnd(this.pos, 1);
          this.pos++;
        } else {
          inObject.push(false);
          continue;
        }
      } else if (c === 34) {
        const start = this.pos;
        const s = this.string();
        v.onLiteralValue(s, start, this.pos - start);
      } else {
        this.literal(c);
      }
      // After a value: a comma and the next entry, or the end of one or more containers.
      for (;;) {
        if (inObject.length === 0) {
          this.space();
          return this.pos >= this.len;
        }
        this.space();
        c = text.charCodeAt(this.pos);
        const object = inObject[inObject.length - 1]!;
        if (c === 44) {
          this.pos++;
          this.space();
          if (object) this.property();
          break;
        }
        if (c !== (object ? 125 : 93)) fail();
        if (object) v.onObjectEnd(this.pos, 1);
        else v.onArrayEnd(this.pos, 1);
        this.pos++;
        inObject.pop();
      }
    }
  }

  /** An object's `"key":` at `pos` (then white space): reports the property. */
  private property(): void {
    const text = this.text;
    if (text.charCodeAt(this.pos) !== 34) fail();
    const keyStart = this.pos;
    const key = this.string();
    this.v.onObjectProperty(key, keyStart, this.pos - keyStart);
    this.space();
    if (text.charCodeAt(this.pos) !== 58) fail();
    this.pos++;
    this.space();
  }

  /** `true`, `false`, `null` or a number at `pos`, ending at a delimiter. */
  private literal(c: number): void {
    const text = this.text;
    const v = this.v;
    const pos = this.pos;
    if (c === 116 && text.startsWith('true', pos)) {
      v.onLiteralValue(true, pos, 4);
      this.pos += 4;
    } else if (c === 102 && text.startsWith('false', pos)) {
      v.onLiteralValue(false, pos, 5);
      this.pos += 5;
    } else if (c === 110 && text.startsWith('null', pos)) {
      v.onLiteralValue(null, pos, 4);
      this.pos += 4;
    } else {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (!m) fail();
      const n = Number(m![0]);
      if (!Number.isFinite(n)) fail();
      v.onLiteralValue(n, pos, m![0].length);
      this.pos += m![0].length;
    }
    // a literal must end at a delimiter (`truex`, `1x` are jsonc-parser's errors)
    const e = text.charCodeAt(this.pos);
    if (!(this.pos >= this.len || e === 44 || e === 93 || e === 125 || e === 32 || e === 10 || e === 13 || e === 9)) fail();
  }

  private space(): void {
    const text = this.text;
    let p = this.pos;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  /** A string token at `pos`: returns its value and moves past the closing quote. */
  private string(): string {
    const text = this.text;
    const start = this.pos;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      if (p >= this.len) fail();
      const c = text.charCodeAt(p);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        p += 2;
        continue;
      }
      if (c < 32) fail();
      p++;
    }
    this.pos = p + 1;
    if (!escaped) return this.texts.get(start + 1, p);
    try {
      // JSON.parse decodes escapes exactly as JSON defines them (and rejects bad ones).
      return JSON.parse(text.slice(start, this.pos)) as string;
    } catch {
      return fail();
    }
  }
}
