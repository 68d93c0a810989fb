/**
 * The configuration file's schema (zod 4). One source of truth: the loader validates with it,
 * and `scripts/gen-config-schema.mjs` publishes `z.toJSONSchema()` of it as
 * `schema/corslintrc.schema.json` for editor completion.
 */
import { z } from 'zod';

export const SEVERITY_VALUES = ['off', 'info', 'warning', 'warn', 'error', 0, 1, 2] as const;

const severity = z
  .union([z.enum(['off', 'info', 'warning', 'warn', 'error']), z.literal(0), z.literal(1), z.literal(2)])
  .describe('off | info | warning (or warn) | error; 0 = off, 1 = warning, 2 = error');

/** Rule IDs are kebab-case; whether one exists is checked against the rule registry. */
const ruleId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a rule ID in kebab-case (see `corslint rules`)');

const rules = z
  .record(ruleId, severity)
  .describe('Severity per rule ID, e.g. { "max-age-missing": "off", "missing-vary-origin": "error" }');

const globList = z.array(z.string().min(1, 'expected a non-empty glob')).describe('Globs relative to the directory of this config file');

/** A serialized origin: `scheme://host[:port]` (custom schemes such as capacitor:// included), or `null`. */
const ORIGIN = /^(?:null|[a-z][a-z0-9+.-]*:\/\/(?:\[[0-9a-f:.]+\]|[^\s/?#:@[\]]+)(?::\d{1,5})?)$/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const client = z
  .strictObject({
    name: z.string().min(1, 'expected a non-empty name').describe('Shown in messages: "client web would be blocked"'),
    origin: z
      .string()
      .regex(ORIGIN, 'expected a serialized origin like https://app.example.com or capacitor://localhost (scheme://host[:port], no path)')
      .describe('The Origin header this client sends'),
    credentials: z.boolean().optional().describe('The client sends cookies or HTTP authentication (fetch credentials: "include")'),
    methods: z
      .array(z.string().regex(TOKEN, 'expected an HTTP method token such as PUT'))
      .optional()
      .describe('Request methods the client uses'),
    headers: z
      .array(z.string().regex(TOKEN, 'expected a header name such as Authorization'))
      .optional()
      .describe('Request headers the client sets (the ones that force a preflight matter)'),
  })
  .describe('A client that must get through, checked by simulating its requests');

const site = z
  .string()
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i, 'expected a domain name such as example.com (no scheme, no path)');

const override = z.strictObject({
  files: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1, 'expected at least one glob')])
    .describe('Globs (relative to this config file) selecting the files this override applies to'),
  rules: rules.optional(),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file, for editors'),
    rules: rules.optional(),
    overrides: z
      .array(override)
      .optional()
      .describe('Rule severities for some files; later entries win over earlier ones and over `rules`'),
    ignores: globList.optional().describe('Files never linted (globs relative to this config file)'),
    clients: z.array(client).optional().describe('Who must get through (checked by simulation, rule client-blocked)'),
    sites: z.array(site).optional().describe('Registrable domains that are ours (used by origin-pattern-bypass)'),
  })
  .describe('corslint configuration (.corslintrc.yaml, .corslintrc.json, corslint.config.js, package.json#corslint)');

export type ConfigInput = z.infer<typeof configSchema>;

/** The keys an object at `path` accepts, for "unknown key" messages. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] | undefined {
  const last = path[path.length - 1];
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path[0] === 'clients' && typeof last === 'number') return Object.keys(client.shape);
  if (path[0] === 'overrides' && typeof last === 'number') return Object.keys(override.shape);
  return undefined;
}
