/** One fixture-driven test: every case under fixtures/ must produce exactly its expected findings. */
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { diffCase, lintCase, listCases } from './helpers/fixtures.js';

const groups = ['rules', 'sources'];

describe('fixtures', () => {
  for (const group of groups) {
    for (const c of listCases(group)) {
      it(c.name, async () => {
        const results = await lintCase(c);
        expect(diffCase(c, results)).toEqual([]);
      });
    }
  }
});

describe('every rule has fixtures that fire and fixtures that stay quiet', () => {
  const cases = listCases('rules');
  for (const rule of allRules) {
    const id = rule.meta.id;
    it(id, () => {
      const own = cases.filter((c) => c.name.startsWith(`rules/${id}/`));
      const positive = own.filter((c) => c.expected.some((e) => e.ruleId === id));
      const negative = own.filter((c) => !c.expected.some((e) => e.ruleId === id) && (!c.onlyRules || c.onlyRules.has(id)));
      expect(positive.length, `fixtures/rules/${id}/ needs a case that expects ${id}`).toBeGreaterThan(0);
      expect(negative.length, `fixtures/rules/${id}/ needs a case where ${id} must not fire`).toBeGreaterThan(0);
    });
  }
});
