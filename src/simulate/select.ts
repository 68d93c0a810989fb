/**
 * Picks the route a gateway would use for a request, the way each gateway does:
 * - nginx: the server by `listen` port, then `server_name` (exact, longest leading wildcard,
 *   longest trailing wildcard, first regex, then the port's `default_server` or first server);
 *   then the location (exact `=`, longest prefix, its nested locations, `^~` stopping the regex
 *   search at its level, regexes in config order, nested locations of a matching regex);
 * - API Gateway: path templates, the most specific first (literal > `{param}` > `{proxy+}`);
 * - CloudFront: path patterns in behavior order, the default behavior last.
 */
import { compileOriginRegex } from '../model/patterns.js';
import type { PathMatch, Route } from '../model/types.js';

export interface RequestTarget {
  host?: string;
  /** the path as sent (query stripped by the caller or here) */
  path: string;
  port?: string;
  method?: string;
}

export interface Selection {
  route: Route | undefined;
  /** how the route was chosen, for the story */
  reasons: string[];
}

/** Parses `--url` into a target; the port defaults by scheme. */
export function targetFromUrl(url: string): RequestTarget | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
  const t: RequestTarget = { host: u.hostname, path: u.pathname || '/' };
  if (port) t.port = port;
  return t;
}

/** nginx normalizes the URI before matching: %XX decoded, `//` merged, query dropped. */
function normalizeUri(path: string): string {
  let p = path.split('?')[0] ?? '/';
  try {
    p = decodeURIComponent(p);
  } catch {
    // keep it encoded: nginx answers 400 for bad escapes
  }
  p = p.replace(/\/{2,}/g, '/');
  return p.startsWith('/') ? p : `/${p}`;
}

function orderOf(r: Route, index: Map<Route, number>): number {
  return r.match.order ?? index.get(r) ?? 0;
}

function regexTest(source: string, caseInsensitive: boolean, text: string): boolean {
  const c = compileOriginRegex(source, caseInsensitive, 'pcre');
  return c.ok ? c.regexp.test(text) : false;
}

// ----------------------------------------------------------------------------------------------
// nginx

type NameMatch = { rank: number; length: number; order: number };

/** How a server's names match a host: rank 4 exact, 3 leading wildcard, 2 trailing wildcard, 1 regex. */
function serverNameMatch(names: string[], host: string, order: number): NameMatch | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  let best: NameMatch | undefined;
  const consider = (m: NameMatch) => {
    if (!best || m.rank > best.rank || (m.rank === best.rank && m.length > best.length)) best = m;
  };
  for (const raw of names) {
    const n = raw.toLowerCase();
    if (n.startsWith('~')) {
      if (regexTest(n.slice(1), false, h)) consider({ rank: 1, length: 0, order });
    } else if (n.startsWith('*.')) {
      if (h.endsWith(n.slice(1))) consider({ rank: 3, length: n.length, order });
    } else if (n.startsWith('.')) {
      // `.example.com` is `example.com` plus `*.example.com`
      if (h === n.slice(1)) consider({ rank: 4, length: n.length, order });
      else if (h.endsWith(n)) consider({ rank: 3, length: n.length, order });
    } else if (n.endsWith('.*')) {
      if (h.startsWith(n.slice(0, -1))) consider({ rank: 2, length: n.length, order });
    } else if (n === h) {
      consider({ rank: 4, length: n.length, order });
    }
  }
  return best;
}

interface ServerGroup {
  id: string;
  routes: Route[];
  hosts: string[];
  ports: string[];
  defaultPorts: string[];
  order: number;
}

function nginxServers(routes: Route[], index: Map<Route, number>): ServerGroup[] {
  const groups = new Map<string, ServerGroup>();
  for (const r of routes) {
    const id = r.match.server ?? `hosts:${r.match.hosts.join(' ')}`;
    let g = groups.get(id);
    if (!g) {
      g = { id, routes: [], hosts: r.match.hosts, ports: [], defaultPorts: [], order: orderOf(r, index) };
      groups.set(id, g);
    }
    g.routes.push(r);
    for (const l of r.match.listen ?? []) {
      if (!g.ports.includes(l.port)) g.ports.push(l.port);
      if (l.defaultServer && !g.defaultPorts.includes(l.port)) g.defaultPorts.push(l.port);
    }
  }
  for (const g of groups.values()) if (g.ports.length === 0) g.ports.push('80');
  return [...groups.values()].sort((a, b) => a.order - b.order);
}

