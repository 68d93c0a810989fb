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

/**
 * The most arguments a simple directive takes, from its syntax lines (`name value [always]` → 3);
 * -1 when unbounded (`…`). Optional groups and `a | b` alternatives count as one argument.
 */
function maxArgs(syntaxes) {
  let max = 0;
  for (const html of syntaxes) {
    const s = html
      .replace(/<[^>]+>/g, '')
      .replace(/&hellip;/g, '...')
      .replace(/&[a-z]+;/g, 'x')
      .trim();
    if (s.includes('...')) return -1;
    const items = [];
    let depth = 0;
    let cur = '';
    for (const ch of s) {
      if (ch === '[') depth++;
      if (ch === ']') depth--;
      if (/\s/.test(ch) && depth === 0) {
        if (cur) items.push(cur);
        cur = '';
        continue;
      }
      cur += ch;
    }
    if (cur) items.push(cur);
    let n = 0;
    for (let i = 0; i < items.length; i++) {
      if (items[i] === '|') i++; // `a | b`: the alternative replaces, it does not add
      else n++;
    }
    max = Math.max(max, n);
  }
  return max;
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
    .map((d) => ({
      name: d.name,
      family: family(d.module),
      block: d.isBlock ? 1 : 0,
      contexts: [...new Set(d.contexts.map((c) => c.trim()))].sort(),
      max: d.isBlock ? -1 : maxArgs(d.syntax),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.family < b.family ? -1 : a.family > b.family ? 1 : 0));
  for (const e of entries) {
    const list = (directives[e.name] ??= []);
    // the same directive documented by two modules of one family: merge the contexts
    const same = list.find((x) => x.family === e.family && x.block === e.block);
    if (same) {
      same.contexts = [...new Set([...same.contexts, ...e.contexts])].sort();
      same.max = same.max < 0 || e.max < 0 ? -1 : Math.max(same.max, e.max);
    } else list.push({ family: e.family, block: e.block, contexts: e.contexts, max: e.max });
  }
  const table = {
    source: `@nginx/reference-lib ${version}`,
    format: 'directive -> [family, 1 if it takes a block, contexts ("" = any), most arguments (-1 = unbounded or a block)]',
    directives: Object.fromEntries(Object.entries(directives).map(([k, v]) => [k, v.map((x) => [x.family, x.block, x.contexts, x.max])])),
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
