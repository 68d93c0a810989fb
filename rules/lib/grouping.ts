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

/** Collects items per span, keeping first-seen order, so each span is reported once. */
export class SpanGroups<T> {
  private readonly groups = new Map<string, { span: Span; items: T[] }>();

  add(span: Span, item: T): void {
    const key = spanKey(span);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { span, items: [] }));
    g.items.push(item);
  }

  *entries(): IterableIterator<[Span, T[]]> {
    for (const g of this.groups.values()) yield [g.span, g.items];
  }
}

/** `location /api/` or `location /api/ (and 2 other routes)`, from distinct route names. */
export function routeNames(names: readonly string[]): string {
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
