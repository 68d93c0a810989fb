import { describe, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { lintFiles } from '../src/engine/lint.js';
import { preflightResponder, responderFor } from '../src/model/query.js';
import type { HeaderRule, Responder, Route } from '../src/model/types.js';
import { detectKind } from '../src/sources/detect.js';
import { serverlessSource } from '../src/sources/serverless/index.js';
import type { SourceHost } from '../src/sources/types.js';

const noFiles: SourceHost = { readFile: () => undefined, glob: () => [] };
const hostWith = (files: Record<string, string>): SourceHost => ({ readFile: (p) => files[p], glob: () => [] });
const load = (text: string, host: SourceHost = noFiles, path = '/svc/serverless.yml') => serverlessSource.load([{ path, text }], host);
const route = (routes: Route[], name: string) => {
  const r = routes.find((x) => x.name.startsWith(name));
  if (!r) throw new Error(`no route ${name} in ${routes.map((x) => x.name).join(', ')}`);
  return r;
};
const header = (r: Responder | undefined, name: string): HeaderRule | undefined => r?.headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
const literal = (h: HeaderRule | undefined) => (h?.value.kind === 'literal' ? h.value.text : undefined);
/** the 1-based line of the first line containing `needle` */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

const REST = `service: notes
custom:
  origin: https://app.example.com
  stage: \${opt:stage, 'dev'}
provider:
  name: aws
functions:
  authorize:
    handler: auth.handler
  create:
    handler: notes.create
    events:
      - http:
          path: /notes/
          method: post
          cors: true
          authorizer: aws_iam
  get:
    handler: notes.get
    events:
      - http:
          path: notes/{id}
          method: get
          authorizer: authorize
          private: true
          cors:
            origin: \${self:custom.origin}
            headers: [Content-Type, Authorization]
            allowCredentials: true
            maxAge: 600
      - http:
          path: notes/{id}
          method: delete
          authorizer:
            name: pool
            arn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc
          cors:
            origins: [https://app.example.com, 'https://*.example.org']
            headers: [X-Custom]
      - http: GET ping
`;

describe('serverless: http events (REST API)', () => {
  const { routes, diagnostics } = load(REST);

  it('makes one route per event, with the framework path normalization', () => {
    expect(diagnostics).toEqual([]);
    expect(routes.map((r) => r.name).sort()).toEqual(['DELETE /notes/{id} (notes)', 'GET /notes/{id} (notes)', 'GET /ping (notes)', 'POST /notes (notes)']);
    expect(routes.every((r) => r.source === 'serverless')).toBe(true);
  });

  it('generates an OPTIONS MOCK without authorizer or API key, with the default headers for cors: true', () => {
    const r = route(routes, 'POST /notes');
    const pre = preflightResponder(r)!;
    expect(pre.answeredBy).toBe('gateway');
    expect(pre.auth).toEqual([]);
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 200 });
    expect(literal(header(pre, 'Access-Control-Allow-Origin'))).toBe('*');
    expect(literal(header(pre, 'Access-Control-Allow-Headers'))).toBe('Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id');
    expect(literal(header(pre, 'Access-Control-Allow-Methods'))).toBe('OPTIONS,POST');
    expect(header(pre, 'Access-Control-Allow-Credentials')).toBeUndefined();
    // the preflight header points at the `cors:` key of the event
    expect(header(pre, 'Access-Control-Allow-Origin')!.span.line).toBe(lineOf(REST, 'cors: true'));
  });

  it('reads aws_iam, function (TOKEN), Cognito ARN authorizers and private: true, spans at their keys', () => {
    const post = responderFor(route(routes, 'POST /notes'), 'POST')!;
    expect(post.auth.map((a) => a.mechanism)).toEqual(['iam']);
    expect(post.auth[0]!.span.line).toBe(lineOf(REST, 'authorizer: aws_iam'));
    const get = responderFor(route(routes, 'GET /notes/{id}'), 'GET')!;
    expect(get.auth.map((a) => [a.mechanism, a.header])).toEqual([
      ['authorization-header', 'Authorization'],
      ['api-key', 'X-Api-Key'],
    ]);
    expect(get.auth[0]!.description).toContain('TOKEN');
    expect(get.auth[1]!.span.line).toBe(lineOf(REST, 'private: true'));
    const del = responderFor(route(routes, 'DELETE /notes/{id}'), 'DELETE')!;
    expect(del.auth[0]!.description).toMatch(/Cognito authorizer pool/);
    expect(route(routes, 'GET /notes/{id}').requiredRequestHeaders!.map((h) => h.name)).toEqual(['Authorization', 'X-Api-Key']);
  });

  it('merges the cors of every event of a path like the framework: unions, last origin, credentials if any', () => {
    const pre = preflightResponder(route(routes, 'GET /notes/{id}'))!;
    expect(pre).toEqual(preflightResponder(route(routes, 'DELETE /notes/{id}')));
    expect(literal(header(pre, 'Access-Control-Allow-Headers'))).toBe('X-Custom,Content-Type,Authorization');
    expect(literal(header(pre, 'Access-Control-Allow-Methods'))).toBe('OPTIONS,DELETE,GET');
    expect(literal(header(pre, 'Access-Control-Allow-Credentials'))).toBe('true');
    expect(literal(header(pre, 'Access-Control-Max-Age'))).toBe('600');
    // origins win over origin: the first is static, the others are echoed by the response template
    const acao = header(pre, 'Access-Control-Allow-Origin')!;
    expect(acao.value.kind).toBe('by-origin');
    if (acao.value.kind !== 'by-origin') return;
    expect(acao.value.otherwise).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    expect(acao.value.cases.map((c) => (c.when.kind === 'regex' ? c.when.source : c.when.kind))).toEqual(['^(?:https://app[.]example[.]com)$', '^(?:https://.+[.]example[.]org)$']);
    expect(acao.span.line).toBe(lineOf(REST, 'origins:'));
  });

  it('leaves CORS of Lambda proxy methods to the function', () => {
    const get = responderFor(route(routes, 'GET /notes/{id}'), 'GET')!;
    expect(get.backend?.kind).toBe('lambda-proxy');
    expect(get.headers).toEqual([]);
  });

  it('a path without cors has no OPTIONS method (API Gateway answers 403)', () => {
    const pre = preflightResponder(route(routes, 'GET /ping'))!;
    expect(pre.answeredBy).toBe('nobody');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 403 });
  });

  it('has only AWS default gateway errors (no CORS) without resources', () => {
    const errs = route(routes, 'POST /notes').gatewayErrors!;
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((e) => e.headers.length === 0)).toBe(true);
  });
});

