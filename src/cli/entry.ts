/**
 * The bundle's entry (dist/cli/entry.js): runs the command line like main.ts, without top-level
 * await, which the CommonJS bundle cannot contain (see scripts/build.mjs).
 */
import { main } from './program.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
