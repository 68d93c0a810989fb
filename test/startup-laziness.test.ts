/**
 * What the lint command defers so that `corslint file.conf` starts quickly, without changing
 * results: the glob host only for inputs that may include files, lilconfig only when a config
 * file may exist upward, tinyglobby/ignore only for directory and glob arguments; in the built
 * CLI, which bundle files a plain nginx run loads, and the code cache that never changes a result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { hostFor, mayInclude, readTextFile } from '../src/cli/file-host.js';
import { fsHost } from '../src/cli/host.js';
import { lintFiles } from '../src/engine/lint.js';
import { discoverFiles, UsageError as DiscoverUsageError } from '../src/cli/discover.js';
import { UsageError } from '../src/cli/usage-error.js';
import { ConfigError, ConfigLoader } from '../src/config/index.js';
import { BIN, ensureBuilt, ROOT } from './helpers/build.js';

const KNOWN = allRules.map((r) => r.meta.id);

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'corslint-lazy-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe('readTextFile', () => {
  it('reads a file as readFileSync(path, "utf8") does: ASCII, UTF-8, a BOM, invalid bytes, nothing', () => {
    const dir = tree({});
    const contents = [
      Buffer.from('server { listen 80; }\n'),
      Buffer.from('# café — 漢字 😀\nResources: {}\n'),
      Buffer.from('\uFEFFopenapi: 3.0.0\n'),
      Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3, 0x0a, 0x80]),
      Buffer.from([0x7f, 0x00, 0x41]),
      Buffer.alloc(0),
    ];
    contents.forEach((bytes, i) => {
      const path = join(dir, `f${i}`);
      writeFileSync(path, bytes);
      expect(readTextFile(path)).toBe(readFileSync(path, 'utf8'));
    });
    expect(readTextFile(join(dir, 'missing'))).toBeUndefined();
  });
});

describe('the glob host only when an input may include files', () => {
  it.each([
    'include conf.d/*.conf;',
    'http {\n  include /etc/nginx/sites-enabled/*;\n}',
    '"include" x/*.conf;',
    "'inc'lude x;",
    'inc\\lude x/*.conf;',
    'INCLUDE x;',
  ])('%j may include', (text) => {
    expect(mayInclude(text)).toBe(true);
  });

  it.each(['server { listen 80; }', 'location /inc { return 204; }', ''])('%j cannot include', (text) => {
    expect(mayInclude(text)).toBe(false);
  });

  it('inputs that may include get the file system host with globbing', async () => {
    const dir = tree({ 'conf.d/a.conf': '', 'conf.d/b.conf': '', 'conf.d/c.txt': '' });
    const host = await hostFor([{ path: join(dir, 'nginx.conf'), text: 'include conf.d/*.conf;' }]);
    expect(host).toBe(fsHost);
    expect(host.glob(join(dir, 'conf.d/*.conf'))).toEqual([join(dir, 'conf.d/a.conf'), join(dir, 'conf.d/b.conf')]);
  });

  it('only nginx inputs are searched: a template that mentions include gets the light host', async () => {
    const host = await hostFor([{ path: '/x/template.yaml', text: 'AWSTemplateFormatVersion: "2010-09-09"\nDescription: include conf.d/*.conf;\nResources: {}\n' }]);
    expect(host).not.toBe(fsHost);
    expect(await hostFor([{ path: '/x/site', text: 'server {\n  include snippets/*.conf;\n}\n' }])).toBe(fsHost);
  });

  it('other inputs get a host that reads files and lists one directory; any other glob is a loud bug, not an empty answer', async () => {
    const dir = tree({ 'a.conf': 'server { listen 80; }' });
    const host = await hostFor([{ path: join(dir, 'a.conf'), text: 'server { listen 80; }' }]);
    expect(host).not.toBe(fsHost);
    expect(host.readFile(join(dir, 'a.conf'))).toBe('server { listen 80; }');
    expect(host.readFile(join(dir, 'missing.conf'))).toBeUndefined();
    expect(host.glob(join(dir, '*.conf'))).toEqual([join(dir, 'a.conf')]);
    expect(() => host.glob(join(dir, '**', '*.conf'))).toThrow(/corslint bug/);
    expect(() => host.glob(join(dir, '{a,b}.conf'))).toThrow(/corslint bug/);
  });
});

describe('config discovery without loading lilconfig when nothing is there', () => {
  it('walks past a package.json without a corslint key to a config above, like lilconfig', async () => {
    const dir = tree({
      '.corslintrc.yaml': 'sites: [example.com]\n',
      'app/package.json': JSON.stringify({ name: 'app' }),
      'app/falsy/package.json': JSON.stringify({ name: 'falsy', corslint: false }),
      'app/falsy/x.conf': '',
      'app/x.conf': '',
    });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    const a = await loader.forFile(join(dir, 'app/x.conf'));
    expect(a.filepath).toBe(join(dir, '.corslintrc.yaml'));
    expect(a.settings.sites).toEqual(['example.com']);
    const b = await loader.forFile(join(dir, 'app/falsy/x.conf'));
    expect(b.filepath).toBe(join(dir, '.corslintrc.yaml'));
  });

  it('a package.json with a corslint key is the config', async () => {
    const dir = tree({ 'package.json': JSON.stringify({ name: 'x', corslint: { sites: ['example.org'] } }), 'x.conf': '' });
    const config = await new ConfigLoader({ cwd: dir, knownRules: KNOWN }).forFile(join(dir, 'x.conf'));
    expect(config.filepath).toBe(join(dir, 'package.json'));
    expect(config.settings.sites).toEqual(['example.org']);
  });

  it('no config anywhere up the tree: the defaults, for every file', async () => {
    const dir = tree({ 'a/x.conf': '', 'a/b/y.conf': '' });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    for (const f of ['a/x.conf', 'a/b/y.conf', 'a/x.conf']) {
      const config = await loader.forFile(join(dir, f));
      expect(config.filepath).toBeUndefined();
      expect(config.settings).toEqual({ clients: [], sites: [] });
    }
  });

  it('broken package.json files still fail as configuration errors', async () => {
    const dir = tree({ 'bad/package.json': '{ "name": ', 'bad/x.conf': '', 'nul/package.json': 'null', 'nul/x.conf': '' });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    await expect(loader.forFile(join(dir, 'bad/x.conf'))).rejects.toBeInstanceOf(ConfigError);
    await expect(loader.forFile(join(dir, 'nul/x.conf'))).rejects.toBeInstanceOf(ConfigError);
  });

  it('an empty .corslintrc.json is skipped (lilconfig decides), a config above it applies', async () => {
    const dir = tree({ '.corslintrc.yml': 'sites: [example.net]\n', 'sub/.corslintrc.json': '  \n', 'sub/x.conf': '' });
    const config = await new ConfigLoader({ cwd: dir, knownRules: KNOWN }).forFile(join(dir, 'sub/x.conf'));
    expect(config.filepath).toBe(join(dir, '.corslintrc.yml'));
  });
});

describe('discovery loads globbing only for directories and globs', () => {
  it('named files, directories and globs', async () => {
    const dir = tree({ 'a.conf': '', 'sub/b.conf': '', 'sub/c.yaml': '', '.gitignore': 'sub/c.yaml\n' });
    mkdirSync(join(dir, '.git'));
    expect(await discoverFiles(['a.conf'], { cwd: dir })).toEqual([join(dir, 'a.conf')]);
    expect(await discoverFiles(['sub'], { cwd: dir })).toEqual([join(dir, 'sub/b.conf')]);
    expect(await discoverFiles(['**/*.conf'], { cwd: dir, ignores: ['sub/**'] })).toEqual([join(dir, 'a.conf')]);
  });

  it('a missing path or an empty glob is a usage error (one class, wherever it is imported from)', async () => {
    const dir = tree({ 'a.conf': '' });
    expect(DiscoverUsageError).toBe(UsageError);
    await expect(discoverFiles(['nope.conf'], { cwd: dir })).rejects.toThrow(/No such file or directory: nope.conf/);
    await expect(discoverFiles(['*.yaml'], { cwd: dir })).rejects.toThrow(/No files matching the pattern "\*\.yaml"/);
    await expect(discoverFiles(['nope.conf'], { cwd: dir })).rejects.toBeInstanceOf(UsageError);
  });

  it('never reads a device or a FIFO, which may never end: not as an input, not for an include or a nested template', async () => {
    const dir = tree({ 'a.conf': '' });
    spawnSync('mkfifo', [join(dir, 'pipe')]);
    await expect(discoverFiles(['/dev/zero'], { cwd: dir })).rejects.toThrow(/Not a file or directory: \/dev\/zero/);
    await expect(discoverFiles(['pipe'], { cwd: dir })).rejects.toThrow(/Not a file or directory: pipe/);
    for (const path of ['/dev/zero', join(dir, 'pipe'), dir]) {
      expect(readTextFile(path)).toBeUndefined();
      expect(fsHost.readFile(path)).toBeUndefined();
    }
    expect(readTextFile(join(dir, 'a.conf'))).toBe('');
    const text = 'http {\n  server {\n    include /dev/zero;\n  }\n}\n';
    const results = await lintFiles([{ path: join(dir, 'nginx.conf'), text }], { rules: allRules, settings: { clients: [], sites: [] }, host: await hostFor([{ path: join(dir, 'nginx.conf'), text }]) });
    expect(results.flatMap((x) => x.messages).map((m) => [m.ruleId, m.line])).toEqual([['unresolved-include', 3]]);
  });
});

// ---------------------------------------------------------------------------------------------
// The built CLI: what a plain nginx run loads, and its code cache (dist/cli/main.js, src/cli/launcher.cjs).

const NGINX = `events {}
http {
  map $http_origin $cors {
    "~^https://([a-z0-9-]+\\.)?example\\.com$" $http_origin;
  }
  server {
    listen 80;
    location /api/ {
      add_header Access-Control-Allow-Origin $cors always;
      add_header Access-Control-Allow-Credentials true always;
      proxy_pass http://127.0.0.1:9000;
    }
  }
}
`;

function run(args: string[], env: Record<string, string | undefined>, cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cache files of one run's cache directory (there is one directory per build and Node). */
function cacheFiles(base: string): string[] {
  const root = join(base, 'corslint');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => join(root, d, f)));
}