describe('serverless: integration: lambda', () => {
  it('adds the event origin(s) and credentials to every integration response, errors included', () => {
    const text = `service: s
provider: { name: aws }
functions:
  f:
    handler: h
    events:
      - http:
          path: items
          method: get
          integration: lambda
          cors:
            origins: [https://a.example.com, https://b.example.com]
            allowCredentials: true
`;
    const r = route(load(text).routes, 'GET /items');
    const actual = responderFor(r, 'GET')!;
    expect(actual.status).toMatchObject({ kind: 'fixed', code: 200 });
    const acao = header(actual, 'Access-Control-Allow-Origin')!;
    expect(literal(acao)).toBe('https://a.example.com,https://b.example.com');
    expect(acao.onErrors).toBe(true);
    expect(header(actual, 'Access-Control-Allow-Credentials')?.onErrors).toBe(true);
  });
});

describe('serverless: variables', () => {
  it('resolves self: references (also nested and through other references) and keeps deploy-time values unknown', () => {
    const text = `service: s
custom:
  stages:
    prod: https://app.example.com
  stage: prod
  originRef: \${self:custom.stages.\${self:custom.stage}}
  corsConfig:
    origin: \${self:custom.originRef}
    headers: [Authorization]
  fromEnv: \${env:ORIGIN, 'https://fallback.example.com'}
provider: { name: aws }
functions:
  f:
    handler: h
    events:
      - http:
          path: a
          method: put
          cors: \${self:custom.corsConfig}
      - http:
          path: b
          method: put
          cors:
            origin: \${self:custom.fromEnv}
      - http:
          path: c
          method: put
          cors:
            origin: \${self:custom.nothing, 'https://default.example.com'}
`;
    const { routes, diagnostics } = load(text);
    expect(diagnostics).toEqual([]);
    const a = preflightResponder(route(routes, 'PUT /a'))!;
    expect(literal(header(a, 'Access-Control-Allow-Origin'))).toBe('https://app.example.com');
    expect(literal(header(a, 'Access-Control-Allow-Headers'))).toBe('Authorization');
    const b = header(preflightResponder(route(routes, 'PUT /b')), 'Access-Control-Allow-Origin')!;
    expect(b.value).toMatchObject({ kind: 'unknown' });
    expect(b.value.kind === 'unknown' && b.value.reason).toMatch(/environment variable/);
    // a self: reference that names nothing falls back
    expect(literal(header(preflightResponder(route(routes, 'PUT /c')), 'Access-Control-Allow-Origin'))).toBe('https://default.example.com');
  });

  it('a circular self: reference is unknown, not a hang', () => {
    const text = `service: s
custom:
  a: \${self:custom.b}
  b: \${self:custom.a}
provider: { name: aws }
functions:
  f:
    handler: h
    events:
      - http:
          path: a
          method: put
          cors:
            origin: \${self:custom.a}
`;
    const h = header(preflightResponder(route(load(text).routes, 'PUT /a')), 'Access-Control-Allow-Origin')!;
    expect(h.value.kind).toBe('unknown');
  });

  it('leaves CloudFormation Fn::Sub placeholders alone', () => {
    const text = `service: s
provider: { name: aws }
functions:
  f:
    handler: h
    events:
      - http: { path: a, method: put, cors: true }
resources:
  Resources:
    Default4xx:
      Type: AWS::ApiGateway::GatewayResponse
      Properties:
        RestApiId: { Ref: ApiGatewayRestApi }
        ResponseType: DEFAULT_4XX
        ResponseParameters:
          gatewayresponse.header.Access-Control-Allow-Origin: { 'Fn::Sub': "'https://\${AWS::Region}.example.com'" }
`;
    const errs = route(load(text).routes, 'PUT /a').gatewayErrors!;
    const h = errs.find((e) => e.type === 'DEFAULT_4XX')!.headers[0]!;
    expect(h.value).toMatchObject({ kind: 'unknown' });
    expect(h.value.kind === 'unknown' && h.value.reason).toMatch(/AWS::Region/);
  });
});

