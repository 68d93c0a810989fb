/** Configuration: discovery upward from each file, validation messages, overrides, ignores, the published schema. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { compileGlobs } from '../src/config/glob.js';
import { ConfigError, ConfigLoader, configuredSeverity, effectiveConfig, isIgnored } from '../src/config/index.js';

const KNOWN = allRules.map((r) => r.meta.id);
const ROOT = join(import.meta.dirname, '..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'corslint-config-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config discovery', () => {
  it('finds the nearest config upward from each file, per directory', async () => {
    const dir = tree({
      '.corslintrc.yaml': 'rules:\n  max-age-missing: off\n',
      'legacy/.corslintrc.json': JSON.stringify({ rules: { 'reflected-origin': 'error' } }),
      'legacy/deep/x.conf': '',
      'api/y.conf': '',
    });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    const top = await loader.forFile(join(dir, 'api/y.conf'));
    expect(top.filepath).toBe(join(dir, '.corslintrc.yaml'));
    expect(configuredSeverity(top, 'max-age-missing', join(dir, 'api/y.conf'))).toBe('off');
    const nested = await loader.forFile(join(dir, 'legacy/deep/x.conf'));
    expect(nested.filepath).toBe(join(dir, 'legacy/.corslintrc.json'));
    // nearest wins, no merging with the outer file
    expect(configuredSeverity(nested, 'max-age-missing', join(dir, 'legacy/deep/x.conf'))).toBeUndefined();
    expect(configuredSeverity(nested, 'reflected-origin', join(dir, 'legacy/deep/x.conf'))).toBe('error');
  });

  it('gives every file without a config file the same configuration, so they are linted in one run', async () => {
    const dir = tree({ 'a/x.conf': '', 'b/c/y.yaml': '' });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    const a = await loader.forFile(join(dir, 'a/x.conf'));
    expect(a.filepath).toBeUndefined();
    expect(await loader.forFile(join(dir, 'b/c/y.yaml'))).toBe(a);
  });

  it('reads package.json#corslint, .yml, corslint.config.mjs and corslint.config.js', async () => {
    const dir = tree({
      'a/package.json': JSON.stringify({ name: 'x', corslint: { sites: ['example.com'] } }),
      'b/package.json': JSON.stringify({ name: 'no-config-here' }),
      'b/.corslintrc.yml': 'sites: [example.org]\n',
      'c/corslint.config.mjs': "export default { rules: { 'max-age-missing': 'warn' } };\n",
      'd/package.json': JSON.stringify({ type: 'module' }),
      'd/corslint.config.js': "export default { clients: [{ name: 'web', origin: 'https://app.example.com', credentials: true }] };\n",
    });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    expect((await loader.forFile(join(dir, 'a/f.conf'))).settings.sites).toEqual(['example.com']);
    expect((await loader.forFile(join(dir, 'b/f.conf'))).settings.sites).toEqual(['example.org']);
    const c = await loader.forFile(join(dir, 'c/f.conf'));
    expect(configuredSeverity(c, 'max-age-missing', join(dir, 'c/f.conf'))).toBe('warning');
    const d = await loader.forFile(join(dir, 'd/f.conf'));
    expect(d.settings.clients).toEqual([{ name: 'web', origin: 'https://app.example.com', credentials: true }]);
  });

  it('uses --config for every file and needs it to exist', async () => {
    const dir = tree({ 'cfg/custom.yaml': 'sites: [example.net]\n', '.corslintrc.yaml': 'sites: [ignored.example]\n' });
    const loader = new ConfigLoader({ cwd: dir, configFile: 'cfg/custom.yaml', knownRules: KNOWN });
    expect((await loader.forFile(join(dir, 'x.conf'))).settings.sites).toEqual(['example.net']);
    const missing = new ConfigLoader({ cwd: dir, configFile: 'nope.yaml', knownRules: KNOWN });
    expect(await errorOf(missing.forFile(join(dir, 'x.conf')))).toMatch(/Cannot read config file .*nope\.yaml: no such file/);
  });

  it('without any config file, nothing is set', async () => {
    const dir = tree({ 'x.conf': '' });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    const c = await loader.forFile(join(dir, 'x.conf'));
    expect(c.settings).toEqual({ clients: [], sites: [] });
    expect(isIgnored(c, join(dir, 'x.conf'))).toBe(false);
  });
});

describe('config validation names the key path and what was expected', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown top-level key', 'rulez:\n  max-age-missing: off\n', /rulez \(line 1\): unknown key; did you mean "rules"\? \(expected one of: \$schema, rules, overrides, ignores, clients, sites\)/],
    ['bad severity', 'rules:\n  max-age-missing: warm\n', /rules\.max-age-missing \(line 2\): expected one of off, info, warning \(warn\), error \(or 0, 1, 2\), got "warm"/],
    ['unknown rule', 'rules:\n  max-age-mising: off\n', /rules\.max-age-mising \(line 2\): unknown rule; did you mean "max-age-missing"\?/],
    ['origin with a path', 'clients:\n  - name: web\n    origin: https://app.example.com/\n', /clients\[0\]\.origin \(line 3\): expected a serialized origin like https:\/\/app\.example\.com .*got "https:\/\/app\.example\.com\/"/],
    ['unknown client key', 'clients:\n  - name: web\n    origin: https://a.example\n    cookies: true\n', /clients\[0\]\.cookies \(line 4\): unknown key \(expected one of: name, origin, credentials, methods, headers\)/],
    ['credentials not boolean', 'clients:\n  - name: web\n    origin: https://a.example\n    credentials: "yes"\n', /clients\[0\]\.credentials \(line 4\): expected a boolean, got "yes"/],
    ['ignores not a list', 'ignores: vendor/**\n', /ignores \(line 1\): expected a list, got "vendor\/\*\*"/],
    ['override without files', 'overrides:\n  - rules: { reflected-origin: off }\n', /overrides\[0\]\.files \(line 2\): expected a glob or a list of globs, got nothing/],
    ['unknown rule in an override', 'overrides:\n  - files: ["a/**"]\n    rules: { reflectd-origin: off }\n', /overrides\[0\]\.rules\.reflectd-origin \(line 3\): unknown rule; did you mean "reflected-origin"\?/],
    ['site with a scheme', 'sites: ["https://example.com"]\n', /sites\[0\] \(line 1\): expected a domain name such as example\.com/],
    ['not a mapping', '- a\n- b\n', /\(root\): expected a mapping/],
  ];
  for (const [name, yaml, expected] of cases) {
    it(name, async () => {
      const dir = tree({ '.corslintrc.yaml': yaml });
      const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
      const message = await errorOf(loader.forFile(join(dir, 'x.conf')));
      expect(message).toContain(join(dir, '.corslintrc.yaml'));
      expect(message).toMatch(expected);
    });
  }

  it('a YAML syntax error gives its line', async () => {
    const dir = tree({ '.corslintrc.yaml': 'rules:\n  a: [off\n' });
    const message = await errorOf(new ConfigLoader({ cwd: dir, knownRules: KNOWN }).forFile(join(dir, 'x.conf')));
    expect(message).toMatch(/Cannot parse the configuration .*\.corslintrc\.yaml \(line \d+, column \d+\)/);
  });

  it('a JSON syntax error is a config error', async () => {
    const dir = tree({ '.corslintrc.json': '{ "rules": ' });
    const message = await errorOf(new ConfigLoader({ cwd: dir, knownRules: KNOWN }).forFile(join(dir, 'x.conf')));
    expect(message).toMatch(/Cannot parse the configuration .*\.corslintrc\.json/);
  });

  it('reports every problem at once', async () => {
    const dir = tree({ '.corslintrc.yaml': 'rules:\n  max-age-missing: loud\nsitez: []\n' });
    const message = await errorOf(new ConfigLoader({ cwd: dir, knownRules: KNOWN }).forFile(join(dir, 'x.conf')));
    expect(message.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(2);
  });
});

describe('overrides and ignores are globs relative to the config file', () => {
  it('later overrides win, --rule flags win over all (print-config)', async () => {
    const dir = tree({
      'infra/.corslintrc.yaml': [
        'rules:',
        '  reflected-origin: error',
        '  max-age-missing: off',
        'overrides:',
        '  - files: ["legacy/**"]',
        '    rules: { reflected-origin: off }',
        '  - files: "legacy/keep/*.conf"',
        '    rules: { reflected-origin: warning }',
        'ignores: ["vendor/**", "*.generated.yaml"]',
        '',
      ].join('\n'),
    });
    const loader = new ConfigLoader({ cwd: dir, knownRules: KNOWN });
    const file = (rel: string) => join(dir, 'infra', rel);
    const cfg = await loader.forFile(file('legacy/a.conf'));
    expect(configuredSeverity(cfg, 'reflected-origin', file('api.conf'))).toBe('error');
    expect(configuredSeverity(cfg, 'reflected-origin', file('legacy/x/a.conf'))).toBe('off');
    expect(configuredSeverity(cfg, 'reflected-origin', file('legacy/keep/a.conf'))).toBe('warning');
    // relative to the config's directory, not the cwd: a top-level legacy/ is not matched
    expect(configuredSeverity(cfg, 'reflected-origin', join(dir, 'legacy/a.conf'))).toBe('error');
    expect(isIgnored(cfg, file('vendor/nginx/a.conf'))).toBe(true);
    expect(isIgnored(cfg, file('deep/x.generated.yaml'))).toBe(true);
    expect(isIgnored(cfg, file('api.conf'))).toBe(false);
    expect(isIgnored(cfg, join(dir, 'vendor/a.conf'))).toBe(false);

    const printed = effectiveConfig(cfg, file('legacy/keep/a.conf'), allRules.map((r) => r.meta), new Map([['max-age-missing', 'info']]));
    expect(printed.configFile).toBe(join(dir, 'infra/.corslintrc.yaml'));
    const rules = printed.rules as Record<string, string>;
    expect(rules['reflected-origin']).toBe('warning');
    expect(rules['max-age-missing']).toBe('info');
    expect(Object.keys(rules).sort()).toEqual([...KNOWN].sort());
  });

  it('glob syntax', () => {
    const m = (patterns: string[], path: string) => compileGlobs(patterns)(path);
    expect(m(['**/*.conf'], 'a/b/c.conf')).toBe(true);
    expect(m(['**/*.conf'], 'c.conf')).toBe(true);
    expect(m(['conf/*.conf'], 'conf/a/b.conf')).toBe(false);
    expect(m(['*.{yaml,yml}'], 'x/t.yml')).toBe(true);
    expect(m(['/top.conf'], 'x/top.conf')).toBe(false);
    expect(m(['/top.conf'], 'top.conf')).toBe(true);
    expect(m(['site-[ab].conf'], 'site-b.conf')).toBe(true);
    expect(m(['site-[ab].conf'], 'site-c.conf')).toBe(false);
    expect(m(['vendor/', '!vendor/keep.conf'], 'vendor/keep.conf')).toBe(false);
    expect(m(['vendor/', '!vendor/keep.conf'], 'vendor/drop.conf')).toBe(true);
    expect(m(['a.conf'], 'a.confx')).toBe(false);
    expect(m(['a+b.conf'], 'a+b.conf')).toBe(true);
  });
});

describe('JSON Schema', () => {
  it('schema/corslintrc.schema.json is generated from the zod schema and up to date', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/gen-config-schema.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    expect(out).toBe('');
  });

  it('validates the documented example and rejects unknown keys', async () => {
    const { Ajv } = await import('ajv');
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema/corslintrc.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    const example = {
      clients: [
        { name: 'web', origin: 'https://app.example.com', credentials: true, methods: ['GET', 'PUT'], headers: ['Authorization', 'Content-Type'] },
        { name: 'ios-app', origin: 'capacitor://localhost', headers: ['Authorization'] },
      ],
      sites: ['example.com'],
      rules: { 'max-age-missing': 'off', 'missing-vary-origin': 'error' },
      overrides: [{ files: ['legacy/**'], rules: { 'reflected-origin': 'off' } }],
      ignores: ['vendor/**'],
    };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ rulez: {} })).toBe(false);
    expect(validate({ rules: { x: 'loud' } })).toBe(false);
  });
});
