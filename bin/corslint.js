#!/usr/bin/env node
// The launcher only: dist/cli/main.js (src/cli/launcher.cjs) runs the built CLI with its code cache.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('../dist/cli/main.js');
