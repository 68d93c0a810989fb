import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { hostFor, listDirectory } from '../src/cli/file-host.js';
import { lintFiles } from '../src/engine/lint.js';
import type { Route } from '../src/model/types.js';
import { parseHcl, spanAt, type Attribute, type Block, type Expr } from '../src/sources/terraform/hcl.js';
import { parseHclJson } from '../src/sources/terraform/hcl-json.js';
import { detectKind } from '../src/sources/detect.js';
import { terraformSource } from '../src/sources/terraform/index.js';
import { scalarText, TfModule, type TfFile } from '../src/sources/terraform/module.js';
import type { SourceHost } from '../src/sources/types.js';

const host: SourceHost = { readFile: () => undefined, glob: () => [] };

function block(body: (Attribute | Block)[], i: number): Block {
  const b = body[i]!;
  if (b.type !== 'block') throw new Error('not a block');
  return b;
}
function attr(body: (Attribute | Block)[], name: string): Attribute {
  const a = body.find((x): x is Attribute => x.type === 'attribute' && x.name === name);
  if (!a) throw new Error(`no attribute ${name}`);
  return a;
}
function lc(f: ReturnType<typeof parseHcl>, start: number, end: number): string {
  const s = spanAt(f, start, end);
  return `${s.line}:${s.column}-${s.endLine}:${s.endColumn}`;
}

describe('HCL reader', () => {
  it('keeps exact positions of blocks, labels, attributes and values', () => {
    const text = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  cors_rule {\n    allowed_methods = ["GET", "PUT"]\n  }\n}\n';
    const f = parseHcl('/m/main.tf', text);
    expect(f.error).toBeUndefined();
    const r = block(f.body, 0);
    expect(r.blockType).toBe('resource');
    expect(r.labels.map((l) => l.value)).toEqual(['aws_s3_bucket', 'b']);
    expect(lc(f, r.labels[1]!.start, r.labels[1]!.end)).toBe('1:26-1:29');
    const bucket = attr(r.body, 'bucket');
    expect(lc(f, bucket.nameStart, bucket.nameEnd)).toBe('2:3-2:9');
    expect(lc(f, bucket.value.start, bucket.value.end)).toBe('2:12-2:15');
    const rule = block(r.body, 1);
    const methods = attr(rule.body, 'allowed_methods').value;
    expect(methods.kind).toBe('tuple');
    const second = (methods as Expr & { kind: 'tuple' }).items[1]!;
    expect(second).toMatchObject({ kind: 'string', value: 'PUT' });
    expect(lc(f, second.start, second.end)).toBe('4:31-4:36');
    expect(lc(f, r.start, r.end)).toBe('1:1-6:2');
  });

  it('reads interpolations, escapes and template directives as parts', () => {
    const f = parseHcl('/m/a.tf', 'a = "x-${var.y}-$${z}-%%{w}-\\"q\\"-\\u00e9"\nb = "%{ if var.c }on%{ endif }"\n');
    expect(f.error).toBeUndefined();
    const a = attr(f.body, 'a').value as Expr & { kind: 'template' };
    expect(a.kind).toBe('template');
    expect(a.parts.map((p) => (p.kind === 'text' ? p.value : p.kind))).toEqual(['x-', 'interp', '-${z}-%{w}-"q"-é']);
    const interp = a.parts[1] as { kind: 'interp'; expr: Expr };
    expect(interp.expr).toMatchObject({ kind: 'traversal', root: 'var', steps: [{ kind: 'attr', name: 'y' }] });
    const b = attr(f.body, 'b').value as Expr & { kind: 'template' };
    expect(b.parts.map((p) => p.kind)).toEqual(['directive', 'text', 'directive']);
  });

  it('reads heredocs, stripping the common indentation of <<- ones and keeping ${}', () => {
    const text = 'a = <<EOT\n  {"x": "${var.v}"}\nEOT\nb = <<-EOT\n    line one\n      line two\n    EOT\nc = 1\n';
    const f = parseHcl('/m/h.tf', text);
    expect(f.error).toBeUndefined();
    const a = attr(f.body, 'a').value as Expr & { kind: 'template' };
    expect(a.heredoc).toBe(true);
    expect(a.parts[0]).toMatchObject({ kind: 'text', value: '  {"x": "' });
    expect(a.parts[1]!.kind).toBe('interp');
    expect(attr(f.body, 'b').value).toMatchObject({ kind: 'string', value: 'line one\n  line two\n' });
    const c = attr(f.body, 'c');
    expect(lc(f, c.nameStart, c.nameEnd)).toBe('8:1-8:2');
  });

  it('parses references, calls, conditionals, for expressions, splats and operators', () => {
    const text = [
      'a = aws_api_gateway_method.options.http_method',
      'b = join(",", [for h in var.headers : lower(h) if h != ""])',
      'c = var.enabled ? { x = 1, "y" = [2] } : null',
      'd = aws_s3_bucket.b[*].id',
      'e = !(1 + 2 * 3 >= 7 || false)',
      'f = { for k, v in local.m : k => v... }',
      'g = local.list[0].name',
      '',
    ].join('\n');
    const f = parseHcl('/m/e.tf', text);
    expect(f.error).toBeUndefined();
    expect(attr(f.body, 'a').value).toMatchObject({ kind: 'traversal', root: 'aws_api_gateway_method', steps: [{ name: 'options' }, { name: 'http_method' }] });
    expect(attr(f.body, 'b').value).toMatchObject({ kind: 'call', name: 'join', args: [{ kind: 'string' }, { kind: 'for' }] });
    expect(attr(f.body, 'c').value).toMatchObject({ kind: 'conditional', then: { kind: 'object' }, otherwise: { kind: 'null' } });
    expect(attr(f.body, 'd').value).toMatchObject({ kind: 'traversal', steps: [{ kind: 'attr' }, { kind: 'splat' }, { kind: 'attr', name: 'id' }] });
    expect(attr(f.body, 'e').value).toMatchObject({ kind: 'unary', op: '!', operand: { kind: 'paren', expr: { kind: 'binary', op: '||' } } });
    expect(attr(f.body, 'f').value).toMatchObject({ kind: 'for', object: true });
    expect(attr(f.body, 'g').value).toMatchObject({ kind: 'traversal', steps: [{ kind: 'attr' }, { kind: 'index' }, { kind: 'attr', name: 'name' }] });
  });

  it.each([
    ['an unterminated string', 'a = "open\nb = 1\n', 1, 5, /Unterminated string/],
    ['a missing value', 'a =\nb = 1\n', 1, 4, /Missing value for attribute "a"/],
    ['an unclosed block', 'resource "x" "y" {\n  a = 1\n', 1, 18, /Unclosed block/],
    ['a stray closing brace', 'a = 1\n}\n', 2, 1, /no open block/],
    ['two attributes on one line', 'a = 1 b = 2\n', 1, 7, /Expected a newline/],
    ['an unterminated heredoc', 'a = <<EOT\ntext\n', 1, 5, /Unterminated heredoc/],
    ['a bad escape', 'a = "\\q"\n', 1, 6, /Invalid escape/],
    ['an unclosed list', 'a = [1, 2\n', 1, 5, /Unclosed list/],
  ])('reports %s at its exact position', (_what, text, line, column, message) => {
    const f = parseHcl('/m/bad.tf', text);
    expect(f.error?.message).toMatch(message);
    const s = spanAt(f, f.error!.start, f.error!.end);
    expect([s.line, s.column]).toEqual([line, column]);
  });

  it('bounds nesting instead of overflowing the stack', () => {
    const f = parseHcl('/m/deep.tf', `a = ${'['.repeat(100000)}\n`);
    expect(f.error?.message).toMatch(/nest/);
    const g = parseHcl('/m/deep2.tf', `${'a {\n'.repeat(5000)}`);
    expect(g.error).toBeDefined();
  });
});

