// Extracts directive contexts and block-ness from @nginx/reference-lib (a 1.7 MB devDependency)
// into the small table src/sources/nginx/contexts.generated.json, read at run time instead.
// Without the package (production install) the committed table is kept as is.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src', 'sources', 'nginx', 'contexts.generated.json');

/** module name -> the protocol family whose blocks its contexts name */
function family(module) {
  if (module.startsWith('ngx_http_') || module === 'ngx_otel_module') return 'http';
  if (module.startsWith('ngx_stream_')) return 'stream';
  if (module.startsWith('ngx_mail_')) return 'mail';
  if (module === 'ngx_mgmt_module') return 'mgmt';
  return 'core';
}

let lib;
try {
  lib = await import('@nginx/reference-lib');
} catch {
  console.warn('gen-nginx-contexts: @nginx/reference-lib is not installed; keeping the committed table');
}

if (lib) {
  let version = 'unknown';
  try {
    version = JSON.parse(readFileSync(join(root, 'node_modules', '@nginx', 'reference-lib', 'package.json'), 'utf8')).version;
  } catch {
    // the version is only informative
  }
  const directives = {};
  const entries = lib
    .getDirectives()
    .map((d) => ({ name: d.name, family: family(d.module), block: d.isBlock ? 1 : 0, contexts: [...new Set(d.contexts.map((c) => c.trim()))].sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.family < b.family ? -1 : a.family > b.family ? 1 : 0));
  for (const e of entries) {
    const list = (directives[e.name] ??= []);
    // the same directive documented by two modules of one family: merge the contexts
    const same = list.find((x) => x.family === e.family && x.block === e.block);
    if (same) same.contexts = [...new Set([...same.contexts, ...e.contexts])].sort();
    else list.push({ family: e.family, block: e.block, contexts: e.contexts });
  }
  const table = {
    source: `@nginx/reference-lib ${version}`,
    format: 'directive -> [family, 1 if it takes a block, contexts ("" = any)]',
    directives: Object.fromEntries(Object.entries(directives).map(([k, v]) => [k, v.map((x) => [x.family, x.block, x.contexts])])),
  };
  const json = JSON.stringify(table) + '\n';
  let old = '';
  try {
    old = readFileSync(out, 'utf8');
  } catch {
    // first generation
  }
  if (old !== json) writeFileSync(out, json);
}
