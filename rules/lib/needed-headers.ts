/**
 * Questions three preflight rules ask of every route's needed request headers
 * (neededRequestHeaders): which of them `Access-Control-Allow-Headers: *` never covers.
 */
import { isNonWildcardHeader } from '../../src/model/header-list.js';
import { memoByText } from '../../src/model/memo.js';
import type { NeededHeader } from '../../src/model/preflight.js';

/** isNonWildcardHeader per name as written: a config names the same few headers on every route, and the test lower-cases each. */
export const nonWildcard: (name: string) => boolean = memoByText(isNonWildcardHeader, 1000);

/** The first needed header that `*` never covers (Authorization), if any. */
export function neededNonWildcard(needed: readonly NeededHeader[]): NeededHeader | undefined {
  for (let i = 0; i < needed.length; i++) {
    const h = needed[i]!;
    if (nonWildcard(h.name)) return h;
  }
  return undefined;
}

/** Whether the route needs a header that `*` covers (any but Authorization). */
export function needsWildcardCoverable(needed: readonly NeededHeader[]): boolean {
  for (let i = 0; i < needed.length; i++) {
    const h = needed[i]!;
    if (!nonWildcard(h.name)) return true;
  }
  return false;
}
