#!/usr/bin/env node
/* global require */
// The launcher only: dist/cli/main.js (src/cli/launcher.cjs) runs the built CLI with its code cache.
// CommonJS (bin/package.json), so a run starts without Node's ES module loader.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../dist/cli/main.js');
