// Writes schema/corslintrc.schema.json from the zod schema in src/config/schema.ts
// (test/config.test.ts fails when the committed file is out of date).
// Usage: node scripts/gen-config-schema.mjs [--check]
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'schema', 'corslintrc.schema.json');

/** The JSON Schema text for the config, as committed. */
export async function generateConfigSchema() {
  // The schema module is TypeScript: bundle it to a temporary ESM file to import it.
  const dir = mkdtempSync(join(tmpdir(), 'corslint-schema-'));
  try {
    const file = join(dir, 'schema.mjs');
    await build({
      stdin: {
        contents: "export { configSchema } from './src/config/schema.ts'; export { z } from 'zod';",
        resolveDir: root,
        loader: 'ts',
      },
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      absWorkingDir: root,
      logLevel: 'warning',
    });
    const { configSchema, z } = await import(pathToFileURL(file).href);
    const schema = z.toJSONSchema(configSchema, { target: 'draft-7' });
    const ordered = {
      $schema: schema.$schema,
      title: 'corslint configuration',
      ...schema,
    };
    return JSON.stringify(ordered, null, 2) + '\n';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const text = await generateConfigSchema();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (current !== text) {
      process.stderr.write('schema/corslintrc.schema.json is out of date: run `npm run schema`\n');
      process.exit(1);
    }
  } else {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    process.stdout.write(`wrote ${out}\n`);
  }
}
