/**
 * JSON loader with positions: jsonc-parser's scanner-driven `visit` builds the same positioned
 * tree as the YAML loader (`yaml-positions.ts`) in one pass, without an intermediate tree.
 * Syntax errors and duplicate keys become `parse-error` diagnostics at their position.
 */
import { printParseErrorCode, visit, type ParseErrorCode } from 'jsonc-parser';
import { LineIndex, spanOf, type ParsedDocument, type YMap, type YNode, type YPair, type YSeq } from './yaml-positions.js';

interface Frame {
  node: YMap | YSeq;
  key?: { key: string; start: number; end: number } | undefined;
}

export function parseJson(file: string, text: string): ParsedDocument {
  const lines = new LineIndex(text);
  const doc: ParsedDocument = { file, text, format: 'json', root: null, diagnostics: [], lines };
  const stack: Frame[] = [];
  let root: YNode | null = null;
  let firstError: { code: ParseErrorCode; offset: number; length: number } | undefined;

  const place = (node: YNode) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root ??= node;
      return;
    }
    if (top.node.kind === 'seq') {
      top.node.items.push(node);
      return;
    }
    const k = top.key;
    if (!k) return;
    top.key = undefined;
    const map = top.node;
    const previous = map.byKey.get(k.key);
    if (previous) {
      doc.diagnostics.push({
        ruleId: 'parse-error',
        message: `Duplicate key "${k.key}" (first defined on line ${lines.position(previous.keyStart).line}); CloudFormation and most JSON readers keep only the last value`,
        span: spanOf(doc, k.start, k.end),
        fatal: false,
      });
    }
    const pair: YPair = { key: k.key, keyStart: k.start, keyEnd: k.end, value: node };
    map.pairs.push(pair);
    map.byKey.set(k.key, pair);
  };

  visit(
    text,
    {
      onObjectBegin(offset) {
        stack.push({ node: { kind: 'map', pairs: [], byKey: new Map(), start: offset, end: offset + 1 } });
      },
      onObjectProperty(property, offset, length) {
        const top = stack[stack.length - 1];
        if (top) top.key = { key: property, start: offset, end: offset + length };
      },
      onObjectEnd(offset, length) {
        const f = stack.pop();
        if (!f) return;
        f.node.end = offset + length;
        place(f.node);
      },
      onArrayBegin(offset) {
        stack.push({ node: { kind: 'seq', items: [], start: offset, end: offset + 1 } });
      },
      onArrayEnd(offset, length) {
        const f = stack.pop();
        if (!f) return;
        f.node.end = offset + length;
        place(f.node);
      },
      onLiteralValue(value: unknown, offset, length) {
        const quoted = typeof value === 'string';
        const v = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
        place({ kind: 'scalar', value: v, text: v === null ? '' : String(v), quoted, start: offset, end: offset + length });
      },
      onError(code, offset, length) {
        firstError ??= { code, offset, length };
      },
    },
    { allowTrailingComma: false, disallowComments: false },
  );

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
