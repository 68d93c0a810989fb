/** Fixes: the edit machinery, and each nginx fix re-lints the fixed file clean of its finding. */
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { fsHost } from '../src/cli/host.js';
import { applyEdits, lintAndFix } from '../src/engine/fix.js';
import { lintFiles, type LintOptions } from '../src/engine/lint.js';
import { applySuppressions } from '../src/engine/suppressions.js';

const options: LintOptions = {
  rules: allRules,
  settings: { clients: [], sites: [] },
  host: fsHost,
  postProcess: applySuppressions({ knownRules: allRules.map((r) => r.meta.id) }),
};

const PATH = '/virtual/site.conf';

async function findings(text: string) {
  const [r] = await lintFiles([{ path: PATH, text }], options);
  return r?.messages ?? [];
}

/** Lints, applies the fixes of `ruleId` only, and returns the fixed text. */
async function fixOnly(text: string, ruleId: string) {
  const run = await lintAndFix([{ path: PATH, text }], options, { filter: (m) => m.ruleId === ruleId });
  return run.changed.get(PATH);
}

/** Applies the fixes of `ruleId` only, expects exactly `expected`, and expects a re-lint of it clean of `ruleId`. */
async function expectFixedClean(text: string, ruleId: string, expected: string) {
  const fixed = await fixOnly(text, ruleId);
  expect(fixed).toBe(expected);
  expect((await findings(fixed!)).map((m) => m.ruleId)).not.toContain(ruleId);
}

describe('applyEdits', () => {
  it('applies sorted, non-overlapping edits and leaves the rest byte for byte', () => {
    const { output, applied, skipped } = applyEdits('abcdef', [
      { range: [4, 4], text: 'X' },
      { range: [0, 1], text: 'A' },
      { range: [0, 2], text: 'overlaps' },
    ]);
    expect(output).toBe('AbcdXef');
    expect(applied).toHaveLength(2);
    expect(skipped).toEqual([{ range: [0, 2], text: 'overlaps' }]);
  });

  it('an edit touching the previous one waits for the next pass; duplicates count once; bad ranges are skipped', () => {
    const r = applyEdits('abc', [
      { range: [1, 1], text: '1' },
      { range: [1, 1], text: '1' },
      { range: [1, 2], text: 'B' },
      { range: [2, 9], text: 'far' },
      { range: [3, 2], text: 'neg' },
    ]);
    expect(r.output).toBe('a1bc');
    expect(r.skipped.map((e) => e.text)).toEqual(['B', 'far', 'neg']);
  });
});

