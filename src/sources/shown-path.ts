import { isAbsolute, relative } from 'node:path';

/** A path as a message shows it: relative to the working directory when inside it (as the formatters show files). */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