describe('serverless: resources', () => {
  const svc = `service: s
provider: { name: aws }
functions:
  f:
    handler: h
    events:
      - http: { path: a, method: put, cors: true, authorizer: aws_iam }
resources:
  - \${file(resources/errors.yml)}
  - Resources:
      Bucket:
        Type: AWS::S3::Bucket
        Properties:
          CorsConfiguration:
            CorsRules: [{ AllowedOrigins: ['*'], AllowedMethods: [GET] }]
`;
  const errors = `Resources:
  Default4xx:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: { Ref: ApiGatewayRestApi }
      ResponseType: DEFAULT_4XX
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
  Other:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: { Ref: SomeOtherApi }
      ResponseType: DEFAULT_5XX
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
`;

  it('reads ${file()} fragments relative to serverless.yml and merges their gateway responses into the REST API', () => {
    const { routes, diagnostics, files } = load(svc, hostWith({ '/svc/resources/errors.yml': errors }));
    expect(diagnostics).toEqual([]);
    expect(files.has('/svc/resources/errors.yml')).toBe(true);
    const errs = route(routes, 'PUT /a').gatewayErrors!;
    const d4 = errs.find((e) => e.type === 'DEFAULT_4XX')!;
    expect(literal(d4.headers[0])).toBe('*');
    expect(d4.span?.file).toBe('/svc/resources/errors.yml');
    // a gateway response of another API is not ours
    expect(errs.find((e) => e.type === 'DEFAULT_5XX')!.headers).toEqual([]);
    // inline fragments go through the CloudFormation readers too
    expect(routes.some((r) => r.name.includes('Bucket'))).toBe(true);
  });

  it('an unreadable fragment is an unresolved-include at the reference, and its gateway responses become unknown', () => {
    const { routes, diagnostics } = load(svc);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ ruleId: 'unresolved-include', span: { line: lineOf(svc, '${file('), column: 5 } });
    const errs = route(routes, 'PUT /a').gatewayErrors!;
    const d4 = errs.find((e) => e.type === 'DEFAULT_4XX')!;
    expect(d4.headers[0]!.value.kind).toBe('unknown');
  });

  it('lints end to end: gateway errors count from the included file, none from an unreadable one', async () => {
    const lint = async (host: SourceHost) => {
      const [result] = await lintFiles([{ path: '/svc/serverless.yml', text: svc }], { rules: allRules, settings: { clients: [], sites: [] }, host });
      return result!.messages.map((m) => m.ruleId);
    };
    // with the file: DEFAULT_4XX carries ACAO but DEFAULT_5XX (and the IAM errors falling back to it) do not
    const withFile = await lint(hostWith({ '/svc/resources/errors.yml': errors.replace('DEFAULT_4XX', 'ACCESS_DENIED') }));
    expect(withFile).toContain('cors-headers-missing-on-errors');
    const without = await lint(noFiles);
    expect(without).toContain('unresolved-include');
    expect(without).not.toContain('cors-headers-missing-on-errors');
  });
});