function moduleOf(files: Record<string, string>): TfModule {
  let base = 0;
  const list: TfFile[] = Object.entries(files).map(([path, text]) => {
    const f = { hcl: parseHcl(path, text), base };
    base += text.length + 1;
    return f;
  });
  return new TfModule(list);
}

describe('Terraform module evaluation', () => {
  const m = moduleOf({
    '/m/variables.tf': 'variable "origin" {\n  default = "https://app.example.com"\n}\nvariable "open" {}\nvariable "methods" { default = ["GET", "PUT"] }\n',
    '/m/main.tf': [
      'locals {',
      '  acao = "\'${var.origin}\'"',
      '  list = join(",", var.methods)',
      '  loop = local.loop',
      '}',
      'resource "aws_api_gateway_method" "m" {',
      '  http_method = "OPTIONS"',
      '  rest_api_id = aws_api_gateway_rest_api.api.id',
      '}',
      'resource "aws_api_gateway_rest_api" "api" {}',
      'data "aws_region" "r" {}',
      'x1 = local.acao',
      'x2 = local.list',
      'x3 = aws_api_gateway_method.m.http_method',
      'x4 = aws_api_gateway_method.m.rest_api_id',
      'x5 = var.open',
      'x6 = data.aws_region.r.name',
      'x7 = local.loop',
      'x8 = upper(var.open)',
      'x9 = var.methods[1]',
      '',
    ].join('\n'),
  });
  const main = m.files[1]!;
  const value = (name: string) => m.eval(attr(main.hcl.body, name).value, main);

  it('resolves variable defaults and locals across the files of the module', () => {
    expect(value('x1')).toMatchObject({ k: 'str', v: "'https://app.example.com'" });
    expect(value('x2')).toMatchObject({ k: 'str', v: 'GET,PUT' });
    expect(value('x9')).toMatchObject({ k: 'str', v: 'PUT' });
  });

  it('reports a resolved value where it is used', () => {
    const v = value('x1');
    const s = spanAt(v.at.file.hcl, v.at.start, v.at.end);
    expect([s.file, s.line, s.column]).toEqual(['/m/main.tf', 12, 6]);
  });

  it("joins on a resource's own arguments and keeps computed attributes as references", () => {
    expect(value('x3')).toMatchObject({ k: 'str', v: 'OPTIONS' });
    expect(value('x4')).toMatchObject({ k: 'ref', address: 'aws_api_gateway_rest_api.api', attr: 'id' });
  });

  it('takes a template that is one interpolation as that value, not its text (HCL)', () => {
    const one = moduleOf({ '/o/main.tf': 'resource "aws_api_gateway_rest_api" "api" {}\nx = "${aws_api_gateway_rest_api.api.id}"\ny = "${var.n}"\nz = "id-${aws_api_gateway_rest_api.api.id}"\nvariable "n" { default = 3 }\n' });
    const f = one.files[0]!;
    const v = (name: string) => one.eval(attr(f.hcl.body, name).value, f);
    expect(v('x')).toMatchObject({ k: 'ref', address: 'aws_api_gateway_rest_api.api', attr: 'id' });
    expect(v('y')).toMatchObject({ k: 'num', v: 3 });
    expect(v('z')).toMatchObject({ k: 'unknown', mentions: ['aws_api_gateway_rest_api.api'] });
  });

  it('evaluates merge, lookup, coalesce, format, replace and try over known values', () => {
    const fm = moduleOf({
      '/f/main.tf': [
        'variable "origin" { default = "https://app.example.com" }',
        'variable "open" {}',
        'locals {',
        '  base = { a = "1", b = "2" }',
        '}',
        'm1 = merge(local.base, { b = "3", c = "4" }, null)',
        'm2 = merge(local.base, var.open)',
        'l1 = lookup(local.base, "b")',
        'l2 = lookup(local.base, "z", "fallback")',
        'l3 = lookup(local.base, "z")',
        'c1 = coalesce("", null, var.origin)',
        'c2 = coalesce(var.open, "x")',
        'f1 = format("\'%s\'", var.origin)',
        'f2 = format("%s:%d %%", "port", 443)',
        'f3 = format("%08.3f", 1)',
        'f4 = format("%s %s", "one")',
        'r1 = replace("https://*.example.com", "*", "app")',
        'r2 = replace("abc", "/b/", "x")',
        't1 = try(local.base.z, local.base.a)',
        't2 = try(var.open, "x")',
        't3 = try(local.base.z, local.base.y)',
        't4 = try(local.base["b"], "x")',
        't5 = try(var.origin.host, "none")',
        '',
      ].join('\n'),
    });
    const f = fm.files[0]!;
    const v = (name: string) => fm.eval(attr(f.hcl.body, name).value, f);
    const obj = (x: ReturnType<typeof v>) => (x.k === 'obj' ? x.items.map((i) => [i.key, scalarText(i.value)]) : x.k);
    expect(obj(v('m1'))).toEqual([['a', '1'], ['b', '3'], ['c', '4']]);
    // an entry that merge takes from a literal stays where that literal is written
    const b = (v('m1') as Extract<ReturnType<typeof v>, { k: 'obj' }>).items[1]!;
    expect(lc(f.hcl, b.value.at.start, b.value.at.end)).toBe('6:30-6:33');
    expect(v('m2')).toMatchObject({ k: 'unknown' });
    expect(v('l1')).toMatchObject({ k: 'str', v: '2' });
    expect(v('l2')).toMatchObject({ k: 'str', v: 'fallback' });
    expect(v('l3')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/no such key/) });
    expect(v('c1')).toMatchObject({ k: 'str', v: 'https://app.example.com' });
    expect(v('c2')).toMatchObject({ k: 'unknown' });
    expect(v('f1')).toMatchObject({ k: 'str', v: "'https://app.example.com'" });
    expect(v('f2')).toMatchObject({ k: 'str', v: 'port:443 %' });
    expect(v('f3')).toMatchObject({ k: 'unknown' });
    expect(v('f4')).toMatchObject({ k: 'unknown' });
    expect(v('r1')).toMatchObject({ k: 'str', v: 'https://app.example.com' });
    expect(v('r2')).toMatchObject({ k: 'unknown' });
    // try: the first argument that is not an error in Terraform (a missing key or attribute); one
    // the module does not determine stays unknown rather than falling through to a guess
    expect(v('t1')).toMatchObject({ k: 'str', v: '1' });
    expect(v('t2')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/var\.open/) });
    expect(v('t3')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/no argument evaluates/) });
    expect(v('t4')).toMatchObject({ k: 'str', v: '2' });
    expect(v('t5')).toMatchObject({ k: 'str', v: 'none' });
  });

  it('leaves what the module does not determine unknown, with the reason', () => {
    expect(value('x5')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/var\.open \(no default/) });
    expect(value('x6')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/data source/) });
    expect(value('x7')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/circular/) });
    expect(value('x8')).toMatchObject({ k: 'unknown', reason: expect.stringMatching(/function call upper/) });
  });
});

