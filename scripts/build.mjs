// Builds dist/ from src/: first the generated tables, then a bundle with lazy chunks in CommonJS
// form (dist/cli/entry.js and chunks), which dist/cli/main.js (src/cli/launcher.cjs) runs with a V8
// code cache. Usage: node scripts/build.mjs [outdir]
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, resolve } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist');
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

/**
 * Generated JSON tables (the nginx directive contexts, 57 KB) as JSON.parse of a string rather
 * than an object literal: V8 parses JSON faster than JavaScript, and the literal's boilerplate
 * made up a third of the nginx chunk's code cache. Same object either way.
 */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.generated\.json$/ }, async (args) => {
      const text = JSON.stringify(JSON.parse(await readFile(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

// 1. One ESM bundle split into lazy chunks (esbuild splits ESM only), kept in memory.
const bundle = await build({
  entryPoints: [join(root, 'src/cli/entry.ts')],
  outdir,
  outbase: join(root, 'src'),
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer ESM entry points: jsonc-parser's UMD `main` has dynamic requires esbuild cannot bundle.
  mainFields: ['module', 'main'],
  target: 'node20',
  sourcemap: 'inline',
  write: false,
  // Heavy modules stay in node_modules and load only when their command or source is used.
  external: ['@aws-sdk/*', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument'],
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander, jsonAsParse],
  metafile: true,
});

// Chunks must not import each other in a cycle (plainExports below relies on it).
const chunkImports = new Map(Object.entries(bundle.metafile.outputs).map(([out, o]) => [out, o.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => i.path)]));
const done = new Set();
const visit = (out, stack) => {
  if (stack.includes(out)) throw new Error(`build: chunks import each other in a cycle: ${[...stack, out].join(' -> ')}`);
  if (done.has(out)) return;
  for (const next of chunkImports.get(out) ?? []) visit(next, [...stack, out]);
  done.add(out);
};
for (const out of chunkImports.keys()) visit(out, []);

/**
 * 2. Each chunk becomes a CommonJS module (imports become require calls): Node 20 can give a
 * CommonJS script a V8 code cache (vm.Script cachedData) but has no such hook for ES modules, and
 * compiling the chunks was most of a small run's start-up. A dynamic import of another chunk
 * becomes a require in a promise; dynamic imports of anything else (JavaScript config files,
 * the AWS SDK, the language server) stay real imports. The inline source maps are carried
 * through to linked .map files.
 */
const IMPORT_META_URL = '__corslintImportMetaUrl';
const chunkPaths = new Set(bundle.outputFiles.map((f) => f.path));
const files = [];
for (const out of bundle.outputFiles) {
  const usesImportMeta = out.text.includes('import.meta');
  const { code, map } = await transform(out.text, {
    format: 'cjs',
    loader: 'js',
    target: 'node20',
    platform: 'node',
    sourcefile: basename(out.path),
    sourcemap: 'external',
    define: { 'import.meta.url': IMPORT_META_URL },
    banner: usesImportMeta ? `var ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;` : '',
    logLevel: 'warning',
  });
  const chunkImportsRequired = code.replace(/\bimport\("(\.\.?\/[^"]+)"\)/g, (call, spec) =>
    chunkPaths.has(join(dirname(out.path), spec)) ? `Promise.resolve().then(() => require("${spec}"))` : call,
  );
  files.push({ path: out.path, code: `${plainExports(chunkImportsRequired, out.path)}//# sourceMappingURL=${basename(out.path)}.map\n`, map });
}

/**
 * esbuild's CommonJS exports are getters behind getters (__export, then __toCommonJS copies
 * them), and every call of another chunk's function went through both: ~5% of a large file's
 * run. One getter per export is left (a live binding), and an exported function declaration that
 * nothing in the chunk assigns to becomes a plain property (its value cannot change). The
 * properties are set once the chunk has run, which is right because chunks import each other
 * without cycles (checked above). esbuild's exact output is required: another one fails the build.
 */
function plainExports(code, path) {
  const block = /^var ([\w$]+) = \{\};\n__export\(\1, \{\n((?: {2}[\w$]+: \(\) => [\w$.]+,?\n)*)\}\);\nmodule\.exports = __toCommonJS\(\1\);\n/m;
  const m = block.exec(code);
  if (!m) {
    if (/\b__export\(|__toCommonJS\(/.test(code)) throw new Error(`build: unexpected export code in ${path}`);
    return code;
  }
  const [whole, object, entries] = m;
  const props = entries
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, name, local] = /^ {2}([\w$]+): \(\) => ([\w$.]+),?$/.exec(line);
      // (a re-export of another chunk's binding, `import_chunk_X.name`, stays a getter)
      const fixed = !local.includes('.') && isConstantFunction(code, local);
      return fixed ? `  ${name}: { value: ${local}, enumerable: true }` : `  ${name}: { get: () => ${local}, enumerable: true }`;
    });
  return `${code.replace(whole, `var ${object} = {};\nmodule.exports = ${object};\n`)}Object.defineProperties(${object}, {\n${props.join(',\n')}\n});\n`;
}

/** A top-level function declaration whose name is never assigned (any `name =`, `name++`... anywhere counts). */
function isConstantFunction(code, name) {
  const n = name.replace(/\$/g, '\\$');
  if (!new RegExp(`^(?:async )?function\\*? ?${n}\\(`, 'm').test(code)) return false;
  return !new RegExp(`(?<![\\w$.])${n}\\s*(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?!=)|(?:\\+\\+|--)\\s*${n}(?![\\w$])|(?<![\\w$.])${n}\\s*(?:\\+\\+|--)`).test(code);
}

// Chunk names carry content hashes: empty the output first, or stale chunks of earlier builds pile up.
rmSync(outdir, { recursive: true, force: true });
for (const f of files) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.code);
  writeFileSync(`${f.path}.map`, f.map);
}
copyFileSync(join(root, 'src/cli/launcher.cjs'), join(outdir, 'cli', 'main.js'));
// The package is "type": "module"; dist/ holds CommonJS.
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
// Names this build's code for the launcher's code cache (a cache never outlives the code it was made from).
const id = createHash('sha256');
for (const f of files.sort((a, b) => (a.path < b.path ? -1 : 1))) id.update(f.path.slice(outdir.length)).update('\0').update(f.code).update('\0');
// and the launcher, which sets V8 flags: a cache made under other flags would only be rejected
id.update(readFileSync(join(root, 'src/cli/launcher.cjs')));
writeFileSync(join(outdir, 'build-id'), `${id.digest('hex').slice(0, 16)}\n`);
