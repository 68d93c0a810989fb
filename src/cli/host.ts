/** File access for sources, backed by the real file system (see file-host.ts for the lint command's lazier choice). */
import { globSync } from 'tinyglobby';
import type { SourceHost } from '../sources/types.js';
import { readTextFile } from './file-host.js';

export const fsHost: SourceHost = {
  readFile: readTextFile,
  glob(pattern) {
    try {
      return globSync(pattern, { absolute: true, onlyFiles: true, expandDirectories: false }).sort();
    } catch {
      return [];
    }
  },
};
