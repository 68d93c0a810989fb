import { describe, expect, it } from 'vitest';
import { preflightResponder, responderFor } from '../src/model/query.js';
import { openapiSource } from '../src/sources/openapi/index.js';
import { detectKind } from '../src/sources/detect.js';

const host = { readFile: () => undefined, glob: () => [] };
const load = (text: string, path = '/t/api.yaml') => openapiSource.load([{ path, text }], host);

const REST = `openapi: "3.0.1"
info: { title: shop, version: "1" }
security:
  - Cognito: []
paths:
  /orders:
    put:
      requestBody:
        content:
          application/json: { schema: { type: object } }
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: x }
    options:
      security: []
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
              method.response.header.Access-Control-Allow-Headers: '''Content-Type,Authorization'''
  /admin:
    options:
      x-amazon-apigateway-integration:
        type: mock
        responses: { default: { statusCode: "200" } }
    delete:
      security:
        - Key: []
      x-amazon-apigateway-integration: { type: http_proxy, uri: x }
components:
  securitySchemes:
    Cognito:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer: { type: cognito_user_pools, providerARNs: [x] }
    Key: { type: apiKey, name: x-api-key, in: header }
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    responseParameters:
      gatewayresponse.header.Access-Control-Allow-Origin: "'https://app.example.com'"
`;

describe('OpenAPI REST API', () => {
  const { routes, diagnostics } = load(REST);
  const put = routes.find((r) => r.name.startsWith('PUT /orders'))!;
  const del = routes.find((r) => r.name.startsWith('DELETE /admin'))!;

  it('is detected only with API Gateway extensions', () => {
    expect(detectKind('/t/api.yaml', REST)).toBe('openapi');
    expect(detectKind('/t/plain.yaml', 'openapi: "3.0.0"\npaths: {}\n')).toBeUndefined();
  });

  it('applies global security to operations, and `security: []` exempts OPTIONS', () => {
    expect(diagnostics).toEqual([]);
    expect(responderFor(put, 'PUT')!.auth.map((a) => a.description)).toEqual(['Cognito authorizer Cognito']);
    expect(preflightResponder(put)!.auth).toEqual([]);
    expect(put.takesJson).toBe(true);
  });

  it('inherits the global security on an OPTIONS operation without its own `security`', () => {
    const pre = preflightResponder(del)!;
    expect(pre.auth.map((a) => a.mechanism)).toEqual(['authorization-header']);
    expect(pre.auth[0]!.span.line).toBe(3);
  });

  it('reads YAML-escaped quoting (`\'\'\'x\'\'\'`) as the literal value', () => {
    const acah = preflightResponder(put)!.headers.find((h) => h.name === 'Access-Control-Allow-Headers')!;
    expect(acah.value).toEqual({ kind: 'literal', text: 'Content-Type,Authorization' });
    expect(acah.valueSpan!.line).toBe(22);
  });

  it('maps apiKey schemes without an authorizer to API keys and gateway responses with fallbacks', () => {
    expect(responderFor(del, 'DELETE')!.auth.map((a) => [a.mechanism, a.header])).toEqual([['api-key', 'x-api-key']]);
    const invalidKey = del.gatewayErrors!.find((e) => e.type === 'INVALID_API_KEY')!;
    expect(invalidKey.headers.map((h) => h.name)).toEqual(['Access-Control-Allow-Origin']);
  });
});

describe('OpenAPI HTTP API', () => {
  it('reads x-amazon-apigateway-cors and answers preflights at the gateway', () => {
    const text = JSON.stringify(
      {
        openapi: '3.0.1',
        info: { title: 'h', version: '1' },
        paths: { '/items': { post: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', payloadFormatVersion: '2.0' } } } },
        'x-amazon-apigateway-cors': { allowOrigins: ['*'], allowMethods: ['*'], allowCredentials: false },
      },
      null,
      2,
    );
    const { routes } = load(text, '/t/api.json');
    const r = routes[0]!;
    expect(r.name).toBe('POST /items (h)');
    const pre = preflightResponder(r)!;
    expect(pre.answeredBy).toBe('gateway');
    expect(pre.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value).toEqual({ kind: 'literal', text: '*' });
    expect(pre.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.span.line).toBeGreaterThan(1);
  });
});

describe('REST or HTTP API', () => {
  it('reads a document as an HTTP API when a later integration has payloadFormatVersion', () => {
    const text = `openapi: "3.0.1"
info: { title: h, version: "1" }
paths:
  /a:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, uri: x }
  /b:
    post:
      x-amazon-apigateway-integration: { type: aws_proxy, uri: x, payloadFormatVersion: "2.0" }
`;
    const { routes } = load(text);
    expect(routes.map((r) => r.id)).toEqual(['http-api:api.yaml/GET /a', 'http-api:api.yaml/POST /b']);
  });

  it('also sees payloadFormatVersion under a path item entry that is not an operation', () => {
    const text = `openapi: "3.0.1"
info: { title: h, version: "1" }
paths:
  /a:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, uri: x }
    x-other:
      x-amazon-apigateway-integration: { type: aws_proxy, uri: x, payloadFormatVersion: "2.0" }
`;
    expect(load(text).routes.map((r) => r.id)).toEqual(['http-api:api.yaml/GET /a']);
  });

  it('stays a REST API without HTTP API fields', () => {
    const text = `openapi: "3.0.1"
info: { title: h, version: "1" }
paths:
  /a:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, uri: x }
`;
    expect(load(text).routes.map((r) => r.id)).toEqual(['rest-api:api.yaml/a/GET']);
  });
});

describe('bad input', () => {
  it('turns broken JSON into a parse-error and keeps going', () => {
    const r = openapiSource.load(
      [
        { path: '/t/bad.json', text: '{"openapi": "3.0.1", "x-amazon-apigateway-cors": {' },
        { path: '/t/good.yaml', text: REST },
      ],
      host,
    );
    expect(r.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', span: { file: '/t/bad.json' } });
    expect(r.routes.length).toBeGreaterThan(0);
  });

  it('survives wrong types everywhere', () => {
    expect(() => load('openapi: 3\nx-amazon-apigateway-cors: 7\npaths:\n  /a: [1, 2]\n  /b:\n    get: "x"\nsecurity: oops\n')).not.toThrow();
  });
});
