/**
 * Safe mechanical fixes for nginx `add_header` directives, as text edits that keep the rest of
 * the file as written. Each returns undefined when the intent is not unambiguous (a value with
 * variables or escapes, a directive the model did not locate by offset, not `add_header`).
 */
import type { Fix, RuleContext } from '../../src/engine/rule.js';
import type { HeaderRule } from '../../src/model/types.js';

/**
 * Adds `add_header Vary Origin always;` next to an `add_header Access-Control-Allow-Origin`
 * in the same block: on its own line below it (same indentation) when the directive ends its
 * line, else right after it on the same line. `always`: error responses get cached too, and
 * the origin header itself may gain `always` from another fix in the same pass.
 */
export function addVaryOriginAfter(context: RuleContext, header: HeaderRule): Fix | undefined {
  const { span } = header;
  if (header.via !== 'add_header' || span.offset === undefined || span.endOffset === undefined) return undefined;
  const text = context.files.get(span.file);
  if (text === undefined || text[span.endOffset - 1] !== ';') return undefined;
  const directive = 'add_header Vary Origin always;';
  const lineStart = text.lastIndexOf('\n', span.offset - 1) + 1;
  const indent = text.slice(lineStart, span.offset);
  let lineEnd = text.indexOf('\n', span.endOffset);
  if (lineEnd < 0) lineEnd = text.length;
  const crlf = text[lineEnd - 1] === '\r';
  if (crlf) lineEnd--;
  const rest = text.slice(span.endOffset, lineEnd);
  if (/^\s*$/.test(indent) && /^\s*(#.*)?$/.test(rest)) {
    return { file: span.file, range: [lineEnd, lineEnd], text: `${crlf ? '\r\n' : '\n'}${indent}${directive}` };
  }
  return { file: span.file, range: [span.endOffset, span.endOffset], text: ` ${directive}` };
}

/**
 * Adds a header name to the literal list of an `add_header Access-Control-Allow-Headers ...`:
 * `"Content-Type"` → `"Content-Type, Authorization"`, `Content-Type` → `"Content-Type, Authorization"`.
 */
export function addToHeaderList(context: RuleContext, header: HeaderRule, name: string): Fix | undefined {
  const span = header.valueSpan;
  if (header.via !== 'add_header' || header.value.kind !== 'literal' || !span || span.offset === undefined || span.endOffset === undefined) {
    return undefined;
  }
  const text = context.files.get(span.file);
  if (text === undefined) return undefined;
  const raw = text.slice(span.offset, span.endOffset);
  const quote = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]) ? raw[0] : '';
  const inner = quote ? raw.slice(1, -1) : raw;
  // Variables and escapes make the final value something else than what is written.
  if (/[$\\]/.test(inner) || inner.includes(quote || '"')) return undefined;
  const trimmed = inner.replace(/[\s,]+$/, '');
  const separator = trimmed === '' ? '' : /,\s/.test(trimmed) || !trimmed.includes(',') ? ', ' : ',';
  const value = `${trimmed}${separator}${name}`;
  const q = quote || (/\s/.test(value) ? '"' : '');
  return { file: span.file, range: [span.offset, span.endOffset], text: `${q}${value}${q}` };
}
