/**
 * node:fs and node:os for the start-up path, without their ES module facades. Importing node:fs
 * as an ES module makes Node build a facade that reads every export, and reading the lazy
 * `fs.ReadStream` loads the whole streams stack: several milliseconds of a start that should take
 * little more than Node's own. `process.getBuiltinModule` (Node >= 20.16; engines asks for 20.19)
 * returns the CommonJS module object itself.
 */
export const fs = process.getBuiltinModule('node:fs');
export const os = process.getBuiltinModule('node:os');
