/** Runs the command line from source (in-process tests import this); the bundle's entry is entry.ts. */
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