function pickNginxServer(groups: ServerGroup[], target: RequestTarget, reasons: string[], strictHost: boolean): ServerGroup | undefined {
  let candidates = groups;
  if (target.port) {
    const onPort = groups.filter((g) => g.ports.includes(target.port!));
    if (onPort.length) candidates = onPort;
    else reasons.push(`no server listens on port ${target.port}; matching server names across all ports`);
  }
  if (target.host) {
    let best: { g: ServerGroup; m: NameMatch } | undefined;
    for (const g of candidates) {
      const m = serverNameMatch(g.hosts, target.host, g.order);
      if (!m) continue;
      // Regexes: the first in config order wins; others: exact > leading wildcard > trailing wildcard, longest first.
      if (!best || m.rank > best.m.rank || (m.rank === best.m.rank && m.rank !== 1 && m.length > best.m.length)) best = { g, m };
    }
    if (best) {
      const kind = ['', 'a regex', 'a trailing wildcard', 'a leading wildcard', 'the exact name'][best.m.rank];
      reasons.push(`server_name: ${target.host} matches ${kind}`);
      return best.g;
    }
  }
  if (strictHost) {
    reasons.push(`no server_name matches ${target.host ?? '(no Host)'}`);
    return undefined;
  }
  const port = target.port;
  const def = port ? candidates.find((g) => g.defaultPorts.includes(port)) : undefined;
  if (def) {
    reasons.push(`no server_name matches ${target.host ?? '(no Host)'}: the default_server for port ${port} answers`);
    return def;
  }
  const first = candidates[0];
  if (first) reasons.push(`no server_name matches ${target.host ?? '(no Host)'}: the first server${port ? ` on port ${port}` : ''} is the default`);
  return first;
}

function prefixMatches(p: PathMatch, uri: string): boolean {
  return uri.startsWith(p.value);
}

function regexMatches(p: PathMatch, uri: string): boolean {
  return regexTest(p.value, !!p.caseInsensitive, uri);
}

/** ngx_http_core_find_location over one level of locations. */
function findLocation(level: Route[], childrenOf: (r: Route) => Route[], uri: string, reasons: string[]): { route?: Route; final: boolean } {
  const exact = level.find((r) => r.match.path.kind === 'exact' && r.match.path.value === uri);
  if (exact) {
    reasons.push(`location = ${exact.match.path.value} matches exactly`);
    return { route: exact, final: true };
  }
  let best: Route | undefined;
  for (const r of level) {
    const p = r.match.path;
    if (p.kind === 'prefix' && prefixMatches(p, uri) && (!best || p.value.length > best.match.path.value.length)) best = r;
  }
  let result: Route | undefined = best;
  if (best) {
    reasons.push(`the longest matching prefix is location ${best.match.path.noRegex ? '^~ ' : ''}${best.match.path.value}`);
    const nested = childrenOf(best);
    if (nested.length) {
      const inner = findLocation(nested, childrenOf, uri, reasons);
      if (inner.final) return inner;
      if (inner.route) result = inner.route;
    }
    if (best.match.path.noRegex) {
      reasons.push('^~: regex locations are not checked');
      return { route: result, final: false };
    }
  }
  for (const r of level) {
    if (r.match.path.kind !== 'regex' || !regexMatches(r.match.path, uri)) continue;
    reasons.push(`regex location ~${r.match.path.caseInsensitive ? '*' : ''} ${r.match.path.value} matches first (regexes are checked in config order)`);
    const inner = findLocation(childrenOf(r), childrenOf, uri, reasons);
    return { route: inner.route ?? r, final: true };
  }
  return { route: result, final: false };
}

function selectNginx(routes: Route[], target: RequestTarget, index: Map<Route, number>, strictHost: boolean): Selection {
  const reasons: string[] = [];
  const server = pickNginxServer(nginxServers(routes, index), target, reasons, strictHost);
  if (!server) return { route: undefined, reasons };
  const uri = normalizeUri(target.path);
  const byId = new Map(server.routes.map((r) => [r.id, r]));
  const childrenOf = (r: Route) => server.routes.filter((c) => c.match.parent === r.id);
  const top = server.routes.filter((r) => r.match.path.kind !== 'any' && (!r.match.parent || !byId.has(r.match.parent)));
  const found = findLocation(top, childrenOf, uri, reasons);
  if (found.route) return { route: found.route, reasons };
  const implicit = server.routes.find((r) => r.match.path.kind === 'any');
  if (implicit) reasons.push(`no location matches ${uri}: the server's own configuration answers`);
  else reasons.push(`no location matches ${uri}`);
  return { route: implicit, reasons };
}

// ----------------------------------------------------------------------------------------------
// API Gateway path templates and CloudFront path patterns

