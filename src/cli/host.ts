/** File access for sources, backed by the real file system (see file-host.ts for the lint command's lazier choice). */
import { readFileSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import type { SourceHost } from '../sources/types.js';

export const fsHost: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
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