describe('the built CLI', () => {
  beforeAll(ensureBuilt, 120_000);

  it('a plain nginx run loads the nginx source and the JSON formatter, and no YAML, CloudFormation, Terraform, schema, glob or LSP code', () => {
    const dir = tree({ 'nginx.conf': NGINX });
    const cache = mkdtempSync(join(tmpdir(), 'corslint-cache-'));
    const r = run(['--format', 'json', 'nginx.conf'], { NODE_COMPILE_CACHE: cache }, dir);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { messages: unknown[] }[])[0]!.messages.length).toBeGreaterThan(0);
    // every file the launcher ran got a cache entry: the sources bundled into those files, from their source maps
    const loaded = cacheFiles(cache).map((f) => basename(f).replace(/\.cache$/, '').split('~').join('/'));
    const sources = loaded.flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'dist', `${f}.map`), 'utf8')) as { sources: string[] }).sources);
    expect(sources.some((s) => s.includes('src/sources/nginx/'))).toBe(true);
    expect(sources.some((s) => s.includes('src/formatters/json.ts'))).toBe(true);
    expect(sources.some((s) => s.includes('src/model/origin-pattern.ts'))).toBe(true); // the regex origin
    const unwanted = sources.filter((s) =>
      /node_modules\/(yaml|js-yaml|zod|refa|tinyglobby|ignore|lilconfig|jsonc-parser)\/|src\/sources\/(cloudformation|openapi|serverless|terraform|aws-live)\/|src\/config\/(schema|yaml)\.ts|src\/lsp\/|src\/cli\/(simulate-command|rules-command|host)\.ts|src\/formatters\/(stylish|sarif|junit|compact|github|gitlab)\.ts|src\/engine\/(fix|baseline)\.ts/.test(s),
    );
    expect(unwanted).toEqual([]);
  });

  it('a template loads the origin-pattern support only when an allowlist entry is a pattern, and then reports on it', () => {
    const bucket = (origins: string) =>
      `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Assets:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [${origins}]\n            AllowedMethods: [GET]\n`;
    const lint = (origins: string) => {
      const dir = tree({ 'template.yaml': bucket(origins) });
      const cache = mkdtempSync(join(tmpdir(), 'corslint-cache-'));
      const r = run(['--format', 'json', 'template.yaml'], { NODE_COMPILE_CACHE: cache }, dir);
      expect(r.stderr).toBe('');
      const loaded = cacheFiles(cache).map((f) => basename(f).replace(/\.cache$/, '').split('~').join('/'));
      const sources = loaded.flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'dist', `${f}.map`), 'utf8')) as { sources: string[] }).sources);
      const rules = (JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[])[0]!.messages.map((m) => m.ruleId);
      return { patternCode: sources.some((s) => s.includes('src/model/origin-pattern.ts')), rules };
    };
    const exact = lint('"https://app.example.com"');
    expect(exact.patternCode).toBe(false);
    expect(exact.rules).toEqual(['max-age-missing']);
    const wildcard = lint('"https://*.com"');
    expect(wildcard.patternCode).toBe(true);
    expect(wildcard.rules).toContain('origin-pattern-bypass');
  });

  it('the code cache never changes a result: none, fresh, reused, corrupt, swapped, or an unwritable directory', () => {
    const dir = tree({ 'nginx.conf': NGINX, 'template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n' });
    const args = ['--format', 'json', 'nginx.conf', 'template.yaml'];
    const reference = run(args, { NODE_DISABLE_COMPILE_CACHE: '1' }, dir);
    expect(reference.stderr).toBe('');
    const same = (r: ReturnType<typeof run>) => expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual(reference);

    const cache = mkdtempSync(join(tmpdir(), 'corslint-cache-'));
    same(run(args, { NODE_COMPILE_CACHE: cache }, dir));
    const files = cacheFiles(cache);
    expect(files.length).toBeGreaterThan(3);
    same(run(args, { NODE_COMPILE_CACHE: cache }, dir));
    expect(cacheFiles(cache)).toEqual(files); // reused, nothing new

    // another chunk's cache under each name, then garbage and truncated files
    const contents = files.map((f) => readFileSync(f));
    files.forEach((f, i) => writeFileSync(f, contents[(i + 1) % contents.length]!));
    same(run(args, { NODE_COMPILE_CACHE: cache }, dir));
    files.forEach((f, i) => writeFileSync(f, i % 2 ? Buffer.from('not a code cache') : contents[i]!.subarray(0, contents[i]!.length >> 1)));
    same(run(args, { NODE_COMPILE_CACHE: cache }, dir));
    // rejected entries were written again
    expect(files.filter((f) => readFileSync(f).equals(Buffer.from('not a code cache')))).toEqual([]);

    const blocked = join(mkdtempSync(join(tmpdir(), 'corslint-cache-')), 'file');
    writeFileSync(blocked, '');
    same(run(args, { NODE_COMPILE_CACHE: blocked }, dir));
  });
});
