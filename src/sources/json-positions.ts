/**
 * JSON loader with positions: builds the same positioned tree as the YAML loader
 * (`yaml-positions.ts`) in one pass, without an intermediate tree. Strict JSON (what templates
 * and OpenAPI exports are) goes through a small reader here; anything else (comments, syntax
 * errors, unusual white space) through jsonc-parser's `visit`, which reports errors. Both call
 * the same visitor with the same offsets. Syntax errors and duplicate keys become `parse-error`
 * diagnostics at their position.
 */
import { printParseErrorCode, visit, type JSONVisitor, type ParseErrorCode } from 'jsonc-parser';
import { Collector, LineIndex, PosMap, spanOf, TextCache, type OpenCollection, type ParsedDocument, type YNode, type YPair, type YSeq } from './yaml-positions.js';

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

/** `reader: 'jsonc'` skips the strict reader (tests compare both). */
export function parseJson(file: string, text: string, options: { reader?: 'auto' | 'jsonc' } = {}): ParsedDocument {
  const lines = new LineIndex(text);
  const doc: ParsedDocument = { file, text, format: 'json', root: null, diagnostics: [], lines };
  /** frames[0 .. depth - 1] are open */
  const frames: Frame[] = [];
  let depth = 0;
  const push = (node: PosMap | YSeq): Frame => {
    let f = frames[depth];
    if (!f) frames.push((f = new Frame()));
    depth++;
    f.node = node;
    f.key = undefined;
    return f;
  };
  let collector = new Collector();
  let root: YNode | null = null;
  let firstError: { code: ParseErrorCode; offset: number; length: number } | undefined;

  const place = (node: YNode) => {
    if (depth === 0) {
      root ??= node;
      return;
    }
    const top = frames[depth - 1]!;
    if (top.node.kind === 'seq') {
      collector.addItem(node);
      return;
    }
    const key = top.key;
    if (key === undefined) return;
    top.key = undefined;
    const previous = collector.add(top, { key, keyStart: top.keyStart, keyEnd: top.keyEnd, value: node });
    if (previous) {
      doc.diagnostics.push({
        ruleId: 'parse-error',
        message: `Duplicate key "${key}" (first defined on line ${lines.position(previous.keyStart).line}); CloudFormation and most JSON readers keep only the last value`,
        span: spanOf(doc, top.keyStart, top.keyEnd),
        fatal: false,
      });
    }
  };

  const visitor = {
      onObjectBegin(offset: number) {
        collector.openMap(push(new PosMap(offset, offset + 1)));
      },
      onObjectProperty(property: string, offset: number, length: number) {
        if (depth === 0) return;
        const top = frames[depth - 1]!;
        top.key = property;
        top.keyStart = offset;
        top.keyEnd = offset + length;
      },
      onObjectEnd(offset: number, length: number) {
        if (depth === 0) return;
        const f = frames[--depth]!;
        const node = f.node;
        node.end = offset + length;
        if (node.kind === 'map') collector.closeMap(f, node);
        else collector.closeSeq(f, node);
        place(node);
      },
      onArrayBegin(offset: number) {
        collector.openSeq(push({ kind: 'seq', items: [], start: offset, end: offset + 1 }));
      },
      onArrayEnd(offset: number, length: number) {
        if (depth === 0) return;
        const f = frames[--depth]!;
        const node = f.node;
        node.end = offset + length;
        if (node.kind === 'map') collector.closeMap(f, node);
        else collector.closeSeq(f, node);
        place(node);
      },
      onLiteralValue(value: unknown, offset: number, length: number) {
        const quoted = typeof value === 'string';
        const v = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
        place({ kind: 'scalar', value: v, text: v === null ? '' : String(v), quoted, start: offset, end: offset + length });
      },
      onError(code: ParseErrorCode, offset: number, length: number) {
        firstError ??= { code, offset, length };
      },
  } satisfies JSONVisitor;
  if (options.reader === 'jsonc' || !readStrictJson(text, visitor)) {
    // Start over: the strict reader may have stopped half way.
    depth = 0;
    collector = new Collector();
    root = null;
    doc.diagnostics.length = 0;
    visit(text, visitor, { allowTrailingComma: false, disallowComments: false });
  }

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
  doc.root = root;
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
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

/**
 * Reads strict JSON (RFC 8259, white space limited to space, tab, CR and LF) calling `v` like
 * jsonc-parser's `visit` does, and returns true; returns false at the first thing it does not
 * accept, leaving the text to jsonc-parser.
 */
function readStrictJson(text: string, v: StrictVisitor): boolean {
  const len = text.length;
  const texts = new TextCache(text);
  let pos = 0;
  const fail = (): never => {
    throw NOT_STRICT;
  };
  const space = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else return;
    }
  };
  /** A string token at `pos`: returns its value and moves past the closing quote. */
  const string = (): string => {
    const start = pos;
    let p = pos + 1;
    let escaped = false;
    for (;;) {
      if (p >= len) fail();
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
    pos = p + 1;
    if (!escaped) return texts.get(start + 1, p);
    try {
      // JSON.parse decodes escapes exactly as JSON defines them (and rejects bad ones).
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail();
    }
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail();
    const c = text.charCodeAt(pos);
    if (c === 123) {
      v.onObjectBegin(pos);
      pos++;
      space();
      if (text.charCodeAt(pos) === 125) {
        v.onObjectEnd(pos, 1);
        pos++;
        return;
      }
      for (;;) {
        if (text.charCodeAt(pos) !== 34) fail();
        const keyStart = pos;
        const key = string();
        v.onObjectProperty(key, keyStart, pos - keyStart);
        space();
        if (text.charCodeAt(pos) !== 58) fail();
        pos++;
        space();
        value(depth + 1);
        space();
        const d = text.charCodeAt(pos);
        if (d === 44) {
          pos++;
          space();
          continue;
        }
        if (d !== 125) fail();
        v.onObjectEnd(pos, 1);
        pos++;
        return;
      }
    }
    if (c === 91) {
      v.onArrayBegin(pos);
      pos++;
      space();
      if (text.charCodeAt(pos) === 93) {
        v.onArrayEnd(pos, 1);
        pos++;
        return;
      }
      for (;;) {
        value(depth + 1);
        space();
        const d = text.charCodeAt(pos);
        if (d === 44) {
          pos++;
          space();
          continue;
        }
        if (d !== 93) fail();
        v.onArrayEnd(pos, 1);
        pos++;
        return;
      }
    }
    if (c === 34) {
      const start = pos;
      const s = string();
      v.onLiteralValue(s, start, pos - start);
      return;
    }
    if (c === 116 && text.startsWith('true', pos)) {
      v.onLiteralValue(true, pos, 4);
      pos += 4;
    } else if (c === 102 && text.startsWith('false', pos)) {
      v.onLiteralValue(false, pos, 5);
      pos += 5;
    } else if (c === 110 && text.startsWith('null', pos)) {
      v.onLiteralValue(null, pos, 4);
      pos += 4;
    } else {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (!m) fail();
      const n = Number(m![0]);
      if (!Number.isFinite(n)) fail();
      v.onLiteralValue(n, pos, m![0].length);
      pos += m![0].length;
    }
    // a literal must end at a delimiter (`truex`, `1x` are jsonc-parser's errors)
    const e = text.charCodeAt(pos);
    if (!(pos >= len || e === 44 || e === 93 || e === 125 || e === 32 || e === 10 || e === 13 || e === 9)) fail();
  };
  try {
    space();
    value(0);
    space();
    return pos >= len;
  } catch (err) {
    if (err === NOT_STRICT) return false;
    throw err;
  }
}
