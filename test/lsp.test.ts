/** The language server end to end: `corslint lsp --stdio` driven by a real JSON-RPC client. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleDocUrl } from '../src/cli/rule-docs.js';
import { BIN, ensureBuilt } from './helpers/build.js';

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface Diagnostic {
  range: Range;
  severity: number;
  code?: string;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  data?: unknown;
}
interface PublishParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}
interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  edit?: { changes: Record<string, { range: Range; newText: string }[]> };
}

const WARN = 'server {\n    listen 443 ssl;\n    location /api/ {\n        add_header Access-Control-Allow-Origin https://app.example.com;\n        proxy_pass http://api;\n    }\n}\n';
const GOOD = WARN.replace('https://app.example.com;', 'https://app.example.com always;');

let child: ChildProcessWithoutNullStreams;
let connection: MessageConnection;
const published: PublishParams[] = [];
const waiters: { accepts: (p: PublishParams) => boolean; resolve: (p: PublishParams) => void }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'corslint-lsp-'));

/** The diagnostics published for `uri` at `version` (resolved when the server sends them). */
function diagnosticsFor(uri: string, version: number): Promise<PublishParams> {
  const done = published.find((p) => p.uri === uri && p.version === version);
  return done ? Promise.resolve(done) : nextPublished((p) => p.uri === uri && p.version === version);
}

function nextPublished(accepts: (p: PublishParams) => boolean): Promise<PublishParams> {
  return new Promise((resolve) => waiters.push({ accepts, resolve }));
}

beforeAll(async () => {
  await ensureBuilt();
  child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: dir, stdio: 'pipe' });
  connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishParams) => {
    published.push(p);
    for (const w of waiters.filter((x) => x.accepts(p))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(p);
    }
  });
  connection.listen();
  const init = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} })) as {
    capabilities: { textDocumentSync: number; codeActionProvider: unknown };
  };
  expect(init.capabilities.textDocumentSync).toBe(2);
  expect(init.capabilities.codeActionProvider).toBeTruthy();
  await connection.sendNotification('initialized', {});
}, 120_000);

afterAll(async () => {
  if (!connection) return;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  expect(await exited).toBe(0);
  connection.dispose();
});

function open(name: string, text: string, languageId = 'nginx') {
  const path = join(dir, name);
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

describe('corslint lsp --stdio', () => {
  it('publishes diagnostics on open, with the rule as code and its doc as codeDescription', async () => {
    const uri = open('api.conf', WARN);
    const { diagnostics } = await diagnosticsFor(uri, 1);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({
      code: 'cors-headers-missing-on-errors',
      codeDescription: { href: ruleDocUrl('cors-headers-missing-on-errors') },
      source: 'corslint',
      severity: 2,
      range: { start: { line: 3, character: 8 } },
    });
    expect(d!.message).toMatch(/add `always`/);
  });

  it('offers the fix and "disable for this line" as code actions', async () => {
    const uri = pathToFileURL(join(dir, 'api.conf')).href;
    const { diagnostics } = await diagnosticsFor(uri, 1);
    const actions = (await connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    expect(fix.title).toMatch(/^Fix: .*\(cors-headers-missing-on-errors\)$/);
    expect(fix.edit!.changes[uri]).toEqual([{ range: { start: { line: 3, character: 70 }, end: { line: 3, character: 70 } }, newText: ' always' }]);
    const disable = actions.find((a) => a.title === 'Disable cors-headers-missing-on-errors for this line')!;
    expect(disable.kind).toBe('quickfix');
    expect(disable.edit!.changes[uri]).toEqual([
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: '        # corslint-disable-next-line cors-headers-missing-on-errors\n' },
    ]);
  });

  it('re-lints on change: applying the fix clears the diagnostic, a disable comment suppresses it', async () => {
    const uri = pathToFileURL(join(dir, 'api.conf')).href;
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 70 }, end: { line: 3, character: 70 } }, text: ' always' }],
    });
    expect((await diagnosticsFor(uri, 2)).diagnostics).toEqual([]);
    // the text is the editor's, not the file on disk
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: WARN }] });
    expect((await diagnosticsFor(uri, 3)).diagnostics.map((d) => d.code)).toEqual(['cors-headers-missing-on-errors']);
    const lines = WARN.split('\n');
    lines.splice(3, 0, '        # corslint-disable-next-line cors-headers-missing-on-errors -- internal API');
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: lines.join('\n') }] });
    expect((await diagnosticsFor(uri, 4)).diagnostics).toEqual([]);
  });

  it('applies the nearest config file', async () => {
    const sub = join(dir, 'strict');
    mkdirSync(sub);
    writeFileSync(join(sub, '.corslintrc.yaml'), 'rules:\n  cors-headers-missing-on-errors: error\n');
    const uri = open('strict/api.conf', WARN);
    const { diagnostics } = await diagnosticsFor(uri, 1);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['cors-headers-missing-on-errors', 1]]);
  });

  it('YAML and JSON documents are linted; a clean file and an unrelated one publish nothing', async () => {
    const good = open('good.conf', GOOD);
    expect((await diagnosticsFor(good, 1)).diagnostics).toEqual([]);
    const compose = open('docker-compose.yaml', 'services:\n  web:\n    image: nginx\n', 'yaml');
    expect((await diagnosticsFor(compose, 1)).diagnostics).toEqual([]);
    const broken = open('template.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Api: [unclosed\n', 'yaml');
    const { diagnostics } = await diagnosticsFor(broken, 1);
    expect(diagnostics.map((d) => d.code)).toContain('parse-error');
    const json = open('template.json', '{ "AWSTemplateFormatVersion": "2010-09-09", "Resources": { ', 'json');
    expect((await diagnosticsFor(json, 1)).diagnostics.map((d) => d.code)).toContain('parse-error');
  });

  it('a bad config becomes one diagnostic instead of a crash', async () => {
    const sub = join(dir, 'badcfg');
    mkdirSync(sub);
    writeFileSync(join(sub, '.corslintrc.yaml'), 'rulez: {}\n');
    const uri = open('badcfg/api.conf', WARN);
    const { diagnostics } = await diagnosticsFor(uri, 1);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/rulez \(line 1\): unknown key/);
  });

  it('closing a document clears its diagnostics', async () => {
    const uri = pathToFileURL(join(dir, 'strict/api.conf')).href;
    const cleared = nextPublished((p) => p.uri === uri && p.diagnostics.length === 0);
    await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    expect((await cleared).diagnostics).toEqual([]);
  });
});
