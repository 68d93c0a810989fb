/**
 * Small helpers shared by rules: one finding per offending span (a server-level add_header
 * reaches every location; it is one mistake, not one per location) and short references to
 * other declarations in messages.
 */
import { basename } from 'node:path';
import { positionKey } from '../../src/model/query.js';
import type { Span } from '../../src/model/types.js';

export function spanKey(span: Span): string {
  return `${fileKey(span)}\0${span.line}\0${span.column}`;
}

/** The file, and the module call it was read through when it was (one finding per call: see `Span.via`). */
function fileKey(span: Span): string {
  return span.via === undefined ? span.file : `${span.file}\0${span.via}`;
}

/** The items added at one span. */
export interface SpanGroup<T> {
  span: Span;
  items: T[];
}

/**
 * Collects items per span (file, line, column), keeping first-seen order, so each span is
 * reported once. Rules add every route they check: positions are keyed by number (positionKey),
 * not by a string built per item.
 */
export class SpanGroups<T> {
  /** by file (and module call), then positionKey */
  private readonly byFile = new Map<string, Map<number, SpanGroup<T>>>();
  /** spans positionKey cannot number, by spanKey */
  private readonly byKey = new Map<string, SpanGroup<T>>();
  private readonly order: SpanGroup<T>[] = [];

  add(span: Span, item: T): void {
    let g: SpanGroup<T> | undefined;
    const pos = positionKey(span);
    if (pos !== undefined) {
      let positions = this.byFile.get(fileKey(span));
      if (!positions) this.byFile.set(fileKey(span), (positions = new Map()));
      g = positions.get(pos);
      if (!g) {
        positions.set(pos, this.open(span, item));
        return;
      }
    } else {
      const key = spanKey(span);
      g = this.byKey.get(key);
      if (!g) {
        this.byKey.set(key, this.open(span, item));
        return;
      }
    }
    g.items.push(item);
  }

  /** Whether nothing was added at this span yet (to build a message only for a span's first item). */
  isNew(span: Span): boolean {
    const pos = positionKey(span);
    if (pos !== undefined) return !this.byFile.get(fileKey(span))?.has(pos);
    return !this.byKey.has(spanKey(span));
  }

  /** A group holding its first item: most spans get one, and `[item]` is sized for it (a push onto `[]` reserves 17 slots). */
  private open(span: Span, item: T): SpanGroup<T> {
    const g = { span, items: [item] };
    this.order.push(g);
    return g;
  }

  /** The groups in first-seen order (shared: read them, never change them). */
  list(): readonly SpanGroup<T>[] {
    return this.order;
  }

  entries(): [Span, T[]][] {
    return this.order.map((g) => [g.span, g.items]);
  }
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