const REST = (origin: string) => `
resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}
resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "orders"
}
resource "aws_api_gateway_method" "put" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "PUT"
  authorization = "AWS_IAM"
}
resource "aws_api_gateway_method" "options" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}
resource "aws_api_gateway_integration" "options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.options.http_method
  type        = "MOCK"
  request_templates = { "application/json" = "{\\"statusCode\\": 204}" }
}
resource "aws_api_gateway_integration_response" "options" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.orders.id
  http_method = aws_api_gateway_method.options.http_method
  status_code = 204
  response_parameters = ${origin}
}
`;

function load(files: Record<string, string>) {
  return terraformSource.load(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    host,
  );
}

describe('Terraform mapping', () => {
  it('builds a REST route per method with Terraform names, positions and joined integration responses', () => {
    const text = REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${var.origin}'"
  }`);
    const r = load({ '/m/main.tf': text, '/m/variables.tf': 'variable "origin" {\n  default = "https://app.example.com"\n}\n' });
    expect(r.diagnostics).toEqual([]);
    expect(r.routes).toHaveLength(1);
    const route = r.routes[0]!;
    expect(route.source).toBe('terraform');
    expect(route.name).toBe('PUT /orders (aws_api_gateway_rest_api.api)');
    expect(route.id).toBe('rest-api:aws_api_gateway_rest_api.api/orders/PUT');
    // the route points at `http_method = "PUT"`
    expect([route.span.file, route.span.line, route.span.column]).toEqual(['/m/main.tf', 13, 19]);
    const [preflight, put] = route.responders;
    expect(preflight!.methods).toEqual(['OPTIONS']);
    expect(preflight!.status).toMatchObject({ kind: 'fixed', code: 204 });
    const acao = preflight!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(acao.value).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    expect([acao.span.file, acao.span.line, acao.span.column]).toEqual(['/m/main.tf', 35, 5]);
    expect(put!.auth[0]).toMatchObject({ mechanism: 'iam', span: { file: '/m/main.tf', line: 14, column: 19 } });
    expect(route.incomplete).toBeUndefined();
  });

  it('reads the module\'s other .tf files on disk when one file is linted alone (pre-commit, editors)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-tf-'));
    const main = join(dir, 'main.tf');
    const text = REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${var.origin}'"
  }`);
    writeFileSync(main, text);
    writeFileSync(join(dir, 'variables.tf'), 'variable "origin" {\n  default = "https://app.example.com"\n}\n');
    // a sibling Terraform would reject, a dot file and another kind are not read
    writeFileSync(join(dir, 'broken.tf'), 'resource "x" {\n');
    writeFileSync(join(dir, '.hidden.tf'), 'variable "origin" {\n  default = "*"\n}\n');
    writeFileSync(join(dir, 'notes.txt'), 'variable "origin" {}');
    const inputs = [{ path: main, text }];
    const r = terraformSource.load(inputs, await hostFor(inputs));
    expect(r.diagnostics).toEqual([]);
    const acao = r.routes[0]!.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(acao.value).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    // the given text wins over the file on disk (stdin, unsaved editor buffers)
    const edited = [{ path: main, text: text.replace('var.origin', 'local.nowhere') }];
    const r2 = terraformSource.load(edited, await hostFor(edited));
    expect(r2.routes[0]!.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value.kind).toBe('unknown');
    expect(listDirectory(join(dir, '*.tf'))).toEqual([join(dir, 'broken.tf'), main, join(dir, 'variables.tf')]);
    expect(listDirectory(join(dir, '**', '*.tf'))).toBeUndefined();
  });

  it("takes variable values from the tfvars files Terraform loads by itself, in Terraform's order", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corslint-tfvars-'));
    const main = join(dir, 'main.tf');
    const text = REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${var.origin}'"
  }`);
    writeFileSync(main, text);
    writeFileSync(join(dir, 'variables.tf'), 'variable "origin" {\n  default = "https://default.example.com"\n}\n');
    const origin = async (inputs: { path: string; text: string }[]) => {
      const r = terraformSource.load(inputs, await hostFor(inputs));
      expect(r.diagnostics).toEqual([]);
      return r.routes[0]!.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value;
    };
    const given = [{ path: main, text }];
    expect(await origin(given)).toEqual({ kind: 'literal', text: 'https://default.example.com' });
    // -var-file only: not read
    writeFileSync(join(dir, 'prod.tfvars'), 'origin = "https://prod.example.com"\n');
    expect(await origin(given)).toEqual({ kind: 'literal', text: 'https://default.example.com' });
    writeFileSync(join(dir, 'terraform.tfvars'), 'origin = "https://tfvars.example.com"\n');
    expect(await origin(given)).toEqual({ kind: 'literal', text: 'https://tfvars.example.com' });
    writeFileSync(join(dir, 'terraform.tfvars.json'), '{ "origin": "https://json.example.com" }\n');
    expect(await origin(given)).toEqual({ kind: 'literal', text: 'https://json.example.com' });
    // *.auto.tfvars(.json) come last, by name
    writeFileSync(join(dir, 'b.auto.tfvars.json'), '{ "origin": "https://b.example.com" }\n');
    writeFileSync(join(dir, 'a.auto.tfvars'), 'origin = "https://a.example.com"\n');
    expect(await origin(given)).toEqual({ kind: 'literal', text: 'https://b.example.com' });
    // a tfvars file given alone (a pre-commit run on it) lints its module, its own text winning
    const vars = [{ path: join(dir, 'b.auto.tfvars.json'), text: '{ "origin": "https://edited.example.com" }' }];
    expect(await origin(vars)).toEqual({ kind: 'literal', text: 'https://edited.example.com' });
    expect(detectKind(join(dir, 'terraform.tfvars'), '')).toBe('terraform');
    expect(detectKind(join(dir, 'b.auto.tfvars.json'), '{}')).toBe('terraform');
    // a bad tfvars file given as input is a parse error at its position
    const bad = terraformSource.load([{ path: join(dir, 'terraform.tfvars'), text: 'origin = \n' }], await hostFor([]));
    expect(bad.diagnostics).toEqual([expect.objectContaining({ ruleId: 'parse-error', span: expect.objectContaining({ line: 1 }) })]);
  });

  it('marks a method incomplete and its CORS headers unknown when response_parameters is not determined', () => {
    const r = load({ '/m/main.tf': REST('local.params') });
    const route = r.routes[0]!;
    expect(route.incomplete?.[0]?.reason).toMatch(/local\.params/);
    const acao = route.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin');
    expect(acao?.value.kind).toBe('unknown');
  });

  it('skips methods of an API the module does not declare (a module input)', () => {
    const r = load({ '/m/main.tf': REST('{}').replaceAll('aws_api_gateway_rest_api.api.id', 'var.api_id') });
    expect(r.routes).toEqual([]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads HTTP API cors_configuration and route authorization', () => {
    const r = load({
      '/m/http.tf': `resource "aws_apigatewayv2_api" "h" {
  name          = "h"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins     = ["https://app.example.com"]
    allow_credentials = true
  }
}
resource "aws_apigatewayv2_route" "r" {
  api_id             = aws_apigatewayv2_api.h.id
  route_key          = "POST /items"
  authorization_type = "AWS_IAM"
}
`,
    });
    const route = r.routes[0]!;
    expect(route.name).toBe('POST /items (aws_apigatewayv2_api.h)');
    const preflight = route.responders[0]!;
    expect(preflight.answeredBy).toBe('gateway');
    const creds = preflight.headers.find((h) => h.name === 'Access-Control-Allow-Credentials')!;
    expect([creds.span.line, creds.span.column]).toEqual([6, 5]);
    expect(route.responders[1]!.auth[0]!.mechanism).toBe('iam');
  });

  it('reads S3 CORS from aws_s3_bucket_cors_configuration joined to its bucket, and the legacy inline cors_rule', () => {
    const r = load({
      '/m/s3.tf': `resource "aws_s3_bucket" "a" {
  bucket = "a.example.com"
}
resource "aws_s3_bucket_cors_configuration" "a" {
  bucket = aws_s3_bucket.a.bucket
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["GET"]
  }
}
resource "aws_s3_bucket" "b" {
  cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["GET"]
  }
}
resource "aws_s3_bucket" "c" {
  dynamic "cors_rule" {
    for_each = var.rules
    content {
      allowed_origins = cors_rule.value.origins
      allowed_methods = ["GET"]
    }
  }
}
`,
    });
    expect(r.routes.map((x) => x.name)).toEqual(['S3 bucket aws_s3_bucket.a', 'S3 bucket aws_s3_bucket.b']);
    const origin = r.routes[0]!.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(origin.value).toMatchObject({ kind: 'by-origin', cases: [{ when: { kind: 'exact', origin: 'https://app.example.com', span: { line: 7, column: 24 } } }] });
  });

  it('reads CloudFront behaviors, skipping ones whose methods are not determined', () => {
    const r = load({
      '/m/cf.tf': `resource "aws_cloudfront_distribution" "d" {
  origin {
    origin_id   = "o"
    domain_name = "api.example.com"
  }
  default_cache_behavior {
    target_origin_id = "o"
    allowed_methods  = ["GET", "HEAD"]
    cached_methods   = ["GET", "HEAD"]
  }
  ordered_cache_behavior {
    path_pattern     = "/api/*"
    target_origin_id = "o"
    allowed_methods  = var.methods
    cached_methods   = ["GET", "HEAD"]
  }
}
`,
    });
    expect(r.routes.map((x: Route) => x.name)).toEqual(['CloudFront aws_cloudfront_distribution.d default behavior']);
    expect(r.routes[0]!.cdn?.allowedMethods).toMatchObject({ methods: ['GET', 'HEAD'], span: { line: 8, column: 5 } });
  });

  it('reports a syntax error as a fatal parse-error on that file only', () => {
    const r = load({ '/m/bad.tf': 'resource "x" "y" {\n', '/m/good.tf': REST('{}') });
    expect(r.diagnostics).toEqual([expect.objectContaining({ ruleId: 'parse-error', fatal: true, span: expect.objectContaining({ file: '/m/bad.tf', line: 1, column: 18 }) })]);
    expect(r.routes).toHaveLength(1);
  });

  it('lints end to end: findings land on the Terraform attribute that causes them', async () => {
    const text = REST(`{
    "method.response.header.Access-Control-Allow-Origin"  = "'https://app.example.com'"
    "method.response.header.Access-Control-Allow-Methods" = "'PUT'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type'"
    "method.response.header.Access-Control-Max-Age"       = "'600'"
  }`);
    const results = await lintFiles([{ path: '/m/main.tf', text }], { rules: allRules, settings: { clients: [], sites: [] }, host });
    const messages = results.flatMap((x) => x.messages);
    const missing = messages.find((x) => x.ruleId === 'allow-headers-missing-header' || x.ruleId === 'allow-headers-missing-authorization');
    expect(missing).toBeDefined();
    expect(missing!.line).toBe(37);
    expect(missing!.message).toMatch(/PUT \/orders \(aws_api_gateway_rest_api\.api\)/);
  });
});

describe('Terraform module calls', () => {
  const api = {
    '/r/api/variables.tf': 'variable "origin" {\n  default = "https://default.example.com"\n}\n',
    '/r/api/main.tf': REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${var.origin}'"
  }`),
  };
  const acao = (route: Route) => route.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
  const call = (name: string, source: string, args = '') => `module "${name}" {\n  source = "${source}"\n${args}}\n`;

  it('lints a local module through its call, with the values the module block gives its variables', () => {
    const r = load({ '/r/main.tf': call('orders', './api', '  origin = "https://shop.example.com"\n'), ...api });
    expect(r.diagnostics).toEqual([]);
    expect(r.routes.map((x) => x.name)).toEqual(['PUT /orders (module.orders.aws_api_gateway_rest_api.api)']);
    const h = acao(r.routes[0]!);
    expect(h.value).toEqual({ kind: 'literal', text: 'https://shop.example.com' });
    // reported in the module's file, where the variable is used, naming the call it was read through
    expect([h.span.file, h.span.line, h.span.column]).toEqual(['/r/api/main.tf', 35, 5]);
    expect(h.span.via).toBe('module.orders, called from /r/main.tf');
    expect(r.routes[0]!.span.via).toBe(h.span.via);
  });

  it('lints a module once per call, and on its own only when nothing in the run calls it', () => {
    const two = load({
      '/r/main.tf': call('shop', './api', '  origin = "https://shop.example.com"\n') + call('admin', './api', '  origin = "*"\n'),
      ...api,
    });
    expect(two.routes.map((x) => [x.name, acao(x).value])).toEqual([
      ['PUT /orders (module.shop.aws_api_gateway_rest_api.api)', { kind: 'literal', text: 'https://shop.example.com' }],
      ['PUT /orders (module.admin.aws_api_gateway_rest_api.api)', { kind: 'literal', text: '*' }],
    ]);
    // no argument: the variable's default
    const byDefault = load({ '/r/main.tf': call('orders', './api'), ...api });
    expect(acao(byDefault.routes[0]!).value).toEqual({ kind: 'literal', text: 'https://default.example.com' });
    // the module alone (no caller in the run): its defaults, its own addresses, no call named
    const alone = load(api);
    expect(alone.routes.map((x) => [x.name, acao(x).value])).toEqual([
      ['PUT /orders (aws_api_gateway_rest_api.api)', { kind: 'literal', text: 'https://default.example.com' }],
    ]);
    expect(acao(alone.routes[0]!).span.via).toBeUndefined();
  });

  it("passes values down nested calls, from the calling module's own variables", () => {
    const r = load({
      '/r/main.tf': 'variable "site" {\n  default = "https://root.example.com"\n}\n' + call('edge', './edge', '  origin = var.site\n'),
      '/r/edge/main.tf': 'variable "origin" {}\n' + call('orders', '../api', '  origin = lower(var.origin)\n'),
      ...api,
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.routes.map((x) => [x.name, acao(x).value])).toEqual([
      ['PUT /orders (module.edge.module.orders.aws_api_gateway_rest_api.api)', { kind: 'literal', text: 'https://root.example.com' }],
    ]);
    // the innermost call, by its full address
    expect(acao(r.routes[0]!).span.via).toBe('module.edge.module.orders, called from /r/edge/main.tf');
  });

  it('names the call in each finding read through one: one finding per call that causes it', async () => {
    const credentialed = REST(`{
    "method.response.header.Access-Control-Allow-Origin"      = "'\${var.origin}'"
    "method.response.header.Access-Control-Allow-Credentials" = "'true'"
  }`);
    const files = {
      '/r/main.tf': call('a', './api', '  origin = "*"\n') + call('b', './api', '  origin = "https://b.example.com"\n') + call('c', './api', '  origin = "*"\n'),
      '/r/api/variables.tf': 'variable "origin" {}\n',
      '/r/api/main.tf': credentialed,
    };
    const results = await lintFiles(Object.entries(files).map(([path, text]) => ({ path, text })), { rules: allRules, settings: { clients: [], sites: [] }, host });
    const star = results.flatMap((x) => x.messages).filter((m) => m.ruleId === 'wildcard-origin-with-credentials');
    expect(star.map((m) => [m.line, m.message.slice(m.message.lastIndexOf(' (in '))])).toEqual([
      [35, ' (in module.a, called from /r/main.tf)'],
      [35, ' (in module.c, called from /r/main.tf)'],
    ]);
    expect(results.find((x) => x.filePath === '/r/api/main.tf')!.messages.every((m) => / \(in module\.[abc], called from /.test(m.message))).toBe(true);
  });

  it('reports a local source without Terraform files, and leaves registry and git sources alone', () => {
    const r = load({
      '/r/main.tf': call('gone', './missing') + call('registry', 'terraform-aws-modules/apigateway-v2/aws') + call('git', 'git::https://example.com/m.git'),
    });
    expect(r.routes).toEqual([]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ ruleId: 'unresolved-include', span: expect.objectContaining({ file: '/r/main.tf', line: 2, column: 12 }) }),
    ]);
    expect(r.diagnostics[0]!.message).toContain('module.gone');
  });

  it('stops at a module that calls itself or a cycle of calls (Terraform rejects both)', () => {
    const r = load({
      '/r/a/main.tf': call('self', './') + call('b', '../b') + REST('{}'),
      '/r/b/main.tf': call('a', '../a'),
    });
    // nothing outside the cycle calls it: each module is linted on its own, following its calls once
    expect(r.routes.map((x) => x.name)).toEqual([
      'PUT /orders (aws_api_gateway_rest_api.api)',
      'PUT /orders (module.a.aws_api_gateway_rest_api.api)',
    ]);
  });
});

