/**
 * Glob matching for config `overrides[].files` and `ignores`, relative to the config file's
 * directory. Node 20's `path.matchesGlob` prints an ExperimentalWarning, and picomatch is not
 * a direct dependency, so this is a small translator of the usual syntax to a RegExp:
 * `**` (any depth), `*` and `?` (within one segment), `[...]` classes, `{a,b}` alternatives.
 * Dot files match (`dot: true`): a config directory is usually a repository.
 */

function escapeRe(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates one glob to a RegExp source (anchored by the caller). */
function translate(glob: string): string {
  let re = '';
  let i = 0;
  let braceDepth = 0;
  while (i < glob.length) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const atSegmentEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atSegmentStart && atSegmentEnd) {
          if (i + 2 === glob.length) re += '.*';
          else {
            // `**/` matches zero or more whole directories
            re += '(?:[^/]*(?:/|$))*';
            i += 3;
            continue;
          }
          i += 2;
          continue;
        }
        re += '[^/]*';
        i += 2;
        continue;
      }
      re += '[^/]*';
      i++;
      continue;
    }
    if (ch === '?') {
      re += '[^/]';
      i++;
      continue;
    }
    if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close > 0) {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close + 1;
        continue;
      }
    }
    if (ch === '{') {
      braceDepth++;
      re += '(?:';
      i++;
      continue;
    }
    if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      re += ')';
      i++;
      continue;
    }
    if (ch === ',' && braceDepth > 0) {
      re += '|';
      i++;
      continue;
    }
    if (ch === '\\' && i + 1 < glob.length) {
      re += escapeRe(glob[i + 1]!);
      i += 2;
      continue;
    }
    re += escapeRe(ch);
    i++;
  }
  while (braceDepth-- > 0) re += ')';
  return re;
}

export interface GlobMatcher {
  (relPath: string): boolean;
}

/**
 * Compiles globs into one predicate over POSIX paths relative to the base directory.
 * As in .gitignore: a pattern also matches everything below a directory it names (`vendor`,
 * `vendor/`, `legacy/*` match `vendor/a/b.conf`, `legacy/x/y.yaml`), and a pattern without a
 * slash matches a name at any depth (`*.conf`); a leading `/` anchors it to the base directory.
 * A pattern starting with `!` re-includes what earlier patterns excluded.
 */
export function compileGlobs(patterns: readonly string[]): GlobMatcher {
  const compiled = patterns.map((p) => {
    const negated = p.startsWith('!');
    let body = negated ? p.slice(1) : p;
    body = body.replace(/^\.\//, '').replace(/\/+$/, '');
    // As in .gitignore: a pattern without a slash matches a name at any depth.
    const anyDepth = !body.includes('/') ? '(?:.*/)?' : '';
    body = body.replace(/^\//, '');
    const re = new RegExp(`^${anyDepth}${translate(body)}(?:/.*)?$`);
    return { negated, re };
  });
  return (relPath: string) => {
    let matched = false;
    for (const { negated, re } of compiled) {
      if (negated) {
        if (matched && re.test(relPath)) matched = false;
      } else if (!matched && re.test(relPath)) matched = true;
    }
    return matched;
  };
}
