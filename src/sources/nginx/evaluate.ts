/**
 * The nginx evaluator: turns parsed configuration units into Routes of the common model.
 *
 * It models nginx per request, the way nginx runs one:
 *  1. server rewrite phase: the server's `set`/`if`/`return`/`rewrite` in order;
 *  2. find config: the location (a route); methods a `limit_except` does not list switch to its
 *     block, whose rewrite script is empty (rewrite codes are never inherited);
 *  3. location rewrite phase: the location's `set`/`if`/`return`/`rewrite` in order; a matching
 *     `if` makes its block the request's configuration (the last matching `if` wins: "if is evil");
 *  4. access phase: `allow`/`deny`, `auth_basic`, `auth_request`, `auth_jwt`, `satisfy`;
 *  5. content: `proxy_pass` & co., or the static handler (405 for methods other than GET/HEAD).
 * The response headers are the `add_header` set of the final configuration (inheritance and
 * `add_header_inherit`), plus headers-more's `more_set_headers`.
 *
 * Request variation is explored by simulation: once per method class (OPTIONS, each method a
 * condition or `limit_except` names, any other method), and per method once with no origin test
 * true plus once per origin test (an `if ($http_origin ~ ...)` regex or a `map $http_origin`
 * key) true, which gives `by-origin` header values. Conditions on anything else are simulated
 * as false, and once as true, and what differs becomes `HeaderRule.condition`. Origin tests are
 * assumed disjoint (an origin matches one allowlist entry at most).
 */
import { basename } from 'node:path';
import type {
  AuthRequirement,
  Backend,
  CookieRule,
  DroppedHeader,
  HeaderRule,
  HeaderValue,
  OriginCase,
  OriginMatcher,
  OriginOutcome,
  PathMatch,
  Responder,
  Route,
  Span,
  StatusInfo,
} from '../../model/types.js';
import type { IfCondition, NginxDirective, NginxToken } from './ast.js';
import type { NginxUnit } from './parse.js';
import { rewriteAuthCheck } from './auth-if.js';
import {
  builtinReason,
  concatVals,
  EMPTY,
  isOriginOnly,
  knownText,
  ORIGIN_VAL,
  outcomeToValue,
  splitVariables,
  textVal,
  type Segment,
  toOutcome,
  unknownVal,
  type Val,
} from './values.js';

