/**
 * Directive context checks (`"add_header" directive is not allowed here`), from the table
 * that scripts/gen-nginx-contexts.mjs extracts from @nginx/reference-lib at build time.
 *
 * Only what the table states reliably is checked: known directives in the blocks of the
 * official modules (main, events, http, server, location, if, limit_except, upstream, stream,
 * mail). Unknown (third-party) directives are never reported, and the insides of blocks that
 * hold entries rather than directives (map, geo, types, split_clients, geoip2, ...) are not
 * looked at. `if` inside a server and `if` inside a location are different contexts.
 */
import type { SourceDiagnostic } from '../../model/types.js';
import type { NginxDirective, NginxFile } from './ast.js';
import table from './contexts.generated.json' with { type: 'json' };

export type NginxContext = 'main' | 'http' | 'server' | 'location';

type Family = 'core' | 'http' | 'stream' | 'mail' | 'mgmt';
type Entry = [family: string, block: number, contexts: string[], maxArgs: number];

/** a Map, not the JSON object: directive names like `toString` or `__proto__` must not reach Object.prototype */
const DIRECTIVES = new Map(Object.entries((table as unknown as { directives: Record<string, Entry[]> }).directives));

export interface DirectiveShape {
  /** true: always a block directive; false: never; undefined: depends on the module */
  block: boolean | undefined;
  /** the most arguments any simple form takes (Infinity when unbounded) */
  maxArgs: number;
}

const SHAPES = new Map<string, DirectiveShape | null>();

/** what the reference says about a directive's form, whatever its context; undefined = unknown directive */
export function directiveShape(name: string): DirectiveShape | undefined {
  let shape = SHAPES.get(name);
  if (shape === undefined) {
    shape = shapeOf(name);
    SHAPES.set(name, shape);
  }
  return shape ?? undefined;
}

/** the uncached `directiveShape` (a function of its own: the parser's hot path stays small to compile) */
function shapeOf(name: string): DirectiveShape | null {
  const entries = DIRECTIVES.get(name);
  if (!entries) return null;
  const blocks = entries.map((e) => e[1] === 1);
  const simple = entries.filter((e) => e[1] !== 1);
  return {
    block: blocks.every(Boolean) ? true : blocks.some(Boolean) ? undefined : false,
    maxArgs: simple.length === 0 || simple.some((e) => e[3] < 0) ? Infinity : Math.max(...simple.map((e) => e[3])),
  };
}

/** where a directive sits: the protocol family and the reference's context name (plus if-server / if-location) */
interface Ctx {
  family: Family;
  name: string;
  /** `family:name` */
  key: string;
  /** small distinct number, < 31 (its bit marks visited lists in `contextProblems`) */
  id: number;
  /** directive name -> its problem here as a simple directive (null: fine), computed once per run */
  verdicts: Map<string, Verdict>;
  /** the same for the directive with a `{ ... }` block */
  blockVerdicts: Map<string, Verdict>;
  /** block directive name -> the context it opens (null: not checked inside), computed once per run */
  children: Map<string, Ctx | null>;
}

type Verdict = { ruleId: ContextProblem['ruleId']; message: (d: NginxDirective, topLevelOf: NginxContext | undefined) => string } | null;

const CTXS = new Map<string, Ctx>();
/** one object per context, so verdicts are cached across directives */
function ctxOf(family: Family, name: string): Ctx {
  const key = `${family}:${name}`;
  let c = CTXS.get(key);
  if (!c) CTXS.set(key, (c = { family, name, key, id: CTXS.size, verdicts: new Map(), blockVerdicts: new Map(), children: new Map() }));
  return c;
}

const CTX_OF_UNIT: Record<NginxContext, Ctx> = {
  main: ctxOf('core', 'main'),
  http: ctxOf('http', 'http'),
  server: ctxOf('http', 'server'),
  location: ctxOf('http', 'location'),
};

/** the context a block directive opens for its children; undefined = not checked inside */
function childCtx(ctx: Ctx, d: NginxDirective): Ctx | undefined {
  const n = d.name;
  let child = ctx.children.get(n);
  if (child === undefined) {
    child = childCtxOf(ctx, n) ?? null;
    ctx.children.set(n, child);
  }
  return child ?? undefined;
}

function childCtxOf(ctx: Ctx, n: string): Ctx | undefined {
  switch (ctx.key) {
    case 'core:main':
      if (n === 'http' || n === 'stream' || n === 'mail' || n === 'mgmt') return ctxOf(n, n);
      if (n === 'events') return ctxOf('core', 'events');
      return undefined;
    case 'http:http':
      if (n === 'server' || n === 'upstream' || n === 'oidc_provider' || n === 'acme_issuer') return ctxOf('http', n);
      return undefined;
    case 'http:server':
      if (n === 'location') return ctxOf('http', 'location');
      if (n === 'if') return ctxOf('http', 'if-server');
      return undefined;
    case 'http:location':
      if (n === 'location' || n === 'limit_except') return ctxOf('http', n);
      if (n === 'if') return ctxOf('http', 'if-location');
      return undefined;
    case 'stream:stream':
      if (n === 'server' || n === 'upstream') return ctxOf('stream', n);
      return undefined;
    case 'mail:mail':
      if (n === 'server') return ctxOf('mail', 'server');
      return undefined;
    default:
      return undefined;
  }
}

function refNames(ctx: Ctx): string[] {
  if (ctx.name === 'if-server') return ['if'];
  if (ctx.name === 'if-location') return ['if', 'if in location'];
  return [ctx.name];
}