describe('serverless: httpApi events (HTTP API)', () => {
  it('cors: true gives origin *, the default headers and OPTIONS plus the route methods', () => {
    const text = `service: s
provider:
  name: aws
  httpApi:
    cors: true
functions:
  f:
    handler: h
    events:
      - httpApi: { path: /todos, method: post }
      - httpApi: 'DELETE /todos/{id}'
`;
    const { routes } = load(text);
    expect(routes.map((r) => r.name).sort()).toEqual(['DELETE /todos/{id} (s)', 'POST /todos (s)']);
    const pre = preflightResponder(route(routes, 'POST /todos'))!;
    expect(pre.answeredBy).toBe('gateway');
    expect(literal(header(pre, 'Access-Control-Allow-Origin'))).toBe('*');
    expect(literal(header(pre, 'Access-Control-Allow-Methods'))).toBe('OPTIONS,POST,DELETE');
    expect(literal(header(pre, 'Access-Control-Allow-Headers'))).toContain('Content-Type');
    expect(header(pre, 'Access-Control-Allow-Origin')!.span.line).toBe(lineOf(text, 'cors: true'));
  });

  it('reads an object cors and JWT / request / aws_iam authorizers', () => {
    const text = `service: s
provider:
  name: aws
  httpApi:
    cors:
      allowedOrigins: [https://app.example.com]
      allowedHeaders: [Content-Type]
      allowCredentials: true
    authorizers:
      jwt:
        identitySource: $request.header.Authorization
        issuerUrl: https://issuer.example.com
        audience: app
      custom:
        type: request
        functionName: auth
        identitySource: [$request.header.X-Token]
functions:
  f:
    handler: h
    events:
      - httpApi: { path: /a, method: put, authorizer: jwt }
      - httpApi: { path: /b, method: put, authorizer: { name: custom } }
      - httpApi: { path: /c, method: put, authorizer: { type: aws_iam } }
`;
    const { routes } = load(text);
    const pre = preflightResponder(route(routes, 'PUT /a'))!;
    expect(literal(header(pre, 'Access-Control-Allow-Headers'))).toBe('Content-Type');
    expect(literal(header(pre, 'Access-Control-Allow-Credentials'))).toBe('true');
    expect(header(pre, 'Access-Control-Allow-Origin')!.value.kind).toBe('by-origin');
    expect(responderFor(route(routes, 'PUT /a'), 'PUT')!.auth[0]).toMatchObject({ mechanism: 'authorization-header', header: 'Authorization' });
    expect(responderFor(route(routes, 'PUT /b'), 'PUT')!.auth[0]).toMatchObject({ mechanism: 'subrequest', header: 'X-Token' });
    expect(responderFor(route(routes, 'PUT /c'), 'PUT')!.auth[0]).toMatchObject({ mechanism: 'iam' });
  });

  it('without provider.httpApi.cors nothing answers OPTIONS (404)', () => {
    const text = `service: s
provider: { name: aws }
functions:
  f: { handler: h, events: [{ httpApi: 'PUT /a' }] }
`;
    const pre = preflightResponder(route(load(text).routes, 'PUT /a'))!;
    expect(pre.answeredBy).toBe('nobody');
  });
});