/** statuses add_header applies to without `always` (ngx_http_headers_filter) */
export const ADD_HEADER_STATUSES = new Set([200, 201, 204, 206, 301, 302, 303, 304, 307, 308]);
const CONTENT_DIRECTIVES = new Set([
  'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'grpc_pass', 'scgi_pass', 'memcached_pass',
  'content_by_lua', 'content_by_lua_block', 'content_by_lua_file', 'js_content', 'perl', 'empty_gif', 'stub_status',
]);
const HIDE_DIRECTIVE: Record<string, string> = {
  proxy_pass: 'proxy_hide_header',
  fastcgi_pass: 'fastcgi_hide_header',
  uwsgi_pass: 'uwsgi_hide_header',
  grpc_pass: 'grpc_hide_header',
  scgi_pass: 'scgi_hide_header',
};
const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const METHOD_NAME = /^[A-Z]+$/;
const GLOB_MAGIC = /[*?[]/;
/** bounds on exploration: beyond these, further tests are treated as not matching */
const MAX_ORIGIN_TESTS = 48;
const MAX_UNKNOWN_CONDS = 16;
const MAX_VAR_DEPTH = 16;

// ---------------------------------------------------------------------------------------------
// configuration levels

type LevelKind = 'http' | 'server' | 'location' | 'if' | 'limit_except';

interface Level {
  kind: LevelKind;
  /** the block directive (undefined for a snippet file's top level) */
  d?: NginxDirective;
  /** the level's directives with includes expanded in place */
  own: NginxDirective[];
  parent?: Level;
  /** unresolved includes met while expanding this level */
  unresolved: Span[];
  /** `own` by directive name (levels like http hold thousands of servers: lookups must not scan) */
  byName: Map<string, NginxDirective[]>;
  /**
   * the `if` / `limit_except` levels made under this level, by block directive. Kept on the
   * parent (not in a module-wide map keyed by directive) so a server's levels and everything
   * cached per level become garbage once its routes are built: peak memory stays flat.
   */
  inner?: Map<NginxDirective, Level>;
  // facts that depend on the level only, computed once (fields, not WeakMaps: ephemerons slow the GC)
  effective?: Effective;
  more?: { set: HeaderDecl[]; cleared: string[] };
  headers?: LevelHeaders;
  auth?: { requirements: AuthRequirement[]; denyAll?: NginxDirective };
  backend?: Backend;
  methodNames?: string[];
  /** the content handler (null: none) */
  content?: NginxDirective | null;
  /** the nearest root / alias / try_files (null: none) */
  root?: NginxDirective | null;
  /** response shapes of runs ending here (see responseShape) */
  shapes?: { key: NginxDirective | string; fromServer: boolean; result: { shape: Omit<Responder, 'headers' | 'methods'>; fixed: number | undefined } }[];
}

function flatten(directives: NginxDirective[], unresolved: Span[], depth = 0): NginxDirective[] {
  // most blocks include nothing: their own array serves (levels never change it)
  let includes = false;
  for (let i = 0; i < directives.length && !includes; i++) includes = directives[i]!.name === 'include' && !directives[i]!.block;
  if (!includes) return directives;
  const out: NginxDirective[] = [];
  for (const d of directives) {
    if (d.name === 'include' && !d.block) {
      const arg = d.args[0]?.value ?? '';
      if (d.included && d.included.length) {
        if (depth < 64) for (const inc of d.included) out.push(...flatten(inc.directives, unresolved, depth + 1));
      } else if (!GLOB_MAGIC.test(arg)) {
        unresolved.push(d.span);
      }
      continue;
    }
    out.push(d);
  }
  return out;
}

function makeLevel(kind: LevelKind, directives: NginxDirective[], parent: Level | undefined, d?: NginxDirective): Level {
  const unresolved: Span[] = [];
  const own = flatten(directives, unresolved);
  const byName = new Map<string, NginxDirective[]>();
  for (const x of own) {
    const list = byName.get(x.name);
    if (list) list.push(x);
    else byName.set(x.name, [x]);
  }
  return { kind, d, own, parent, unresolved, byName, inner: undefined, effective: undefined, more: undefined, headers: undefined, auth: undefined, backend: undefined, methodNames: undefined, content: undefined, root: undefined, shapes: undefined };
}

function ownNamed(level: Level, name: string): NginxDirective[] {
  return level.byName.get(name) ?? [];
}

/** the nearest level (from `level` up) that declares any of `names`, with those directives in order */
function nearest(level: Level | undefined, names: string[]): { level: Level; ds: NginxDirective[] } | undefined {
  for (let l = level; l; l = l.parent) {
    let found = false;
    for (const n of names) {
      if (l.byName.has(n)) {
        found = true;
        break;
      }
    }
    if (!found) continue;
    const ds = names.length === 1 ? l.byName.get(names[0]!)! : l.own.filter((d) => names.includes(d.name));
    return { level: l, ds };
  }
  return undefined;
}

/** the last directive of that name on the nearest level that has one */
function nearestLast(level: Level | undefined, name: string): NginxDirective | undefined {
  for (let l = level; l; l = l.parent) {
    const ds = l.byName.get(name);
    if (ds) return ds[ds.length - 1];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// global definitions: maps and declared variables (variables are global in nginx)

interface MapEntry {
  /** the origin-test key of this entry (mapTestKey), once computed */
  testKey?: string;
  /** the entry as an origin test, once built (shared by every route's registry: matchers are never changed) */
  matcher?: OriginMatcher;
  /** the key as a JavaScript regex (null: nginx would take it, JavaScript cannot), once compiled */
  re?: RegExp | null;
  /** an exact key as compared: without a leading backslash, lower case */
  exactText?: string;
  key: string;
  keySpan: Span;
  value?: NginxToken;
  span: Span;
}

interface MapDef {
  /** entries by lookup order (sortEntries), once computed */
  sorted?: { exact: MapEntry[]; regex: MapEntry[]; ordered: MapEntry[] };
  target: string;
  source: NginxToken;
  entries: MapEntry[];
  def?: NginxToken;
  hostnames: boolean;
  unresolved: Span[];
  span: Span;
}

interface Globals {
  maps: Map<string, MapDef>;
  /** variables some `set` declares (uninitialized = empty where not set on the request's path) */
  setVars: Set<string>;
  /** variables set by code the linter cannot read (Lua, Perl, njs, geo, split_clients) */
  opaque: Map<string, string>;
}

function walkAll(directives: NginxDirective[], visit: (d: NginxDirective) => void, depth = 0): void {
  if (depth > 64) return;
  // indexed loops: this walks every directive of the configuration, mostly before the code is
  // optimized, where each for-of would allocate an iterator
  for (let i = 0; i < directives.length; i++) {
    const d = directives[i]!;
    visit(d);
    if (d.block) walkAll(d.block, visit, depth + 1);
    const inc = d.included;
    if (inc) for (let j = 0; j < inc.length; j++) walkAll(inc[j]!.directives, visit, depth + 1);
  }
}

function varName(token: NginxToken | undefined): string | undefined {
  const v = token?.value ?? '';
  const m = /^\$\{?([A-Za-z0-9_]+)\}?$/.exec(v);
  return m ? m[1]!.toLowerCase() : undefined;
}

export function collectGlobals(units: NginxUnit[]): Globals {
  const g: Globals = { maps: new Map(), setVars: new Set(), opaque: new Map() };
  for (const u of units) {
    walkAll(u.file.directives, (d) => {
      const name = d.name;
      if (name === 'map' && d.block && d.args.length >= 2) {
        const target = varName(d.args[1]);
        if (!target || g.maps.has(target)) return;
        const unresolved: Span[] = [];
        const body = flatten(d.block, unresolved);
        const def: MapDef = { target, source: d.args[0]!, entries: [], hostnames: false, unresolved, span: d.span };
        for (const e of body) {
          if (!e.nameQuote && e.name === 'default') def.def = e.args[0];
          else if (!e.nameQuote && e.name === 'hostnames') def.hostnames = true;
          else if (!e.nameQuote && e.name === 'volatile') continue;
          else def.entries.push({ key: e.name, keySpan: e.nameSpan, value: e.args[0], span: e.span });
        }
        g.maps.set(target, def);
      } else if (name === 'set' && d.args[0]) {
        const v = varName(d.args[0]);
        if (v) g.setVars.add(v);
      } else if (name.startsWith('set_by_lua') || name === 'perl_set' || name === 'js_set' || name === 'set_by_njs') {
        const v = varName(d.args[0]);
        if (v) g.opaque.set(v, `set by ${name} (code the linter does not run)`);
      } else if (name === 'geo' || name === 'split_clients' || name === 'geoip2' || name === 'auth_request_set' || name === 'auth_jwt_claim_set') {
        for (const a of d.args) {
          const v = varName(a);
          if (v) g.opaque.set(v, `set by ${name}`);
        }
      }
    });
  }
  return g;
}

// ---------------------------------------------------------------------------------------------
// request simulation

interface OriginTest {
  key: string;
  matcher: OriginMatcher;
}

interface UnknownCond {
  key: string;
  text: string;
  span: Span;
}

/** tests discovered while simulating one route (shared by all its runs) */
class Registry {
  tests: OriginTest[] = [];
  unknowns: UnknownCond[] = [];
  /** test positions by key, once there are more than a few tests (most routes register a handful: a scan serves) */
  private byKey: Map<string, number> | undefined = undefined;
  /** the index of a registered test, or -1 */
  lookup(key: string): number {
    const tests = this.tests;
    if (tests.length > 8) {
      if (!this.byKey) {
        this.byKey = new Map();
        for (let i = 0; i < tests.length; i++) this.byKey.set(tests[i]!.key, i);
      }
      return this.byKey.get(key) ?? -1;
    }
    for (let i = 0; i < tests.length; i++) if (tests[i]!.key === key) return i;
    return -1;
  }
  testIndex(key: string, matcher: () => OriginMatcher): number {
    const i = this.lookup(key);
    if (i >= 0) return i;
    if (this.tests.length >= MAX_ORIGIN_TESTS) return -2;
    this.tests.push({ key, matcher: matcher() });
    this.byKey?.set(key, this.tests.length - 1);
    return this.tests.length - 1;
  }
  unknownIndex(key: string, text: string, span: Span): string | undefined {
    if (this.unknowns.some((u) => u.key === key)) return key;
    if (this.unknowns.length >= MAX_UNKNOWN_CONDS) return undefined;
    this.unknowns.push({ key, text, span });
    return key;
  }
}

interface PathSpec {
  /** the request method; null = a method no condition names */
  method: string | null;
  /** index of the origin test that is true (-1: none) */
  originTest: number;
  /** key of the unknown condition that is true (null: none) */
  unknown: string | null;
}

/** the variables of a run that has `set` none yet (never changed: the first `set` makes a map) */
const NO_VARS: Map<string, Val> = new Map();

interface Env {
  path: PathSpec;
  reg: Registry;
  globals: Globals;
  vars: Map<string, Val>;
  files: Map<string, string>;
  notes: string[];
  seen: Seen;
  /** rewrite-phase credential checks (auth-if.ts) met so far, with the level their 4xx answers from */
  authIfs?: { d: NginxDirective; req: AuthRequirement; level: Level }[];
  /** auth `if`s to evaluate as plain conditions (their 4xx would carry other headers than the run's answer) */
  literalIfs?: ReadonlySet<NginxDirective>;
  /** while one header value is evaluated: what it reads of the PathSpec (undefined: nothing yet) */
  cap?: Reads;
  capturing?: boolean;
}

/** an Env with every field present from the start: all runs share one object shape */
function newEnv(
  path: PathSpec,
  reg: Registry,
  globals: Globals,
  files: Map<string, string>,
  vars: Map<string, Val>,
  notes: string[],
  seen: Seen,
  literalIfs: ReadonlySet<NginxDirective> | undefined,
  authIfs: Env['authIfs'],
): Env {
  return { path, reg, globals, vars, files, notes, seen, authIfs, literalIfs, cap: undefined, capturing: false };
}

/** what one header value read of its PathSpec (see Seen), to reuse it for a PathSpec that answers alike */
interface Reads {
  methods?: MethodView[];
  tests?: number[];
  unknowns?: string[];
}

/** whether every read gives the same answer for `a` as for `b` */
function readsAlike(r: Reads, a: PathSpec, b: PathSpec): boolean {
  if (r.methods) for (const v of r.methods) if (v(a.method) !== v(b.method)) return false;
  if (r.tests) for (const t of r.tests) if ((t >= 0 && t === a.originTest) !== (t >= 0 && t === b.originTest)) return false;
  if (r.unknowns) for (const u of r.unknowns) if ((a.unknown === u) !== (b.unknown === u)) return false;
  return true;
}

function addReads(seen: Seen, r: Reads): void {
  if (r.methods) for (const v of r.methods) addOnce(seen.method, v);
  if (r.tests) for (const t of r.tests) addOnce(seen.tests, t);
  if (r.unknowns) for (const u of r.unknowns) addOnce(seen.unknowns, u);
}

/**
 * What one run looked at of its PathSpec. A run depends on the request only through these
 * reads, so another PathSpec that answers every read the same way runs exactly the same: the
 * evaluator reuses the result instead of simulating again (most routes never look at the
 * method, and most origin tests are met by only some routes).
 */
interface Seen {
  /** projections of the method that were read; two methods with equal projections run alike */
  method: MethodView[];
  /** origin tests whose truth was read */
  tests: number[];
  /** unknown conditions whose truth was read */
  unknowns: string[];
}

/** a run reads a handful of things: small arrays are cheaper than sets */
function addOnce<T>(list: T[], x: T): void {
  if (!list.includes(x)) list.push(x);
}

type MethodView = (method: string | null) => unknown;
const EXACT_METHOD: MethodView = (m) => m;
const STATIC_METHOD: MethodView = (m) => (m === 'GET' || m === 'HEAD' ? 'GET' : m === 'POST' ? 'POST' : 'other');
const IS_OPTIONS: MethodView = (m) => m === 'OPTIONS';

function methodAs(env: Env, view: MethodView): unknown {
  addOnce(env.seen.method, view);
  if (env.capturing) {
    const list = ((env.cap ??= {}).methods ??= []);
    if (!list.includes(view)) list.push(view);
  }
  return view(env.path.method);
}

function testTrue(env: Env, idx: number): boolean {
  addOnce(env.seen.tests, idx);
  if (env.capturing) {
    const list = ((env.cap ??= {}).tests ??= []);
    if (!list.includes(idx)) list.push(idx);
  }
  return idx >= 0 && idx === env.path.originTest;
}

function rawText(files: Map<string, string>, span: Span): string | undefined {
  const t = files.get(span.file);
  if (t === undefined || span.offset === undefined || span.endOffset === undefined) return undefined;
  return t.slice(span.offset, span.endOffset);
}

/** the span of `source` inside the token (the regex without `~`/quotes), when it is written literally */
function narrowSpan(files: Map<string, string>, span: Span, source: string): Span {
  const raw = rawText(files, span);
  if (raw === undefined || span.line !== span.endLine || span.offset === undefined) return span;
  const i = raw.indexOf(source);
  if (i < 0) return span;
  return { ...span, column: span.column + i, endColumn: span.column + i + source.length, offset: span.offset + i, endOffset: span.offset + i + source.length };
}

/** argument texts repeat across thousands of blocks: split each distinct text once */
const segmentCache = new Map<string, Segment[]>();
function segmentsOf(s: string): Segment[] {
  let segs = segmentCache.get(s);
  if (!segs) {
    if (segmentCache.size > 100_000) segmentCache.clear();
    segmentCache.set(s, (segs = splitVariables(s)));
  }
  return segs;
}

/** the value of each variable-free text, built once (values are never mutated) */
const constCache = new Map<string, Val>();

function evalText(s: string, env: Env, depth = 0): Val {
  const segs = segmentsOf(s);
  if (segs.length === 1) {
    const seg = segs[0]!;
    if (seg.kind === 'var') {
      // a lone variable's value is already merged (see concatVals): no array for the common case
      const v = evalVar(seg.name, env, depth);
      return v.conditions.length <= 1 && v.unlessBackendSends.length <= 1 ? v : concatVals([v]);
    }
    let v = constCache.get(s);
    if (!v) {
      if (constCache.size > 100_000) constCache.clear();
      constCache.set(s, (v = textVal(seg.text)));
    }
    return v;
  }
  if (segs.length === 0) return EMPTY;
  const vals: Val[] = new Array(segs.length);
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    vals[i] = seg.kind === 'text' ? textVal(seg.text) : evalVar(seg.name, env, depth);
  }
  return concatVals(vals);
}

function evalVar(rawName: string, env: Env, depth: number): Val {
  const name = rawName.toLowerCase();
  if (depth > MAX_VAR_DEPTH) return unknownVal(`$${name} refers to itself too deeply`);
  if (name.length === 1 && name >= '0' && name <= '9') return unknownVal(`regex capture $${name}`);
  const set = env.vars === NO_VARS ? undefined : env.vars.get(name);
  if (set) return set;
  if (name === 'http_origin') return ORIGIN_VAL;
  if (name === 'request_method') {
    const method = methodAs(env, EXACT_METHOD) as string | null;
    return method ? textVal(method) : unknownVal('the request method ($request_method)');
  }
  const map = env.globals.maps.get(name);
  if (map) return evalMap(map, env, depth + 1);
  const opaque = env.globals.opaque.get(name);
  if (opaque) return unknownVal(`$${name} is ${opaque}`);
  if (env.globals.setVars.has(name)) return EMPTY; // declared by `set` elsewhere: uninitialized here
  const builtin = builtinReason(name);
  if (builtin) return unknownVal(builtin);
  return unknownVal(`$${name} is not defined in the configuration that was read`);
}

function jsRegex(source: string, ci: boolean): RegExp | undefined {
  try {
    return new RegExp(source, ci ? 'i' : '');
  } catch {
    return undefined;
  }
}

function mapTestKey(map: MapDef, e: MapEntry): string {
  return (e.testKey ??= `map:${e.keySpan.file}:${e.keySpan.offset ?? e.keySpan.line + ':' + e.keySpan.column}`);
}

function mapEntryMatcher(map: MapDef, e: MapEntry, files: Map<string, string>): OriginMatcher {
  const key = e.key;
  if (key.startsWith('~')) {
    const ci = key.startsWith('~*');
    const source = key.slice(ci ? 2 : 1);
    return { kind: 'regex', source, caseInsensitive: ci, dialect: 'pcre', span: narrowSpan(files, e.keySpan, source) };
  }
  const origin = key.startsWith('\\') ? key.slice(1) : key;
  if (map.hostnames && (origin.startsWith('.') || origin.startsWith('*.') || origin.endsWith('.*'))) {
    return { kind: 'unknown', reason: `hostnames key "${origin}" of map $${map.target} compared with an Origin`, span: e.keySpan };
  }
  return { kind: 'exact', origin, caseInsensitive: true, span: narrowSpan(files, e.keySpan, origin) };
}

function sortEntries(entries: MapEntry[]): NonNullable<MapDef['sorted']> {
  const exact = entries.filter((e) => !e.key.startsWith('~'));
  const regex = entries.filter((e) => e.key.startsWith('~'));
  // nginx looks up exact keys first, then regexes in order
  return { exact, regex, ordered: [...exact, ...regex] };
}

function mapValue(t: NginxToken | undefined, env: Env, depth: number): Val {
  return t ? evalText(t.value, env, depth) : EMPTY;
}

function evalMap(map: MapDef, env: Env, depth: number): Val {
  const src = evalText(map.source.value, env, depth);
  const { exact, regex, ordered } = (map.sorted ??= sortEntries(map.entries));
  if (isOriginOnly(src)) {
    for (const e of ordered) {
      const key = mapTestKey(map, e);
      let idx = env.reg.lookup(key);
      if (idx < 0) idx = env.reg.testIndex(key, () => (e.matcher ??= mapEntryMatcher(map, e, env.files)));
      if (testTrue(env, idx)) return mapValue(e.value, env, depth);
    }
    if (map.unresolved.length) {
      const span = map.unresolved[0]!;
      const idx = env.reg.testIndex(`map-unresolved:${span.file}:${span.offset ?? span.line}`, () => ({
        kind: 'unknown',
        reason: `entries of map $${map.target} from an include that could not be read`,
        span,
      }));
      if (testTrue(env, idx)) return unknownVal(`value of map $${map.target} from an include that could not be read`);
    }
    return mapValue(map.def, env, depth);
  }
  const text = knownText(src);
  if (text !== undefined) {
    const lower = text.toLowerCase();
    for (const e of exact) if ((e.exactText ??= e.key.replace(/^\\/, '').toLowerCase()) === lower) return mapValue(e.value, env, depth);
    for (const e of regex) {
      if (e.re === undefined) {
        const ci = e.key.startsWith('~*');
        e.re = jsRegex(e.key.slice(ci ? 2 : 1), ci) ?? null;
      }
      const re = e.re;
      if (!re) return unknownVal(`map $${map.target}: regex ${e.key} cannot be evaluated`);
      if (re.test(text)) return mapValue(e.value, env, depth);
    }
    if (map.unresolved.length) return unknownVal(`map $${map.target} has entries from an include that could not be read`);
    return mapValue(map.def, env, depth);
  }
  // The source is request data the config does not tell: one of the map's values.
  const candidates: { key: string; val: Val }[] = ordered.map((e) => ({ key: e.key, val: mapValue(e.value, env, depth) }));
  candidates.push({ key: 'default', val: mapValue(map.def, env, depth) });
  const srcName = map.source.value;
  const upstream = /^\$\{?upstream_http_([a-z0-9_]+)\}?$/i.exec(srcName);
  if (upstream) {
    const header = upstream[1]!.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-');
    const whenAbsent = candidates.find((c) => c.key === '');
    const others = candidates.filter((c) => c !== whenAbsent);
    if (whenAbsent && others.every((c) => c.val.parts.length === 0)) {
      return {
        ...whenAbsent.val,
        conditions: [...whenAbsent.val.conditions, `only when the upstream response has no ${header} header (map $${map.target})`],
        unlessBackendSends: [...whenAbsent.val.unlessBackendSends, header],
      };
    }
  }
  const nonEmpty = candidates.filter((c) => c.val.parts.length > 0);
  const distinct = new Map(nonEmpty.map((c) => [JSON.stringify(c.val.parts), c.val]));
  if (distinct.size === 1) {
    const only = [...distinct.values()][0]!;
    if (nonEmpty.length === candidates.length) return only;
    return { ...only, conditions: [...only.conditions, `only for some values of ${srcName} (map $${map.target}); otherwise empty`] };
  }
  if (distinct.size === 0) return EMPTY;
  const shown = [...distinct.values()].map((v) => (knownText(v) !== undefined ? `"${knownText(v)}"` : '<dynamic>')).join(', ');
  return unknownVal(`depends on ${srcName} through map $${map.target} (values ${shown})`);
}

type Truth = boolean | { unknown: string };

function condText(files: Map<string, string>, c: IfCondition): string {
  return rawText(files, c.span) ?? `(${c.variable} ${c.operator} ${c.operand?.value ?? ''})`;
}

function evalCondition(c: IfCondition, env: Env, ifSpan: Span): boolean {
  const t = conditionTruth(c, env);
  if (typeof t === 'boolean') return t;
  const key = env.reg.unknownIndex(`${c.span.file}:${c.span.offset ?? c.span.line + ':' + c.span.column}`, `if ${condText(env.files, c)}`, ifSpan);
  if (key === undefined) return false;
  addOnce(env.seen.unknowns, key);
  if (env.capturing) {
    const list = ((env.cap ??= {}).unknowns ??= []);
    if (!list.includes(key)) list.push(key);
  }
  return env.path.unknown === key;
}

function conditionTruth(c: IfCondition, env: Env): Truth {
  const unknown = { unknown: 'x' };
  if (c.operator.includes('-')) return unknown; // file tests
  const val = evalText(c.variable, env);
  const op = c.operator;
  if (op === '') {
    if (isOriginOnly(val)) return !c.negated; // CORS requests always carry Origin
    const t = knownText(val);
    if (t === undefined || val.conditions.length) return unknown;
    const truthy = t !== '' && t !== '0';
    return c.negated ? !truthy : truthy;
  }
  const operand = c.operand;
  if (!operand) return unknown;
  if (op === '=' || op === '!=') {
    const right = evalText(operand.value, env);
    const rt = knownText(right);
    const lt = knownText(val);
    let eq: Truth;
    if (lt !== undefined && rt !== undefined && !val.conditions.length && !right.conditions.length) eq = lt === rt;
    else if (isOriginOnly(val) && rt !== undefined) {
      if (rt === '') eq = false;
      else {
        const idx = env.reg.testIndex(`exact:${rt}`, () => ({ kind: 'exact', origin: rt, span: narrowSpan(env.files, operand.span, operand.value) }));
        eq = testTrue(env, idx);
      }
    } else if (c.variable.toLowerCase() === '$request_method' && methodAs(env, EXACT_METHOD) === null && rt !== undefined) {
      eq = false; // "any other method"
    } else return unknown;
    return op === '=' ? eq : !eq;
  }
  // regex operators
  const ci = op.endsWith('*');
  const negate = op.startsWith('!');
  const source = operand.value;
  let matched: boolean;
  if (isOriginOnly(val)) {
    const idx = env.reg.testIndex(`regex:${ci ? 'i' : ''}:${source}`, () => ({
      kind: 'regex',
      source,
      caseInsensitive: ci,
      dialect: 'pcre',
      span: narrowSpan(env.files, operand.span, source),
    }));
    matched = testTrue(env, idx);
  } else if (c.variable.toLowerCase() === '$request_method' && methodAs(env, EXACT_METHOD) === null) {
    matched = false;
  } else {
    const t = knownText(val);
    const re = jsRegex(source, ci);
    if (t === undefined || val.conditions.length || !re) return unknown;
    matched = re.test(t);
  }
  return negate ? !matched : matched;
}

// ---------------------------------------------------------------------------------------------
// running the rewrite script

type Final =
  | { kind: 'return'; status: number; location?: string; directive: NginxDirective; ifBlock?: NginxDirective; level: Level }
  | { kind: 'stop' };

function returnOf(d: NginxDirective, env: Env): { status: number; location?: string } | undefined {
  const a0 = d.args[0]?.value;
  if (a0 === undefined) return undefined;
  if (/^[0-9]{3}$/.test(a0)) {
    const status = Number(a0);
    const text = d.args[1]?.value;
    const isRedirect = [301, 302, 303, 307, 308].includes(status);
    return { status, location: isRedirect ? text : undefined };
  }
  // `return URL`: a 302 redirect
  void env;
  return { status: 302, location: a0 };
}

/** a rewrite regex that matches every URI */
function universalRegex(src: string): boolean {
  return ['^', '.*', '^.*', '^.*$', '(.*)', '^(.*)', '^(.*)$', '^/(.*)', '^/(.*)$', '^/', '/'].includes(src) || src === '^(.+)$' || src === '.';
}

function runScript(directives: NginxDirective[], level: Level, env: Env, state: { level: Level }, ifBlock?: NginxDirective): Final | undefined {
  for (const d of directives) {
    switch (d.name) {
      case 'set': {
        const v = varName(d.args[0]);
        if (v && env.vars === NO_VARS) env.vars = new Map();
        if (v && d.args[1]) env.vars.set(v, evalText(d.args[1].value, env));
        else if (v) env.vars.set(v, EMPTY);
        break;
      }
      case 'set_by_lua':
      case 'set_by_lua_block':
      case 'set_by_lua_file': {
        const v = varName(d.args[0]);
        if (v && env.vars === NO_VARS) env.vars = new Map();
        if (v) env.vars.set(v, unknownVal(`$${v} is set by ${d.name} (Lua the linter does not run)`));
        break;
      }
      case 'if': {
        if (!d.condition || !d.block || level.kind === 'if') break;
        const auth = env.literalIfs?.has(d) ? undefined : rewriteAuthCheck(d, env.files);
        if (auth) {
          // A preflight never carries the credential: it gets the 4xx. Other requests are
          // assumed to carry it; the check becomes an AuthRequirement of their responder.
          (env.authIfs ??= []).push({ d, req: auth, level: ifLevelFor(level, d) });
          if (!methodAs(env, IS_OPTIONS)) break;
        } else if (!evalCondition(d.condition, env, d.span)) break;
        const ifLevel = ifLevelFor(level, d);
        state.level = ifLevel;
        const r = runScript(ifLevel.own, ifLevel, env, state, d);
        if (r) return r;
        break;
      }
      case 'return': {
        const r = returnOf(d, env);
        if (r) return { kind: 'return', ...r, directive: d, ifBlock, level: state.level };
        break;
      }
      case 'rewrite': {
        const regex = d.args[0]?.value ?? '';
        const repl = d.args[1]?.value ?? '';
        const flag = d.args[2]?.value;
        const redirect = flag === 'redirect' || flag === 'permanent' || /^(https?:\/\/|\$scheme)/.test(repl);
        const always = universalRegex(regex);
        if (redirect) {
          if (always) {
            return { kind: 'return', status: flag === 'permanent' ? 301 : 302, location: repl, directive: d, ifBlock, level: state.level };
          }
          env.notes.push(`rewrite ${regex} ${repl}${flag ? ' ' + flag : ''} (${basename(d.span.file)}:${d.span.line}) redirects only URIs matching ${regex}; not modelled as the route's responder`);
        } else if (flag === 'last' || flag === 'break') {
          env.notes.push(`rewrite ${regex} ${repl} ${flag} (${basename(d.span.file)}:${d.span.line}) changes the URI${flag === 'last' ? ' and searches the locations again (not followed)' : ''}`);
          if (always) return { kind: 'stop' };
        }
        break;
      }
      case 'break':
        return { kind: 'stop' };
      case 'rewrite_by_lua':
      case 'rewrite_by_lua_block':
      case 'rewrite_by_lua_file':
        env.notes.push(`${d.name} (${basename(d.span.file)}:${d.span.line}) runs Lua in the rewrite phase that may answer or redirect requests; not modelled`);
        break;
      default:
        break;
    }
  }
  return undefined;
}

function ifLevelFor(parent: Level, d: NginxDirective): Level {
  return innerLevel('if', d, parent);
}

function innerLevel(kind: LevelKind, d: NginxDirective, parent: Level): Level {
  const inner = (parent.inner ??= new Map());
  let l = inner.get(d);
  if (!l || l.kind !== kind) inner.set(d, (l = makeLevel(kind, d.block ?? [], parent, d)));
  return l;
}

// ---------------------------------------------------------------------------------------------
// headers

interface HeaderDecl {
  via: 'add_header' | 'more_set_headers';
  name: string;
  value: string;
  always: boolean;
  span: Span;
  valueSpan?: Span;
  /** more_set_headers -s codes */
  statuses?: number[];
  /** more_set_headers -t types */
  types?: string[];
  /**
   * HeaderRules built from this declaration with a plain value (see sharedHeaderRule). The
   * declaration reaches every route and method whose configuration inherits it: they share one
   * immutable rule per distinct value, condition and status flags.
   */
  rules?: HeaderRule[];
}

function addHeaderDecls(level: Level): HeaderDecl[] {
  const out: HeaderDecl[] = [];
  for (const d of ownNamed(level, 'add_header')) {
    const name = d.args[0]?.value;
    const value = d.args[1];
    if (!name || !value) continue;
    out.push({ via: 'add_header', name, value: value.value, always: d.args[2]?.value === 'always', span: d.span, valueSpan: value.span });
  }
  return out;
}

function inheritMode(level: Level | undefined): { mode: 'on' | 'off' | 'merge'; span?: Span } {
  const n = nearest(level, ['add_header_inherit']);
  const d = n?.ds[n.ds.length - 1];
  const v = d?.args[0]?.value;
  if (v === 'off' || v === 'merge') return { mode: v, span: d!.span };
  return { mode: 'on', span: d?.span };
}

interface Effective {
  decls: HeaderDecl[];
  /** outer declarations lost to inheritance, with the inner declaration that caused it */
  dropped: { decl: HeaderDecl; by: Span }[];
}

function effectiveAddHeaders(level: Level | undefined): Effective {
  if (!level) return { decls: [], dropped: [] };
  return (level.effective ??= computeEffective(level));
}

function computeEffective(level: Level): Effective {
  const parent = effectiveAddHeaders(level.parent);
  const own = addHeaderDecls(level);
  const { mode } = inheritMode(level);
  if (mode === 'off') return { decls: own, dropped: [] };
  if (mode === 'merge') return { decls: [...parent.decls, ...own], dropped: parent.dropped };
  if (own.length === 0) return parent;
  if (parent.decls.length === 0 && parent.dropped.length === 0) return { decls: own, dropped: [] };
  const names = new Set(own.map((h) => h.name.toLowerCase()));
  const dropped = [
    ...parent.dropped.filter((x) => !names.has(x.decl.name.toLowerCase())),
    ...parent.decls.filter((h) => !names.has(h.name.toLowerCase())).map((decl) => ({ decl, by: own[0]!.span })),
  ];
  return { decls: own, dropped };
}

const NO_MORE: { set: HeaderDecl[]; cleared: string[] } = { set: [], cleared: [] };

/** headers-more directives are merged down the levels (outer first) */
function moreSetDecls(level: Level | undefined): { set: HeaderDecl[]; cleared: string[] } {
  if (!level) return NO_MORE;
  const cached = level.more;
  if (cached) return cached;
  // a level without headers-more directives of its own has its parent's: the same declarations
  // (and so the same shared HeaderRules) reach every level below the one that wrote them
  const own = level.byName.has('more_set_headers') || level.byName.has('more_clear_headers');
  const result = own ? computeMoreSet(level) : moreSetDecls(level.parent);
  level.more = result;
  return result;
}

/** the parent's headers-more result with this level's directives applied (the levels in order, outer first) */
function computeMoreSet(level: Level): { set: HeaderDecl[]; cleared: string[] } {
  const outer = moreSetDecls(level.parent);
  const set: HeaderDecl[] = outer.set.slice();
  const cleared: string[] = outer.cleared.slice();
  {
    const l = level;
    for (const d of l.own) {
      if (d.name !== 'more_set_headers' && d.name !== 'more_clear_headers') continue;
      let statuses: number[] | undefined;
      let types: string[] | undefined;
      const specs: NginxToken[] = [];
      for (let i = 0; i < d.args.length; i++) {
        const a = d.args[i]!;
        if (a.value === '-s' && d.args[i + 1]) {
          statuses = d.args[++i]!.value.split(/\s+/).filter(Boolean).map(Number).filter((n) => !Number.isNaN(n));
        } else if (a.value === '-t' && d.args[i + 1]) {
          types = d.args[++i]!.value.split(/\s+/).filter(Boolean);
        } else specs.push(a);
      }
      for (const s of specs) {
        const colon = s.value.indexOf(':');
        const name = (colon >= 0 ? s.value.slice(0, colon) : s.value).trim();
        const value = colon >= 0 ? s.value.slice(colon + 1).trim() : '';
        if (!name) continue;
        if (d.name === 'more_clear_headers' || value === '') {
          cleared.push(name);
          // an outer more_set_headers of that name is undone (not add_header's line: see levelHeaders)
          if (!statuses?.length && !types) removeMoreSet(set, name);
          continue;
        }
        // replaces any earlier header of that name
        for (let i = set.length - 1; i >= 0; i--) if (set[i]!.name.toLowerCase() === name.toLowerCase()) set.splice(i, 1);
        set.push({ via: 'more_set_headers', name, value, always: true, span: d.span, valueSpan: s.span, statuses: statuses?.length ? statuses : undefined, types });
      }
    }
  }
  return { set, cleared };
}

/** Drops the more_set_headers declarations a clear of `pattern` removes (headers-more: a trailing `*` matches any rest of the name). */
function removeMoreSet(set: HeaderDecl[], pattern: string): void {
  const lower = pattern.toLowerCase();
  const prefix = lower.endsWith('*') ? lower.slice(0, -1) : undefined;
  for (let i = set.length - 1; i >= 0; i--) {
    const name = set[i]!.name.toLowerCase();
    if (prefix !== undefined ? name.startsWith(prefix) : name === lower) set.splice(i, 1);
  }
}

interface PathHeader {
  key: string;
  decl: HeaderDecl;
  outcome: OriginOutcome;
  conditions: string[];
  unless: string[];
  onSuccess: boolean;
  onErrors: boolean;
  /** what the value read of the PathSpec (undefined: nothing) */
  reads?: Reads;
}

function headerFlags(decl: HeaderDecl, fixedStatus: number | undefined): { onSuccess: boolean; onErrors: boolean } {
  if (decl.statuses) {
    if (fixedStatus !== undefined) {
      const hit = decl.statuses.includes(fixedStatus);
      return { onSuccess: hit && fixedStatus < 400, onErrors: hit && fixedStatus >= 400 };
    }
    return { onSuccess: decl.statuses.some((s) => s < 400), onErrors: decl.statuses.some((s) => s >= 400) };
  }
  if (decl.always) return { onSuccess: true, onErrors: true };
  // without `always`, only the listed statuses get the header
  const onSuccess = fixedStatus === undefined || fixedStatus >= 400 || ADD_HEADER_STATUSES.has(fixedStatus);
  return { onSuccess, onErrors: false };
}

/** the header declarations a level's responses get, with their keys, and the outer ones it loses */
interface LevelHeaders {
  decls: HeaderDecl[];
  /** `via:lower-case name#n`: the n-th declaration of that name */
  keys: string[];
  /** position of each key in `keys` (keys are unique), made when first needed (see pick) */
  index?: Map<string, number>;
  dropped: Effective['dropped'];
}

function levelHeaders(level: Level): LevelHeaders {
  let hit = level.headers;
  if (hit) return hit;
  const eff = effectiveAddHeaders(level);
  const more = moreSetDecls(level);
  // a level that declares no headers of its own answers with its parent's
  const parent = level.parent;
  if (parent && eff === effectiveAddHeaders(parent) && more === moreSetDecls(parent)) return (level.headers = levelHeaders(parent));
  const moreSet = more.set;
  // headers-more's filter runs before add_header's (a module loaded after nginx's own filters comes
  // first in the chain): its lines come first, and add_header then appends its own, so a name set
  // by both is sent twice. Never changed once made: the effective list serves when headers-more adds nothing.
  const decls = moreSet.length ? [...moreSet, ...eff.decls] : eff.decls;
  const lowers: string[] = new Array(decls.length);
  const keys: string[] = new Array(decls.length);
  for (let i = 0; i < decls.length; i++) {
    const decl = decls[i]!;
    const lower = (lowers[i] = decl.name.toLowerCase());
    let n = 0;
    for (let j = 0; j < i; j++) if (lowers[j] === lower) n++;
    keys[i] = `${decl.via}:${lower}#${n}`;
  }
  const dropped = eff.dropped.length ? eff.dropped.filter((x) => !lowers.includes(x.decl.name.toLowerCase())) : eff.dropped;
  level.headers = hit = { decls, keys, index: undefined, dropped };
  return hit;
}

/** the same header value on a response with another status */
function withFlags(h: PathHeader, fixedStatus: number | undefined): PathHeader {
  const flags = headerFlags(h.decl, fixedStatus);
  if (flags.onSuccess === h.onSuccess && flags.onErrors === h.onErrors) return h;
  return { ...h, onSuccess: flags.onSuccess, onErrors: flags.onErrors };
}

/** evaluates a value, recording what it reads of the PathSpec */
function evalCaptured(text: string, env: Env): Val {
  env.capturing = true;
  env.cap = undefined;
  try {
    return evalText(text, env);
  } finally {
    env.capturing = false;
  }
}

function evalHeader(lh: LevelHeaders, i: number, env: Env, fixedStatus: number | undefined): PathHeader {
  const decl = lh.decls[i]!;
  const val = evalCaptured(decl.value, env);
  const reads = env.cap;
  env.cap = undefined;
  // conditions arrays are never changed once made: the value's own can be shared
  let conditions = val.conditions;
  if (decl.types) conditions = [...conditions, `only for responses of Content-Type ${decl.types.join(' ')} (more_set_headers -t)`];
  const flags = headerFlags(decl, fixedStatus);
  return {
    key: lh.keys[i]!,
    decl,
    outcome: toOutcome(val),
    conditions,
    unless: val.unlessBackendSends,
    onSuccess: flags.onSuccess,
    onErrors: flags.onErrors,
    reads,
  };
}

// ---------------------------------------------------------------------------------------------
// access phase and content

/**
 * Access-phase facts and the backend depend on the final level only: computed once per level
 * and shared by every run that ends there (results are never mutated afterwards).
 */

function authFor(level: Level, files: Map<string, string>): { requirements: AuthRequirement[]; denyAll?: NginxDirective } {
  return (level.auth ??= computeAuth(level, files));
}

function computeAuth(level: Level, files: Map<string, string>): { requirements: AuthRequirement[]; denyAll?: NginxDirective } {
  const reqs: AuthRequirement[] = [];
  const satisfy = nearestLast(level, 'satisfy')?.args[0]?.value === 'any';
  const describe = (d: NginxDirective): string => (rawText(files, d.span) ?? d.name).replace(/\s+/g, ' ').replace(/;$/, '');
  const basic = nearestLast(level, 'auth_basic');
  if (basic && basic.args[0]?.value !== 'off') {
    reqs.push({ mechanism: 'basic', header: 'Authorization', description: describe(basic), failureStatus: 401, span: basic.span });
  }
  const sub = nearestLast(level, 'auth_request');
  if (sub && sub.args[0]?.value !== 'off') {
    reqs.push({ mechanism: 'subrequest', description: describe(sub), failureStatus: 401, span: sub.span });
  }
  const jwt = nearestLast(level, 'auth_jwt');
  if (jwt && jwt.args[0]?.value !== 'off') {
    reqs.push({ mechanism: 'authorization-header', header: 'Authorization', description: describe(jwt), failureStatus: 401, span: jwt.span });
  }
  const lua = nearest(level, ['access_by_lua', 'access_by_lua_block', 'access_by_lua_file'])?.ds.at(-1);
  if (lua) reqs.push({ mechanism: 'unknown', description: `${lua.name} (Lua access check the linter does not run)`, span: lua.span });
  let denyAll: NginxDirective | undefined;
  const acl = nearest(level, ['allow', 'deny']);
  if (acl && acl.ds.some((d) => d.name === 'deny')) {
    const first = acl.ds[0]!;
    if (first.name === 'deny' && first.args[0]?.value === 'all') denyAll = first;
    else if (!(first.name === 'allow' && first.args[0]?.value === 'all')) {
      reqs.push({
        mechanism: 'ip-allowlist',
        description: acl.ds.map(describe).join('; '),
        failureStatus: 403,
        span: first.span,
      });
    }
  }
  if (satisfy && reqs.length + (denyAll ? 1 : 0) > 1) for (const r of reqs) r.satisfyAny = true;
  if (denyAll && satisfy && reqs.length) denyAll = undefined; // another module may still let the request in
  return { requirements: reqs, denyAll };
}

function contentOf(level: Level): NginxDirective | undefined {
  if (level.content === undefined) level.content = computeContent(level) ?? null;
  return level.content ?? undefined;
}

function computeContent(level: Level): NginxDirective | undefined {
  // if / limit_except blocks inherit their location's handler; nested locations do not
  for (let l: Level | undefined = level; l; l = l.parent) {
    for (let i = l.own.length - 1; i >= 0; i--) if (CONTENT_DIRECTIVES.has(l.own[i]!.name)) return l.own[i];
    if (l.kind !== 'if' && l.kind !== 'limit_except') break;
  }
  return undefined;
}

/**
 * Upstream headers headers-more keeps from the browser: those it clears, and those
 * more_set_headers replaces (it sets the output header of that name instead of adding one).
 * A `-t` filter or a `-s` list without 2xx codes leaves the upstream's copy on the backend's
 * successful responses, so those do not count.
 */
function moreReplaced(more: { set: HeaderDecl[]; cleared: string[] }): string[] {
  if (more.set.length === 0) return more.cleared;
  const replaced = more.set.filter((d) => !d.types && (!d.statuses || d.statuses.some((s) => s >= 200 && s < 300))).map((d) => d.name);
  return [...more.cleared, ...replaced];
}

function hiddenHeaders(level: Level, directive: string, cleared: string[]): string[] {
  const n = nearest(level, [directive]);
  const names = n ? n.ds.map((d) => d.args[0]?.value ?? '').filter(Boolean) : [];
  return [...new Set([...names, ...cleared])];
}

function backendFor(content: NginxDirective, level: Level, cleared: string[], files: Map<string, string>): Backend {
  const hideDirective = HIDE_DIRECTIVE[content.name];
  const hidden = hideDirective ? hiddenHeaders(level, hideDirective, cleared) : [...cleared];
  const hidesAcao = hidden.some((h) => h.toLowerCase() === 'access-control-allow-origin');
  const description = (rawText(files, content.span) ?? content.name).replace(/\s+/g, ' ').replace(/;$/, '');
  if (content.name === 'empty_gif' || content.name === 'stub_status') {
    return { kind: 'none', emitsCors: 'no', hiddenHeaders: hidden, description, span: content.span };
  }
  if (hideDirective) return { kind: 'proxy', emitsCors: hidesAcao ? 'no' : 'unknown', hiddenHeaders: hidden, description, span: content.span };
  return { kind: 'unknown', emitsCors: hidesAcao ? 'no' : 'unknown', hiddenHeaders: hidden, description, span: content.span };
}

// ---------------------------------------------------------------------------------------------
// one request

interface RouteCtx {
  server?: Level;
  location: Level;
  /** the route is the server's own configuration (no location matched) */
  implicit: boolean;
  /** the route is a location-context snippet file: its content handler lives elsewhere */
  snippet?: boolean;
  name: string;
  /** rewrite-script outcomes of this route's runs so far (see ScriptRun) */
  scripts?: ScriptRun[];
}

/**
 * The rewrite phase of one run: what it read of its PathSpec and what it left. Another run of
 * the same route whose PathSpec answers every one of those reads alike runs the script exactly
 * the same way (the registry only grows, and it finds the tests already registered), so it
 * starts from this outcome instead of running the script again.
 */
interface ScriptRun {
  path: PathSpec;
  seen: Seen;
  final: Final | undefined;
  /** the configuration level the script left the request in */
  level: Level;
  fromServer: boolean;
  vars: Map<string, Val>;
  notes: string[];
  authIfs: Env['authIfs'];
  /** the latest run that started from this outcome: its header values may be taken over */
  last?: PathResult;
}

function copySeen(s: Seen): Seen {
  return { method: s.method.slice(), tests: s.tests.slice(), unknowns: s.unknowns.slice() };
}

/** whether `a`, a later state of the reads recorded in `b`, holds nothing more (reads only ever grow) */
function sameSeenSize(a: Seen, b: Seen): boolean {
  return a.method.length === b.method.length && a.tests.length === b.tests.length && a.unknowns.length === b.unknowns.length;
}

/** whether every read recorded in `seen` gives the same answer for `a` as for `b` */
function seenAlike(seen: Seen, a: PathSpec, b: PathSpec): boolean {
  if (a.method !== b.method) for (const v of seen.method) if (v(a.method) !== v(b.method)) return false;
  if (a.originTest !== b.originTest) for (const t of seen.tests) if ((t >= 0 && t === a.originTest) !== (t >= 0 && t === b.originTest)) return false;
  if (a.unknown !== b.unknown) for (const u of seen.unknowns) if ((a.unknown === u) !== (b.unknown === u)) return false;
  return true;
}

/** the drops of a run whose level loses nothing (never changed) */
const NO_DROPS: PathDrop[] = [];

interface PathDrop {
  decl: HeaderDecl;
  by: Span;
  outcome: OriginOutcome;
  reads?: Reads;
}

interface PathResult {
  path: PathSpec;
  shape: Omit<Responder, 'headers' | 'methods'>;
  /** the final level's headers: `headers[i]` is the evaluation of `lh.decls[i]` */
  lh: LevelHeaders;
  headers: PathHeader[];
  dropped: PathDrop[];
  notes: string[];
  /** everything the run read of its PathSpec */
  seen: Seen;
  /** what the rewrite script and the response shape read, and what they left for the headers */
  script: { seen: Seen; level: Level; fixed: number | undefined; vars: Map<string, Val> };
}

const newSeen = (): Seen => ({ method: [], tests: [], unknowns: [] });

function describeReturn(f: Extract<Final, { kind: 'return' }>, files: Map<string, string>): string {
  const ret = (rawText(files, f.directive.span) ?? `return ${f.status}`).replace(/\s+/g, ' ');
  if (f.ifBlock?.condition) return `if ${condText(files, f.ifBlock.condition)} { ${ret} }`;
  return ret;
}

function runRewritePhase(ctx: RouteCtx, env: Env): { final: Final | undefined; fromServer: boolean; level: Level } {
  const state = { level: ctx.server ?? ctx.location };
  let final: Final | undefined;
  if (ctx.server) final = runScript(ctx.server.own, ctx.server, env, state);
  const fromServer = !!final && final.kind === 'return';
  if (!final || final.kind === 'stop') {
    // `break` ends the server's script only; the location's script still runs
    final = undefined;
    state.level = ctx.location;
    if (!ctx.implicit) {
      const limit = ownNamed(ctx.location, 'limit_except').find((d) => d.block);
      const allowed = limit ? limitExceptMethods(limit) : undefined;
      const limited = !!limit && !!allowed && (methodAs(env, (m) => m === null || !allowed.includes(m)) as boolean);
      if (limited) {
        // find-config swaps in the limit_except block, whose rewrite script is empty
        state.level = innerLevel('limit_except', limit!, ctx.location);
      } else {
        final = runScript(ctx.location.own, ctx.location, env, state);
      }
    }
  }
  return { final, fromServer, level: state.level };
}

/** what answers the request once the rewrite phase is done, and with which status when the gateway fixes it */
function responseShape(
  ctx: RouteCtx,
  env: Env,
  final: Final | undefined,
  fromServer: boolean,
  level: Level,
  files: Map<string, string>,
): { shape: PathResult['shape']; fixed: number | undefined } {
  // Most shapes are the same for every run that gets there: a `return` without a redirect
  // target to evaluate (by directive), and on the route's own level the content handler, a
  // deny, or the static handler (by the method class it reads). Runs share them (shapes are
  // never changed: responders copy their fields).
  let key: NginxDirective | string | undefined;
  if (final && final.kind === 'return') {
    if (final.location === undefined || !REDIRECTS.includes(final.status)) key = final.directive;
  } else if (level === ctx.location) {
    key = 'content';
    if (!authFor(level, files).denyAll && !contentOf(level) && !ctx.snippet) key = methodAs(env, STATIC_METHOD) as string;
  }
  if (key === undefined) return computeResponseShape(ctx, env, final, fromServer, level, files);
  const shapes = (level.shapes ??= []);
  for (const x of shapes) if (x.key === key && x.fromServer === fromServer) return x.result;
  const result = computeResponseShape(ctx, env, final, fromServer, level, files);
  shapes.push({ key, fromServer, result });
  return result;
}

const REDIRECTS = [301, 302, 303, 307, 308];

function computeResponseShape(
  ctx: RouteCtx,
  env: Env,
  final: Final | undefined,
  fromServer: boolean,
  level: Level,
  files: Map<string, string>,
): { shape: PathResult['shape']; fixed: number | undefined } {
  const more = moreSetDecls(level);
  let shape: PathResult['shape'];
  let fixed: number | undefined;
  if (final && final.kind === 'return') {
    fixed = final.status;
    const statusInfo: StatusInfo = { kind: 'fixed', code: final.status, span: final.directive.span };
    shape = {
      answeredBy: 'gateway',
      status: statusInfo,
      auth: [],
      span: final.ifBlock?.span ?? final.directive.span,
      description: describeReturn(final, files) + (fromServer ? ' (server level, before any location)' : ''),
    };
    if ([301, 302, 303, 307, 308].includes(final.status)) {
      const loc = final.location !== undefined ? knownText(evalText(final.location, env)) ?? final.location : undefined;
      shape.redirect = { status: final.status, location: loc, span: final.directive.span };
    }
  } else {
    const { requirements, denyAll } = authFor(level, files);
    const content = contentOf(level);
    if (denyAll) {
      fixed = 403;
      shape = {
        answeredBy: 'gateway',
        status: { kind: 'fixed', code: 403, span: denyAll.span },
        auth: [],
        span: level.kind === 'limit_except' && level.d ? level.d.span : denyAll.span,
        description: level.kind === 'limit_except' && level.d ? `limit_except ${level.d.args.map((a) => a.value).join(' ')} { deny all; }` : 'deny all',
      };
    } else if (content) {
      const backend = (level.backend ??= backendFor(content, level, moreReplaced(more), files));
      const gatewayAnswers = backend.kind === 'none';
      shape = {
        answeredBy: gatewayAnswers ? 'gateway' : 'backend',
        status: gatewayAnswers ? { kind: 'fixed', code: 200 } : { kind: 'backend' },
        auth: requirements,
        backend,
        span: content.span,
        description: backend.description,
      };
      if (gatewayAnswers) fixed = 200;
    } else if (ctx.snippet) {
      // a location snippet is included into a location this run does not show: its handler is unknown
      const backend: Backend = { kind: 'unknown', emitsCors: 'unknown', hiddenHeaders: hiddenHeaders(level, 'proxy_hide_header', moreReplaced(more)), description: 'the handler of the location that includes this snippet' };
      shape = { answeredBy: 'backend', status: { kind: 'backend' }, auth: requirements, backend, span: ctx.location.own[0]?.span ?? { file: '', line: 1, column: 1, endLine: 1, endColumn: 1 }, description: backend.description };
    } else {
      if (level.root === undefined) level.root = nearest(level, ['root', 'alias', 'try_files'])?.ds.at(-1) ?? null;
      const root = level.root ?? undefined;
      let backend = level.backend;
      if (!backend) {
        backend = {
          kind: 'static',
          emitsCors: 'no',
          hiddenHeaders: [],
          description: root ? `static files (${(rawText(files, root.span) ?? root.name).replace(/;$/, '')})` : 'static files (default root)',
          span: root?.span,
        };
        level.backend = backend;
      }
      const span = (ctx.location.d ?? ctx.server?.d)?.span ?? root?.span ?? { file: '', line: 1, column: 1, endLine: 1, endColumn: 1 };
      const method = methodAs(env, STATIC_METHOD);
      if (method === 'GET') {
        shape = { answeredBy: 'backend', status: { kind: 'backend' }, auth: requirements, backend, span, description: backend.description };
      } else if (method === 'POST') {
        // the static handler refuses POST once it has found the file; a missing file is a 404
        fixed = 405;
        shape = {
          answeredBy: 'gateway',
          status: { kind: 'unknown', reason: 'the static handler answers POST with 405 when the file exists, 404 when it does not' },
          auth: requirements,
          backend,
          span,
          description: `${backend.description}: nginx's static handler refuses POST (405, or 404 for a missing file)`,
        };
      } else {
        // ngx_http_static_handler answers methods other than GET/HEAD/POST with 405 (after the access phase)
        fixed = 405;
        shape = {
          answeredBy: 'gateway',
          status: { kind: 'fixed', code: 405 },
          auth: requirements,
          backend,
          span,
          description: `${backend.description}: nginx's static handler answers methods other than GET and HEAD with 405 Not Allowed`,
        };
      }
    }
  }
  return { shape, fixed };
}

function simulate(ctx: RouteCtx, path: PathSpec, reg: Registry, globals: Globals, files: Map<string, string>, literalIfs?: ReadonlySet<NginxDirective>): PathResult {
  // runs with literal auth `if`s are rare detours: they neither use nor feed the memo
  let sr: ScriptRun | undefined;
  if (!literalIfs && ctx.scripts) {
    for (let i = 0; i < ctx.scripts.length && !sr; i++) if (seenAlike(ctx.scripts[i]!.seen, ctx.scripts[i]!.path, path)) sr = ctx.scripts[i];
  }
  let env: Env;
  let final: Final | undefined;
  let fromServer: boolean;
  let scriptLevel: Level;
  let run: ScriptRun | undefined = sr;
  /** what the rewrite phase read (never changed: env.seen goes on growing) */
  let scriptSeen: Seen;
  if (sr) {
    scriptSeen = sr.seen;
    env = newEnv(path, reg, globals, files, sr.vars, sr.notes, copySeen(sr.seen), literalIfs, sr.authIfs);
    ({ final, fromServer, level: scriptLevel } = sr);
  } else {
    env = newEnv(path, reg, globals, files, NO_VARS, [], newSeen(), literalIfs, undefined);
    ({ final, fromServer, level: scriptLevel } = runRewritePhase(ctx, env));
    scriptSeen = copySeen(env.seen);
    if (!literalIfs) {
      run = { path, seen: scriptSeen, final, level: scriptLevel, fromServer, vars: env.vars, notes: env.notes, authIfs: env.authIfs, last: undefined };
      (ctx.scripts ??= []).push(run);
    }
  }
  const level = final && final.kind === 'return' ? final.level : scriptLevel;
  const { shape: shape0, fixed } = responseShape(ctx, env, final, fromServer, level, files);
  let shape = shape0;
  if (env.authIfs) {
    // An auth `if`'s 4xx carries its own level's headers: when they differ from this run's
    // answer, the requirement would predict the wrong ones; simulate it as a plain condition.
    const lost = env.authIfs.filter((a) => errorDeclKey(a.level, a.req.failureStatus!) !== errorDeclKey(level, a.req.failureStatus!));
    if (lost.length) return simulate(ctx, path, reg, globals, files, new Set([...(literalIfs ?? []), ...lost.map((a) => a.d)]));
    // the rewrite phase runs before the access phase
    shape = { ...shape, auth: [...env.authIfs.map((a) => a.req), ...shape.auth] };
  }
  // the response shape usually reads nothing more than the script: then the same record serves
  if (!sameSeenSize(env.seen, scriptSeen)) scriptSeen = copySeen(env.seen);
  const script = { seen: scriptSeen, level, fixed, vars: env.vars };
  const hs = evalResponseHeaders(env, level, fixed, run?.last);
  const result: PathResult = { path, shape, lh: hs.lh, headers: hs.headers, dropped: hs.dropped, notes: env.notes, seen: env.seen, script };
  if (run) run.last = result;
  return result;
}

/** the declarations a level's responses with this error status carry */
function errorDeclKey(level: Level, status: number): string {
  return levelHeaders(level)
    .decls.filter((d) => headerFlags(d, status).onErrors)
    .map((d) => `${d.via}:${d.span.file}:${d.span.offset ?? d.span.line + '.' + d.span.column}`)
    .join('|');
}

/**
 * The header half of a run: values of the final level's declarations (reads only, never `set`s
 * or notes). With `prev`, a run of the same script for another PathSpec, a value whose reads
 * answer alike for both PathSpecs is the same: it is taken over instead of evaluated again.
 */
function evalResponseHeaders(env: Env, level: Level, fixed: number | undefined, prev?: PathResult): Pick<PathResult, 'lh' | 'headers' | 'dropped'> {
  const lh = levelHeaders(level);
  const n = lh.decls.length;
  const headers: PathHeader[] = new Array(n);
  const sameFixed = prev?.script.fixed === fixed;
  for (let i = 0; i < n; i++) {
    const old = prev?.headers[i];
    if (old && (!old.reads || readsAlike(old.reads, prev.path, env.path))) {
      if (old.reads) addReads(env.seen, old.reads);
      headers[i] = sameFixed ? old : withFlags(old, fixed);
    } else headers[i] = evalHeader(lh, i, env, fixed);
  }
  const m = lh.dropped.length;
  const dropped: PathDrop[] = m === 0 ? NO_DROPS : new Array(m);
  for (let i = 0; i < m; i++) {
    const old = prev?.dropped[i];
    if (old && (!old.reads || readsAlike(old.reads, prev.path, env.path))) {
      if (old.reads) addReads(env.seen, old.reads);
      dropped[i] = old;
      continue;
    }
    const x = lh.dropped[i]!;
    const val = evalCaptured(x.decl.value, env);
    dropped[i] = { decl: x.decl, by: x.by, outcome: toOutcome(val), reads: env.cap };
    env.cap = undefined;
  }
  return { lh, headers, dropped };
}

/**
 * A run for another PathSpec whose script and shape read nothing that differs from `base`'s
 * (only the header values look at the origin test): the script runs exactly as in `base`, so
 * only the headers are evaluated again, on its final level and variables.
 */
function rerunHeaders(base: PathResult, path: PathSpec, reg: Registry, globals: Globals, files: Map<string, string>): PathResult {
  const { seen, level, fixed, vars } = base.script;
  const env = newEnv(path, reg, globals, files, vars, [], copySeen(seen), undefined, undefined);
  const hs = evalResponseHeaders(env, level, fixed, base);
  // notes are never changed once a run is made: the base run's are shared
  return { path, shape: base.shape, lh: hs.lh, headers: hs.headers, dropped: hs.dropped, notes: base.notes, seen: env.seen, script: base.script };
}


function limitExceptMethods(d: NginxDirective): string[] {
  const ms = d.args.map((a) => a.value.toUpperCase());
  if (ms.includes('GET') && !ms.includes('HEAD')) ms.push('HEAD');
  return ms;
}

// ---------------------------------------------------------------------------------------------
// merging simulations into responders

function sameOutcome(a: OriginOutcome, b: OriginOutcome): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.kind !== b.kind) return false;
  if (a.kind === 'literal') return a.text === (b as typeof a).text;
  if (a.kind === 'unknown') return a.reason === (b as typeof a).reason;
  return true;
}