/** Specificity of a template match per segment: 3 literal, 2 `{param}`, 1 `{proxy+}`; undefined when it does not match. */
function templateMatch(template: string, path: string): number[] | undefined {
  const t = template.replace(/^\^|\$$/g, '').split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  const score: number[] = [];
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    if (/^\{[^}]+\+\}$/.test(seg)) {
      // greedy: one or more remaining segments
      if (p.length <= i) return undefined;
      score.push(1);
      return score;
    }
    const s = p[i];
    if (s === undefined) return undefined;
    if (/^\{[^}]+\}$/.test(seg)) score.push(2);
    else if (seg === s) score.push(3);
    else return undefined;
  }
  return p.length === t.length ? score : undefined;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const globCache = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body.startsWith('/') ? '' : '/?'}${body}$`);
    globCache.set(glob, re);
  }
  return re;
}

function servesMethod(r: Route, method: string | undefined): boolean {
  if (!method) return true;
  const m = r.match.methods;
  return m === '*' || m.includes(method) || m.includes('ANY') || (method === 'OPTIONS' && r.responders.some((x) => x.methods === '*' || x.methods.includes('OPTIONS')));
}

function hostMatches(r: Route, host: string | undefined, strictHost: boolean): boolean {
  if (!host) return !strictHost;
  if (r.match.hosts.length === 0) return !strictHost;
  return r.match.hosts.some((h) => {
    const n = h.toLowerCase();
    if (n.startsWith('*.')) return host.toLowerCase().endsWith(n.slice(1));
    return n === host.toLowerCase();
  });
}

function selectGeneric(routes: Route[], target: RequestTarget, index: Map<Route, number>, strictHost: boolean): Selection {
  const reasons: string[] = [];
  const path = target.path.split('?')[0] || '/';
  const candidates = routes.filter((r) => hostMatches(r, target.host, strictHost));
  // CloudFront-style ordered patterns: first match in order, the default (`any`) last.
  const isPattern = (p: PathMatch) => p.kind === 'glob' || (p.kind === 'template' && /[*?]/.test(p.value) && !p.value.includes('{'));
  const ordered = candidates.filter((r) => isPattern(r.match.path)).sort((a, b) => orderOf(a, index) - orderOf(b, index));
  for (const r of ordered) {
    if (globToRegExp(r.match.path.value).test(path)) {
      reasons.push(`path pattern ${r.match.path.value} is the first that matches ${path}`);
      return { route: r, reasons };
    }
  }
  let best: { r: Route; score: number[] } | undefined;
  for (const r of candidates) {
    const p = r.match.path;
    let score: number[] | undefined;
    if (p.kind === 'exact') score = (p.caseInsensitive ? p.value.toLowerCase() === path.toLowerCase() : p.value === path) ? [4, ...path.split('/').map(() => 3)] : undefined;
    else if (p.kind === 'template' && !isPattern(p)) score = templateMatch(p.value, path);
    else if (p.kind === 'prefix') score = path.startsWith(p.value) ? [0, p.value.length] : undefined;
    else if (p.kind === 'regex') score = regexMatches(p, path) ? [0] : undefined;
    if (!score) continue;
    // A method-specific route beats one for any method at the same specificity (HTTP API).
    const exactMethod = target.method && Array.isArray(r.match.methods) && r.match.methods.includes(target.method) ? 1 : 0;
    const withMethod = [...score, servesMethod(r, target.method) ? 1 + exactMethod : -10];
    if (!best || compareScores(withMethod, best.score) > 0) best = { r, score: withMethod };
  }
  if (best) {
    reasons.push(`${best.r.match.path.value} is the most specific path that matches ${path}`);
    return { route: best.r, reasons };
  }
  const fallback = candidates.find((r) => r.match.path.kind === 'any' && servesMethod(r, target.method)) ?? candidates.find((r) => r.match.path.kind === 'any');
  if (fallback) reasons.push(`no path matches ${path}: the default route answers`);
  return { route: fallback, reasons };
}

/**
 * The route a request reaches. Sources are tried in the order their routes appear; the first
 * that has one wins. `strictHost` (for redirect targets) refuses default servers: the host must
 * be named by the configuration.
 */
export function selectRoute(routes: readonly Route[], target: RequestTarget, options: { strictHost?: boolean } = {}): Selection {
  const strict = !!options.strictHost;
  const index = new Map(routes.map((r, i) => [r, i] as const));
  const bySource = new Map<string, Route[]>();
  for (const r of routes) {
    const key = r.source === 'nginx' ? 'nginx' : `${r.source}:${r.match.server ?? r.group ?? ''}`;
    let list = bySource.get(key);
    if (!list) bySource.set(key, (list = []));
    list.push(r);
  }
  let firstMiss: Selection | undefined;
  for (const [key, list] of bySource) {
    const sel = key === 'nginx' ? selectNginx(list, target, index, strict) : selectGeneric(list, target, index, strict);
    if (sel.route) return sel;
    firstMiss ??= sel;
  }
  return firstMiss ?? { route: undefined, reasons: ['the files define no routes'] };
}
