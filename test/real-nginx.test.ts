/**
 * Proof against a real nginx: every nginx fixture is started on loopback (an upstream stub on
 * loopback behind proxy_pass), the preflight and actual requests the simulator reasons about are
 * sent with explicit Origin headers, and the status and CORS headers nginx returns must be exactly
 * what the model predicts for the route the simulator's route selection picks. Every
 * disagreement is a model bug. Fixtures nginx cannot run here are skipped with the reason printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsHost } from '../src/cli/host.js';
import { classify, loadSources } from '../src/engine/lint.js';
import type { Route } from '../src/model/types.js';
import { ENGINES } from '../src/simulate/engines.js';
import { predictResponse, type BackendAssumption, type PredictedResponse } from '../src/simulate/response.js';
import { selectRoute } from '../src/simulate/select.js';
import { listCases, type FixtureCase } from './helpers/fixtures.js';
import {
  BASIC_AUTHORIZATION,
  cleanup,
  findNginx,
  prepareCase,
  send,
  startNginx,
  startStub,
  STUB_CORS_HEADERS,
  STUB_HEADERS,
  testConfig,
  unsupportedDirectives,
  type RawResponse,
} from './helpers/nginx-harness.js';

const nginx = findNginx();
const cases: FixtureCase[] = [...listCases('rules'), ...listCases('sources')].filter((c) => c.files.some((f) => /\.conf$/.test(f)) && c.files.every((f) => /\.conf$|\.md$|\.json$/.test(f)));

let stub: { server: Server; port: number } | undefined;

beforeAll(async () => {
  if (nginx) stub = await startStub();
});
afterAll(async () => {
  if (stub) await new Promise<void>((resolve) => stub!.server.close(() => resolve()));
});

/** A path that reaches the location: its exact/prefix text, or a string its regex matches. */
function samplePath(route: Route): string | undefined {
  const p = route.match.path;
  if (p.kind === 'exact') return p.value;
  if (p.kind === 'prefix') return p.value.endsWith('/') ? `${p.value}probe` : p.value;
  if (p.kind === 'any') return '/corslint-probe';
  if (p.kind !== 'regex') return undefined;
  let s = p.value.replace(/^\^/, '').replace(/\$$/, '');
  s = s
    .replace(/\(\?:/g, '(')
    .replace(/\(([^()|]*)\|[^()]*\)/g, '$1')
    .replace(/\[\^\/\]\+|\[\^\/\]\*|\.\+|\.\*|\\w\+|\\S\+/g, 'x')
    .replace(/\\d\+|\\d\*|\[0-9\]\+/g, '1')
    .replace(/\[([^\]])[^\]]*\]/g, '$1')
    .replace(/[()?]/g, '')
    .replace(/\\(.)/g, '$1');
  const candidates = [s, `/${s}`, `/x${s}`, `${s}x`, `/x/${s}`];
  let re: RegExp;
  try {
    re = new RegExp(p.value, p.caseInsensitive ? 'i' : '');
  } catch {
    return undefined;
  }
  return candidates.find((c) => c.startsWith('/') && re.test(c));
}

function sampleHost(route: Route): string {
  for (const h of route.match.hosts) {
    if (h.startsWith('~')) continue;
    if (h.startsWith('*.')) return `probe${h.slice(1)}`;
    if (h.startsWith('.')) return h.slice(1);
    if (h.endsWith('.*')) return `${h.slice(0, -1)}com`;
    return h;
  }
  return 'localhost';
}

/** Origins worth sending: a web app, an attacker, the opaque origin, and origins the route names. */
function sampleOrigins(route: Route): string[] {
  const out = new Set(['https://app.example.com', 'https://evil.example', 'null']);
  for (const r of route.responders) {
    for (const h of r.headers) {
      if (h.value.kind === 'literal' && /^[a-z][a-z0-9+.-]*:\/\/[^/\s,]+$/i.test(h.value.text)) out.add(h.value.text);
      if (h.value.kind === 'by-origin') for (const c of h.value.cases) if (c.when.kind === 'exact') out.add(c.when.origin);
    }
  }
  return [...out].slice(0, 6);
}

interface Probe {
  label: string;
  method: string;
  headers: Record<string, string>;
  headerNames: string[];
  isPreflight: boolean;
  backend: BackendAssumption;
}