/**
 * `JSON.stringify(a) === JSON.stringify(b)` for plain data, without building the strings:
 * same own keys in the same order (undefined values left out), equal leaves. Runs of one route
 * share most sub-objects (auth, backend, spans), which compare by reference.
 */
/** responders compared apart from their methods (both hold methods as their first key) */
const SKIP_IN_RESPONDER: ReadonlySet<string> = new Set(['methods', 'auth', 'headers']);

function jsonEqual(a: unknown, b: unknown, skip?: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return (Number.isFinite(a) ? a : null) === (Number.isFinite(b as number) ? b : null);
  if (typeof a !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] === undefined || typeof a[i] === 'function' ? null : a[i];
      const y = b[i] === undefined || typeof b[i] === 'function' ? null : b[i];
      if (!jsonEqual(x, y)) return false;
    }
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  const bk = Object.keys(bo);
  // walk both key lists, leaving out what JSON leaves out
  const left = (o: Record<string, unknown>, k: string): boolean => !!skip?.has(k) || o[k] === undefined || typeof o[k] === 'function';
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < ak.length && left(ao, ak[i]!)) i++;
    while (j < bk.length && left(bo, bk[j]!)) j++;
    if (i === ak.length || j === bk.length) return i === ak.length && j === bk.length;
    if (ak[i] !== bk[j] || !jsonEqual(ao[ak[i]!], bo[bk[j]!])) return false;
    i++;
    j++;
  }
}

