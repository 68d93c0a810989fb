/**
 * Finds and validates the configuration for each linted file: the nearest of
 * `package.json#corslint`, `.corslintrc.yaml|.yml|.json`, `corslint.config.js|.mjs`, searched
 * upward from the file's directory (lilconfig), or the one file given with `--config`.
 * A bad config is a usage error (exit 2) naming the key path and what was expected.
 * lilconfig (and zod, for validation) load only when a config file may exist: a quick walk up
 * the same directories first looks for any of the search places (see `mayHaveConfig`).
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Loader } from 'lilconfig';
import type { ZodError } from 'zod';
import type { ClientSpec, RuleSettings, SeverityOrOff } from '../engine/rule.js';
import { UsageError } from '../cli/usage-error.js';
import { compileGlobs, type GlobMatcher } from './glob.js';

// node:fs and node:os without their ES module facades (see src/cli/file-host.ts)
const fs = process.getBuiltinModule('node:fs');
const os = process.getBuiltinModule('node:os');

export const SEARCH_PLACES = [
  'package.json',
  '.corslintrc.yaml',
  '.corslintrc.yml',
  '.corslintrc.json',
  'corslint.config.js',
  'corslint.config.mjs',
];

export class ConfigError extends UsageError {}

export interface ResolvedConfig {
  /** the config file, or undefined when none was found (defaults apply) */
  filepath: string | undefined;
  /** globs in the config are relative to this directory */
  dir: string;
  rules: Map<string, SeverityOrOff>;
  overrides: { files: GlobMatcher; patterns: string[]; rules: Map<string, SeverityOrOff> }[];
  ignores: GlobMatcher;
  ignorePatterns: string[];
  settings: RuleSettings;
}

export function normalizeSeverity(value: string | number): SeverityOrOff {
  if (value === 0 || value === 'off') return 'off';
  if (value === 1 || value === 'warn' || value === 'warning') return 'warning';
  if (value === 2 || value === 'error') return 'error';
  return 'info';
}

/** `clients[0].origin`, `rules.max-age-missing`, `(root)` */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** Line of a key path in a YAML/JSON config, for error messages; undefined if not found. */
async function lineOf(filepath: string, path: readonly PropertyKey[]): Promise<number | undefined> {
  if (!/\.(ya?ml|json)$/.test(filepath) || /package\.json$/.test(filepath)) return undefined;
  try {
    const { lineOfPath } = await import('./yaml.js');
    return lineOfPath(fs.readFileSync(filepath, 'utf8'), path);
  } catch {
    return undefined;
  }
}

