/**
 * YAML reading for config files (loaded on demand: only runs with a YAML or JSON config pay
 * for it). Static imports, so the bundler handles the CommonJS interop of `yaml`.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export interface ParsedYaml {
  value?: unknown;
  error?: { message: string; line?: number; column?: number };
}

export function parseYaml(content: string): ParsedYaml {
  const doc = parseDocument(content, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    return { error: { message: e.message.split('\n')[0]!, ...(pos ? { line: pos.line, column: pos.col } : {}) } };
  }
  return { value: doc.toJS() };
}

/** The line of the deepest key (or list item) of `path` present in a YAML/JSON text. */
export function lineOfPath(text: string, path: readonly PropertyKey[]): number | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) line = lineCounter.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNode(item)) break;
      if (item.range) line = lineCounter.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return line;
}