function sameShape(a: PathResult, b: PathResult): boolean {
  return a === b || jsonEqual(a.shape, b.shape);
}

function keyIndex(keys: string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) index.set(keys[i]!, i);
  return index;
}

/** a run's header of that key (keys are unique within a run) */
function pick(r: PathResult, key: string): PathHeader | undefined {
  const i = (r.lh.index ??= keyIndex(r.lh.keys)).get(key);
  return i === undefined ? undefined : r.headers[i];
}

function isErrorShape(s: PathResult['shape']): boolean {
  return s.status.kind === 'fixed' && s.status.code >= 400;
}

interface MethodResult {
  responder: Responder;
  dropped: { header: HeaderRule; droppedBy: Span }[];
  notes: string[];
  /** every method projection any of its runs read (see Seen) */
  methodViews: MethodView[];
}

function toHeaderRule(h: PathHeader, value: HeaderValue, conditions: string[]): HeaderRule {
  // every key present from the start (absent ones undefined, which JSON and jsonEqual leave out):
  // one object shape for every rule, no property store grown afterwards
  return {
    name: h.decl.name,
    value,
    onErrors: h.onErrors,
    onSuccess: h.onSuccess,
    span: h.decl.span,
    addedBy: 'gateway',
    via: h.decl.via,
    valueSpan: h.decl.valueSpan,
    condition: conditions.length ? conditions.join('; ') : undefined,
    unlessBackendSends: h.unless.length ? h.unless : undefined,
  };
}