function probes(): Probe[] {
  const plain: BackendAssumption = { status: 200, headers: STUB_HEADERS };
  const withCors: BackendAssumption = { status: 200, headers: [...STUB_HEADERS, ...STUB_CORS_HEADERS] };
  return [
    {
      label: 'preflight for PUT with Authorization and Content-Type',
      method: 'OPTIONS',
      headers: { 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization,content-type' },
      headerNames: ['access-control-request-method', 'access-control-request-headers'],
      isPreflight: true,
      backend: plain,
    },
    { label: 'GET', method: 'GET', headers: {}, headerNames: [], isPreflight: false, backend: plain },
    {
      label: 'PUT with Authorization and JSON',
      method: 'PUT',
      headers: { Authorization: BASIC_AUTHORIZATION, 'Content-Type': 'application/json' },
      headerNames: ['authorization', 'content-type'],
      isPreflight: false,
      backend: plain,
    },
    { label: 'GET, upstream sends its own CORS headers', method: 'GET', headers: { 'X-Stub-Cors': '1' }, headerNames: [], isPreflight: false, backend: withCors },
  ];
}

/** Compares one response with the prediction; returns differences and whether anything was compared. */
function compare(pred: PredictedResponse, actual: RawResponse): { diffs: string[]; compared: number } {
  const diffs: string[] = [];
  let compared = 0;
  const st = pred.status;
  if (st.kind === 'unknown') return { diffs, compared };
  if (st.kind === 'class') {
    // A static file handler's status depends on the file system, not the configuration.
    if (pred.responder?.backend?.kind === 'static') return { diffs, compared };
    const cls = actual.status < 400 ? 'success' : 'error';
    compared++;
    if (cls !== st.cls) diffs.push(`status: nginx ${actual.status}, model ${st.cls} (${st.why})`);
  } else {
    compared++;
    if (st.code !== actual.status) diffs.push(`status: nginx ${actual.status}, model ${st.code} (${st.why})`);
  }
  const names = new Set([...pred.headers.map((h) => h.name.toLowerCase()), ...actual.headers.map((h) => h.name)].filter((n) => n.startsWith('access-control-')));
  for (const name of names) {
    const predicted = pred.headers.filter((h) => h.name.toLowerCase() === name);
    if (predicted.some((h) => !h.certain || h.value.kind === 'unknown')) continue;
    const want = predicted.map((h) => (h.value as { text: string }).text.trim());
    const got = actual.headers.filter((h) => h.name === name).map((h) => h.value.trim());
    compared++;
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      const where = predicted[0]?.span ? ` (model from line ${predicted[0].span.line})` : '';
      diffs.push(`${name}: nginx ${JSON.stringify(got)}, model ${JSON.stringify(want)}${where}`);
    }
  }
  return { diffs, compared };
}

