/**
 * The live-account source (`--aws`): SDK clients mocked with aws-sdk-client-mock, never the
 * network. Covers paging, the embed=methods shape, conversion into the shared API Gateway and
 * CloudFront builders (so the ordinary rules fire at `aws://` locations), and the exit-2 errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
  type Method,
} from '@aws-sdk/client-api-gateway';
import {
  ApiGatewayV2Client,
  GetApiCommand,
  GetAuthorizersCommand as GetV2AuthorizersCommand,
  GetIntegrationsCommand,
  GetRoutesCommand,
} from '@aws-sdk/client-apigatewayv2';
import {
  CloudFrontClient,
  GetCachePolicyCommand,
  GetDistributionConfigCommand,
  GetOriginRequestPolicyCommand,
  GetResponseHeadersPolicyCommand,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LintResult } from '../src/engine/lint.js';
import type { Route } from '../src/model/types.js';
import { describeAwsError } from '../src/sources/aws-live/errors.js';
import { loadAwsLive } from '../src/sources/aws-live/index.js';
import { AwsTargetError, methodUri, parseAwsTarget } from '../src/sources/aws-live/targets.js';
import { BIN, ensureBuilt, ROOT } from './helpers/build.js';

const apigw = mockClient(APIGatewayClient);
const apigw2 = mockClient(ApiGatewayV2Client);
const cloudfront = mockClient(CloudFrontClient);

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'corslint-aws-'));
});
beforeEach(() => {
  apigw.reset();
  apigw2.reset();
  cloudfront.reset();
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs the CLI in process (so the mocks apply), from an empty directory without a config. */
async function corslint(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  const argv = process.argv;
  const cwd = process.cwd();
  process.argv = [process.execPath, 'corslint', ...args];
  process.chdir(workDir);
  try {
    vi.resetModules();
    await import('../src/cli/main.js');
    return { code: Number(process.exitCode ?? 0), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.exitCode = undefined;
    process.argv = argv;
    process.chdir(cwd);
    so.mockRestore();
    se.mockRestore();
  }
}

async function lintJson(args: string[]): Promise<LintResult[]> {
  const r = await corslint([...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as LintResult[];
}

function findings(results: LintResult[]): { file: string; ruleId: string; message: string; line: number; column: number }[] {
  return results.flatMap((r) => r.messages.map((m) => ({ file: r.filePath, ruleId: m.ruleId, message: m.message, line: m.line, column: m.column })));
}

// ---------------------------------------------------------------------------------------------
// REST API fixtures

const cors = (origin = "'https://app.example.com'") => ({
  'method.response.header.Access-Control-Allow-Origin': origin,
  'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'",
  'method.response.header.Access-Control-Allow-Methods': "'GET,PUT,OPTIONS'",
});

function optionsMock(auth: Partial<Method> = {}): Method {
  return {
    httpMethod: 'OPTIONS',
    authorizationType: 'NONE',
    apiKeyRequired: false,
    ...auth,
    methodIntegration: {
      type: 'MOCK',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      integrationResponses: { '200': { statusCode: '200', responseParameters: cors() } },
    },
  };
}

const putOrders: Method = {
  httpMethod: 'PUT',
  authorizationType: 'COGNITO_USER_POOLS',
  authorizerId: 'auth1',
  methodIntegration: { type: 'AWS_PROXY', uri: 'arn:aws:apigateway:us-east-1:lambda:path/x' },
};

function mockRestApi(opts: { optionsAuth?: Partial<Method>; gatewayResponses?: Parameters<ReturnType<typeof apigw.on>['resolves']>[0] } = {}): void {
  apigw.on(GetRestApiCommand, { restApiId: 'abc123' }).resolves({ id: 'abc123', name: 'orders-api', apiKeySource: 'HEADER' });
  // Two pages: the second (after `position`) holds /orders, so it is only seen when paging works.
  apigw.on(GetResourcesCommand, { restApiId: 'abc123', position: undefined }).resolves({
    position: 'page-2',
    items: [{ id: 'root1', path: '/', resourceMethods: {} }],
  });
  apigw.on(GetResourcesCommand, { restApiId: 'abc123', position: 'page-2' }).resolves({
    items: [{ id: 'res1', parentId: 'root1', pathPart: 'orders', path: '/orders', resourceMethods: { OPTIONS: optionsMock(opts.optionsAuth), PUT: putOrders } }],
  });
  apigw.on(GetAuthorizersCommand).resolves({
    items: [{ id: 'auth1', name: 'UserPool', type: 'COGNITO_USER_POOLS', identitySource: 'method.request.header.Authorization' }],
  });
  apigw.on(GetGatewayResponsesCommand).resolves(
    (opts.gatewayResponses as never) ?? {
      items: [
        {
          responseType: 'DEFAULT_4XX',
          statusCode: undefined,
          defaultResponse: false,
          responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" },
        },
        {
          responseType: 'DEFAULT_5XX',
          defaultResponse: false,
          responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" },
        },
        // An uncustomized type: falls back to DEFAULT_4XX, it must not shadow it.
        { responseType: 'UNAUTHORIZED', statusCode: '401', defaultResponse: true, responseParameters: {} },
      ],
    },
  );
}

describe('--aws targets', () => {
  it('parses the three kinds and a stage', () => {
    expect(parseAwsTarget('rest-api:abc123@prod')).toEqual({ kind: 'rest-api', id: 'abc123', stage: 'prod', spec: 'rest-api:abc123@prod' });
    expect(parseAwsTarget('http-api:xyz789')).toMatchObject({ kind: 'http-api', id: 'xyz789' });
    expect(parseAwsTarget('cloudfront:E2QWRUHAPOMQZL')).toMatchObject({ kind: 'cloudfront', id: 'E2QWRUHAPOMQZL' });
  });
  it('rejects malformed targets', () => {
    for (const bad of ['abc123', 'rest-api:', 'rest-api:a@b@c', 'lambda:fn', 'cloudfront:E1/x', 'http-api:x@prod']) {
      expect(() => parseAwsTarget(bad), bad).toThrow(AwsTargetError);
    }
  });
  it('locates methods like API Gateway paths', () => {
    expect(methodUri('rest-api', 'abc123', '/orders', 'OPTIONS')).toBe('aws://rest-api/abc123/orders/OPTIONS');
    expect(methodUri('rest-api', 'abc123', '/', 'GET')).toBe('aws://rest-api/abc123/GET');
  });
});

describe('REST API', () => {
  it('pages GetResources with embed=methods and reads the embedded methods', async () => {
    mockRestApi();
    const { result } = await loadAwsLive(['rest-api:abc123']);
    const calls = apigw.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls.every((i) => i.embed?.length === 1 && i.embed[0] === 'methods')).toBe(true);
    expect(calls[1]!.position).toBe('page-2');
    // the embedded methods were enough: no per-method reads
    expect(apigw.commandCalls(GetMethodCommand)).toHaveLength(0);
    const put = result.routes.find((r) => r.id === 'rest-api:abc123/orders/PUT')!;
    expect(put.name).toBe('PUT /orders (orders-api)');
    expect(put.source).toBe('aws-live');
    expect(put.responders[0]!.methods).toEqual(['OPTIONS']);
    expect(put.responders[0]!.answeredBy).toBe('gateway');
    expect(put.responders[1]!.auth[0]).toMatchObject({ mechanism: 'authorization-header', header: 'Authorization', description: 'Cognito authorizer UserPool' });
    expect(put.requiredRequestHeaders?.map((h) => h.name)).toEqual(['Authorization']);
    // UNAUTHORIZED is uncustomized, so the DEFAULT_4XX headers reach it
    const unauthorized = put.gatewayErrors!.find((e) => e.type === 'UNAUTHORIZED')!;
    expect(unauthorized.headers.map((h) => h.name)).toEqual(['Access-Control-Allow-Origin']);
    expect(unauthorized.span?.file).toBe('aws://rest-api/abc123/gatewayresponses/DEFAULT_4XX');
  });

  it('a clean API has no findings and one result for the target', async () => {
    mockRestApi();
    const results = await lintJson(['--aws', 'rest-api:abc123', '--rule', 'max-age-missing:off', '--rule', 'cors-delegated-to-backend:off']);
    expect(results.map((r) => r.filePath)).toEqual(['aws://rest-api/abc123']);
    expect(findings(results)).toEqual([]);
  });

  it('an authorizer on OPTIONS is preflight-requires-auth at aws://rest-api/<id>/orders/OPTIONS', async () => {
    mockRestApi({ optionsAuth: { authorizationType: 'COGNITO_USER_POOLS', authorizerId: 'auth1' } });
    const r = await corslint(['--aws', 'rest-api:abc123', '--format', 'json']);
    expect(r.code).toBe(1);
    const hit = findings(JSON.parse(r.stdout) as LintResult[]).filter((f) => f.ruleId === 'preflight-requires-auth');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ file: 'aws://rest-api/abc123/orders/OPTIONS', line: 1, column: 1 });
    expect(hit[0]!.message).toContain('PUT /orders');
    expect(hit[0]!.message).toContain('Cognito authorizer UserPool');
  });

  it('an API key on OPTIONS also blocks the preflight, unless the key source is AUTHORIZER', async () => {
    mockRestApi({ optionsAuth: { apiKeyRequired: true } });
    let hit = findings(await lintJson(['--aws', 'rest-api:abc123'])).filter((f) => f.ruleId === 'preflight-requires-auth');
    expect(hit.map((f) => f.file)).toEqual(['aws://rest-api/abc123/orders/OPTIONS']);
    expect(hit[0]!.message).toContain('X-Api-Key');
    apigw.on(GetRestApiCommand, { restApiId: 'abc123' }).resolves({ id: 'abc123', name: 'orders-api', apiKeySource: 'AUTHORIZER' });
    hit = findings(await lintJson(['--aws', 'rest-api:abc123'])).filter((f) => f.ruleId === 'preflight-requires-auth');
    expect(hit).toEqual([]);
  });

  it('a resource without OPTIONS is preflight-unhandled at its method', async () => {
    mockRestApi();
    apigw.on(GetResourcesCommand, { restApiId: 'abc123', position: 'page-2' }).resolves({
      items: [{ id: 'res1', path: '/orders', resourceMethods: { PUT: putOrders } }, { id: 'res2', path: '/health', resourceMethods: { OPTIONS: optionsMock() } }],
    });
    const hit = findings(await lintJson(['--aws', 'rest-api:abc123'])).filter((f) => f.ruleId === 'preflight-unhandled');
    expect(hit.map((f) => f.file)).toEqual(['aws://rest-api/abc123/orders']);
    expect(hit[0]!.message).toContain('Missing Authentication Token');
  });

  it('gateway responses without CORS headers: cors-headers-missing-on-errors', async () => {
    mockRestApi({ gatewayResponses: { items: [{ responseType: 'DEFAULT_4XX', defaultResponse: true, responseParameters: {} }] } as never });
    const hit = findings(await lintJson(['--aws', 'rest-api:abc123'])).filter((f) => f.ruleId === 'cors-headers-missing-on-errors');
    expect(hit.length).toBeGreaterThan(0);
    expect(hit[0]!.message).toMatch(/401|UNAUTHORIZED/);
  });

  it('with a stage: GetStage is read and stage variables resolve in header mappings', async () => {
    mockRestApi();
    apigw.on(GetResourcesCommand, { restApiId: 'abc123', position: 'page-2' }).resolves({
      items: [
        {
          id: 'res1',
          path: '/orders',
          resourceMethods: {
            PUT: putOrders,
            OPTIONS: {
              ...optionsMock(),
              methodIntegration: {
                type: 'MOCK',
                requestTemplates: { 'application/json': '{"statusCode": 200}' },
                integrationResponses: { '200': { statusCode: '200', responseParameters: { ...cors('stageVariables.allowedOrigin') } } },
              },
            },
          },
        },
      ],
    });
    apigw.on(GetStageCommand, { restApiId: 'abc123', stageName: 'prod' }).resolves({ stageName: 'prod', deploymentId: 'dep1', variables: { allowedOrigin: 'https://app.example.com/' } });
    const { result } = await loadAwsLive(['rest-api:abc123@prod']);
    const put = result.routes.find((r) => r.id === 'rest-api:abc123/orders/PUT')!;
    const acao = put.responders[0]!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(acao.value).toEqual({ kind: 'literal', text: 'https://app.example.com/' });
    expect(put.notes?.[0]).toContain('stage prod');
    // the trailing slash from the stage variable can never match an Origin
    const hit = findings(await lintJson(['--aws', 'rest-api:abc123@prod'])).filter((f) => f.ruleId === 'invalid-allow-origin-value');
    expect(hit.map((f) => f.file)).toEqual(['aws://rest-api/abc123/orders/OPTIONS']);
  });

  it('reads method stubs one by one when an endpoint ignores embed=methods', async () => {
    mockRestApi();
    apigw.on(GetResourcesCommand, { restApiId: 'abc123', position: 'page-2' }).resolves({ items: [{ id: 'res1', path: '/orders', resourceMethods: { OPTIONS: {}, PUT: {} } }] });
    apigw.on(GetMethodCommand, { restApiId: 'abc123', resourceId: 'res1', httpMethod: 'OPTIONS' }).resolves(optionsMock({ authorizationType: 'AWS_IAM' }));
    apigw.on(GetMethodCommand, { restApiId: 'abc123', resourceId: 'res1', httpMethod: 'PUT' }).resolves(putOrders);
    const { result } = await loadAwsLive(['rest-api:abc123']);
    expect(apigw.commandCalls(GetMethodCommand)).toHaveLength(2);
    const put = result.routes.find((r) => r.id === 'rest-api:abc123/orders/PUT')!;
    expect(put.responders[0]!.auth[0]!.mechanism).toBe('iam');
  });

  it('a position that repeats does not loop forever', async () => {
    mockRestApi();
    apigw.on(GetResourcesCommand, { restApiId: 'abc123', position: 'page-2' }).resolves({ position: 'page-2', items: [] });
    await loadAwsLive(['rest-api:abc123']);
    expect(apigw.commandCalls(GetResourcesCommand)).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------
// HTTP API

function mockHttpApi(corsConfig: object | undefined): void {
  apigw2.on(GetApiCommand, { ApiId: 'h77' }).resolves({ ApiId: 'h77', Name: 'mobile', ProtocolType: 'HTTP', ...(corsConfig ? { CorsConfiguration: corsConfig } : {}) });
  apigw2.on(GetRoutesCommand, { ApiId: 'h77', NextToken: undefined }).resolves({
    NextToken: 't2',
    Items: [{ RouteId: 'r0', RouteKey: 'GET /health', AuthorizationType: 'NONE', Target: 'integrations/i1' }],
  });
  apigw2.on(GetRoutesCommand, { ApiId: 'h77', NextToken: 't2' }).resolves({
    Items: [{ RouteId: 'r1', RouteKey: 'GET /orders', AuthorizationType: 'JWT', AuthorizerId: 'jwt1', Target: 'integrations/i1' }],
  });
  apigw2.on(GetV2AuthorizersCommand).resolves({ Items: [{ AuthorizerId: 'jwt1', Name: 'Cognito', AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] }] });
  apigw2.on(GetIntegrationsCommand).resolves({ Items: [{ IntegrationId: 'i1', IntegrationType: 'AWS_PROXY' }] });
}

describe('HTTP API', () => {
  it('CorsConfiguration without Authorization and a JWT authorizer: allow-headers-missing-authorization', async () => {
    mockHttpApi({ AllowOrigins: ['https://app.example.com'], AllowHeaders: ['content-type'], AllowMethods: ['GET'], MaxAge: 600 });
    const results = await lintJson(['--aws', 'http-api:h77']);
    expect(apigw2.commandCalls(GetRoutesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 't2']);
    const hit = findings(results).filter((f) => f.ruleId === 'allow-headers-missing-authorization');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ file: 'aws://http-api/h77/cors', line: 1, column: 1 });
    expect(hit[0]!.message).toContain('GET /orders');
    expect(hit[0]!.message).toContain('JWT authorizer Cognito');
  });

  it('Authorization in AllowHeaders is clean', async () => {
    mockHttpApi({ AllowOrigins: ['https://app.example.com'], AllowHeaders: ['authorization', 'content-type'], AllowMethods: ['GET'], MaxAge: 600 });
    const hit = findings(await lintJson(['--aws', 'http-api:h77'])).filter((f) => f.ruleId === 'allow-headers-missing-authorization' || f.ruleId === 'preflight-requires-auth');
    expect(hit).toEqual([]);
  });

  it('$default with a JWT authorizer catches OPTIONS even with CORS configured: preflight-requires-auth at the route', async () => {
    mockHttpApi({ AllowOrigins: ['https://app.example.com'], AllowHeaders: ['authorization'], AllowMethods: ['GET', 'PUT'] });
    apigw2.on(GetRoutesCommand, { ApiId: 'h77', NextToken: 't2' }).resolves({
      Items: [{ RouteId: 'r1', RouteKey: '$default', AuthorizationType: 'JWT', AuthorizerId: 'jwt1', Target: 'integrations/i1' }],
    });
    const { result } = await loadAwsLive(['http-api:h77']);
    const catchAll = result.routes.find((r) => r.id === 'http-api:h77/$default')!;
    expect(catchAll.responders[0]!.backend?.kind).toBe('lambda-proxy');
    expect(catchAll.responders[0]!.backend?.gatewayOverridesCors).toBe(true);
    const hit = findings(await lintJson(['--aws', 'http-api:h77'])).filter((f) => f.ruleId === 'preflight-requires-auth');
    expect(hit.map((f) => f.file)).toEqual(['aws://http-api/h77/$default']);
    expect(hit[0]!.message).toContain('JWT authorizer Cognito');
  });

  it('an OPTIONS /{proxy+} route without auth in front of the $default authorizer is clean', async () => {
    mockHttpApi({ AllowOrigins: ['https://app.example.com'], AllowHeaders: ['authorization'], AllowMethods: ['GET', 'PUT'] });
    apigw2.on(GetRoutesCommand, { ApiId: 'h77', NextToken: 't2' }).resolves({
      Items: [
        { RouteId: 'r1', RouteKey: '$default', AuthorizationType: 'JWT', AuthorizerId: 'jwt1', Target: 'integrations/i1' },
        { RouteId: 'r2', RouteKey: 'OPTIONS /{proxy+}', AuthorizationType: 'NONE', Target: 'integrations/i1' },
      ],
    });
    const hit = findings(await lintJson(['--aws', 'http-api:h77'])).filter((f) => f.ruleId === 'preflight-requires-auth');
    expect(hit).toEqual([]);
  });

  it('a WebSocket API is refused with exit 2', async () => {
    mockHttpApi(undefined);
    apigw2.on(GetApiCommand, { ApiId: 'h77' }).resolves({ ApiId: 'h77', ProtocolType: 'WEBSOCKET' });
    const r = await corslint(['--aws', 'http-api:h77']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('WEBSOCKET');
    expect(apigw2.commandCalls(GetRoutesCommand)).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------
// CloudFront

const CUSTOM_RHP = 'c0ffee00-1111-2222-3333-444455556666';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
const CUSTOM_CACHE = 'cafe0000-aaaa-bbbb-cccc-ddddeeeeffff';

function distribution(allowed: string[], extra: Partial<DistributionConfig> = {}): DistributionConfig {
  return {
    CallerReference: 'x',
    Comment: '',
    Enabled: true,
    Origins: { Quantity: 1, Items: [{ Id: 'api', DomainName: 'api.example.com', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
    DefaultCacheBehavior: {
      TargetOriginId: 'api',
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: { Quantity: allowed.length, Items: allowed as never, CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER,
      ResponseHeadersPolicyId: CUSTOM_RHP,
    },
    ...extra,
  };
}

function mockCloudFront(allowed: string[], extra: Partial<DistributionConfig> = {}): void {
  cloudfront.on(GetDistributionConfigCommand, { Id: 'E2EXAMPLE' }).resolves({ ETag: 'e', DistributionConfig: distribution(allowed, extra) });
  cloudfront.on(GetResponseHeadersPolicyCommand, { Id: CUSTOM_RHP }).resolves({
    ResponseHeadersPolicy: {
      Id: CUSTOM_RHP,
      LastModifiedTime: new Date(0),
      ResponseHeadersPolicyConfig: {
        Name: 'api-cors',
        CorsConfig: {
          AccessControlAllowOrigins: { Quantity: 1, Items: ['https://app.example.com'] },
          AccessControlAllowHeaders: { Quantity: 2, Items: ['Authorization', 'Content-Type'] },
          AccessControlAllowMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'] },
          AccessControlAllowCredentials: false,
          AccessControlMaxAgeSec: 600,
          OriginOverride: true,
        },
      },
    },
  });
}

function allSpans(value: unknown, out: string[] = [], seen = new Set<object>()): string[] {
  if (!value || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  const v = value as { file?: unknown; line?: unknown };
  if (typeof v.file === 'string' && typeof v.line === 'number') out.push(v.file);
  for (const x of Object.values(value)) allSpans(x, out, seen);
  return out;
}

describe('CloudFront', () => {
  it('a behavior without OPTIONS: preflight-unhandled at aws://cloudfront/<id>/default-behavior', async () => {
    mockCloudFront(['GET', 'HEAD']);
    // The configured web client sends a bearer token, so its GETs are preflighted.
    const config = join(workDir, 'bearer-client.json');
    writeFileSync(config, JSON.stringify({ clients: [{ name: 'web', origin: 'https://app.example.com', headers: ['Authorization'] }] }));
    const results = await lintJson(['--aws', 'cloudfront:E2EXAMPLE', '--config', config]);
    const hit = findings(results).filter((f) => f.ruleId === 'preflight-unhandled');
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ file: 'aws://cloudfront/E2EXAMPLE/default-behavior', line: 1, column: 1 });
    expect(hit[0]!.message).toContain('rejects OPTIONS itself (403)');
    expect(findings(results).filter((f) => f.ruleId === 'client-blocked').map((f) => f.file)).toEqual(['aws://cloudfront/E2EXAMPLE/default-behavior']);
    // the custom policy is fetched; the managed ones are known statically
    expect(cloudfront.commandCalls(GetResponseHeadersPolicyCommand)).toHaveLength(1);
    expect(cloudfront.commandCalls(GetCachePolicyCommand)).toHaveLength(0);
    expect(cloudfront.commandCalls(GetOriginRequestPolicyCommand)).toHaveLength(0);
  });

  it('a behavior without OPTIONS in front of a JWT-protected HTTP API read in the same run: preflight-unhandled', async () => {
    mockCloudFront(['GET', 'HEAD'], {
      Origins: { Quantity: 1, Items: [{ Id: 'api', DomainName: 'h77.execute-api.us-east-1.amazonaws.com', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
    });
    mockHttpApi({ AllowOrigins: ['https://app.example.com'], AllowHeaders: ['authorization'], AllowMethods: ['GET'] });
    let hit = findings(await lintJson(['--aws', 'cloudfront:E2EXAMPLE', '--aws', 'http-api:h77'])).filter((f) => f.ruleId === 'preflight-unhandled');
    expect(hit.map((f) => f.file)).toEqual(['aws://cloudfront/E2EXAMPLE/default-behavior']);
    expect(hit[0]!.message).toContain('Authorization');
    // alone, the distribution shows no reason for a preflight (GET and HEAD only, no client declared)
    hit = findings(await lintJson(['--aws', 'cloudfront:E2EXAMPLE'])).filter((f) => f.ruleId === 'preflight-unhandled');
    expect(hit).toEqual([]);
  });

  it('allowing OPTIONS fixes it, and no span is left in the vehicle template', async () => {
    mockCloudFront(['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE']);
    const hit = findings(await lintJson(['--aws', 'cloudfront:E2EXAMPLE'])).filter((f) => f.ruleId === 'preflight-unhandled');
    expect(hit).toEqual([]);
    const { result } = await loadAwsLive(['cloudfront:E2EXAMPLE']);
    const files = new Set(allSpans(result.routes));
    expect([...files].every((f) => f.startsWith('aws://') && !f.includes('#'))).toBe(true);
    expect(files.has('aws://cloudfront/E2EXAMPLE/default-behavior')).toBe(true);
  });

  it('path-pattern behaviors and custom cache policies: cache key without Origin is located at the policy', async () => {
    mockCloudFront(['GET', 'HEAD', 'OPTIONS'], {
      CacheBehaviors: {
        Quantity: 1,
        Items: [
          {
            PathPattern: '/api/*',
            TargetOriginId: 'api',
            ViewerProtocolPolicy: 'https-only',
            AllowedMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'], CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
            CachePolicyId: CUSTOM_CACHE,
            ResponseHeadersPolicyId: CUSTOM_RHP,
          },
        ],
      },
    });
    cloudfront.on(GetCachePolicyCommand, { Id: CUSTOM_CACHE }).resolves({
      CachePolicy: {
        Id: CUSTOM_CACHE,
        LastModifiedTime: new Date(0),
        CachePolicyConfig: {
          Name: 'short',
          MinTTL: 0,
          DefaultTTL: 60,
          MaxTTL: 300,
          ParametersInCacheKeyAndForwardedToOrigin: {
            EnableAcceptEncodingGzip: true,
            HeadersConfig: { HeaderBehavior: 'none' },
            CookiesConfig: { CookieBehavior: 'none' },
            QueryStringsConfig: { QueryStringBehavior: 'none' },
          },
        },
      },
    });
    const { result } = await loadAwsLive(['cloudfront:E2EXAMPLE']);
    const api = result.routes.find((r: Route) => r.name.includes('/api/*'))!;
    expect(api.span.file).toBe('aws://cloudfront/E2EXAMPLE/behaviors/api/*');
    expect(api.cdn?.cacheKeyHeaders).toMatchObject({ headers: [] });
    expect(api.cdn?.caches).toMatchObject({ value: true, span: { file: `aws://cloudfront/cache-policy/${CUSTOM_CACHE}` } });
    const vary = findings(await lintJson(['--aws', 'cloudfront:E2EXAMPLE'])).filter((f) => f.ruleId === 'missing-vary-origin');
    expect(vary.map((f) => f.file)).toContain('aws://cloudfront/E2EXAMPLE/behaviors/api/*');
  });

  it('an API Gateway origin read in the same run tells the CDN which headers it needs', async () => {
    mockHttpApi({ AllowOrigins: ['https://app.example.com'], AllowHeaders: ['authorization'], AllowMethods: ['GET'] });
    mockCloudFront(['GET', 'HEAD', 'OPTIONS'], {
      Origins: { Quantity: 1, Items: [{ Id: 'api', DomainName: 'h77.execute-api.us-east-1.amazonaws.com', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
    });
    cloudfront.on(GetDistributionConfigCommand, { Id: 'E2EXAMPLE' }).resolves({
      DistributionConfig: {
        ...distribution(['GET', 'HEAD', 'OPTIONS']),
        Origins: { Quantity: 1, Items: [{ Id: 'api', DomainName: 'h77.execute-api.us-east-1.amazonaws.com', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }] },
        DefaultCacheBehavior: { ...distribution([]).DefaultCacheBehavior!, AllowedMethods: { Quantity: 3, Items: ['GET', 'HEAD', 'OPTIONS'] }, OriginRequestPolicyId: undefined, CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6' },
      },
    });
    const { result } = await loadAwsLive(['cloudfront:E2EXAMPLE', 'http-api:h77']);
    const behavior = result.routes.find((r) => r.id.startsWith('cloudfront:'))!;
    expect(behavior.requiredRequestHeaders?.map((h) => h.name)).toEqual(['Authorization']);
    expect(behavior.responders.at(-1)!.description).toContain('HTTP API mobile (h77)');
    const hit = findings(await lintJson(['--aws', 'cloudfront:E2EXAMPLE', '--aws', 'http-api:h77'])).filter((f) => f.ruleId === 'cdn-strips-authorization');
    expect(hit.map((f) => f.file)).toEqual(['aws://cloudfront/E2EXAMPLE/default-behavior']);
  });
});

// ---------------------------------------------------------------------------------------------
// Failures: exit 2 with a message that says what to do

function sdkError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

describe('errors', () => {
  it('AccessDenied names the permission and the resource ARN (exit 2)', async () => {
    mockRestApi();
    apigw
      .on(GetResourcesCommand)
      .rejects(
        sdkError(
          'AccessDeniedException',
          'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:us-east-1::/restapis/abc123/resources',
          403,
        ),
      );
    const r = await corslint(['--aws', 'rest-api:abc123']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('apigateway:GET on arn:aws:apigateway:us-east-1::/restapis/abc123/resources denied');
  });

  it('CloudFront AccessDenied names the CloudFront action', async () => {
    mockCloudFront(['GET', 'HEAD']);
    cloudfront.on(GetResponseHeadersPolicyCommand).rejects(sdkError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: cloudfront:GetResponseHeadersPolicy', 403));
    const r = await corslint(['--aws', 'cloudfront:E2EXAMPLE']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cloudfront:GetResponseHeadersPolicy on arn:aws:cloudfront::123456789012:response-headers-policy/${CUSTOM_RHP} denied`);
  });

  it('missing credentials say how to provide them (exit 2)', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError', tryNextLink: false });
    apigw.onAnyCommand().rejects(noCredentials);
    const r = await corslint(['--aws', 'rest-api:abc123']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No AWS credentials found/);
    expect(r.stderr).toContain('AWS_PROFILE');
    expect(r.stderr).toContain('AWS_ACCESS_KEY_ID');
  });

  it('an unknown id is reported as not found in the region (exit 2)', async () => {
    mockRestApi();
    apigw.on(GetRestApiCommand).rejects(sdkError('NotFoundException', 'Invalid API identifier specified 123456789012:abc123', 404));
    const r = await corslint(['--aws', 'rest-api:abc123']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('REST API abc123 was not found in region us-east-1');
  });

  it('a malformed target is a usage error (exit 2) without touching the SDK', async () => {
    const r = await corslint(['--aws', 'restapi:abc123']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid --aws target "restapi:abc123"');
    expect(apigw.calls()).toHaveLength(0);
  });
});

describe('error messages', () => {
  const call = { action: 'apigateway:GET', api: 'GetRoutes', arn: 'arn:aws:apigateway:<region>::/apis/h77/routes', what: 'the routes of HTTP API h77' };
  it('explains each kind of failure', () => {
    expect(describeAwsError(sdkError('ExpiredTokenException', 'The security token included in the request is expired', 403), call, { region: 'eu-west-1' }).message).toMatch(
      /^AWS rejected the credentials for GetRoutes \(ExpiredTokenException: The security token included in the request is expired\): refresh or replace them/,
    );
    expect(describeAwsError(new Error('Region is missing'), call, {}).message).toContain('set AWS_REGION');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' });
    expect(describeAwsError(refused, call, { endpoint: 'http://127.0.0.1:4566' }).message).toBe(
      'Cannot reach the endpoint http://127.0.0.1:4566 for GetRoutes (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4566); check AWS_ENDPOINT_URL / the network',
    );
    expect(describeAwsError(sdkError('AccessDeniedException', '', 403), call, { region: 'eu-west-1' }).message).toMatch(
      /^apigateway:GET on arn:aws:apigateway:eu-west-1::\/apis\/h77\/routes denied \(GetRoutes, reading the routes of HTTP API h77\)/,
    );
    expect(describeAwsError(sdkError('TooManyRequestsException', 'Too Many Requests', 429), call, {}).message).toContain('throttled');
  });
});

describe('files and live targets in one run', () => {
  it('reports both, each under its own path', async () => {
    mockRestApi({ optionsAuth: { authorizationType: 'AWS_IAM' } });
    const template = join(ROOT, 'fixtures', 'rules', 'preflight-requires-auth', 'rest-options-aws-iam.yaml');
    const results = await lintJson([template, '--aws', 'rest-api:abc123']);
    const paths = results.map((r) => r.filePath);
    expect(paths[0]).toBe(template);
    expect(paths).toContain('aws://rest-api/abc123');
    expect(paths.slice(1).every((p) => p.startsWith('aws://rest-api/abc123'))).toBe(true);
    const byFile = (f: string) => findings(results).filter((x) => x.ruleId === 'preflight-requires-auth' && x.file.startsWith(f));
    expect(byFile(template).length).toBeGreaterThan(0);
    expect(byFile('aws://rest-api/abc123/orders/OPTIONS')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// The built CLI: the SDK stays out of ordinary runs; the real credential chain fails cleanly.

describe('built CLI', () => {
  beforeAll(ensureBuilt, 120_000);

  it('keeps the AWS SDK out of the main bundle', () => {
    const dist = join(ROOT, 'dist', 'cli');
    expect(readFileSync(join(dist, 'main.js'), 'utf8')).not.toContain('@aws-sdk/');
    // it is imported by a lazily loaded chunk only
    const chunks = readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const withSdk = chunks.filter((f) => readFileSync(join(ROOT, 'dist', f), 'utf8').includes('@aws-sdk/client-api-gateway'));
    expect(withSdk.length).toBeGreaterThan(0);
    expect(withSdk).not.toContain(join('cli', 'main.js'));
  });

  it('with no credentials anywhere: exit 2 and how to provide them (no request leaves the machine)', () => {
    const home = mkdtempSync(join(tmpdir(), 'corslint-aws-home-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      // no instance metadata lookups, and any request would go to a closed local port
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const r = spawnSync(process.execPath, [BIN, '--aws', 'rest-api:abc123'], { cwd: home, encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('No AWS credentials found');
  });

  it('with no region: exit 2 naming AWS_REGION', () => {
    const home = mkdtempSync(join(tmpdir(), 'corslint-aws-home-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const r = spawnSync(process.execPath, [BIN, '--aws', 'http-api:abc123'], { cwd: home, encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('AWS_REGION');
  });
});