function sameStrings(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === b) return true;
  const n = a?.length ?? 0;
  if (n !== (b?.length ?? 0)) return false;
  for (let i = 0; i < n; i++) if (a![i] !== b![i]) return false;
  return true;
}

/**
 * The rule for a plain (not by-origin) value of `h`'s declaration: one object per distinct value,
 * conditions, exceptions and status flags, shared by every responder that carries it (rules are
 * never changed once built), so the routes an inherited declaration reaches hold one rule, not
 * one copy each, and per-object caches of the rules hit across them.
 */
function sharedHeaderRule(h: PathHeader, outcome: Exclude<OriginOutcome, null>, conditions: string[]): HeaderRule {
  const rules = (h.decl.rules ??= []);
  const condition = conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : conditions.join('; ');
  const unless = h.unless.length ? h.unless : undefined;
  for (const r of rules) {
    if (r.onErrors !== h.onErrors || r.onSuccess !== h.onSuccess || r.condition !== condition) continue;
    if (!sameStrings(r.unlessBackendSends, unless)) continue;
    const v = r.value;
    const same = v.kind === 'literal' ? outcome.kind === 'literal' && outcome.text === v.text : v.kind === 'unknown' ? outcome.kind === 'unknown' && outcome.reason === v.reason : outcome.kind === v.kind;
    if (same) return r;
  }
  const rule = toHeaderRule(h, outcomeToValue(outcome), conditions);
  rules.push(rule);
  return rule;
}

