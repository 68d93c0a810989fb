/** File access for sources, backed by the real file system (see file-host.ts for the lint command's lazier choice). */
import { readFileSync, statSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import type { SourceHost } from '../sources/types.js';

export const fsHost: SourceHost = {
  readFile(path) {
    try {
      // a device or a FIFO (`include /dev/zero;`) would never end
      return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  },
  glob(pattern) {
    try {
      return globSync(pattern, { absolute: true, onlyFiles: true, expandDirectories: false }).sort();
    } catch {
      return [];
    }
  },
};