describe('real nginx agrees with the model', () => {
  if (!nginx) {
    it.skip('NGINX IS NOT INSTALLED: the real-nginx suite did not run (install Debian nginx; .ci/run does)', () => {});
    return;
  }
  const unsupported = unsupportedDirectives(nginx);

  for (const c of cases) {
    it(c.name, async (ctx) => {
      const inputs = c.files.filter((f) => f.endsWith('.conf')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
      const source = await loadSources(classify(inputs), fsHost);
      const routes = source.routes.filter((r) => r.source === 'nginx');
      const caseDir = c.files.length > 1 || !c.name.endsWith('.conf') ? `fixtures/${c.name}` : c.files[0]!;
      const prepared = await prepareCase(caseDir.startsWith('fixtures/') ? `${process.cwd()}/${caseDir}` : caseDir, stub!.port, unsupported);
      try {
        if (prepared.skip) {
          console.warn(`[real-nginx] skipped ${c.name}: ${prepared.skip}`);
          ctx.skip(prepared.skip);
          return;
        }
        const rejected = testConfig(nginx, prepared);
        if (rejected) {
          // A deliberately invalid fixture expects corslint to say so (a parse error, a bad regex, ...).
          const invalidIds = ['parse-error', 'invalid-directive-context', 'unresolved-include', 'origin-pattern-invalid'];
          const corslintSays = [
            ...source.diagnostics.filter((d) => invalidIds.includes(d.ruleId)).map((d) => d.message),
            ...c.expected.filter((e) => invalidIds.includes(e.ruleId)).map((e) => `${e.ruleId} expected at line ${e.line}`),
          ];
          // nginx refusing a config corslint finds nothing wrong with is a disagreement too.
          expect(corslintSays, `nginx -t rejects ${c.name}: ${rejected}`).not.toEqual([]);
          console.warn(`[real-nginx] skipped ${c.name}: nginx rejects it, as corslint reports (${corslintSays[0]})`);
          ctx.skip('nginx rejects the configuration, as corslint reports');
          return;
        }
        const running = await startNginx(nginx, prepared);
        const diffs: string[] = [];
        let compared = 0;
        try {
          for (const start of routes) {
            const path = samplePath(start);
            if (!path) continue;
            const host = sampleHost(start);
            const origPort = start.match.listen?.[0]?.port ?? '80';
            const port = prepared.ports.get(origPort) ?? [...prepared.ports.values()][0];
            if (port === undefined) continue;
            const route = selectRoute(routes, { host, port: origPort, path }).route;
            if (!route) continue;
            for (const origin of sampleOrigins(route)) {
              for (const p of probes()) {
                const actual = await send(port, p.method, path, { Host: host, Origin: origin, ...p.headers });
                const pred = predictResponse(route, { method: p.method, origin, headerNames: p.headerNames, credentials: false, isPreflight: p.isPreflight, backend: p.backend }, ENGINES.spec);
                const r = compare(pred, actual);
                compared += r.compared;
                for (const d of r.diffs) diffs.push(`${p.label} ${path} (Host ${host}, Origin ${origin}) → ${route.name} [line ${route.span.line}]: ${d}`);
              }
            }
          }
        } finally {
          await running.stop();
        }
        console.info(`[real-nginx] ${c.name}: ${compared} status/header predictions checked against nginx, ${diffs.length} disagreements`);
        expect(diffs).toEqual([]);
        expect(compared, 'the model predicted nothing checkable for this fixture').toBeGreaterThan(0);
      } finally {
        cleanup(prepared);
      }
    });
  }
});

/** Server and location selection: each location names itself in X-Loc; nginx and selectRoute must pick the same. */
const SELECTION_CONF = String.raw`
http {
    server { listen 80; server_name first.example; location / { add_header X-Loc first always; return 200; } }
    server { listen 80 default_server; server_name default.example; location / { add_header X-Loc default always; return 200; } }
    server { listen 80; server_name *.wild.example; location / { add_header X-Loc lead-wild always; return 200; } }
    server { listen 80; server_name www.wild.*; location / { add_header X-Loc trail-wild always; return 200; } }
    server { listen 80; server_name ~^api\d+\.example$; location / { add_header X-Loc regex-host always; return 200; } }
    server { listen 81; server_name api.example; location / { add_header X-Loc other-port always; return 200; } }
    server {
        listen 80;
        server_name api.example;
        location = /exact { add_header X-Loc exact always; return 200; }
        location /exact { add_header X-Loc exact-prefix always; return 200; }
        location / { add_header X-Loc root always; return 200; }
        location /static/ { add_header X-Loc static always; return 200; }
        location ^~ /static/img/ { add_header X-Loc static-img always; return 200; }
        location ~ \.png$ { add_header X-Loc png always; return 200; }
        location ~* \.JPG$ { add_header X-Loc jpg always; return 200; }
        location /api/ {
            add_header X-Loc api always;
            return 200;
            location /api/v2/ { add_header X-Loc api-v2 always; return 200; }
            location ^~ /api/v3/ { add_header X-Loc api-v3 always; return 200; }
            location ~ /api/.*\.json$ { add_header X-Loc api-json always; return 200; }
        }
        location ~ ^/api/ { add_header X-Loc api-regex always; return 200; }
    }
}
`;

const SELECTION_PROBES: [string, string, string][] = [
  ['first.example', '80', '/'],
  ['unknown.example', '80', '/'],
  ['a.wild.example', '80', '/'],
  ['www.wild.org', '80', '/'],
  ['api12.example', '80', '/'],
  ['api.example', '81', '/'],
  ['api.example', '80', '/exact'],
  ['api.example', '80', '/exactly'],
  ['api.example', '80', '/other'],
  ['api.example', '80', '/static/x'],
  ['api.example', '80', '/static/x.png'],
  ['api.example', '80', '/static/img/x.png'],
  ['api.example', '80', '/a.jpg'],
  ['api.example', '80', '/A.JPG'],
  ['api.example', '80', '/api/x'],
  ['api.example', '80', '/api/v2/x'],
  ['api.example', '80', '/api/v3/x'],
  ['api.example', '80', '/api/v3/x.json'],
  ['api.example', '80', '/api/x.json'],
  ['api.example', '80', '/api//x.png'],
];

describe('route selection agrees with nginx', () => {
  if (!nginx) {
    it.skip('NGINX IS NOT INSTALLED: route selection was not checked against nginx', () => {});
    return;
  }
  it('server_name, default_server, listen port, and location order (=, prefix, ^~, regex, nested)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-select-'));
    const file = join(dir, 'select.conf');
    writeFileSync(file, SELECTION_CONF);
    const source = await loadSources(classify([{ path: file, text: SELECTION_CONF }]), fsHost);
    const prepared = await prepareCase(file, stub!.port, unsupportedDirectives(nginx));
    try {
      expect(prepared.skip).toBeUndefined();
      expect(testConfig(nginx, prepared)).toBeUndefined();
      const running = await startNginx(nginx, prepared);
      const got: string[] = [];
      const want: string[] = [];
      try {
        for (const [host, port, path] of SELECTION_PROBES) {
          const res = await send(prepared.ports.get(port)!, 'GET', path, { Host: host });
          got.push(`${host}:${port}${path} → ${res.headers.find((h) => h.name === 'x-loc')?.value ?? '(none)'}`);
          const route = selectRoute(source.routes, { host, port, path }).route;
          const loc = route?.responders.flatMap((r) => r.headers).find((h) => h.name === 'X-Loc');
          want.push(`${host}:${port}${path} → ${loc?.value.kind === 'literal' ? loc.value.text : '(none)'}`);
        }
      } finally {
        await running.stop();
      }
      expect(want).toEqual(got);
    } finally {
      cleanup(prepared);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