describe('nginx fixes re-lint clean of their finding', () => {
  it('cors-headers-missing-on-errors: adds `always`', async () => {
    const text = [
      'server {',
      '    listen 443 ssl;',
      '    location /api/ {',
      '        add_header Access-Control-Allow-Origin https://app.example.com;   # for the SPA',
      '        proxy_pass http://api;',
      '    }',
      '}',
      '',
    ].join('\n');
    const before = await findings(text);
    expect(before.map((m) => m.ruleId)).toContain('cors-headers-missing-on-errors');
    expect(before.find((m) => m.ruleId === 'cors-headers-missing-on-errors')!.fix).toBeDefined();
    await expectFixedClean(text, 'cors-headers-missing-on-errors', text.replace('https://app.example.com;', 'https://app.example.com always;'));
  });

  it('missing-vary-origin: adds `add_header Vary Origin` below the origin header, same indentation, keeping its comment', async () => {
    const text = [
      'map $http_origin $cors_origin {',
      '    default "";',
      '    "https://app.example.com" $http_origin;',
      '}',
      'server {',
      '    listen 443 ssl;',
      '    location /api/ {',
      '        add_header Access-Control-Allow-Origin $cors_origin always;  # allowlisted',
      '        proxy_pass http://api;',
      '    }',
      '}',
      '',
    ].join('\r\n');
    const before = await findings(text);
    const vary = before.find((m) => m.ruleId === 'missing-vary-origin');
    expect(vary, JSON.stringify(before)).toBeDefined();
    expect(vary!.line).toBe(8);
    await expectFixedClean(text, 'missing-vary-origin', text.replace('# allowlisted\r\n', '# allowlisted\r\n        add_header Vary Origin always;\r\n'));
  });

  it('missing-vary-origin: a directive sharing its line is followed on the same line', async () => {
    const text = 'server {\n  listen 80;\n  location / { add_header Access-Control-Allow-Origin $http_origin; proxy_pass http://b; }\n}\n';
    await expectFixedClean(text, 'missing-vary-origin', text.replace('$http_origin;', '$http_origin; add_header Vary Origin always;'));
  });

  it('allow-headers-missing-authorization: adds Authorization to the literal list', async () => {
    const conf = (list: string) =>
      [
        'server {',
        '    listen 443 ssl;',
        '    location /api/ {',
        '        if ($request_method = OPTIONS) {',
        '            add_header Access-Control-Allow-Origin https://app.example.com;',
        '            add_header Access-Control-Allow-Methods "GET, POST";',
        `            add_header Access-Control-Allow-Headers ${list};`,
        '            add_header Access-Control-Max-Age 600;',
        '            return 204;',
        '        }',
        '        auth_basic "api";',
        '        auth_basic_user_file /etc/nginx/htpasswd;',
        '        add_header Access-Control-Allow-Origin https://app.example.com always;',
        '        proxy_pass http://api;',
        '    }',
        '}',
        '',
      ].join('\n');
    for (const [list, expected] of [
      ['"Content-Type"', '"Content-Type, Authorization"'],
      ['Content-Type', '"Content-Type, Authorization"'],
      ["'Content-Type,X-Request-Id'", "'Content-Type,X-Request-Id,Authorization'"],
    ] as const) {
      const text = conf(list);
      expect((await findings(text)).map((m) => m.ruleId)).toContain('allow-headers-missing-authorization');
      await expectFixedClean(text, 'allow-headers-missing-authorization', conf(expected));
    }
  });

  it('no fix where the intent is not mechanical: a list built from a variable', async () => {
    const text = [
      'server {',
      '    listen 443 ssl;',
      '    set $allowed "Content-Type";',
      '    location /api/ {',
      '        if ($request_method = OPTIONS) {',
      '            add_header Access-Control-Allow-Origin https://app.example.com;',
      '            add_header Access-Control-Allow-Headers "$allowed";',
      '            return 204;',
      '        }',
      '        auth_basic "api";',
      '        add_header Access-Control-Allow-Origin https://app.example.com always;',
      '        proxy_pass http://api;',
      '    }',
      '}',
      '',
    ].join('\n');
    const m = (await findings(text)).find((x) => x.ruleId === 'allow-headers-missing-authorization');
    if (m) expect(m.fix).toBeUndefined();
  });
});

describe('the fix loop', () => {
  it('re-lints until nothing is left to fix and reports the findings of the fixed text', async () => {
    const text = [
      'server {',
      '  listen 80;',
      '  location /api/ {',
      '    add_header Access-Control-Allow-Origin $http_origin;',
      '    add_header Access-Control-Allow-Credentials true;',
      '    proxy_pass http://b;',
      '  }',
      '}',
      '',
    ].join('\n');
    const run = await lintAndFix([{ path: PATH, text }], options);
    const fixed = run.changed.get(PATH)!;
    expect(fixed).toContain('add_header Access-Control-Allow-Origin $http_origin always;');
    expect(fixed).toContain('add_header Access-Control-Allow-Credentials true always;');
    expect(fixed).toContain('add_header Vary Origin always;');
    expect(run.passes).toBeGreaterThanOrEqual(2);
    const [r] = run.results;
    expect(r!.output).toBe(fixed);
    expect(r!.source).toBeUndefined();
    // what is left cannot be fixed mechanically, and equals a fresh lint of the fixed text
    expect(r!.messages.every((m) => !m.fix)).toBe(true);
    expect(r!.messages).toEqual(await findings(fixed));
    expect(r!.messages.map((m) => m.ruleId)).toContain('reflected-origin-with-credentials');
  });

  it('never applies the fix of a suppressed finding', async () => {
    const text = 'server {\n  listen 80;\n  location / {\n    # corslint-disable-next-line cors-headers-missing-on-errors, missing-vary-origin\n    add_header Access-Control-Allow-Origin $http_origin;\n    proxy_pass http://b;\n  }\n}\n';
    const run = await lintAndFix([{ path: PATH, text }], options);
    expect(run.changed.size).toBe(0);
    expect(run.results[0]!.output).toBeUndefined();
  });
});
