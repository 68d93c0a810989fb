/** SpanGroups (rules/lib/grouping.ts): one group per (file, line, column), in first-seen order, whatever the size of the numbers. */
import { describe, expect, it } from 'vitest';
import { SpanGroups } from '../rules/lib/grouping.js';
import type { Span } from '../src/model/types.js';

const at = (file: string, line: number, column: number): Span => ({ file, line, column, endLine: line, endColumn: column + 1 });

describe('SpanGroups', () => {
  it('groups items at one position and keeps positions apart, also where their numbers could meet', () => {
    const groups = new SpanGroups<string>();
    const spans = [
      at('a.json', 1, 5000), // a long minified line
      at('a.json', 3, 904), // 3 * 2^11 + 904 = 7048 = 1 * 2^11 + 5000: must stay its own group
      at('a.json', 2 ** 19, 1), // past the usual lines
      at('a.json', 2 ** 21, 1), // past numbered lines: keyed by text
      at('a.json', 1.5, 2), // not an integer: keyed by text
      at('b.json', 1, 5000), // another file
      at('a.json', 1, 1),
    ];
    for (const s of spans) expect(groups.isNew(s)).toBe(true);
    spans.forEach((s, i) => groups.add(s, `first ${i}`));
    spans.forEach((s, i) => {
      expect(groups.isNew(s)).toBe(false);
      groups.add({ ...s }, `second ${i}`);
    });
    expect(groups.entries()).toEqual(spans.map((s, i) => [s, [`first ${i}`, `second ${i}`]]));
  });
});
