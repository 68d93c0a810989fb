/** `corslint simulate` end to end, from the built bundle: exit codes, the JSON contract, the story, usage errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'corslint.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ORDERS = ['--url', 'https://api.example.com/orders/1', '--method', 'PUT', '--header', 'Authorization', '--header', 'Content-Type: application/json', '--credentials'];

beforeAll(() => {
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  expect(b.status, b.stderr).toBe(0);
}, 130000);

describe('corslint simulate', () => {
  it('blocks the app on the broken example: the 401 preflight, reported as the missing header Chromium names first', () => {
    const r = run(['simulate', 'examples/nginx/api.conf', '--origin', 'capacitor://localhost', ...ORDERS, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ allowed: false, preflightSent: true, route: { file: 'examples/nginx/api.conf', line: 12 }, failedCheck: 'preflight-missing-allow-origin', verdict: 'blocked' });
    const failing = out.steps.filter((s: { result: string }) => s.result === 'fail');
    expect(failing.map((s: { failedCheck: string; line: number }) => [s.failedCheck, s.line])).toEqual([
      ['preflight-missing-allow-origin', 14],
      ['preflight-status', 14],
    ]);
    expect(out.fix).toMatch(/auth_basic "orders".*return 204/);
    expect(Object.keys(out).slice(0, 5)).toEqual(['allowed', 'preflightSent', 'route', 'failedCheck', 'steps']);
  });

  it('lets the app through on the corrected example (exit 0) and blocks another site (exit 1)', () => {
    const ok = run(['simulate', 'examples/nginx/good.conf', '--origin', 'capacitor://localhost', ...ORDERS, '--format', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ allowed: true, failedCheck: null, route: { line: 13 } });
    const evil = run(['simulate', 'examples/nginx/good.conf', '--origin', 'https://evil.example', ...ORDERS, '--format', 'json']);
    expect(evil.code).toBe(1);
    expect(JSON.parse(evil.stdout).failedCheck).toBe('preflight-missing-allow-origin');
  });

  it('prints a story with file:line for each step and the fix', () => {
    const r = run(['simulate', 'examples/nginx/api.conf', '--origin', 'capacitor://localhost', ...ORDERS]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Route: location \/orders\/ \(server api\.example\.com\)\s+examples\/nginx\/api\.conf:12/);
    expect(r.stdout).toMatch(/✗ The preflight response has no Access-Control-Allow-Origin.*examples\/nginx\/api\.conf:14/);
    expect(r.stdout).toMatch(/^Fix: /m);
  });

  it('matches a regex server_name against the host (the pattern support loads for it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-sim-'));
    writeFileSync(
      join(dir, 'api.conf'),
      'http {\n  server {\n    listen 80;\n    server_name ~^api\\d+\\.example\\.com$;\n    location / {\n      add_header Access-Control-Allow-Origin https://app.example.com always;\n      return 200;\n    }\n  }\n}\n',
    );
    const hit = run(['simulate', join(dir, 'api.conf'), '--origin', 'https://app.example.com', '--method', 'GET', '--url', 'http://api7.example.com/x', '--format', 'json']);
    expect(hit.stderr).toBe('');
    expect(hit.code).toBe(0);
    expect(JSON.parse(hit.stdout)).toMatchObject({ allowed: true, route: { line: 5 } });
  });

  it('names the nested stack a route was read through', () => {
    const dir = 'fixtures/rules/wildcard-origin-with-credentials/cloudformation-nested-stack-passes-star';
    const args = ['simulate', `${dir}/parent.yaml`, '--origin', 'https://app.example.com', '--method', 'GET', '--credentials', '--path', '/profile'];
    const json = run([...args, '--format', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      route: { file: `${dir}/stacks/profile-api.yaml`, line: 21, via: `stack ProfileApi, nested in ${dir}/parent.yaml` },
      failedCheck: 'wildcard-origin-with-credentials',
    });
    expect(run(args).stdout).toContain(`Route: GET /profile (Api)  ${dir}/stacks/profile-api.yaml:21 (in stack ProfileApi, nested in ${dir}/parent.yaml)`);
  });

  it('picks the location by --path/--host and runs spec mode on request', () => {
    const dir = 'fixtures/rules/client-blocked/web-and-app-blocked';
    const feed = run(['simulate', dir, '--origin', 'https://app.example.com', '--method', 'GET', '--credentials', '--path', '/feed/today', '--host', 'api.example.com:8080', '--format', 'json', '--mode', 'spec']);
    expect(feed.code).toBe(1);
    expect(JSON.parse(feed.stdout)).toMatchObject({ mode: 'spec', failedCheck: 'wildcard-origin-with-credentials', routeName: 'location /feed/ (server api.example.com)' });
    const feedApp = run(['simulate', dir, '--origin', 'capacitor://localhost', '--method', 'GET', '--path', '/feed/today', '--host', 'api.example.com', '--format', 'json']);
    expect(feedApp.code).toBe(0);
    // Authorization is covered by ACAH: Authorization, not a wildcard: allowed in both modes.
    const withAuth = run(['simulate', dir, '--origin', 'capacitor://localhost', '--method', 'GET', '--header', 'Authorization: Bearer t', '--path', '/feed/today', '--host', 'api.example.com', '--format', 'json']);
    expect(JSON.parse(withAuth.stdout)).toMatchObject({ allowed: true, preflightSent: true });
  });

  it('says unknown (exit 1) rather than guessing when the backend answers the preflight', () => {
    const r = run(['simulate', 'examples/nginx/api.conf', '--origin', 'https://app.example.com', '--method', 'PUT', '--url', 'https://api.example.com/public/x', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('unknown');
    expect(out.failedCheck).toBeNull();
    expect(out.unknown[0].reason).toMatch(/passed to the backend/);
  });

  it.each([
    [['simulate', 'examples/nginx/api.conf', '--method', 'GET', '--url', 'https://api.example.com/'], /--origin/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'https://a.example', '--url', 'https://api.example.com/'], /--method/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'https://a.example', '--method', 'GET', '--url', 'https://api.example.com/', '--path', '/x'], /cannot be combined/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'https://a.example', '--method', 'GET', '--url', 'https://api.example.com/', '--header', 'Cookie: a=b'], /forbidden request header.*--credentials/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'https://a.example', '--method', 'TRACE', '--url', 'https://api.example.com/'], /forbidden/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'not an origin', '--method', 'GET', '--url', 'https://api.example.com/'], /not an origin/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'https://a.example', '--method', 'GET', '--url', 'https://api.example.com/', '--mode', 'chrome'], /--mode/],
    [['simulate', 'examples/nginx/api.conf', '--origin', 'https://a.example', '--method', 'GET'], /choose one with --url or --path/],
  ])('usage error exits 2: %j', (args, message) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('leaves plain linting alone: `corslint <dir>` still lints', () => {
    const r = run(['examples/nginx', '-f', 'json']);
    const results = JSON.parse(r.stdout) as { filePath: string; messages: unknown[] }[];
    expect(results.map((x) => x.filePath.replace(/.*examples\//, 'examples/')).sort()).toEqual(['examples/nginx/api.conf', 'examples/nginx/good.conf']);
    expect(r.code).toBe(results.some((x) => (x.messages as { severity: number }[]).some((m) => m.severity === 2)) ? 1 : 0);
  });
});
