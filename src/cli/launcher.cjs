/**
 * The command line's launcher, copied by scripts/build.mjs to dist/cli/main.js (CommonJS, not
 * bundled). It runs the bundle (dist/cli/entry.js and its chunks, CommonJS) with a V8 code cache,
 * so that a run does not compile the same chunks again each time: for a small file that was most
 * of corslint's start-up. Node 20 has no compile cache for modules; a vm.Script takes cached data,
 * as the v8-compile-cache package does it.
 *
 * The cache is best effort and never changes what corslint does: a cache that is missing,
 * unreadable, from another build or Node, or corrupt is not used (V8 checks its version, flags and
 * the source length; the directory names the build's content hash and the Node version), and a
 * directory that cannot be written is left alone. It lives in node_modules/.cache/corslint (the
 * node_modules folder holding corslint, or corslint's own when it has one), or under
 * $NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE turns it off (the variables of Node's own cache).
 */
'use strict';
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file, loaded before any bundle */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

// No inlining in V8's optimizing compiler. A lint run is short and does most of its work while its
// functions are still being optimized: on a 2-core machine the compiler thread was busy for more
// than the run itself (1.3 s of compiling in a 1.1 s run of a 4 MB template), so hot functions
// waited for their optimized code. Without inlining each function compiles several times faster:
// multi-MB templates and nginx configs lint 15-20% faster (wall) with 20-25% less CPU, and an 18 MB
// config, long enough to reach peak speed, is as fast as before. Set before any bundle is compiled,
// so the code cache (which records V8's flags) always matches.
require('node:v8').setFlagsFromString('--no-turbo-inlining');

const dist = path.dirname(__dirname);
const entry = path.join(__dirname, 'entry.js');
const requireFromDist = Module.createRequire(entry);

/** A line with `import(` that is not a line comment (anything else errs towards Node's compiler). */
const DYNAMIC_IMPORT = /^(?![ \t]*\/\/).*\bimport\(/m;

const WEEK = 7 * 24 * 3600 * 1000;

const cache = openCache();
const modules = new Map();

/** Runs one bundle file as a CommonJS module (once) and returns its exports. */
function load(file) {
  const known = modules.get(file);
  if (known) return known.exports;
  const dir = path.dirname(file);
  const source = fs.readFileSync(file, 'utf8');
  let mod;
  try {
    if (source.includes('import(') && DYNAMIC_IMPORT.test(source)) {
      // A real dynamic import (a JavaScript config file, the AWS SDK) needs Node's own compiler: a
      // vm.Script cannot import without an experimental flag. Such files are not cached.
      mod = new Module(file);
      mod.filename = file;
      mod.paths = Module._nodeModulePaths(dir);
      mod.require = requireIn(dir);
      modules.set(file, mod);
      mod._compile(source, file);
    } else {
      mod = { exports: {} };
      modules.set(file, mod);
      const cachedData = cache?.read(file);
      // One line of wrapper, as Node's own: line numbers (and the source maps) stay right.
      const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
      if (cache && (!cachedData || script.cachedDataRejected)) cache.toWrite.push({ file, script });
      script.runInThisContext().call(mod.exports, mod.exports, requireIn(dir), mod, file, dir);
    }
  } catch (err) {
    modules.delete(file);
    throw err;
  }
  return mod.exports;
}

/** The bundle's require: its own chunks by relative path, everything else as Node resolves it from dist/. */
function requireIn(dir) {
  const req = (id) => (id.startsWith('.') ? load(path.join(dir, id)) : requireFromDist(id));
  req.resolve = requireFromDist.resolve;
  return req;
}

function openCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  let build;
  try {
    build = fs.readFileSync(path.join(dist, 'build-id'), 'utf8').trim();
  } catch {
    return undefined;
  }
  const pkg = path.dirname(dist);
  const holder = path.dirname(pkg);
  const nodeModules = path.basename(holder) === 'node_modules' ? holder : path.join(pkg, 'node_modules');
  if (!process.env.NODE_COMPILE_CACHE && !fs.existsSync(nodeModules)) return undefined;
  const base = process.env.NODE_COMPILE_CACHE || path.join(nodeModules, '.cache');
  const family = `${process.version}-${process.arch}-`;
  const root = path.join(base, 'corslint');
  const dir = path.join(root, family + build);
  const cacheFile = (file) => path.join(dir, `${path.relative(dist, file).split(path.sep).join('~')}.cache`);
  const toWrite = [];
  // Written as the process ends, so it holds every function the run compiled; only for files without a usable cache.
  process.once('exit', () => {
    if (!toWrite.length) return;
    try {
      if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        // caches of builds not run for a week are dead weight (a build still in use is not touched)
        for (const name of fs.readdirSync(root)) {
          const other = path.join(root, name);
          if (name !== path.basename(dir) && Date.now() - fs.statSync(other).mtimeMs > WEEK) fs.rmSync(other, { recursive: true, force: true });
        }
      }
      fs.utimesSync(dir, new Date(), new Date());
      for (const { file, script } of toWrite) {
        const target = cacheFile(file);
        const temp = `${target}.${process.pid}.tmp`;
        try {
          fs.writeFileSync(temp, script.createCachedData());
          fs.renameSync(temp, target); // readers see a whole file or none
        } catch {
          fs.rmSync(temp, { force: true });
        }
      }
    } catch {
      // no cache this time
    }
  });
  return {
    toWrite,
    read(file) {
      try {
        return fs.readFileSync(cacheFile(file));
      } catch {
        return undefined;
      }
    },
  };
}

load(entry);