describe('Terraform override files', () => {
  const STAR = `{
    "method.response.header.Access-Control-Allow-Origin" = "'*'"
  }`;
  const acao = (route: Route) => route.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
  const overrideParams = (origin: string) => `resource "aws_api_gateway_integration_response" "options" {
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'${origin}'"
  }
}
`;

  it('an argument of an override file replaces the original, and findings land where the override writes it', () => {
    const r = load({ '/o/main.tf': REST(STAR), '/o/override.tf': overrideParams('https://app.example.com') });
    expect(r.diagnostics).toEqual([]);
    const h = acao(r.routes[0]!);
    expect(h.value).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    expect([h.span.file, h.span.line, h.span.column]).toEqual(['/o/override.tf', 3, 5]);
    // the arguments the override does not set stay the original's (the joins on rest_api_id, ...)
    expect(r.routes.map((x) => x.name)).toEqual(['PUT /orders (aws_api_gateway_rest_api.api)']);
  });

  it('reads override files after the others, in the order of their names, whatever order they come in', () => {
    const files = {
      '/o/a_override.tf': overrideParams('https://a.example.com'),
      '/o/main.tf': REST(STAR),
      '/o/override.tf': overrideParams('https://b.example.com'),
    };
    expect(acao(load(files).routes[0]!).value).toEqual({ kind: 'literal', text: 'https://b.example.com' });
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    expect(acao(load(reversed).routes[0]!).value).toEqual({ kind: 'literal', text: 'https://b.example.com' });
    // an override file whose name sorts first does not stand in for the block it overrides
    const first = load({ '/o/a_override.tf': overrideParams('https://a.example.com'), '/o/main.tf': REST(STAR) });
    expect(first.routes.map((x) => x.name)).toEqual(['PUT /orders (aws_api_gateway_rest_api.api)']);
    expect(acao(first.routes[0]!).value).toEqual({ kind: 'literal', text: 'https://a.example.com' });
  });

  it('overrides locals one by one and a variable by its arguments', () => {
    const main = 'locals {\n  origin = "*"\n  other  = "x"\n}\n' + REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${local.origin}'"
  }`);
    const local = load({ '/o/main.tf': main, '/o/override.tf': 'locals {\n  origin = "https://app.example.com"\n}\n' });
    expect(acao(local.routes[0]!).value).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    const byVar = REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${var.origin}'"
  }`);
    const variable = load({
      '/o/main.tf': byVar,
      '/o/variables.tf': 'variable "origin" {\n  type    = string\n  default = "*"\n}\n',
      '/o/dev_override.tf': 'variable "origin" {\n  default = "https://dev.example.com"\n}\n',
    });
    expect(acao(variable.routes[0]!).value).toEqual({ kind: 'literal', text: 'https://dev.example.com' });
  });

  it('nested blocks of an override replace all the original blocks of their kind', () => {
    const r = load({
      '/o/s3.tf': `resource "aws_s3_bucket" "a" {
  bucket = "a.example.com"
}
resource "aws_s3_bucket_cors_configuration" "a" {
  bucket = aws_s3_bucket.a.bucket
  cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["GET"]
  }
  cors_rule {
    allowed_origins = ["https://old.example.com"]
    allowed_methods = ["PUT"]
  }
}
`,
      '/o/s3_override.tf': `resource "aws_s3_bucket_cors_configuration" "a" {
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["GET"]
  }
}
`,
    });
    expect(r.routes.map((x) => x.name)).toEqual(['S3 bucket aws_s3_bucket.a']);
    const origin = r.routes[0]!.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(origin.value).toMatchObject({ kind: 'by-origin', cases: [{ when: { kind: 'exact', origin: 'https://app.example.com', span: { file: '/o/s3_override.tf', line: 3, column: 24 } } }] });
    // a dynamic block is a block of its label's kind: a static override replaces it
    const dynamic = load({
      '/o/s3.tf': `resource "aws_s3_bucket" "b" {
  dynamic "cors_rule" {
    for_each = var.rules
    content {
      allowed_origins = cors_rule.value.origins
      allowed_methods = ["GET"]
    }
  }
}
`,
      '/o/override.tf': `resource "aws_s3_bucket" "b" {
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["GET"]
  }
}
`,
    });
    expect(dynamic.routes.map((x) => x.name)).toEqual(['S3 bucket aws_s3_bucket.b']);
    const fixed = dynamic.routes[0]!.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(fixed.value).toMatchObject({ kind: 'by-origin', cases: [{ when: { kind: 'exact', origin: 'https://app.example.com', span: { file: '/o/override.tf' } } }] });
  });

  it("overrides a module call's arguments", () => {
    const r = load({
      '/o/main.tf': 'module "orders" {\n  source = "./api"\n  origin = "*"\n}\n',
      '/o/override.tf': 'module "orders" {\n  origin = "https://app.example.com"\n}\n',
      '/o/api/main.tf': 'variable "origin" {}\n' + REST(`{
    "method.response.header.Access-Control-Allow-Origin" = "'\${var.origin}'"
  }`),
    });
    expect(r.routes.map((x) => [x.name, acao(x).value])).toEqual([['PUT /orders (module.orders.aws_api_gateway_rest_api.api)', { kind: 'literal', text: 'https://app.example.com' }]]);
  });

  it('leaves out an override of nothing (Terraform rejects it), and reads JSON override files', () => {
    const orphan = load({ '/o/main.tf': REST(STAR), '/o/override.tf': 'resource "aws_api_gateway_method" "missing" {\n  http_method = "GET"\n}\n' });
    expect(orphan.routes.map((x) => x.name)).toEqual(['PUT /orders (aws_api_gateway_rest_api.api)']);
    expect(acao(orphan.routes[0]!).value).toEqual({ kind: 'literal', text: '*' });
    const json = load({
      '/o/main.tf': REST(STAR),
      '/o/override.tf.json': JSON.stringify({
        resource: { aws_api_gateway_integration_response: { options: { response_parameters: { 'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'" } } } },
      }),
    });
    expect(acao(json.routes[0]!).value).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    expect(acao(json.routes[0]!).span.file).toBe('/o/override.tf.json');
  });
});

describe('Terraform JSON syntax (.tf.json)', () => {
  const JSON_MODULE = `{
  "//": { "metadata": { "stackName": "orders" } },
  "variable": { "origin": { "default": "https://app.example.com" } },
  "resource": {
    "aws_s3_bucket_cors_configuration": {
      "site": [{
        "bucket": "\${aws_s3_bucket.site.id}",
        "//": "a comment",
        "cors_rule": [{ "allowed_methods": ["GET"], "allowed_origins": ["\${var.origin}"] }, { "allowed_methods": ["PUT"], "allowed_origins": ["*"] }],
        "dynamic": { "x_rule": { "for_each": "\${var.rules}", "content": { "a": 1 } } }
      }]
    },
    "aws_s3_bucket": { "site": { "bucket": "site" } }
  }
}
`;

  it('reads block types, labels, arguments and nested blocks with exact positions', () => {
    const f = parseHclJson('/j/main.tf.json', JSON_MODULE);
    expect(f.error).toBeUndefined();
    expect(f.body.map((b) => (b as Block).blockType + ' ' + (b as Block).labels.map((l) => l.value).join(' '))).toEqual([
      'variable origin',
      'resource aws_s3_bucket_cors_configuration site',
      'resource aws_s3_bucket site',
    ]);
    const cors = f.body[1] as Block;
    // "//" comments are dropped; an array of objects is both an argument and nested blocks
    expect(cors.body.filter((i) => i.type === 'attribute').map((i) => (i as Attribute).name)).toEqual(['bucket', 'cors_rule']);
    const rules = cors.body.filter((i): i is Block => i.type === 'block' && i.blockType === 'cors_rule');
    expect(rules).toHaveLength(2);
    const dyn = cors.body.find((i): i is Block => i.type === 'block' && i.blockType === 'dynamic')!;
    expect(dyn.labels.map((l) => l.value)).toEqual(['x_rule']);
    // every string is a template whose offsets are those of the JSON text
    const bucket = attr(cors.body, 'bucket').value;
    expect(bucket.kind).toBe('template');
    const s = spanAt(f, bucket.start, bucket.end);
    expect([s.line, s.column, JSON_MODULE.slice(bucket.start, bucket.end)]).toEqual([7, 19, '"${aws_s3_bucket.site.id}"']);
  });

  it('maps a .tf.json module like a .tf one, and .tf and .tf.json files of one directory form one module', () => {
    const r = load({ '/j/main.tf.json': JSON_MODULE });
    expect(r.diagnostics).toEqual([]);
    expect(r.routes.map((x) => x.name)).toEqual(['S3 bucket aws_s3_bucket.site']);
    const origins = r.routes[0]!.responders.flatMap((x) => x.headers).filter((h) => h.name === 'Access-Control-Allow-Origin');
    expect(origins.some((h) => h.span.file === '/j/main.tf.json' && h.span.line === 9)).toBe(true);
    const mixed = load({ '/k/vars.tf': 'variable "origin" { default = "https://admin.example.com" }\n', '/k/main.tf.json': JSON_MODULE.replace(/"variable": \{[^\n]*\n/, '') });
    expect(mixed.routes).toHaveLength(1);
  });

  it('takes a .tf.json file for Terraform by its content: an OpenAPI document of that name stays OpenAPI', () => {
    expect(detectKind('/j/cdk.tf.json', JSON_MODULE)).toBe('terraform');
    expect(detectKind('/j/main.tf.json', '{ "resource": {} }')).toBe('terraform');
    expect(detectKind('/j/api.spec.tf.json', '{\n  "openapi": "3.0.1",\n  "paths": {},\n  "x-amazon-apigateway-api-key-source": "HEADER"\n}\n')).toBe('openapi');
  });

  it('reports invalid JSON as a fatal parse-error at its position, and never throws', () => {
    const r = load({ '/j/bad.tf.json': '{\n  "resource": {\n    "x": [1,]\n' });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ ruleId: 'parse-error', fatal: true, message: 'Terraform syntax error: value expected (JSON syntax)', span: expect.objectContaining({ file: '/j/bad.tf.json', line: 3, column: 13 }) }),
    ]);
    expect(parseHclJson('/j/a.tf.json', '[1]').error?.message).toMatch(/one object of block types/);
    expect(parseHclJson('/j/deep.tf.json', '{"locals": {"a": ' + '['.repeat(20000) + ']'.repeat(20000) + '}}').error).toBeDefined();
  });
});

