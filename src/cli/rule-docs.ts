/**
 * Rule documentation: `rules/<id>.md` ships with the package (`files` in package.json), and
 * every rule has a public URL used by SARIF `helpUri`, LSP `codeDescription.href` and
 * `corslint explain`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the rule pages are published (the repository's `rules/` folder). */
export const RULE_DOCS_BASE_URL = 'https://github.com/corslint/corslint/blob/main/rules/';

export function ruleDocUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE_URL}${encodeURIComponent(ruleId)}.md`;
}

let cachedRoot: string | null | undefined;

/**
 * The installed package's root: the nearest directory above this module holding a
 * package.json named corslint (works from src/ under vitest and from the dist/ bundle).
 */
export function packageRoot(): string | undefined {
  if (cachedRoot !== undefined) return cachedRoot ?? undefined;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'corslint') {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // keep looking upward
      }
    }
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  cachedRoot = null;
  return undefined;
}

/** The path of a rule's documentation page, if it is installed. */
export function ruleDocPath(ruleId: string): string | undefined {
  if (!/^[a-z0-9-]+$/.test(ruleId)) return undefined;
  const root = packageRoot();
  if (!root) return undefined;
  const path = join(root, 'rules', `${ruleId}.md`);
  return existsSync(path) ? path : undefined;
}

export function readRuleDoc(ruleId: string): string | undefined {
  const path = ruleDocPath(ruleId);
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
