/**
 * Text edits on templates and OpenAPI documents (YAML or JSON) that keep the file's layout:
 * a key inserted as a sibling on its own line with the neighbours' indentation (YAML block
 * maps, pretty-printed JSON), or inline in flow maps and one-line JSON; a value replaced in
 * place. Each helper returns undefined when the layout is not one it can edit safely (a value
 * spanning lines it would have to re-indent, comments it would drop): no fix beats a wrong one.
 */
import type { AuthRequirement } from '../../model/types.js';
import type { ParsedDocument, YMap, YNode, YPair } from '../yaml-positions.js';

export type TextFix = NonNullable<AuthRequirement['exemptFix']>;

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The line ending the file uses around `offset` (`\r\n` or `\n`). */
function newlineAt(text: string, offset: number): string {
  const eol = text.indexOf('\n', offset);
  const at = eol === -1 ? text.lastIndexOf('\n') : eol;
  return at > 0 && text[at - 1] === '\r' ? '\r\n' : '\n';
}

/** The indentation before `offset` when it is the first thing on its line, else undefined. */
function indentBefore(text: string, offset: number): string | undefined {
  const prefix = text.slice(lineStartOf(text, offset), offset);
  return /^[ \t]*$/.test(prefix) ? prefix : undefined;
}

function isScalarLike(n: YNode): boolean {
  return n.kind === 'scalar' || (n.kind === 'map' && n.shortForm !== undefined && n.pairs[0]?.value.kind === 'scalar');
}

/** Inserts `key: value` (YAML) or `"key": value` (JSON) as the sibling right after `pair`. */
export function insertKeyAfter(doc: ParsedDocument, pair: YPair, key: string, value: string, description: string): TextFix | undefined {
  const text = doc.text;
  const v = pair.value;
  // A value spanning lines (a block map, a multi-line flow list) has no safe end line to follow.
  if (!isScalarLike(v) || v.end < pair.keyEnd || text.slice(pair.keyStart, v.end).includes('\n')) return undefined;
  const indent = indentBefore(text, pair.keyStart);
  const nl = newlineAt(text, v.end);
  if (doc.format === 'json') {
    const entry = `"${key}": ${value}`;
    return { file: doc.file, range: [v.end, v.end], text: indent === undefined ? `, ${entry}` : `,${nl}${indent}${entry}`, description };
  }
  const entry = `${key}: ${value}`;
  if (indent === undefined) {
    // a flow map (`Auth: {DefaultAuthorizer: A}`): continue it inline
    const after = text.slice(v.end).match(/^[ ]*([,}])/);
    return after ? { file: doc.file, range: [v.end, v.end], text: `, ${entry}`, description } : undefined;
  }
  const eol = text.indexOf('\n', v.end);
  if (eol === -1) return { file: doc.file, range: [text.length, text.length], text: `${nl}${indent}${entry}`, description };
  return { file: doc.file, range: [eol + 1, eol + 1], text: `${indent}${entry}${nl}`, description };
}

/** Inserts `key: value` as the first entry of `map` (YAML block or flow map, JSON object). */
export function insertFirstKey(doc: ParsedDocument, map: YMap, key: string, value: string, description: string): TextFix | undefined {
  const text = doc.text;
  const first = map.pairs[0];
  const json = doc.format === 'json';
  const entry = json ? `"${key}": ${value}` : `${key}: ${value}`;
  if (!first) {
    // `{}`: only a flow/JSON object can be empty here
    if (text[map.start] !== '{') return undefined;
    return { file: doc.file, range: [map.start + 1, map.start + 1], text: json ? entry : ` ${entry} `, description };
  }
  const indent = indentBefore(text, first.keyStart);
  if (indent === undefined) return { file: doc.file, range: [first.keyStart, first.keyStart], text: `${entry}, `, description };
  const nl = newlineAt(text, first.keyStart);
  if (json) return { file: doc.file, range: [first.keyStart, first.keyStart], text: `${entry},${nl}${indent}`, description };
  const at = lineStartOf(text, first.keyStart);
  return { file: doc.file, range: [at, at], text: `${indent}${entry}${nl}`, description };
}

/** Replaces the value of `pair` with `value` (a scalar, or a list whose text holds no comment). */
export function replaceValue(doc: ParsedDocument, pair: YPair, value: string, description: string): TextFix | undefined {
  const text = doc.text;
  const v = pair.value;
  if (v.start < 0 || v.end < v.start) return undefined;
  if (doc.format === 'json') return { file: doc.file, range: [v.start, v.end], text: value, description };
  if (v.kind === 'scalar') return { file: doc.file, range: [v.start, v.end], text: value, description };
  // YAML collections: from after the `:` through the closing brackets of the value's last line.
  let colon = pair.keyEnd;
  while (text[colon] === ' ') colon++;
  if (text[colon] !== ':') return undefined;
  let end = v.end;
  while (end < text.length && /[\]} ]/.test(text[end]!)) end++;
  while (end > v.end && text[end - 1] === ' ') end--;
  const rest = text.slice(end, text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end)).replace(/\r$/, '');
  if (!/^(?:[ ]+#.*)?$/.test(rest)) return undefined;
  // Comments inside the replaced list would be lost.
  if (text.slice(colon + 1, end).includes('#')) return undefined;
  return { file: doc.file, range: [colon + 1, end], text: ` ${value}`, description };
}