interface UnknownRun {
  u: UnknownCond;
  r: PathResult;
}

/** a method's runs: with no test true, with each origin test true, with each unknown condition true */
function methodRuns(ctx: RouteCtx, method: string | null, reg: Registry, globals: Globals, files: Map<string, string>): { base: PathResult; byTest: PathResult[]; byUnknown: UnknownRun[] } {
  const base = simulate(ctx, { method, originTest: -1, unknown: null }, reg, globals, files);
  // A test or unknown condition the base run never read cannot change the run: reuse it.
  // One the script never read only changes header values: rerun just those.
  const testRun = (i: number): PathResult => {
    if (!base.seen.tests.includes(i)) return base;
    const path: PathSpec = { method, originTest: i, unknown: null };
    return base.script.seen.tests.includes(i) ? simulate(ctx, path, reg, globals, files) : rerunHeaders(base, path, reg, globals, files);
  };
  const byTest: PathResult[] = [];
  // tests are discovered while simulating: keep going until every known test has its run
  for (let i = 0; i < reg.tests.length; i++) byTest[i] = testRun(i);
  const byUnknown: UnknownRun[] = [];
  for (let i = 0; i < reg.unknowns.length; i++) {
    const u = reg.unknowns[i]!;
    byUnknown.push({ u, r: base.seen.unknowns.includes(u.key) ? simulate(ctx, { method, originTest: -1, unknown: u.key }, reg, globals, files) : base });
    // an unknown condition may have revealed new origin tests
    for (let j = byTest.length; j < reg.tests.length; j++) byTest[j] = testRun(j);
  }
  return { base, byTest, byUnknown };
}

/** appends the strings of `add` missing from `list` (copied first when it is `shared`) */
function unionInto(list: string[], add: string[], shared: boolean): string[] {
  let out = list;
  for (const c of add) {
    if (out.includes(c)) continue;
    if (out === list && shared) out = [...list];
    out.push(c);
  }
  return out;
}

/** header values by header key across the origin runs (`others`: the runs that are not `base`) */
function mergeHeaders(base: PathResult, primary: PathResult, others: { r: PathResult; i: number }[], reg: Registry): HeaderRule[] {
  let keys: string[] = base.lh.keys;
  let firstDecl: Map<string, PathHeader> | undefined;
  if (others.some((x) => x.r.lh !== base.lh)) {
    keys = [];
    firstDecl = new Map();
    for (const h of base.headers) {
      if (!firstDecl.has(h.key)) {
        keys.push(h.key);
        firstDecl.set(h.key, h);
      }
    }
    for (const x of others) {
      for (const h of x.r.headers) {
        if (!firstDecl.has(h.key)) {
          keys.push(h.key);
          firstDecl.set(h.key, h);
        }
      }
    }
  }
  // every run on the base run's level (the common case): the k-th header of each run is the k-th key's
  const byPosition = !firstDecl;
  const headers: HeaderRule[] = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const bh = byPosition ? base.headers[k] : pick(base, key);
    const ref = (byPosition ? primary.headers[k] : pick(primary, key)) ?? bh ?? firstDecl!.get(key)!;
    const o0 = bh?.outcome ?? null;
    let conditions: string[] = [];
    if (bh) conditions = bh.conditions.length > 1 ? unionInto([], bh.conditions, false) : bh.conditions;
    let cases: OriginCase[] | undefined;
    for (const x of others) {
      const h = byPosition ? x.r.headers[k] : pick(x.r, key);
      if (h === bh) continue;
      if (h && h.conditions.length) conditions = unionInto(conditions, h.conditions, conditions === bh?.conditions);
      const o = h?.outcome ?? null;
      if (!sameOutcome(o, o0)) (cases ??= []).push({ when: reg.tests[x.i]!.matcher, then: o });
    }
    if (!cases) {
      if (o0 === null) continue; // empty value: nginx sends no header
      headers.push(sharedHeaderRule(ref, o0, conditions));
    } else {
      headers.push(toHeaderRule(ref, { kind: 'by-origin', cases, otherwise: o0 }, conditions));
    }
  }
  return headers;
}