const DESCRIBE: Record<string, string> = {
  main: 'the main (top) level',
  events: 'the "events" block',
  http: 'the "http" block',
  server: 'a "server" block',
  location: 'a "location" block',
  'if-server': 'an "if" block at server level',
  'if-location': 'an "if" block inside a location',
  limit_except: 'a "limit_except" block',
  upstream: 'an "upstream" block',
  stream: 'the "stream" block',
  mail: 'the "mail" block',
  mgmt: 'the "mgmt" block',
};

export interface ContextProblem {
  ruleId: 'invalid-directive-context' | 'parse-error';
  directive: NginxDirective;
  message: string;
}

/** the reference entries that apply to a directive name in a context; undefined = not judged */
function relevant(name: string, ctx: Ctx): Entry[] | undefined {
  const entries = DIRECTIVES.get(name);
  if (!entries) return undefined;
  const rel = ctx.name === 'main' ? entries : entries.filter((e) => e[0] === ctx.family || e[0] === 'core');
  return rel.length ? rel : undefined;
}

/** what is wrong with a directive name in a context, from the reference (block-ness given) */
function verdict(name: string, hasBlock: boolean, ctx: Ctx): Verdict {
  const rel = relevant(name, ctx);
  if (!rel) return null;
  if (rel.some((e) => e[2].includes(''))) return null;
  const names = refNames(ctx);
  const here = rel.filter((e) => e[2].some((c) => names.includes(c)));
  if (here.length === 0) {
    const allowed = [...new Set(rel.flatMap((e) => e[2]))].join(', ');
    const where = DESCRIBE[ctx.name] ?? `a "${ctx.name}" block`;
    return {
      ruleId: 'invalid-directive-context',
      message: (_d, topLevelOf) =>
        `"${name}" is not allowed in ${where}${topLevelOf ? ` (this file is read as ${topLevelOf}-level content)` : ''}; nginx accepts it only in: ${allowed}. nginx -t fails with "${name}" directive is not allowed here, so this configuration cannot be loaded`,
    };
  }
  if (here.every((e) => (e[1] === 1) !== hasBlock)) {
    return {
      ruleId: 'parse-error',
      message: () =>
        hasBlock
          ? `directive "${name}" is not terminated by ";": it takes no "{ ... }" block (a ";" is probably missing before the "{")`
          : `directive "${name}" has no opening "{": it takes a block`,
    };
  }
  return null;
}

function checkOne(d: NginxDirective, ctx: Ctx, topLevelOf: NginxContext | undefined, out: ContextProblem[]): void {
  if (d.nameQuote) return;
  const hasBlock = d.block !== undefined;
  const cache = hasBlock ? ctx.blockVerdicts : ctx.verdicts;
  let v = cache.get(d.name);
  if (v === undefined) {
    v = verdict(d.name, hasBlock, ctx);
    cache.set(d.name, v);
  }
  if (v) out.push({ ruleId: v.ruleId, directive: d, message: v.message(d, topLevelOf) });
}

/**
 * every context problem of a tree read in a context; included files are checked where they are
 * included (memoised per context: a file included many times, or in a cycle, is walked once per
 * context). A block's list belongs to its one directive, so it needs no such memo: it is walked
 * once per walk of its parent list.
 */
export function contextProblems(directives: NginxDirective[], start: Ctx, topLevelOf?: NginxContext): ContextProblem[] {
  const out: ContextProblem[] = [];
  /** included list -> the contexts it was checked in, as bits `1 << ctx.id`, at the top of the file and nested */
  const seenTop = new Map<NginxDirective[], number>();
  const seenNested = new Map<NginxDirective[], number>();
  const lists: NginxDirective[][] = [directives];
  const ctxs: Ctx[] = [start];
  const tops: boolean[] = [true];
  /** the list at that stack index was included (or is the root): walk it only once per context */
  const memo: boolean[] = [true];
  while (lists.length) {
    const list = lists.pop()!;
    const ctx = ctxs.pop()!;
    const top = tops.pop()!;
    if (memo.pop()!) {
      const seen = top ? seenTop : seenNested;
      const mask = seen.get(list) ?? 0;
      if (mask & (1 << ctx.id)) continue;
      seen.set(list, mask | (1 << ctx.id));
    }
    for (const d of list) {
      checkOne(d, ctx, top ? topLevelOf : undefined, out);
      if (d.included) {
        for (const inc of d.included) {
          lists.push(inc.directives);
          ctxs.push(ctx);
          tops.push(top);
          memo.push(true);
        }
      }
      if (d.block) {
        const child = childCtx(ctx, d);
        if (child) {
          lists.push(d.block);
          ctxs.push(child);
          tops.push(false);
          memo.push(false);
        }
      }
    }
  }
  return out;
}

/**
 * Checks a unit and returns the context it is linted in. A main config (top-level http/events)
 * is checked strictly. Any other file does not say where it is included, so the first context
 * in which it is valid is taken (inferred first, then location, server, http): only what is
 * wrong in every plausible context is reported, in the inferred one.
 */
export function checkContexts(file: NginxFile, inferred: NginxContext, report: (d: SourceDiagnostic) => void): NginxContext {
  let chosen = inferred;
  let problems = contextProblems(file.directives, CTX_OF_UNIT[inferred], inferred === 'main' ? undefined : inferred);
  if (inferred !== 'main' && problems.some((p) => p.ruleId === 'invalid-directive-context')) {
    for (const alt of ['location', 'server', 'http'] as const) {
      if (alt === inferred) continue;
      const p = contextProblems(file.directives, CTX_OF_UNIT[alt], alt);
      if (!p.some((x) => x.ruleId === 'invalid-directive-context')) {
        chosen = alt;
        problems = p;
        break;
      }
    }
  }
  for (const p of problems) report({ ruleId: p.ruleId, message: p.message, span: p.directive.nameSpan });
  return chosen;
}