function describeReceived(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return JSON.stringify(input);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Human messages for zod issues: one line per problem, `key.path: expected X, got Y`. */
async function describeIssues(error: ZodError, raw: unknown, filepath: string): Promise<string[]> {
  const { allowedKeysAt } = await import('./schema.js');
  const lines: string[] = [];
  for (const issue of error.issues) {
    const path = issue.path;
    let text: string;
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(path) ?? [];
      for (const key of issue.keys) {
        const full = [...path, key];
        const hint = closest(key, allowed);
        const line = await lineOf(filepath, full);
        lines.push(
          `${formatKeyPath(full)}${line ? ` (line ${line})` : ''}: unknown key${hint ? `; did you mean "${hint}"?` : ''} (expected one of: ${allowed.join(', ')})`,
        );
      }
      continue;
    }
    const got = describeReceived(valueAt(raw, path));
    if (issue.code === 'invalid_union' || issue.code === 'invalid_value') {
      const inRules = path.includes('rules');
      const last = path[path.length - 1];
      text = inRules
        ? 'expected one of off, info, warning (warn), error (or 0, 1, 2)'
        : last === 'files'
          ? 'expected a glob or a list of globs'
          : issue.message.replace(/^Invalid (?:input|option): /, '');
    } else if (issue.code === 'invalid_type') {
      const expected = issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`;
      text = `expected ${expected}`;
    } else {
      text = issue.message;
    }
    const line = await lineOf(filepath, path);
    lines.push(`${formatKeyPath(path)}${line ? ` (line ${line})` : ''}: ${text}, got ${got}`);
  }
  return lines;
}

const yamlLoader: Loader = async (filepath, content) => {
  const { parseYaml } = await import('./yaml.js');
  const parsed = parseYaml(content);
  if (parsed.error) {
    const e = parsed.error;
    const where = e.line ? ` (line ${e.line}, column ${e.column})` : '';
    throw new ConfigError(`Cannot parse the configuration ${filepath}${where}: ${e.message}`);
  }
  return parsed.value;
};

const jsonLoader: Loader = (filepath, content) => {
  try {
    return JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(`Cannot parse the configuration ${filepath}: ${(err as Error).message}`);
  }
};

export interface ConfigLoaderOptions {
  /** `--config F`: use this file for every linted file, no search */
  configFile?: string;
  cwd: string;
  /** rule IDs that exist (unknown ones in `rules` are errors) */
  knownRules: readonly string[];
}

/** Resolves the configuration of each file; caches per directory and per config file. */
type Explorer = ReturnType<typeof import('lilconfig').lilconfig>;

/** lilconfig's parent directory (`/` rather than `` at the top). */
function parentDir(p: string): string {
  return dirname(p) || sep;
}

/**
 * Whether `package.json` may hold a configuration for lilconfig: it does when its `corslint`
 * key is set (truthy); unreadable or invalid files count as "may" (lilconfig then reports them).
 */
function packageMayConfigure(path: string): boolean {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
    return pkg === null || Boolean((pkg as { corslint?: unknown }).corslint);
  } catch {
    return true;
  }
}

export class ConfigLoader {
  private explorerPromise: Promise<Explorer> | undefined;
  private readonly byFile = new Map<string, Promise<ResolvedConfig>>();
  private explicit: Promise<ResolvedConfig> | undefined;
  /** per directory: whether lilconfig's search from there may find a config (see mayHaveConfig) */
  private readonly mayHave = new Map<string, boolean>();
  /** where lilconfig stops searching upward, as lilconfig computes it */
  private readonly stopDir = resolve(os.homedir());

  /** `noConfig`, once made */
  private unconfigured: ResolvedConfig | undefined;

  constructor(private readonly options: ConfigLoaderOptions) {}

  private explorer(): Promise<Explorer> {
    // lilconfig is CommonJS: as a lazy chunk of the bundle only its `default` export (module.exports) is there
    this.explorerPromise ??= import('lilconfig').then((m) =>
      m.default.lilconfig('corslint', {
        searchPlaces: SEARCH_PLACES,
        loaders: { '.yaml': yamlLoader, '.yml': yamlLoader, '.json': jsonLoader },
      }),
    );
    return this.explorerPromise;
  }

  /**
   * Whether lilconfig's search from `dir` may find a configuration (or fail on one): the same
   * walk up to the home directory or the root, true as soon as a search place exists there
   * (a package.json only with a `corslint` key). False means the search would find nothing.
   */
  private mayHaveConfig(dir: string): boolean {
    const visited: string[] = [];
    let result = false;
    for (let d = dir; ; d = parentDir(d)) {
      const known = this.mayHave.get(d);
      if (known !== undefined) {
        result = known;
        break;
      }
      visited.push(d);
      if (SEARCH_PLACES.some((place) => fs.existsSync(join(d, place)) && (place !== 'package.json' || packageMayConfigure(join(d, place))))) {
        result = true;
        break;
      }
      if (d === this.stopDir || d === parentDir(d)) break;
    }
    for (const d of visited) this.mayHave.set(d, result);
    return result;
  }

  /** The configuration that applies to `filePath` (absolute). */
  async forFile(filePath: string): Promise<ResolvedConfig> {
    if (this.options.configFile) {
      this.explicit ??= this.loadExplicit(resolve(this.options.cwd, this.options.configFile));
      return this.explicit;
    }
    const dir = resolve(dirname(filePath));
    if (!this.mayHaveConfig(dir)) return this.noConfig();
    let found: { config: unknown; filepath: string } | null;
    try {
      found = await (await this.explorer()).search(dir);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(`Cannot load the configuration near ${filePath}: ${(err as Error).message}`);
    }
    if (!found) return this.noConfig();
    return this.validated(found.filepath, found.config);
  }

  private async loadExplicit(path: string): Promise<ResolvedConfig> {
    let loaded: { config: unknown; filepath: string } | null;
    try {
      loaded = await (await this.explorer()).load(path);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(
        code === 'ENOENT' ? `Cannot read config file ${path}: no such file` : `Cannot load the configuration ${path}: ${(err as Error).message}`,
      );
    }
    if (/package\.json$/.test(path) && (loaded?.config === undefined || loaded.config === null)) {
      throw new ConfigError(`${path} has no "corslint" key`);
    }
    return this.validated(path, loaded?.config);
  }

  /**
   * The configuration of files no config file applies to: one object for all of them, so they are
   * linted in one run (a nested template with its parent, a module with its caller) as files that
   * share a config file are.
   */
  private noConfig(): ResolvedConfig {
    return (this.unconfigured ??= this.defaults(this.options.cwd));
  }

  private defaults(dir: string): ResolvedConfig {
    return {
      filepath: undefined,
      dir,
      rules: new Map(),
      overrides: [],
      ignores: () => false,
      ignorePatterns: [],
      settings: { clients: [], sites: [] },
    };
  }

  private validated(filepath: string, raw: unknown): Promise<ResolvedConfig> {
    let cached = this.byFile.get(filepath);
    if (!cached) {
      cached = this.validate(filepath, raw);
      this.byFile.set(filepath, cached);
    }
    return cached;
  }

  private async validate(filepath: string, raw: unknown): Promise<ResolvedConfig> {
    const dir = dirname(filepath);
    if (raw === undefined || raw === null) return { ...this.defaults(dir), filepath };
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(`Invalid configuration in ${filepath}:\n  (root): expected a mapping of rules, overrides, ignores, clients, sites, got ${describeReceived(raw)}`);
    }
    const { configSchema } = await import('./schema.js');
    const parsed = configSchema.safeParse(raw);
    const problems = parsed.success ? [] : await describeIssues(parsed.error, raw, filepath);
    const known = this.options.knownRules;
    const checkRules = async (rules: Record<string, unknown> | undefined, path: PropertyKey[]) => {
      for (const id of Object.keys(rules ?? {})) {
        if (known.includes(id)) continue;
        const hint = closest(id, known);
        const line = await lineOf(filepath, [...path, id]);
        problems.push(`${formatKeyPath([...path, id])}${line ? ` (line ${line})` : ''}: unknown rule${hint ? `; did you mean "${hint}"?` : ''} (see \`corslint rules\`)`);
      }
    };
    const obj = raw as Record<string, unknown>;
    if (obj.rules && typeof obj.rules === 'object') await checkRules(obj.rules as Record<string, unknown>, ['rules']);
    if (Array.isArray(obj.overrides)) {
      for (const [i, o] of obj.overrides.entries()) {
        if (o && typeof o === 'object' && (o as Record<string, unknown>).rules && typeof (o as Record<string, unknown>).rules === 'object') {
          await checkRules((o as { rules: Record<string, unknown> }).rules, ['overrides', i, 'rules']);
        }
      }
    }
    if (problems.length || !parsed.success) {
      throw new ConfigError(`Invalid configuration in ${filepath}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    }
    const config = parsed.data;
    const toMap = (rules: Record<string, string | number> | undefined) =>
      new Map(Object.entries(rules ?? {}).map(([id, sev]) => [id, normalizeSeverity(sev)] as const));
    const clients: ClientSpec[] = (config.clients ?? []).map((c) => {
      const spec: ClientSpec = { name: c.name, origin: c.origin };
      if (c.credentials !== undefined) spec.credentials = c.credentials;
      if (c.methods) spec.methods = c.methods;
      if (c.headers) spec.headers = c.headers;
      return spec;
    });
    return {
      filepath,
      dir,
      rules: toMap(config.rules),
      overrides: (config.overrides ?? []).map((o) => {
        const patterns = typeof o.files === 'string' ? [o.files] : o.files;
        return { files: compileGlobs(patterns), patterns, rules: toMap(o.rules) };
      }),
      ignores: compileGlobs(config.ignores ?? []),
      ignorePatterns: config.ignores ?? [],
      settings: { clients, sites: config.sites ?? [] },
    };
  }
}

/** POSIX path of `file` relative to the config's directory. */
export function relativeToConfig(config: ResolvedConfig, file: string): string {
  return relative(config.dir, file).split(sep).join('/');
}

/** The severity the config sets for a rule in a file (overrides win over `rules`, later over earlier). */
export function configuredSeverity(config: ResolvedConfig, ruleId: string, file: string): SeverityOrOff | undefined {
  let result = config.rules.get(ruleId);
  if (config.overrides.length) {
    const rel = relativeToConfig(config, file);
    for (const o of config.overrides) {
      if (!o.files(rel)) continue;
      const s = o.rules.get(ruleId);
      if (s !== undefined) result = s;
    }
  }
  return result;
}

/** Whether the config's `ignores` exclude `file`; files outside the config's directory never are. */
export function isIgnored(config: ResolvedConfig, file: string): boolean {
  if (!config.ignorePatterns.length) return false;
  const rel = relativeToConfig(config, file);
  if (!rel || rel.startsWith('../') || rel === '..' || /^[a-zA-Z]:/.test(rel) || rel.startsWith('/')) return false;
  return config.ignores(rel);
}
