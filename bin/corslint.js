#!/usr/bin/env node
// The launcher only: enable the compile cache where Node has it, then load the built CLI.
import module from 'node:module';
module.enableCompileCache?.();
await import('../dist/cli/main.js');