/** unknown conditions: headers that appear only when the condition holds, or only when it does not */
function applyUnknowns(headers: HeaderRule[], notes: string[], base: PathResult, byUnknown: UnknownRun[]): void {
  for (const { u, r } of byUnknown) {
    if (r !== base) {
      const baseKeys = new Map(base.headers.map((h) => [h.decl.span.offset + ':' + h.key, h]));
      const unkKeys = new Map(r.headers.map((h) => [h.decl.span.offset + ':' + h.key, h]));
      for (const [k, h] of unkKeys) {
        const b = baseKeys.get(k);
        if (b && sameOutcome(b.outcome, h.outcome)) continue;
        if (h.outcome === null) continue;
        headers.push(toHeaderRule(h, outcomeToValue(h.outcome), [...h.conditions, `only when ${u.text} holds`]));
      }
      for (const [k, b] of baseKeys) {
        if (unkKeys.has(k)) continue;
        const i = headers.findIndex((x) => x.span === b.decl.span && x.name === b.decl.name);
        // rules may be shared with other responders: a changed one is a copy
        const rule = headers[i];
        if (rule) headers[i] = { ...rule, condition: [rule.condition, `not when ${u.text} holds`].filter(Boolean).join('; ') };
      }
      if (!sameShape(r, base)) notes.push(`when ${u.text} holds: ${r.shape.description}`);
    }
    for (const n of r.notes) notes.push(n);
  }
}

/** outer declarations lost to inheritance, over the runs in order (each declaration once) */
function mergeDropped(runs: PathResult[]): MethodResult['dropped'] {
  const dropped: MethodResult['dropped'] = [];
  let seenDrop: Set<string> | undefined;
  const done: PathResult[] = [];
  for (const r of runs) {
    if (r.dropped.length === 0 || done.includes(r)) continue; // a run met again adds nothing new
    done.push(r);
    for (const d of r.dropped) {
      if (d.outcome === null) continue;
      const k = `${d.decl.span.file}:${d.decl.span.offset}:${d.by.offset}`;
      if ((seenDrop ??= new Set()).has(k)) continue;
      seenDrop.add(k);
      const flags = headerFlags(d.decl, r.shape.status.kind === 'fixed' ? r.shape.status.code : undefined);
      const header: HeaderRule = {
        name: d.decl.name,
        value: outcomeToValue(d.outcome),
        onErrors: flags.onErrors,
        onSuccess: flags.onSuccess,
        span: d.decl.span,
        addedBy: 'gateway',
        via: d.decl.via,
        valueSpan: d.decl.valueSpan,
        condition: undefined,
        unlessBackendSends: undefined,
      };
      dropped.push({ header, droppedBy: d.by });
    }
  }
  return dropped;
}

function originLabel(t: OriginMatcher): string {
  return t.kind === 'regex' ? `~${t.caseInsensitive ? '*' : ''} ${t.source}` : t.kind === 'exact' ? t.origin : t.kind;
}

function simulateMethod(ctx: RouteCtx, method: string | null, reg: Registry, globals: Globals, files: Map<string, string>): MethodResult {
  const { base, byTest, byUnknown } = methodRuns(ctx, method, reg, globals, files);
  const methodViews = base.seen.method.slice();
  // the origin runs that differ from the base run (every test has its own run when it does)
  const others: { r: PathResult; i: number }[] = [];
  for (let i = 0; i < byTest.length; i++) {
    const r = byTest[i]!;
    if (r === base) continue;
    others.push({ r, i });
    for (const v of r.seen.method) addOnce(methodViews, v);
  }
  for (const x of byUnknown) if (x.r !== base) for (const v of x.r.seen.method) addOnce(methodViews, v);
  const notes = [...base.notes];

  // the responder's shape: the base run's, unless it is an error the allowlisted origins avoid
  let primary = base;
  // an origin gate that changes who answers (an allowlisted origin gets the 204, or avoids a
  // 403) is modelled from the allowed origins' side: that is what configured clients meet
  const gated = others.find((x) => !sameShape(x.r, base) && !isErrorShape(x.r.shape));
  if (gated) primary = gated.r;
  if (primary !== base) {
    for (let i = 0; i < byTest.length; i++) {
      const r = byTest[i]!;
      if (!sameShape(r, primary)) notes.push(`for origins matching ${originLabel(reg.tests[i]!.matcher)}: ${r.shape.description}`);
    }
    notes.push(`for other origins: ${base.shape.description}`);
  } else {
    for (const x of others) if (!sameShape(x.r, primary)) notes.push(`for origins matching ${originLabel(reg.tests[x.i]!.matcher)}: ${x.r.shape.description}`);
  }

  const headers = mergeHeaders(base, primary, others, reg);
  applyUnknowns(headers, notes, base, byUnknown);
  let dropped: MethodResult['dropped'] = [];
  if (primary.dropped.length || byTest.some((r) => r.dropped.length) || byUnknown.some((x) => x.r.dropped.length)) {
    const runs: PathResult[] = [primary];
    for (const r of byTest) runs.push(r);
    for (const x of byUnknown) runs.push(x.r);
    dropped = mergeDropped(runs);
  }
  const responder = toResponder(primary.shape, headers);
  return { responder, dropped, notes, methodViews };
}

/**
 * A responder from a run's shape, its fields written out in the order the shape's spread gave
 * (`{ methods, ...shape, headers }` built the object key by key, off V8's fast path). Every
 * responder gets every key (absent ones undefined, which JSON and jsonEqual leave out), so they
 * share one object shape.
 */
function toResponder(s: PathResult['shape'], headers: HeaderRule[]): Responder {
  return {
    methods: '*',
    answeredBy: s.answeredBy,
    status: s.status,
    auth: s.auth,
    backend: s.backend,
    span: s.span,
    description: s.description,
    redirect: s.redirect,
    headers,
  };
}

/** the method names a level's directive tree names (limit_except, $request_method tests), in tree order */
function methodNamesOf(level: Level): string[] {
  let names = level.methodNames;
  if (names) return names;
  const found = new Set<string>();
  walkAll(level.own, (d) => {
    if (d.name === 'limit_except') for (const a of d.args) found.add(a.value.toUpperCase());
    const c = d.condition;
    if (c && c.variable.toLowerCase() === '$request_method' && c.operand) {
      if (c.operator === '=' || c.operator === '!=') found.add(c.operand.value);
      else for (const m of STANDARD_METHODS) found.add(m);
    }
  });
  level.methodNames = names = [...found];
  return names;
}

/** whether two span keys (`file:offset`, or `file:line.column` without offsets) are equal */
function sameSpanKey(a: Span, b: Span): boolean {
  if (a === b) return true;
  if (a.file !== b.file) return false;
  if (a.offset !== undefined || b.offset !== undefined) return a.offset === b.offset;
  return a.line === b.line && a.column === b.column;
}

/**
 * Compact identity of a method's result: auth by span, mechanism and satisfyAny; headers by
 * declaration position and everything that can differ between methods; drops by positions.
 */
function sameIdentity(a: MethodResult, b: MethodResult): boolean {
  const aa = a.responder.auth;
  const ba = b.responder.auth;
  if (aa.length !== ba.length) return false;
  for (let i = 0; i < aa.length; i++) {
    const x = aa[i]!;
    const y = ba[i]!;
    if (!sameSpanKey(x.span, y.span) || x.mechanism !== y.mechanism || x.satisfyAny !== y.satisfyAny) return false;
  }
  const ah = a.responder.headers;
  const bh = b.responder.headers;
  if (ah.length !== bh.length) return false;
  for (let i = 0; i < ah.length; i++) {
    const x = ah[i]!;
    const y = bh[i]!;
    if (x === y) continue;
    if (!sameSpanKey(x.span, y.span) || x.name !== y.name || x.onSuccess !== y.onSuccess || x.onErrors !== y.onErrors) return false;
    if ((x.condition ?? '') !== (y.condition ?? '')) return false;
    if (x.unlessBackendSends !== y.unlessBackendSends && (x.unlessBackendSends?.join(',') ?? '') !== (y.unlessBackendSends?.join(',') ?? '')) return false;
    if (!jsonEqual(x.value, y.value)) return false;
  }
  const ad = a.dropped;
  const bd = b.dropped;
  if (ad.length !== bd.length) return false;
  for (let i = 0; i < ad.length; i++) {
    if (!sameSpanKey(ad[i]!.header.span, bd[i]!.header.span) || !sameSpanKey(ad[i]!.droppedBy, bd[i]!.droppedBy)) return false;
  }
  return true;
}

function methodUniverse(ctx: RouteCtx, reg: Registry): string[] {
  const names: string[] = ['OPTIONS'];
  for (const m of methodNamesOf(ctx.location)) addOnce(names, m);
  if (ctx.server) for (const m of methodNamesOf(ctx.server)) addOnce(names, m);
  // the static handler and limit_except treat methods differently
  if ((!contentOf(ctx.location) && !ctx.snippet) || ctx.location.byName.has('limit_except')) for (const m of STANDARD_METHODS) addOnce(names, m);
  void reg;
  return names.every((m) => METHOD_NAME.test(m)) ? names : names.filter((m) => METHOD_NAME.test(m));
}

/** whether every method projection in `views` answers alike for `a` and `b` */
function readsMethodAlike(views: MethodView[], a: string | null, b: string | null): boolean {
  for (let i = 0; i < views.length; i++) if (views[i]!(a) !== views[i]!(b)) return false;
  return true;
}

function buildResponders(ctx: RouteCtx, globals: Globals, files: Map<string, string>): { responders: Responder[]; dropped: DroppedHeader[]; notes: string[] } {
  const reg = new Registry();
  const methods = methodUniverse(ctx, reg);
  /** results[k]: the result of methods[k]; the last one is for any other method (null) */
  const results: MethodResult[] = new Array(methods.length + 1);
  // A method that reads like an already simulated one (every method projection its runs read
  // gives the same answer) runs exactly like it: the registry only grows, and tests the earlier
  // runs never read leave them unchanged.
  const simulated: (string | null)[] = [];
  const simulatedResults: MethodResult[] = [];
  for (let k = 0; k <= methods.length; k++) {
    const m = k < methods.length ? methods[k]! : null;
    let r: MethodResult | undefined;
    for (let j = 0; j < simulated.length && !r; j++) if (readsMethodAlike(simulatedResults[j]!.methodViews, simulated[j]!, m)) r = simulatedResults[j];
    if (!r) {
      r = simulateMethod(ctx, m, reg, globals, files);
      simulated.push(m);
      simulatedResults.push(r);
    }
    results[k] = r;
  }
  // Two results are the same responder when their auth, headers and drops match by declaration
  // position and value, and the rest of their responders (all but methods, auth and headers)
  // would serialize alike.
  // methods share results: each pair is compared once
  const compared: { a: MethodResult; b: MethodResult; same: boolean }[] = [];
  const sameResult = (a: MethodResult, b: MethodResult): boolean => {
    if (a === b) return true;
    for (const c of compared) if ((c.a === a && c.b === b) || (c.a === b && c.b === a)) return c.same;
    const same = sameIdentity(a, b) && jsonEqual(a.responder, b.responder, SKIP_IN_RESPONDER);
    compared.push({ a, b, same });
    return same;
  };
  const other = results[methods.length]!;
  const groups: { methods: string[]; r: MethodResult }[] = [];
  for (let k = 0; k < methods.length; k++) {
    const m = methods[k]!;
    const r = results[k]!;
    if (sameResult(r, other)) continue;
    const g = groups.find((x) => sameResult(x.r, r));
    if (g) g.methods.push(m);
    else groups.push({ methods: [m], r });
  }
  // OPTIONS-specific responders first, then the other methods, then '*'
  // (a method is in one group at most: moving that group to the front is the stable sort)
  const optionsGroup = groups.findIndex((g) => g.methods.includes('OPTIONS'));
  if (optionsGroup > 0) groups.unshift(...groups.splice(optionsGroup, 1));
  const responders: Responder[] = [];
  const dropped: DroppedHeader[] = [];
  const notes: string[] = [];
  const push = (r: MethodResult, ms: string[] | '*'): void => {
    const index = responders.length;
    // each result is pushed once, and its responder was built for this route alone
    r.responder.methods = ms;
    responders.push(r.responder);
    for (const d of r.dropped) dropped.push({ header: d.header, droppedBy: d.droppedBy, responderIndex: index });
    for (const n of r.notes) if (!notes.includes(n)) notes.push(n);
  };
  for (const g of groups) push(g.r, g.methods);
  push(other, '*');
  return { responders, dropped, notes };
}

// ---------------------------------------------------------------------------------------------
// routes