describe('serverless: shared and catch-all APIs', () => {
  it('a REST API shared through provider.apiGateway.restApiId has gateway responses corslint cannot see (unknown, not missing)', () => {
    const text = `service: s
provider:
  name: aws
  apiGateway:
    restApiId: abc123
    restApiRootResourceId: def456
functions:
  f: { handler: h, events: [{ http: { path: a, method: put, cors: true } }] }
`;
    const errs = route(load(text).routes, 'PUT /a').gatewayErrors!;
    const d4 = errs.find((e) => e.type === 'DEFAULT_4XX')!;
    expect(d4.headers[0]!.value.kind).toBe('unknown');
    expect(d4.span!.line).toBe(lineOf(text, 'restApiId'));
  });

  it('ANY in the allowed methods is expanded as the framework does', () => {
    const text = `service: s
provider: { name: aws }
functions:
  f: { handler: h, events: [{ http: { path: '{proxy+}', method: any, cors: true } }] }
`;
    const pre = preflightResponder(route(load(text).routes, 'ANY /{proxy+}'))!;
    expect(literal(header(pre, 'Access-Control-Allow-Methods'))).toBe('OPTIONS,DELETE,GET,HEAD,PATCH,POST,PUT');
  });
});

describe('serverless: detection and bad input', () => {
  it('is detected by name or by service + provider', () => {
    expect(detectKind('/x/serverless.yml', 'service: a\n')).toBe('serverless');
    expect(detectKind('/x/api.yml', 'service: a\nprovider:\n  name: aws\n')).toBe('serverless');
  });

  it('other providers produce no routes', () => {
    expect(load('service: s\nprovider: { name: azure }\nfunctions:\n  f: { handler: h, events: [{ http: { path: a, method: get, cors: true } }] }\n').routes).toEqual([]);
  });

  it.each([
    ['a YAML syntax error', 'service: s\nprovider: [\n'],
    ['a list at the top', '- a\n- b\n'],
    ['events that are not lists', 'service: s\nprovider: { name: aws }\nfunctions:\n  f: { handler: h, events: 3 }\n'],
    ['an http event without path', 'service: s\nprovider: { name: aws }\nfunctions:\n  f: { handler: h, events: [{ http: { method: get } }, { http: 12 }, { http: null }] }\n'],
    ['odd cors and authorizer values', 'service: s\nprovider: { name: aws }\nfunctions:\n  f: { handler: h, events: [{ http: { path: a, method: get, cors: [1, 2], authorizer: [x] } }, { http: { path: b, method: get, cors: { origins: 5, headers: { a: 1 } }, authorizer: { type: 3 } } }] }\n'],
    ['resources that are a number', 'service: s\nprovider: { name: aws }\nresources: 3\n'],
    ['a file reference that escapes', 'service: s\nprovider: { name: aws }\nresources: ${file(../../../../etc/passwd):x}\n'],
  ])('%s never throws', (_name, text) => {
    const r = load(text);
    expect(r.diagnostics.every((d) => d.ruleId !== 'parse-error' || !/Internal error/.test(d.message))).toBe(true);
  });
});
