/**
 * `corslint simulate <paths> --origin O --method M [--header 'Name: value']... [--credentials]
 *  [--url URL | --path P [--host H]] [--mode spec|browsers] [--format text|json]`
 * Exit codes: 0 allowed, 1 blocked (or unknown: not proven to work), 2 usage errors.
 */
import { resolve } from 'node:path';
import { classify, loadSources } from '../engine/lint.js';
import { normalizeOrigin } from '../model/origin.js';
import { isForbiddenMethod, isForbiddenRequestHeader } from '../simulate/fetch.js';
import { selectRoute, targetFromUrl, type RequestTarget } from '../simulate/select.js';
import { simulate } from '../simulate/simulate.js';
import { formatStory, simulationJson } from '../simulate/story.js';
import type { SimRequest } from '../simulate/types.js';
import { discoverFiles, UsageError } from './discover.js';
import { fsHost } from './host.js';

export interface SimulateCommandOptions {
  origin?: string;
  method?: string;
  header?: string[];
  credentials?: boolean;
  url?: string;
  path?: string;
  host?: string;
  mode?: string;
  format?: string;
  color?: boolean;
}

/** Values used for `--header Name` given without a value: the common case for each name. */
const DEFAULT_VALUES: Record<string, string> = {
  authorization: 'Bearer <token>',
  'content-type': 'application/json',
  accept: 'application/json',
};

export function parseHeaderFlag(flag: string): { name: string; value: string } {
  const colon = flag.indexOf(':');
  const name = (colon === -1 ? flag : flag.slice(0, colon)).trim();
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new UsageError(`Invalid --header "${flag}": expected 'Name: value' (or just Name)`);
  const value = colon === -1 ? (DEFAULT_VALUES[name.toLowerCase()] ?? 'x') : flag.slice(colon + 1).trim();
  return { name, value };
}

/** Validates the flags into a request and a target; throws UsageError on anything a browser would not send. */
export function requestFromOptions(opts: SimulateCommandOptions): { request: SimRequest; target: RequestTarget | undefined } {
  if (!opts.origin) throw new UsageError('simulate needs --origin (the page origin, e.g. https://app.example.com, capacitor://localhost, null, or none for non-browser clients)');
  if (!opts.method) throw new UsageError('simulate needs --method (GET, PUT, ...)');
  let origin: string | undefined;
  if (opts.origin === 'none') origin = undefined;
  else {
    const o = normalizeOrigin(opts.origin);
    if (o === null) throw new UsageError(`--origin "${opts.origin}" is not an origin (scheme://host[:port], null, or none)`);
    origin = o;
  }
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(opts.method)) throw new UsageError(`--method "${opts.method}" is not a method token`);
  if (isForbiddenMethod(opts.method)) throw new UsageError(`--method ${opts.method} is forbidden: scripts cannot send it`);
  const headers = (opts.header ?? []).map(parseHeaderFlag);
  for (const h of headers) {
    if (isForbiddenRequestHeader(h.name, h.value)) {
      const hint = /^cookie2?$/i.test(h.name) ? ' (use --credentials to send cookies)' : /^origin$/i.test(h.name) ? ' (use --origin)' : '';
      throw new UsageError(`--header ${h.name} is a forbidden request header: scripts cannot set it${hint}`);
    }
  }
  if (opts.mode && opts.mode !== 'spec' && opts.mode !== 'browsers') throw new UsageError(`--mode must be spec or browsers, got "${opts.mode}"`);
  if (opts.format && opts.format !== 'text' && opts.format !== 'json') throw new UsageError(`--format must be text or json, got "${opts.format}"`);
  if (opts.url && (opts.path || opts.host)) throw new UsageError('--url cannot be combined with --path or --host');
  if (opts.host && !opts.path) throw new UsageError('--host needs --path');
  let target: RequestTarget | undefined;
  let url: string | undefined;
  if (opts.url) {
    target = targetFromUrl(opts.url);
    if (!target) throw new UsageError(`--url "${opts.url}" is not an absolute URL`);
    url = opts.url;
  } else if (opts.path) {
    if (!opts.path.startsWith('/')) throw new UsageError(`--path must start with /, got "${opts.path}"`);
    target = { path: opts.path };
    if (opts.host) {
      const m = /^([^:]+)(?::(\d+))?$/.exec(opts.host);
      if (!m) throw new UsageError(`--host "${opts.host}" is not host[:port]`);
      target.host = m[1]!;
      if (m[2]) target.port = m[2];
      url = `https://${opts.host}${opts.path}`;
    }
  }
  if (target) target.method = opts.method.toUpperCase();
  const request: SimRequest = { origin, method: opts.method, headers, credentials: !!opts.credentials };
  if (url) request.url = url;
  return { request, target };
}

export async function runSimulate(patterns: string[], opts: SimulateCommandOptions): Promise<number> {
  const cwd = process.cwd();
  const { request, target } = requestFromOptions(opts);
  if (patterns.length === 0) throw new UsageError('No files given. Usage: corslint simulate <paths...> --origin O --method M [--url URL | --path P [--host H]]');
  const paths = await discoverFiles(patterns, { cwd });
  if (paths.length === 0) throw new UsageError(`No files found for ${patterns.join(' ')}`);
  const inputs = paths.map((path) => ({ path: resolve(path), text: fsHost.readFile(path) ?? '' }));
  const source = await loadSources(classify(inputs), fsHost);
  const fatal = source.diagnostics.filter((d) => d.ruleId === 'parse-error');
  for (const d of fatal) process.stderr.write(`corslint: ${d.span.file}:${d.span.line}:${d.span.column}: ${d.message}\n`);

  let selection: string[];
  let route;
  if (target) {
    const sel = selectRoute(source.routes, target);
    route = sel.route;
    selection = sel.reasons;
  } else if (source.routes.length === 1) {
    route = source.routes[0];
    selection = ['the files define one route'];
  } else {
    throw new UsageError(`The files define ${source.routes.length} routes: choose one with --url or --path (and --host)`);
  }
  const sim = simulate(route, request, {
    mode: (opts.mode as 'spec' | 'browsers' | undefined) ?? 'browsers',
    resolveUrl: (url) => {
      const t = targetFromUrl(url);
      return t ? selectRoute(source.routes, { ...t, method: request.method.toUpperCase() }, { strictHost: true }).route : undefined;
    },
  });
  const color = opts.color ?? (!!process.stdout.isTTY && !process.env.NO_COLOR);
  const ctx = { request, selection, cwd, color };
  process.stdout.write(opts.format === 'json' ? `${JSON.stringify(simulationJson(sim, ctx), null, 2)}\n` : formatStory(sim, ctx));
  return sim.allowed ? 0 : 1;
}