describe('Terraform robustness (property)', () => {
  const TOKENS = ['resource', '"x"', '{', '}', '[', ']', '(', ')', '=', '\n', ' ', '"${', '%{', '<<EOT\n', '<<-EOT\n', 'EOT\n', '#', '//', '/*', '*/', 'var.a', 'local.b', 'aws_s3_bucket.b.id', ',', ':', '?', '.', '*', '\\', '"', 'true', '1.5e3', 'for', 'in', '=>', '...', 'cors_rule', 'aws_api_gateway_method'];

  it('reports an operator at the end of the text inside the text (found by the token soup)', () => {
    // `"x" *` once read the label as an expression and `*` at the end as a two-character operator.
    for (const text of ['resource "x" *', 'resource "x" * 2 {}', 'a = 1 *', 'a = 1 &', 'a = 1 =', 'resource " \\', 'a = "\\u12', 'a = "\\']) {
      const f = parseHcl('/p/a.tf', text);
      expect(f.error, text).toBeDefined();
      expect(f.error!.start, text).toBeLessThanOrEqual(text.length);
      expect(f.error!.end, text).toBeLessThanOrEqual(text.length);
    }
    expect(parseHcl('/p/a.tf', 'resource "x" *').error!.message).toBe('Expected "{" to open the "resource" block, found "*"');
    expect(parseHcl('/p/a.tf', 'a = 1 *').error).toMatchObject({ message: 'Expected an expression, found end of file', start: 7 });
    expect(parseHcl('/p/a.tf', 'a = "\\').error).toMatchObject({ message: 'Invalid escape sequence "\\" in a quoted string', start: 5, end: 6 });
  });

  it('never throws on token soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }), (tokens) => {
        const text = tokens.join(' ');
        const f = parseHcl('/p/a.tf', text);
        if (f.error) {
          expect(f.error.start).toBeGreaterThanOrEqual(0);
          expect(f.error.start).toBeLessThanOrEqual(text.length);
          expect(f.error.end).toBeLessThanOrEqual(text.length);
        }
        load({ '/p/a.tf': text });
      }),
      { numRuns: 400 },
    );
  });

  const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'rules');
  // Terraform cases are directories (a directory is a module): fixtures/rules/<rule>/terraform-*/main.tf
  const fixtures = readdirSync(fixtureDir).flatMap((d) =>
    readdirSync(join(fixtureDir, d))
      .filter((n) => n.startsWith('terraform-'))
      .flatMap((c) => readdirSync(join(fixtureDir, d, c)).filter((n) => n.endsWith('.tf')).map((n) => readFileSync(join(fixtureDir, d, c, n), 'utf8'))),
  );

  it('never throws on mutated fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(5);
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom('', '{', '}', '"', '${', '\n', '[', '=', 'EOT', '<<EOT\n')), { maxLength: 6 }),
        (text, edits) => {
          let t = text;
          for (const [at, len, insert] of edits) {
            const i = at % (t.length + 1);
            t = t.slice(0, i) + insert + t.slice(i + len);
          }
          const r = load({ '/p/main.tf': t });
          for (const d of r.diagnostics) expect(d.span.line).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
