/**
 * Runs a real nginx on loopback with a fixture's configuration: the case is copied to a temp
 * dir and rewritten just enough to run here (listen → free loopback ports, ssl dropped,
 * proxy_pass/upstream servers → a node stub, logs/pid/temp paths → the temp dir, htpasswd →
 * a known user). Everything is bounded: start, requests and stop have timeouts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseNginx } from '../../src/sources/nginx/parser.js';
import type { NginxDirective } from '../../src/sources/nginx/ast.js';

export const NGINX_CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

export function findNginx(): string | undefined {
  for (const p of NGINX_CANDIDATES) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8', timeout: 5000 });
  const p = r.stdout?.trim();
  return p && existsSync(p) ? p : undefined;
}

/** Directives this nginx cannot run, with the reason a fixture using them is skipped. */
export function unsupportedDirectives(nginx: string): Map<RegExp, string> {
  const v = spawnSync(nginx, ['-V'], { encoding: 'utf8', timeout: 5000 });
  const info = `${v.stdout ?? ''}${v.stderr ?? ''}`;
  const version = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(info);
  const atLeast = (a: number, b: number, c: number) =>
    !!version && (Number(version[1]) * 1e6 + Number(version[2]) * 1e3 + Number(version[3]) >= a * 1e6 + b * 1e3 + c);
  const modules = existsSync('/usr/lib/nginx/modules') ? readdirSync('/usr/lib/nginx/modules').join(' ') : '';
  const m = new Map<RegExp, string>();
  if (!atLeast(1, 29, 3)) m.set(/^add_header_inherit$/, `add_header_inherit needs nginx 1.29.3 (this is ${version?.[0] ?? 'unknown'})`);
  m.set(/^auth_jwt/, 'auth_jwt is an NGINX Plus module');
  if (!/headers_more/.test(info + modules)) m.set(/^more_(set|clear)_(input_)?headers$/, 'headers-more is not installed (libnginx-mod-http-headers-more-filter)');
  if (!/lua/.test(info + modules)) m.set(/_by_lua/, 'the Lua module is not installed');
  if (!/njs|http_js/.test(info + modules)) m.set(/^js_/, 'njs is not installed');
  m.set(/^(fastcgi|uwsgi|scgi|grpc|memcached)_pass$/, 'only proxy_pass backends are stubbed');
  return m;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The upstream stub: 200 for every method; with `X-Stub-Cors: 1` it adds its own CORS headers. */
export const STUB_CORS_HEADERS = [
  { name: 'Access-Control-Allow-Origin', value: 'https://upstream.example' },
  { name: 'Access-Control-Allow-Credentials', value: 'true' },
];
export const STUB_HEADERS = [{ name: 'X-Upstream', value: 'stub' }];

export async function startStub(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const headers: [string, string][] = STUB_HEADERS.map((h) => [h.name, h.value]);
    if (req.headers['x-stub-cors'] === '1') for (const h of STUB_CORS_HEADERS) headers.push([h.name, h.value]);
    res.writeHead(200, headers.flat() as unknown as [string, string]);
    req.resume();
    res.end('stub');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

export interface PreparedCase {
  dir: string;
  mainFile: string;
  /** original listen port → loopback port */
  ports: Map<string, number>;
  /** set when the case cannot run here */
  skip?: string;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function eachDirective(ds: NginxDirective[], fn: (d: NginxDirective, parents: NginxDirective[]) => void, parents: NginxDirective[] = []): void {
  for (const d of ds) {
    fn(d, parents);
    if (d.block) eachDirective(d.block, fn, [...parents, d]);
  }
}

export const BASIC_USER = 'corslint';
export const BASIC_PASSWORD = 'secret';
export const BASIC_AUTHORIZATION = `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`;

/**
 * Copies a fixture case (a .conf file or a directory) into a temp dir and rewrites it to run on
 * loopback. Returns the main file and the port mapping, or a skip reason.
 */
export async function prepareCase(casePath: string, upstreamPort: number, unsupported: Map<RegExp, string>): Promise<PreparedCase> {
  const dir = mkdtempSync(join(tmpdir(), 'corslint-nginx-'));
  // nginx workers run as an unprivileged user when the test runs as root: they must read the htpasswd.
  chmodSync(dir, 0o755);
  const isDir = statSync(casePath).isDirectory();
  const files = (isDir ? walk(casePath) : [casePath]).filter((f) => /\.conf$|nginx\.conf|\.nginx$/.test(f));
  const ports = new Map<string, number>();
  const portPromises = new Map<string, Promise<number>>();
  const htpasswd = join(dir, 'htpasswd');
  writeFileSync(htpasswd, `${BASIC_USER}:{PLAIN}${BASIC_PASSWORD}\n`, { mode: 0o644 });
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
  let mainFile = '';
  const includedNames = new Set<string>();
  const texts = new Map<string, string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const parsed = parseNginx(text, f);
    if (parsed.diagnostics.some((d) => d.ruleId === 'parse-error')) return { dir, mainFile, ports, skip: `${relative(process.cwd(), f)} has a deliberate parse error` };
    if (parsed.template) return { dir, mainFile, ports, skip: 'template syntax' };
    const edits: { from: number; to: number; text: string }[] = [];
    let skip: string | undefined;
    const replace = (d: NginxDirective, textOut: string) => edits.push({ from: d.span.offset!, to: d.span.endOffset!, text: textOut });
    const topLevelNames = parsed.file.directives.map((d) => d.name);
    for (const d of parsed.file.directives) if (d.name === 'include') includedNames.add((d.args[0]?.value ?? '').split('/').pop() ?? '');
    const pending: Promise<void>[] = [];
    eachDirective(parsed.file.directives, (d, parents) => {
      for (const [re, why] of unsupported) if (re.test(d.name)) skip ??= `${d.name} at line ${d.span.line}: ${why}`;
      if (d.name === 'include') {
        const arg = d.args[0]?.value ?? '';
        includedNames.add(arg.split('/').pop() ?? '');
      }
      const parent = parents.at(-1);
      switch (d.name) {
        case 'listen': {
          const addr = d.args[0]?.value ?? '80';
          const m = /(?:^|:)(\d+)$/.exec(addr);
          const orig = m ? m[1]! : '80';
          const rest = d.args.slice(1).map((a) => a.value).filter((a) => a === 'default_server' || a === 'default');
          // One loopback port per original port: cache the promise so concurrent listens share it.
          let port = portPromises.get(orig);
          if (!port) portPromises.set(orig, (port = freePort()));
          pending.push(
            port.then((n) => {
              ports.set(orig, n);
              replace(d, `listen 127.0.0.1:${n}${rest.length ? ` ${rest.join(' ')}` : ''};`);
            }),
          );
          break;
        }
        case 'proxy_pass': {
          const target = d.args[0]?.value ?? '';
          const uri = /\$/.test(target) ? '' : (/^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(target)?.[1] ?? '');
          replace(d, `proxy_pass http://127.0.0.1:${upstreamPort}${uri};`);
          break;
        }
        case 'server':
          if (parent?.name === 'upstream') replace(d, `server 127.0.0.1:${upstreamPort};`);
          break;
        case 'auth_basic_user_file':
          replace(d, `auth_basic_user_file ${htpasswd};`);
          break;
        case 'access_log':
          replace(d, 'access_log off;');
          break;
        case 'error_log':
          replace(d, `error_log ${join(dir, 'logs', 'error.log')};`);
          break;
        case 'user':
        case 'pid':
        case 'daemon':
        case 'master_process':
        case 'worker_processes':
        case 'http2':
          replace(d, '');
          break;
        default:
          if (/^ssl(_|$)/.test(d.name)) replace(d, '');
      }
    });
    await Promise.all(pending);
    if (skip) return { dir, mainFile, ports, skip };
    edits.sort((a, b) => b.from - a.from);
    let out = text;
    for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to);
    // Servers without a listen listen on 80: give them a loopback port too.
    const rel = isDir ? relative(casePath, f) : 'nginx.conf';
    const hasHttp = topLevelNames.includes('http');
    const hasServer = topLevelNames.includes('server');
    const temp = ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t === 'body' ? 'client_body' : t}_temp_path ${join(dir, t)};`).join(' ');
    // Debian ships headers-more as a dynamic module: load it when the fixture uses it.
    const moreModule = '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so';
    const loadMore = /\bmore_(set|clear)_(input_)?headers\b/.test(text) && existsSync(moreModule) && (hasHttp || !isDir) ? `load_module ${moreModule};\n` : '';
    if (hasHttp) {
      out = out.replace(/^(\s*http\s*\{)/m, `$1 ${temp} access_log off;`);
      if (!topLevelNames.includes('events')) out = `events {}\n${out}`;
      out = `${loadMore}${out}`;
    } else if (hasServer || topLevelNames.includes('map')) {
      out = `${loadMore}events {}\nhttp { ${temp} access_log off;\n${out}\n}\n`;
    } else if (topLevelNames.includes('location')) {
      if (!ports.has('80')) ports.set('80', await freePort());
      out = `${loadMore}events {}\nhttp { ${temp} access_log off;\nserver { listen 127.0.0.1:${ports.get('80')};\n${out}\n}\n}\n`;
    }
    texts.set(rel, out);
  }
  // Servers with no listen directive get port 80 in nginx: make that a loopback port as well.
  for (const [rel, out] of texts) {
    let fixed = out;
    if (/\bserver\s*\{/.test(fixed)) {
      const parsed = parseNginx(fixed, rel);
      const inserts: number[] = [];
      eachDirective(parsed.file.directives, (d, parents) => {
        if (d.name === 'server' && d.block && parents.at(-1)?.name !== 'upstream' && !d.block.some((c) => c.name === 'listen')) {
          const open = fixed.indexOf('{', d.nameSpan.endOffset!);
          if (open >= 0) inserts.push(open + 1);
        }
      });
      if (inserts.length && !ports.has('80')) ports.set('80', await freePort());
      for (const at of inserts.sort((a, b) => b - a)) fixed = `${fixed.slice(0, at)} listen 127.0.0.1:${ports.get('80')};${fixed.slice(at)}`;
    }
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fixed);
  }
  const candidates = [...texts.keys()];
  mainFile = join(dir, candidates.find((c) => !includedNames.has(c.split('/').pop() ?? '') && /(^|\n)\s*(http|events)\s*\{/.test(texts.get(c)!)) ?? candidates[0] ?? 'nginx.conf');
  return { dir, mainFile, ports };
}

/** `nginx -t` on the prepared config; returns the error text or undefined. */
export function testConfig(nginx: string, prepared: PreparedCase): string | undefined {
  const r = spawnSync(nginx, ['-t', '-q', '-p', prepared.dir, '-c', prepared.mainFile, '-g', `pid ${join(prepared.dir, 'nginx.pid')}; daemon off; worker_processes 1;`], {
    encoding: 'utf8',
    timeout: 10000,
  });
  return r.status === 0 ? undefined : `${r.stderr || r.stdout || `exit ${r.status}`}`.trim();
}

export interface RunningNginx {
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function waitForPort(port: number, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'HEAD', timeout: 500, agent: false }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
      req.end();
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function startNginx(nginx: string, prepared: PreparedCase): Promise<RunningNginx> {
  const proc = spawn(nginx, ['-p', prepared.dir, '-c', prepared.mainFile, '-g', `pid ${join(prepared.dir, 'nginx.pid')}; daemon off; master_process on; worker_processes 1;`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGQUIT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const port = [...prepared.ports.values()][0];
  if (port === undefined || !(await waitForPort(port, Date.now() + 5000))) {
    await stop();
    throw new Error(`nginx did not start: ${stderr.trim()}`);
  }
  return { proc, stop };
}

export interface RawResponse {
  status: number;
  /** header lines in order, names lowercased */
  headers: { name: string; value: string }[];
}

export async function send(port: number, method: string, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers, timeout: 3000, agent: false }, (res: IncomingMessage) => {
      const lines: { name: string; value: string }[] = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push({ name: res.rawHeaders[i]!.toLowerCase(), value: res.rawHeaders[i + 1]! });
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: lines }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no response within 3 s`)));
    req.on('error', reject);
    req.end();
  });
}

export function cleanup(prepared: PreparedCase): void {
  rmSync(prepared.dir, { recursive: true, force: true });
}