function pathMatch(d: NginxDirective): PathMatch {
  const a = d.args.map((x) => x.value);
  if (a.length >= 2) {
    const [mod, p] = [a[0]!, a[1]!];
    if (mod === '=') return { kind: 'exact', value: p };
    if (mod === '~') return { kind: 'regex', value: p };
    if (mod === '~*') return { kind: 'regex', value: p, caseInsensitive: true };
    if (mod === '^~') return { kind: 'prefix', value: p };
  }
  const p = a[0] ?? '/';
  // `location ~^/x` without a space is still a regex location
  if (p.startsWith('~*')) return { kind: 'regex', value: p.slice(2), caseInsensitive: true };
  if (p.startsWith('~')) return { kind: 'regex', value: p.slice(1) };
  if (p.startsWith('=')) return { kind: 'exact', value: p.slice(1) };
  if (p.startsWith('^~')) return { kind: 'prefix', value: p.slice(2) };
  return { kind: 'prefix', value: p };
}

function locationLabel(d: NginxDirective): string {
  return `location ${d.args.map((a) => a.value).join(' ')}`;
}

interface ServerInfo {
  hosts: string[];
  listen: { port: string; ssl: boolean; span: Span }[];
  label: string;
}

function serverInfo(server: Level): ServerInfo {
  const hosts = ownNamed(server, 'server_name').flatMap((d) => d.args.map((a) => a.value.replace(/,$/, ''))).filter((h) => h && h !== '_' && h !== '""');
  const listen = ownNamed(server, 'listen').map((d) => {
    const addr = d.args[0]?.value ?? '80';
    const m = /(?:^|:)(\d+)$/.exec(addr);
    const defaultServer = d.args.some((a) => a.value === 'default_server' || a.value === 'default');
    return { port: m ? m[1]! : /^\d+$/.test(addr) ? addr : '80', ssl: d.args.some((a) => a.value === 'ssl'), span: d.span, ...(defaultServer ? { defaultServer } : {}) };
  });
  let label: string;
  if (hosts.length) label = `server ${hosts.join(' ')}`;
  else if (listen.length) label = `server :${listen.map((l) => l.port).join(',:')}`;
  else label = server.d ? `server at ${basename(server.d.span.file)}:${server.d.span.line}` : '';
  return { hosts, listen, label };
}

function fileSpan(file: string, text: string): Span {
  const lines = text.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { file, line: 1, column: 1, endLine: lines.length, endColumn: last.length + 1, offset: 0, endOffset: text.length };
}

function collectCookies(responders: Responder[], level: Level): CookieRule[] {
  const out: CookieRule[] = [];
  let seen: Set<string> | undefined;
  for (const r of responders) {
    for (const h of r.headers) {
      if (h.name.length !== 10 || h.name.toLowerCase() !== 'set-cookie') continue;
      const k = `${h.span.file}:${h.span.offset}`;
      if ((seen ??= new Set()).has(k)) continue;
      seen.add(k);
      const text = h.value.kind === 'literal' ? h.value.text : '';
      const semi = text.indexOf(';');
      out.push({ attributes: semi >= 0 ? text.slice(semi + 1).trim() : '', span: h.span, via: h.via });
    }
  }
  const flags = nearest(level, ['proxy_cookie_flags']);
  for (const d of flags?.ds ?? []) {
    const attrs: string[] = [];
    for (const a of d.args.slice(1)) {
      const v = a.value.toLowerCase();
      if (v === 'secure') attrs.push('Secure');
      else if (v === 'httponly') attrs.push('HttpOnly');
      else if (v.startsWith('samesite=')) attrs.push(`SameSite=${a.value.slice(9).charAt(0).toUpperCase()}${a.value.slice(10).toLowerCase()}`);
    }
    if (d.args.slice(1).some((a) => /^samesite=|^secure$/i.test(a.value))) out.push({ attributes: attrs.join('; '), span: d.span, via: 'proxy_cookie_flags' });
  }
  const paths = nearest(level, ['proxy_cookie_path']);
  for (const d of paths?.ds ?? []) {
    const repl = d.args[1]?.value ?? '';
    const semi = repl.indexOf(';');
    if (semi >= 0 && /samesite|secure/i.test(repl)) out.push({ attributes: repl.slice(semi + 1).trim(), span: d.span, via: 'proxy_cookie_path' });
  }
  return out;
}

function errorPages(level: Level): Route['errorPages'] {
  const n = nearest(level, ['error_page']);
  if (!n) return undefined;
  return n.ds.map((d) => {
    const args = d.args.map((a) => a.value);
    const codes: number[] = [];
    let status: number | undefined;
    let target = '';
    for (const a of args) {
      if (/^\d{3}$/.test(a)) codes.push(Number(a));
      else if (/^=\d{3}$/.test(a)) status = Number(a.slice(1));
      else if (a !== '=') target = a;
    }
    return status !== undefined ? { codes, target, status, span: d.span } : { codes, target, span: d.span };
  });
}

function unresolvedOf(levels: (Level | undefined)[]): { reason: string; span: Span }[] {
  const out: { reason: string; span: Span }[] = [];
  for (let l = levels.find(Boolean); l; l = l.parent) for (const s of l.unresolved) out.push({ reason: 'an include that could not be resolved', span: s });
  return out;
}

function makeRoute(
  ctx: RouteCtx,
  id: string,
  span: Span,
  match: Route['match'],
  globals: Globals,
  files: Map<string, string>,
): Route {
  const { responders, dropped, notes } = buildResponders(ctx, globals, files);
  const route: Route = {
    id,
    source: 'nginx',
    name: ctx.name,
    span,
    match,
    responders,
    droppedHeaders: dropped,
    cookies: collectCookies(responders, ctx.location),
  };
  const req: { name: string; reason: string; span: Span }[] = [];
  for (const r of responders) {
    for (const a of r.auth) {
      if (a.header && !req.some((x) => x.span === a.span)) req.push({ name: a.header, reason: a.description, span: a.span });
    }
  }
  if (req.length) route.requiredRequestHeaders = req;
  if (notes.length) route.notes = notes;
  if (ctx.implicit) route.implicit = true;
  const incomplete = [...unresolvedOf([ctx.location])];
  for (const d of ctx.location.own) if (d.name === 'if' && d.block) incomplete.push(...ifLevelFor(ctx.location, d).unresolved.map((s) => ({ reason: 'an include that could not be resolved', span: s })));
  if (incomplete.length) route.incomplete = incomplete;
  const ep = errorPages(ctx.location);
  if (ep) route.errorPages = ep;
  return route;
}

function locationRoutes(
  loc: NginxDirective,
  parent: Level,
  server: Level | undefined,
  info: ServerInfo | undefined,
  globals: Globals,
  files: Map<string, string>,
  out: Route[],
): void {
  const first = loc.args[0]?.value ?? '';
  const level = makeLevel('location', loc.block ?? [], parent, loc);
  if (!first.startsWith('@')) {
    const where = info?.label ? ` (${info.label})` : '';
    const name = `${locationLabel(loc)}${where}`;
    const match: Route['match'] = {
      hosts: info?.hosts ?? [],
      path: pathMatch(loc),
      methods: '*',
      span: loc.args[0] ? { ...loc.args[0].span, endLine: loc.args.at(-1)!.span.endLine, endColumn: loc.args.at(-1)!.span.endColumn, endOffset: loc.args.at(-1)!.span.endOffset } : loc.nameSpan,
    };
    const limit = ownNamed(level, 'limit_except')[0];
    if (limit) match.methods = limitExceptMethods(limit);
    if (info?.listen.length) match.listen = info.listen;
    // For route selection (src/simulate/select.ts): the server block, the enclosing location, ^~.
    if (server?.d) match.server = `nginx:${server.d.span.file}:${server.d.span.line}:${server.d.span.column}`;
    if (parent.kind === 'location' && parent.d) match.parent = `nginx:${parent.d.span.file}:${parent.d.span.line}:${parent.d.span.column}`;
    if (loc.args[0]?.value === '^~' || (loc.args.length === 1 && loc.args[0]!.value.startsWith('^~'))) match.path.noRegex = true;
    const route = safeRoute(() => makeRoute({ server, location: level, implicit: false, name }, `nginx:${loc.span.file}:${loc.span.line}:${loc.span.column}`, loc.span, match, globals, files), name, loc.span);
    const internal = ownNamed(level, 'internal')[0];
    if (internal) route.internal = internal.span;
    out.push(route);
  }
  for (const d of level.own) if (d.name === 'location' && d.block) locationRoutes(d, level, server, info, globals, files, out);
}

function safeRoute(make: () => Route, name: string, span: Span): Route {
  try {
    return make();
  } catch (err) {
    const reason = `corslint could not evaluate this block: ${err instanceof Error ? err.message : String(err)}`;
    return {
      id: `nginx:${span.file}:${span.line}:${span.column}`,
      source: 'nginx',
      name,
      span,
      match: { hosts: [], path: { kind: 'any', value: '' }, methods: '*' },
      responders: [{ methods: '*', answeredBy: 'nobody', status: { kind: 'unknown', reason }, headers: [], auth: [], span, description: reason }],
      droppedHeaders: [],
      cookies: [],
      notes: [reason],
    };
  }
}

function serverRoutes(server: Level, globals: Globals, files: Map<string, string>, out: Route[], snippet: boolean): void {
  const info = serverInfo(server);
  const locations = server.own.filter((d) => d.name === 'location' && d.block);
  for (const loc of locations) locationRoutes(loc, server, server, info, globals, files, out);
  const hasRoot = locations.some((l) => {
    const p = pathMatch(l);
    return p.kind === 'prefix' && p.value === '/';
  });
  if ((!snippet && !hasRoot) || (snippet && locations.length === 0)) {
    const span = server.d?.span ?? out[0]?.span ?? { file: '', line: 1, column: 1, endLine: 1, endColumn: 1 };
    const label = info.label || `${basename(span.file)} (server snippet)`;
    const name = locations.length ? `${label} (requests no location matches)` : label;
    const match: Route['match'] = { hosts: info.hosts, path: { kind: 'any', value: '' }, methods: '*' };
    if (info.listen.length) match.listen = info.listen;
    if (server.d) match.server = `nginx:${server.d.span.file}:${server.d.span.line}:${server.d.span.column}`;
    out.push(safeRoute(() => makeRoute({ server, location: server, implicit: true, name }, `nginx:${span.file}:${span.line}:${span.column}:server`, span, match, globals, files), name, span));
  }
}

function httpRoutes(http: Level, globals: Globals, files: Map<string, string>, out: Route[]): void {
  for (const d of http.own) {
    if (d.name === 'server' && d.block) serverRoutes(makeLevel('server', d.block, http, d), globals, files, out, false);
  }
}

/** Evaluates every parsed unit into routes; a unit that fails yields an `unknown` route instead of an exception. */
export function evaluateNginx(units: NginxUnit[], files: Map<string, string>): Route[] {
  const routes: Route[] = [];
  let globals: Globals;
  try {
    globals = collectGlobals(units);
  } catch {
    globals = { maps: new Map(), setVars: new Set(), opaque: new Map() };
  }
  for (const unit of units) {
    const out: Route[] = [];
    const f = unit.file;
    try {
      if (unit.context === 'main') {
        const https = f.directives.filter((d) => d.name === 'http' && d.block);
        for (const h of https) httpRoutes(makeLevel('http', h.block ?? [], undefined, h), globals, files, out);
      } else if (unit.context === 'http') {
        httpRoutes(makeLevel('http', f.directives, undefined), globals, files, out);
      } else if (unit.context === 'server') {
        serverRoutes(makeLevel('server', f.directives, undefined), globals, files, out, true);
      } else {
        const level = makeLevel('location', f.directives, undefined);
        const name = `${basename(f.path)} (location snippet)`;
        const span = fileSpan(f.path, f.text);
        out.push(
          safeRoute(
            () => makeRoute({ location: level, implicit: false, snippet: true, name }, `nginx:${f.path}:location`, span, { hosts: [], path: { kind: 'any', value: '' }, methods: '*' }, globals, files),
            name,
            span,
          ),
        );
        for (const d of level.own) if (d.name === 'location' && d.block) locationRoutes(d, level, undefined, undefined, globals, files, out);
      }
    } catch (err) {
      out.push(safeRoute(() => { throw err; }, basename(f.path), fileSpan(f.path, f.text)));
    }
    routes.push(...out);
  }
  return routes;
}
