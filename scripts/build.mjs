// Builds dist/ from src/: first the generated tables, then one ESM bundle with lazy chunks.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const generator = join(root, 'scripts', 'gen-nginx-contexts.mjs');
if (existsSync(generator)) await import(generator);

/**
 * commander requires node:child_process at load for executable subcommands, which corslint does
 * not use; loading it pulls in net and the streams stack on every start. Its require becomes a
 * proxy that loads the module on first use (identical behaviour, paid only if ever used).
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

// Chunk names carry content hashes: empty dist/ first, or stale chunks of earlier builds pile up.
rmSync(join(root, 'dist'), { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outdir: join(root, 'dist'),
  outbase: join(root, 'src'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer ESM entry points: jsonc-parser's UMD `main` has dynamic requires esbuild cannot bundle.
  mainFields: ['module', 'main'],
  target: 'node20',
  sourcemap: 'linked',
  // Heavy modules stay in node_modules and load only when their command or source is used.
  external: ['@aws-sdk/*', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'],
  banner: { js: "import { createRequire as __cjsRequire } from 'node:module'; const require = __cjsRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander],
});
