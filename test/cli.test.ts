/** End to end: the built `bin/corslint.js` as users and CI run it. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import type { LintResult } from '../src/engine/lint.js';
import { BIN, ensureBuilt } from './helpers/build.js';

beforeAll(ensureBuilt, 120_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function corslint(args: string[], opts: { cwd: string; input?: string; env?: Record<string, string | undefined> }): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, input: opts.input ?? '', encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An error (origin echo with credentials) and warnings. */
const BAD = [
  'server {',
  '    listen 443 ssl;',
  '    location /api/ {',
  '        add_header Access-Control-Allow-Origin $http_origin;',
  '        add_header Access-Control-Allow-Credentials true;',
  '        proxy_pass http://api;',
  '    }',
  '}',
  '',
].join('\n');
/** Exactly one warning: cors-headers-missing-on-errors (fixable). */
const WARN = 'server {\n    listen 443 ssl;\n    location /api/ {\n        add_header Access-Control-Allow-Origin https://app.example.com;\n        proxy_pass http://api;\n    }\n}\n';
const GOOD = WARN.replace('https://app.example.com;', 'https://app.example.com always;');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'corslint-cli-'));
  mkdirSync(join(dir, '.git'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const json = (r: Run) => JSON.parse(r.stdout) as (LintResult & { output?: string })[];
const ruleIds = (r: Run) => json(r).flatMap((x) => x.messages.map((m) => m.ruleId));

describe('exit codes', () => {
  const dir = project({ 'bad.conf': BAD, 'warn.conf': WARN, 'good.conf': GOOD });

  it('0 when clean, 1 with errors, 0 with warnings only', () => {
    expect(corslint(['good.conf'], { cwd: dir })).toMatchObject({ code: 0, stdout: '' });
    expect(corslint(['bad.conf'], { cwd: dir }).code).toBe(1);
    const warn = corslint(['warn.conf'], { cwd: dir });
    expect(warn.code).toBe(0);
    expect(warn.stdout).toContain('cors-headers-missing-on-errors');
  });

  it('a reader that closes the pipe early is not a crash (no EPIPE trace)', () => {
    const big = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`b${i}.conf`, BAD]));
    const many = project(big);
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" -f json . | head -c 1 >/dev/null`], { cwd: many, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });

  it('2 for usage problems, with a message', () => {
    const unknownFlag = corslint(['--bogus', 'good.conf'], { cwd: dir });
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/unknown option '--bogus'/);
    const missing = corslint(['nope.conf'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No such file or directory: nope\.conf/);
    expect(corslint([], { cwd: dir }).code).toBe(2);
    expect(corslint(['-f', 'xml', 'good.conf'], { cwd: dir }).stderr).toMatch(/Unknown format "xml"/);
    expect(corslint(['--rule', 'no-such-rule:off', 'good.conf'], { cwd: dir }).code).toBe(2);
    expect(corslint(['--max-warnings', 'many', 'good.conf'], { cwd: dir }).code).toBe(2);
  });

  it('--max-warnings turns too many warnings into exit 1', () => {
    expect(corslint(['--max-warnings', '1', 'warn.conf'], { cwd: dir }).code).toBe(0);
    const over = corslint(['--max-warnings', '0', 'warn.conf'], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/too many warnings \(maximum: 0\)/);
  });

  it('--quiet reports errors only', () => {
    const quiet = corslint(['--quiet', '-f', 'json', 'bad.conf', 'warn.conf'], { cwd: dir });
    expect(quiet.code).toBe(1);
    const messages = json(quiet).flatMap((r) => r.messages);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.severity === 2)).toBe(true);
    expect(corslint(['--quiet', 'warn.conf'], { cwd: dir })).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('--format json', () => {
  it('is ESLint-shaped, with level on every message', () => {
    const dir = project({ 'bad.conf': BAD, 'warn.conf': WARN });
    const run = corslint(['-f', 'json', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    const results = json(run);
    expect(results.map((r) => r.filePath).sort()).toEqual([join(dir, 'bad.conf'), join(dir, 'warn.conf')]);
    for (const r of results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['filePath', 'messages', 'suppressedMessages', 'errorCount', 'warningCount', 'fatalErrorCount', 'fixableErrorCount', 'fixableWarningCount']));
      expect(r.errorCount).toBe(r.messages.filter((m) => m.severity === 2).length);
      for (const m of r.messages) {
        expect(['error', 'warning', 'info']).toContain(m.level);
        expect(m.severity).toBe(m.level === 'error' ? 2 : 1);
        expect(m.line).toBeGreaterThan(0);
        expect(m.column).toBeGreaterThan(0);
        expect(typeof m.ruleId).toBe('string');
      }
    }
    const bad = results.find((r) => r.filePath.endsWith('bad.conf'))!;
    expect(bad.messages.find((m) => m.ruleId === 'reflected-origin-with-credentials')).toMatchObject({ line: 4, column: 48, severity: 2, level: 'error' });
  });

  it('a parse error is a fatal finding and the other files are still linted', () => {
    const dir = project({ 'broken.conf': 'server {\n  listen 80;\n  location / {\n', 'bad.conf': BAD });
    const run = corslint(['-f', 'json', 'broken.conf', 'bad.conf'], { cwd: dir });
    expect(run.code).toBe(1);
    const broken = json(run).find((r) => r.filePath.endsWith('broken.conf'))!;
    expect(broken.messages[0]).toMatchObject({ ruleId: 'parse-error', severity: 2, level: 'error' });
    expect(ruleIds(run)).toContain('reflected-origin-with-credentials');
  });

  it('fatal (fatalErrorCount) only where no trustworthy tree could be built, not for a recovered directive error', () => {
    const dir = project({
      'unclosed.conf': 'server {\n  listen 80;\n  location / {\n',
      'quote.conf': 'server {\n  add_header X-Y "never closed;\n}\n',
      'template.conf': 'server {\n  listen {{ .Port }};\n}\n',
      'binary.conf': 'server {\u0000}\n',
      'recovered.conf': 'server {\n  listen 80;\n  location / {\n    add_header X-Y "a"b;\n    return 204;\n  }\n}\n',
    });
    const run = corslint(['-f', 'json', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    const byFile = new Map(json(run).map((r) => [r.filePath.slice(dir.length + 1), r]));
    for (const name of ['unclosed.conf', 'quote.conf', 'template.conf', 'binary.conf']) {
      const r = byFile.get(name)!;
      expect(r.fatalErrorCount, name).toBeGreaterThanOrEqual(1);
      expect(r.messages.find((m) => m.fatal), name).toMatchObject({ ruleId: 'parse-error', severity: 2 });
    }
    expect(byFile.get('unclosed.conf')!.messages.find((m) => m.fatal)).toMatchObject({ line: 4 });
    const recovered = byFile.get('recovered.conf')!;
    expect(recovered.messages.filter((m) => m.ruleId === 'parse-error')).toMatchObject([{ line: 4, severity: 2 }]);
    expect(recovered.fatalErrorCount).toBe(0);
    expect(recovered.messages.some((m) => m.fatal)).toBe(false);
  });
});

describe('--stdin', () => {
  it('lints standard input as --stdin-filename, with that file’s config', () => {
    const dir = project({ 'conf/.corslintrc.yaml': 'rules:\n  reflected-origin-with-credentials: warning\n' });
    const run = corslint(['--stdin', '--stdin-filename', 'conf/api.conf', '-f', 'json'], { cwd: dir, input: BAD });
    expect(run.code).toBe(0);
    const [r] = json(run);
    expect(r!.filePath).toBe(join(dir, 'conf/api.conf'));
    expect(r!.messages.find((m) => m.ruleId === 'reflected-origin-with-credentials')!.severity).toBe(1);
    // the kind comes from the name: a YAML name with nginx text is not linted as nginx
    expect(json(corslint(['--stdin', '--stdin-filename', 'notes.yaml', '-f', 'json'], { cwd: dir, input: BAD }))).toEqual([]);
    expect(corslint(['--stdin', 'a.conf'], { cwd: dir, input: BAD }).code).toBe(2);
  });
});

describe('configuration', () => {
  it('rules, overrides by glob, ignores; --rule wins', () => {
    const dir = project({
      '.corslintrc.yaml': [
        'rules:',
        '  cors-headers-missing-on-errors: error',
        'overrides:',
        '  - files: ["legacy/**"]',
        '    rules: { cors-headers-missing-on-errors: off }',
        'ignores: ["vendor/**"]',
        '',
      ].join('\n'),
      'api/warn.conf': WARN,
      'legacy/warn.conf': WARN,
      'vendor/bad.conf': BAD,
    });
    const run = corslint(['-f', 'json', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    const results = json(run);
    expect(results.map((r) => r.filePath).sort()).toEqual([join(dir, 'api/warn.conf'), join(dir, 'legacy/warn.conf')]);
    expect(results.find((r) => r.filePath.endsWith('api/warn.conf'))!.messages.map((m) => [m.ruleId, m.severity])).toEqual([['cors-headers-missing-on-errors', 2]]);
    expect(results.find((r) => r.filePath.endsWith('legacy/warn.conf'))!.messages).toEqual([]);
    // a file passed by name (as pre-commit does) is still ignored by `ignores`
    expect(json(corslint(['-f', 'json', join(dir, 'vendor/bad.conf')], { cwd: dir }))).toEqual([]);
    // --rule wins over the config
    const flagged = corslint(['--rule', 'cors-headers-missing-on-errors:off', 'api/warn.conf'], { cwd: dir });
    expect(flagged).toMatchObject({ code: 0, stdout: '' });
  });

  it('--print-config shows what applies to one file', () => {
    const dir = project({ 'corslint.config.mjs': "export default { sites: ['example.com'], overrides: [{ files: 'legacy/*', rules: { 'max-age-missing': 'off' } }] };\n" });
    const run = corslint(['--print-config', 'legacy/a.conf', '--rule', 'reflected-origin:error'], { cwd: dir });
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.configFile).toBe(join(dir, 'corslint.config.mjs'));
    expect(printed.sites).toEqual(['example.com']);
    expect(printed.rules['max-age-missing']).toBe('off');
    expect(printed.rules['reflected-origin']).toBe('error');
    expect(Object.keys(printed.rules)).toHaveLength(allRules.length);
  });

  it('a bad config exits 2 naming the key path and what was expected', () => {
    const dir = project({ '.corslintrc.yaml': 'rules:\n  reflected-origin: loud\nclients:\n  - name: web\n    origin: app.example.com\n', 'good.conf': GOOD });
    const run = corslint(['good.conf'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Invalid configuration in ${join(dir, '.corslintrc.yaml')}`);
    expect(run.stderr).toMatch(/rules\.reflected-origin \(line 2\): expected one of off, info, warning \(warn\), error/);
    expect(run.stderr).toMatch(/clients\[0\]\.origin \(line 5\): expected a serialized origin/);
    expect(run.stderr).not.toMatch(/internal error|\s+at /);
  });

  it('--config uses one file for all', () => {
    const dir = project({ 'ci/strict.json': JSON.stringify({ rules: { 'cors-headers-missing-on-errors': 'error' } }), 'warn.conf': WARN });
    expect(corslint(['warn.conf'], { cwd: dir }).code).toBe(0);
    expect(corslint(['--config', 'ci/strict.json', 'warn.conf'], { cwd: dir }).code).toBe(1);
  });
});

describe('suppressions', () => {
  it('an inline directive moves the finding to suppressedMessages; unused ones are reported on request', () => {
    const text = WARN.replace('        add_header', '        # corslint-disable-next-line cors-headers-missing-on-errors -- errors never leave the VPC\n        add_header');
    const dir = project({ 'a.conf': text, 'b.conf': `# corslint-disable-file max-age-missing\n${GOOD}` });
    const run = corslint(['-f', 'json', 'a.conf', 'b.conf'], { cwd: dir });
    expect(run.code).toBe(0);
    const [a, b] = json(run);
    expect(a!.messages).toEqual([]);
    expect(a!.suppressedMessages).toEqual([expect.objectContaining({ ruleId: 'cors-headers-missing-on-errors', line: 5, suppressions: [{ kind: 'directive', justification: 'errors never leave the VPC' }] })]);
    expect(b!.messages).toEqual([]);
    const strict = corslint(['-f', 'json', '--report-unused-disable-directives', 'a.conf', 'b.conf'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(json(strict)[1]!.messages).toEqual([expect.objectContaining({ ruleId: 'unused-disable-directive', line: 1, severity: 2 })]);
  });
});

describe('baseline', () => {
  it('old findings pass, new ones fail, stale entries are reported', () => {
    const dir = project({ 'conf/bad.conf': BAD });
    const write = corslint(['--baseline-write', 'corslint-baseline.json', 'conf'], { cwd: dir });
    expect(write.code).toBe(0);
    const baseline = JSON.parse(readFileSync(join(dir, 'corslint-baseline.json'), 'utf8'));
    expect(Object.keys(baseline)).toEqual(['conf/bad.conf']);
    expect(baseline['conf/bad.conf']['reflected-origin-with-credentials']).toEqual({ count: 1 });

    const same = corslint(['-f', 'json', '--baseline', 'corslint-baseline.json', 'conf'], { cwd: dir });
    expect(same.code).toBe(0);
    expect(json(same)[0]!.suppressedMessages.some((m) => m.suppressions[0]!.kind === 'baseline')).toBe(true);

    // a new file with the same problem is new
    writeFileSync(join(dir, 'conf/new.conf'), BAD);
    const grown = corslint(['-f', 'json', '--baseline', 'corslint-baseline.json', 'conf'], { cwd: dir });
    expect(grown.code).toBe(1);
    expect(json(grown).find((r) => r.filePath.endsWith('new.conf'))!.errorCount).toBeGreaterThan(0);

    // the old finding is fixed: its entry is stale, which fails the run as ESLint's unused suppressions do
    writeFileSync(join(dir, 'conf/bad.conf'), GOOD);
    const stale = corslint(['--baseline', 'corslint-baseline.json', 'conf/bad.conf'], { cwd: dir });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/\d+ baseline entr(y|ies) in corslint-baseline\.json no longer occurs?/);
    expect(stale.stderr).toContain('conf/bad.conf: reflected-origin-with-credentials (baseline 1, now 0)');
    expect(stale.stderr).toContain('--prune-baseline');
    const passed = corslint(['--baseline', 'corslint-baseline.json', '--pass-on-stale-baseline', 'conf/bad.conf'], { cwd: dir });
    expect(passed.code).toBe(0);
    expect(passed.stderr).toContain('conf/bad.conf: reflected-origin-with-credentials (baseline 1, now 0)');
    expect(corslint(['--baseline', 'missing.json', 'conf'], { cwd: dir }).code).toBe(2);
  });

  it('--prune-baseline lowers stale entries and drops those of deleted files, never adding new findings', () => {
    const dir = project({ 'conf/bad.conf': BAD, 'conf/gone.conf': BAD });
    expect(corslint(['--baseline-write', 'corslint-baseline.json', 'conf'], { cwd: dir }).code).toBe(0);
    rmSync(join(dir, 'conf/gone.conf'));
    writeFileSync(join(dir, 'conf/new.conf'), BAD);
    // only bad.conf is linted: the entry of the deleted file is stale all the same
    const stale = corslint(['--baseline', 'corslint-baseline.json', 'conf/bad.conf'], { cwd: dir });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('conf/gone.conf: reflected-origin-with-credentials (baseline 1, now 0)');

    const pruned = corslint(['--baseline', 'corslint-baseline.json', '--prune-baseline', 'conf'], { cwd: dir });
    // new.conf's finding is new: pruning does not record it
    expect(pruned.code).toBe(1);
    expect(pruned.stderr).toMatch(/pruned \d+ stale entr/);
    const baseline = JSON.parse(readFileSync(join(dir, 'corslint-baseline.json'), 'utf8'));
    expect(Object.keys(baseline)).toEqual(['conf/bad.conf']);
    expect(corslint(['--baseline', 'corslint-baseline.json', 'conf/bad.conf'], { cwd: dir }).code).toBe(0);
    expect(corslint(['--prune-baseline', 'conf'], { cwd: dir }).code).toBe(2);
  });
});

describe('fixes', () => {
  it('--fix-dry-run reports the fixed text as `output` and writes nothing; --fix writes', () => {
    const dir = project({ 'warn.conf': WARN });
    const dry = corslint(['-f', 'json', '--fix-dry-run', 'warn.conf'], { cwd: dir });
    expect(dry.code).toBe(0);
    const [r] = json(dry);
    expect(r!.output).toBe(GOOD);
    expect(r!.messages).toEqual([]);
    expect(readFileSync(join(dir, 'warn.conf'), 'utf8')).toBe(WARN);

    const fix = corslint(['--fix', 'warn.conf'], { cwd: dir });
    expect(fix).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(join(dir, 'warn.conf'), 'utf8')).toBe(GOOD);
  });

  it('--fix with --stdin prints, never writes', () => {
    const dir = project({});
    const run = corslint(['--stdin', '--stdin-filename', 'x.conf', '--fix', '-f', 'json'], { cwd: dir, input: WARN });
    expect(json(run)[0]!.output).toBe(GOOD);
    expect(existsSync(join(dir, 'x.conf'))).toBe(false);
  });
});

describe('formats, output file and colour', () => {
  const dir = project({ 'warn.conf': WARN, 'bad.conf': BAD });

  it('-o writes the report to a file, without colour', () => {
    const run = corslint(['-o', 'report.txt', 'bad.conf'], { cwd: dir, env: { FORCE_COLOR: undefined } });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const report = readFileSync(join(dir, 'report.txt'), 'utf8');
    expect(report).toContain('reflected-origin-with-credentials');
    // eslint-disable-next-line no-control-regex
    expect(report).not.toMatch(/\u001b\[/);
  });

  it("TIMING prints ESLint's rule table (and the sources') to stderr, leaving a JSON report valid", () => {
    const run = corslint(['-f', 'json', 'bad.conf', 'warn.conf'], { cwd: dir, env: { TIMING: 'all' } });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toHaveLength(2);
    const [rules, sources] = run.stderr.split('\n\n');
    const lines = rules!.trim().split('\n');
    expect(lines[0]).toMatch(/^Rule +\| Time \(ms\) \| Relative$/);
    expect(lines[1]).toMatch(/^:-+\|-+:\|-+:$/);
    expect(lines[1]!.length).toBe(lines[0]!.length);
    // every rule that ran, slowest first, with 3 decimals and its share
    const rows = lines.slice(2).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[0]).sort()).toEqual(allRules.map((r) => r.meta.id).sort());
    const ms = rows.map((r) => Number(r[1]));
    expect(ms).toEqual([...ms].sort((a, b) => b - a));
    for (const r of rows) {
      expect(r[1]).toMatch(/^\d+\.\d{3}$/);
      expect(r[2]).toMatch(/^\d+\.\d%$/);
    }
    expect(sources).toMatch(/^Source +\| Time \(ms\) \| Relative\n.*\nnginx +\| +\d+\.\d{3} \| +100\.0%\n$/);
    // as in ESLint: the 10 slowest unless TIMING asks for more; nothing without it
    const ten = corslint(['-f', 'json', 'bad.conf'], { cwd: dir, env: { TIMING: '1' } });
    expect(ten.stderr.split('\n\n')[0]!.trim().split('\n')).toHaveLength(12);
    expect(corslint(['-f', 'json', 'bad.conf'], { cwd: dir, env: { TIMING: undefined } }).stderr).toBe('');
  });

  it('NO_COLOR wins over FORCE_COLOR; FORCE_COLOR colours a pipe', () => {
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(corslint(['warn.conf'], { cwd: dir }).stdout).not.toMatch(ansi);
    expect(corslint(['warn.conf'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).toMatch(ansi);
    expect(corslint(['warn.conf'], { cwd: dir, env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(ansi);
    expect(corslint(['--no-color', 'warn.conf'], { cwd: dir, env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(ansi);
  });

  it('sarif, github, gitlab, junit, compact', () => {
    expect(JSON.parse(corslint(['-f', 'sarif', 'bad.conf'], { cwd: dir }).stdout).runs[0].results.length).toBeGreaterThan(0);
    expect(corslint(['-f', 'github', 'warn.conf'], { cwd: dir }).stdout).toMatch(/^::warning file=warn\.conf,line=4,col=9,endColumn=\d+,title=corslint \(cors-headers-missing-on-errors\)::/);
    expect(JSON.parse(corslint(['-f', 'gitlab', 'warn.conf'], { cwd: dir }).stdout)[0].location.path).toBe('warn.conf');
    expect(corslint(['-f', 'junit', 'warn.conf'], { cwd: dir }).stdout).toContain('<testsuites name="corslint"');
    expect(corslint(['-f', 'compact', 'warn.conf'], { cwd: dir }).stdout).toContain(`${join(dir, 'warn.conf')}: line 4, col 9, Warning - `);
  });
});

describe('hooks pass absolute paths and unrelated files', () => {
  it('unknown file types and non-CORS YAML/JSON are skipped quietly', () => {
    const dir = project({ 'README.md': '# hi\n', 'docker-compose.yaml': 'services:\n  web:\n    image: nginx\n', 'package.json': '{"name":"x"}', 'good.conf': GOOD });
    const run = corslint([join(dir, 'README.md'), join(dir, 'docker-compose.yaml'), join(dir, 'package.json'), join(dir, 'good.conf')], { cwd: tmpdir() });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });
});

describe('packaging for hooks', () => {
  const root = join(dirname(BIN), '..');

  it('.pre-commit-hooks.yaml runs the package bin on nginx, YAML, JSON and Terraform names only', async () => {
    const { parse } = await import('yaml');
    const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    const node = hooks.find((h) => h.id === 'corslint')!;
    expect(node.language).toBe('node');
    expect(Object.keys(pkg.bin)).toContain(node.entry);
    // rule docs ship with the package (`corslint explain`), and so does the config schema
    expect(pkg.files).toEqual(expect.arrayContaining(['bin', 'dist', 'rules/*.md', 'schema']));
    const files = new RegExp(node.files);
    for (const p of ['nginx.conf', 'etc/nginx/sites-available/default', 'conf.d/api', '/abs/nginx', 'template.yaml', 'x.yml', 'openapi.json', 'main.tf', 'cdk.tf.json', 'terraform.tfvars', 'prod.auto.tfvars.json', 'docker/nginx.tmpl']) {
      expect(files.test(p), p).toBe(true);
    }
    for (const p of ['src/app.ts', 'README.md', 'Dockerfile']) expect(files.test(p), p).toBe(false);
  });
});

describe('rules and explain', () => {
  const dir = project({});

  it('`corslint rules` lists every rule with its default severity', () => {
    const run = corslint(['rules'], { cwd: dir });
    expect(run.code).toBe(0);
    for (const { meta } of allRules) expect(run.stdout).toMatch(new RegExp(`^${meta.id}\\s+${meta.severity}\\s+`, 'm'));
    const listed = JSON.parse(corslint(['rules', '--format', 'json'], { cwd: dir }).stdout) as { id: string; severity: string }[];
    expect(listed.map((r) => r.id)).toEqual(allRules.map((r) => r.meta.id));
  });

  it('`corslint explain <id>` prints the rule page shipped in rules/<id>.md', () => {
    const documented = allRules.map((r) => r.meta.id).find((id) => existsSync(join(dirname(BIN), '..', 'rules', `${id}.md`)));
    expect(documented).toBeDefined();
    const run = corslint(['explain', documented!], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(dirname(BIN), '..', 'rules', `${documented}.md`), 'utf8'));
    const unknown = corslint(['explain', 'no-such-rule'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown rule "no-such-rule"/);
  });
});

describe('one run for the files of one configuration', () => {
  /** A REST API `Api` with a CORS OPTIONS mock and no gateway responses: cors-headers-missing-on-errors. */
  const api = readFileSync(join(import.meta.dirname, '..', 'fixtures/rules/wildcard-origin-with-credentials/rest-mock-exact-origin.yaml'), 'utf8').replace(/ {2}Default4xx:[\s\S]*$/, '');

  it('lints files without a config file together: a nested template through its parent only', () => {
    const nested = join(import.meta.dirname, '..', 'fixtures/rules/wildcard-origin-with-credentials/cloudformation-nested-stack-passes-star');
    const dir = project({ 'parent.yaml': readFileSync(join(nested, 'parent.yaml'), 'utf8'), 'stacks/profile-api.yaml': readFileSync(join(nested, 'stacks/profile-api.yaml'), 'utf8').replace('Default: https://app.example.com', 'Default: "*"') });
    // (alone, its own default would fire too: it is not linted alone)
    const r = corslint(['parent.yaml', 'stacks/profile-api.yaml', '--format', 'json'], { cwd: dir });
    const star = json(r).flatMap((x) => x.messages.filter((m) => m.ruleId === 'wildcard-origin-with-credentials'));
    expect(star).toHaveLength(2);
    expect(star.every((m) => m.message.endsWith(`(in stack ProfileApi, nested in parent.yaml)`))).toBe(true);
  });

  it('keeps two templates apart whose APIs have the same logical id', () => {
    const dir = project({ 'orders/template.yaml': api, 'billing/template.yaml': api });
    const r = corslint(['orders', 'billing', '--format', 'json'], { cwd: dir });
    const missing = json(r).flatMap((x) => x.messages.filter((m) => m.ruleId === 'cors-headers-missing-on-errors').map(() => x.filePath));
    expect(missing.sort()).toEqual([join(dir, 'billing/template.yaml'), join(dir, 'orders/template.yaml')]);
  });
});
