import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, lintCase, loadCase } from './helpers/fixtures.js';

describe('preflight-unhandled on a path without OPTIONS', () => {
  it('reports the path once, naming every method and why each is preflighted', async () => {
    const c = loadCase(join(FIXTURES, 'rules', 'preflight-unhandled', 'openapi-path-without-options.yaml'));
    const [result] = await lintCase(c);
    const found = result!.messages.filter((m) => m.ruleId === 'preflight-unhandled');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 9, column: 3 });
    expect(found[0]!.message).toMatch(/^Preflight for GET and PUT \/orders \(orders\) fails: .*no OPTIONS method on \/orders/);
    expect(found[0]!.message).toMatch(/browsers preflight GET because requests carry Authorization .*, PUT because it serves PUT,/);
  });
});
