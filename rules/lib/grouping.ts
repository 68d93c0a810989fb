/**
 * Small helpers shared by rules: one finding per offending span (a server-level add_header
 * reaches every location; it is one mistake, not one per location) and short references to
 * other declarations in messages.
 */
import { basename } from 'node:path';
import type { Span } from '../../src/model/types.js';

export function spanKey(span: Span): string {
  return `${span.file}\0${span.line}\0${span.column}`;
}

/**
 * Collects items per span (file, line, column), keeping first-seen order, so each span is
 * reported once. Rules add every route they check: positions are keyed by number, not by a
 * string built per item; a usual position by a small integer, which V8 keeps unboxed (a larger
 * number is a heap number allocated per lookup).
 */
export class SpanGroups<T> {
  /** by file, then smallPosition */
  private readonly byFile = new Map<string, Map<number, { span: Span; items: T[] }>>();
  /** by file, then line * 2^32 + column: other numbered positions */
  private readonly byFileWide = new Map<string, Map<number, { span: Span; items: T[] }>>();
  private readonly byKey = new Map<string, { span: Span; items: T[] }>();
  private readonly order: { span: Span; items: T[] }[] = [];

  add(span: Span, item: T): void {
    let g: { span: Span; items: T[] } | undefined;
    const small = smallPosition(span);
    if (small !== undefined || numbered(span)) {
      const byFile = small !== undefined ? this.byFile : this.byFileWide;
      const pos = small ?? span.line * 2 ** 32 + span.column;
      let positions = byFile.get(span.file);
      if (!positions) byFile.set(span.file, (positions = new Map()));
      g = positions.get(pos);
      if (!g) positions.set(pos, (g = this.open(span)));
    } else {
      const key = spanKey(span);
      g = this.byKey.get(key);
      if (!g) this.byKey.set(key, (g = this.open(span)));
    }
    g.items.push(item);
  }

  /** Whether nothing was added at this span yet (to build a message only for a span's first item). */
  isNew(span: Span): boolean {
    const small = smallPosition(span);
    if (small !== undefined) return !this.byFile.get(span.file)?.has(small);
    if (numbered(span)) return !this.byFileWide.get(span.file)?.has(span.line * 2 ** 32 + span.column);
    return !this.byKey.has(spanKey(span));
  }

  private open(span: Span): { span: Span; items: T[] } {
    const g = { span, items: [] as T[] };
    this.order.push(g);
    return g;
  }

  entries(): [Span, T[]][] {
    return this.order.map((g) => [g.span, g.items]);
  }
}

/** `line * 2^11 + column` for the usual position (unsigned integers, line below 2^19, column below 2^11: below 2^30, a small integer on every V8 build), else undefined. */
function smallPosition(span: Span): number | undefined {
  const { line, column } = span;
  return line >>> 0 === line && column >>> 0 === column && line < 2 ** 19 && column < 2 ** 11 ? line * 2 ** 11 + column : undefined;
}

function numbered(span: Span): boolean {
  return span.line < 2 ** 20 && span.column < 2 ** 32;
}

/** `location /api/` or `location /api/ (and 2 other routes)`, from distinct route names. */
export function routeNames(names: readonly string[]): string {
  // most findings name one route
  if (names.length === 1) return names[0]!;
  const distinct = [...new Set(names)];
  const first = distinct[0] ?? 'this route';
  if (distinct.length <= 1) return first;
  const more = distinct.length - 1;
  return `${first} (and ${more} other route${more === 1 ? '' : 's'})`;
}

/** `line 12`, or `cors.conf:12` when the declaration is in another file than the report. */
export function where(span: Span, from?: Span): string {
  if (from && from.file !== span.file) return `${basename(span.file)}:${span.line}`;
  return `line ${span.line}`;
}
