import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preflightResponder, responderFor } from '../src/model/query.js';
import type { Route } from '../src/model/types.js';
import { cloudformationSource } from '../src/sources/cloudformation/index.js';

const host = { readFile: () => undefined, glob: () => [] };
const load = (text: string, path = '/t/template.yaml') => cloudformationSource.load([{ path, text }], host);
const route = (routes: Route[], name: string) => {
  const r = routes.find((x) => x.name.startsWith(name));
  if (!r) throw new Error(`no route ${name} in ${routes.map((x) => x.name).join(', ')}`);
  return r;
};

const REST = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Origin:
    Type: String
    Default: https://app.example.com
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: shop }
  Orders:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: orders
  Item:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !Ref Orders
      PathPart: "{id}"
  Auth:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Type: COGNITO_USER_POOLS
      IdentitySource: method.request.header.Authorization
  PutOrder:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Orders
      HttpMethod: PUT
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref Auth
      ApiKeyRequired: true
      Integration: { Type: AWS_PROXY, Uri: x }
  OrdersOptions:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Orders
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: { application/json: '{"statusCode": 200}' }
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: !Sub "'\${Origin}'"
              method.response.header.Access-Control-Allow-Headers: method.request.header.Access-Control-Request-Headers
  GetItem:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Item
      HttpMethod: GET
      AuthorizationType: AWS_IAM
      Integration:
        Type: HTTP
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: method.request.header.Origin
  Default4xx:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: !Ref Api
      ResponseType: DEFAULT_4XX
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'*'"
`;

describe('CloudFormation REST API', () => {
  const { routes, diagnostics } = load(REST);

  it('builds a route per resource + method from the ParentId/PathPart tree', () => {
    expect(diagnostics).toEqual([]);
    expect(routes.map((r) => r.name).sort()).toEqual(['GET /orders/{id} (Api)', 'PUT /orders (Api)']);
  });

  it('answers the preflight with the OPTIONS MOCK, quoting resolved through Fn::Sub and parameter defaults', () => {
    const pre = preflightResponder(route(routes, 'PUT /orders'))!;
    expect(pre.answeredBy).toBe('gateway');
    expect(pre.status).toMatchObject({ kind: 'fixed', code: 200 });
    expect(pre.auth).toEqual([]);
    const acao = pre.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!;
    expect(acao.value).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    const acah = pre.headers.find((h) => h.name === 'Access-Control-Allow-Headers')!;
    expect(acah.value.kind).toBe('unknown');
  });

  it('puts Cognito and the API key on the method, with the spans of their keys and the headers they need', () => {
    const put = route(routes, 'PUT /orders');
    const actual = responderFor(put, 'PUT')!;
    expect(actual.auth.map((a) => [a.mechanism, a.header, a.failureStatus])).toEqual([
      ['authorization-header', 'Authorization', 401],
      ['api-key', 'X-Api-Key', 403],
    ]);
    const at = REST.split('\n').findIndex((l) => l.includes('AuthorizationType: COGNITO_USER_POOLS')) + 1;
    expect(actual.auth[0]!.span).toMatchObject({ line: at, column: 26 });
    expect(actual.backend).toMatchObject({ kind: 'lambda-proxy', emitsCors: 'unknown' });
    expect(actual.headers).toEqual([]);
    expect(put.requiredRequestHeaders!.map((h) => h.name)).toEqual(['Authorization', 'X-Api-Key']);
  });

  it('reads an unquoted method.request.header.Origin as reflection and IAM as SigV4 headers', () => {
    const get = route(routes, 'GET /orders/{id}');
    const actual = responderFor(get, 'GET')!;
    expect(actual.headers[0]!.value).toEqual({ kind: 'reflect' });
    expect(get.requiredRequestHeaders!.map((h) => h.name)).toEqual(['Authorization', 'X-Amz-Date', 'X-Amz-Security-Token']);
  });

  it('answers 403 Missing Authentication Token for a resource without OPTIONS', () => {
    const pre = preflightResponder(route(routes, 'GET /orders/{id}'))!;
    expect(pre).toMatchObject({ answeredBy: 'nobody', status: { kind: 'fixed', code: 403 } });
  });

  it('gives gateway errors with the DEFAULT_4XX fallback and AWS defaults without headers', () => {
    const errors = route(routes, 'PUT /orders').gatewayErrors!;
    const unauthorized = errors.find((e) => e.type === 'UNAUTHORIZED')!;
    expect(unauthorized.headers.map((h) => h.name)).toEqual(['Access-Control-Allow-Origin']);
    expect(unauthorized.span).toBeDefined();
    const d5 = errors.find((e) => e.type === 'DEFAULT_5XX')!;
    expect(d5.headers).toEqual([]);
    expect(d5.span).toBeUndefined();
  });
});

const SAM = `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors:
      AllowOrigin: "'https://app.example.com'"
      AllowHeaders: "'Content-Type,Authorization'"
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Cognito
        ApiKeyRequired: true
        AddApiKeyRequiredToCorsPreflight: false
        Authorizers:
          Cognito: { UserPoolArn: arn }
      GatewayResponses:
        UNAUTHORIZED:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://app.example.com'"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Put:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /orders, Method: put }
        Open:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /health
            Method: get
            Auth: { Authorizer: NONE, ApiKeyRequired: false }
`;

describe('SAM Api', () => {
  const { routes } = load(SAM);

  it('models the generated OPTIONS mock with the Cors headers and the computed Allow-Methods', () => {
    const pre = preflightResponder(route(routes, 'PUT /orders'))!;
    expect(pre.description).toMatch(/generated by SAM/);
    const byName = Object.fromEntries(pre.headers.map((h) => [h.name, h.value]));
    expect(byName['Access-Control-Allow-Origin']).toEqual({ kind: 'literal', text: 'https://app.example.com' });
    expect(byName['Access-Control-Allow-Methods']).toEqual({ kind: 'literal', text: 'OPTIONS,PUT' });
  });

  it('adds the DefaultAuthorizer to the generated OPTIONS (AddDefaultAuthorizerToCorsPreflight defaults to true), pointing at the key', () => {
    const pre = preflightResponder(route(routes, 'PUT /orders'))!;
    expect(pre.auth.map((a) => a.mechanism)).toEqual(['authorization-header']);
    const at = SAM.split('\n').findIndex((l) => l.includes('DefaultAuthorizer:')) + 1;
    expect(pre.auth[0]!.span).toMatchObject({ line: at, column: 9 });
  });

  it('honours AddApiKeyRequiredToCorsPreflight: false and per-event Auth overrides', () => {
    const put = responderFor(route(routes, 'PUT /orders'), 'PUT')!;
    expect(put.auth.map((a) => a.mechanism)).toEqual(['authorization-header', 'api-key']);
    const health = responderFor(route(routes, 'GET /health'), 'GET')!;
    expect(health.auth).toEqual([]);
  });

  it('maps SAM GatewayResponses', () => {
    const errors = route(routes, 'PUT /orders').gatewayErrors!;
    expect(errors.find((e) => e.type === 'UNAUTHORIZED')!.headers).toHaveLength(1);
    expect(errors.find((e) => e.type === 'ACCESS_DENIED')!.headers).toHaveLength(0);
  });

  it('leaves OPTIONS unauthenticated with AddDefaultAuthorizerToCorsPreflight: false', () => {
    const text = SAM.replace('ApiKeyRequired: true\n', 'AddDefaultAuthorizerToCorsPreflight: false\n');
    const pre = preflightResponder(route(load(text).routes, 'PUT /orders'))!;
    expect(pre.auth).toEqual([]);
  });

  it('models the implicit API of events without RestApiId, with Globals.Api', () => {
    const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors: "'*'"
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        E: { Type: Api, Properties: { Path: /x, Method: post } }
`;
    const r = route(load(text).routes, 'POST /x (ServerlessRestApi)');
    expect(preflightResponder(r)!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value).toEqual({ kind: 'literal', text: '*' });
  });
});

describe('HTTP APIs', () => {
  it('lets the CorsConfiguration answer preflights and override backend CORS', () => {
    const text = `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
      CorsConfiguration:
        AllowOrigins: [https://app.example.com]
        AllowHeaders: [authorization]
        AllowCredentials: true
  R:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Api, RouteKey: "PUT /orders", AuthorizationType: JWT, AuthorizerId: !Ref J }
  J:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties: { ApiId: !Ref Api, AuthorizerType: JWT, IdentitySource: [$request.header.Authorization] }
`;
    const r = route(load(text).routes, 'PUT /orders');
    const pre = preflightResponder(r)!;
    expect(pre).toMatchObject({ answeredBy: 'gateway', auth: [], status: { code: 204 } });
    expect(pre.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value.kind).toBe('by-origin');
    const actual = responderFor(r, 'PUT')!;
    expect(actual.backend!.gatewayOverridesCors).toBe(true);
    expect(actual.auth[0]).toMatchObject({ mechanism: 'authorization-header', header: 'Authorization' });
  });

  it('routes OPTIONS to an authorized ANY /{proxy+} route when there is no CORS configuration', () => {
    const text = `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { ProtocolType: HTTP }
  R:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Api, RouteKey: "ANY /{proxy+}", AuthorizationType: AWS_IAM }
`;
    const pre = preflightResponder(route(load(text).routes, 'ANY /{proxy+}'))!;
    expect(pre.auth.map((a) => a.mechanism)).toEqual(['iam']);
  });
});

describe('bad input never throws', () => {
  it.each([
    ['unknown resource types', 'Resources:\n  X:\n    Type: Custom::Thing\n    Properties: { A: 1 }\n'],
    ['a circular ParentId chain', REST.replace('ParentId: !GetAtt Api.RootResourceId', 'ParentId: !Ref Item')],
    ['a missing referenced resource', REST.replace('ResourceId: !Ref Item', 'ResourceId: !Ref Nope')],
    ['wrong property types', REST.replace('IntegrationResponses:\n          - StatusCode: "200"', 'IntegrationResponses: "oops"\n          x:\n          - StatusCode: "200"')],
    ['a list where a map is expected', 'Resources: [1, 2]\n'],
    ['a scalar document', 'just text\n'],
    ['circular conditions', 'Conditions:\n  A: !Condition B\n  B: !Condition A\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Condition: A\n'],
    [
      'parameters whose defaults refer to themselves',
      'Parameters:\n  A: { Type: String, Default: !Ref A }\n  B: { Type: String, Default: !Sub "${B}" }\n  C: { Type: String, Default: !FindInMap [M, !Ref C, k] }\n  D: { Type: String, Default: !Join [",", !Split [",", !Ref D]] }\nMappings:\n  M: { x: { k: y } }\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties: { CorsConfiguration: { CorsRules: [{ AllowedOrigins: [!Ref A, !Sub "${B}", !Join [",", [!Ref A]], !Ref C, !FindInMap [M, !Ref C, k], !Ref D, !Select [0, !Split [",", !Ref D]]], AllowedMethods: [GET] }] } }\n',
    ],
  ])('%s', (_name, text) => {
    expect(() => load(text)).not.toThrow();
    // (a source bug would be a parse-error saying so, not an exception)
    expect(load(text).diagnostics.filter((d) => /Internal error/.test(d.message))).toEqual([]);
  });

  it('reports a circular ParentId chain as unresolved instead of guessing a path', () => {
    const r = load(REST.replace('ParentId: !GetAtt Api.RootResourceId', 'ParentId: !Ref Item'));
    expect(r.diagnostics.some((d) => d.ruleId === 'unresolved-include' && /circular|does not point/.test(d.message))).toBe(true);
    expect(r.routes.map((x) => x.name)).toEqual([]);
  });

  it('reports a method whose ResourceId names no resource', () => {
    const r = load(REST.replace('ResourceId: !Ref Item', 'ResourceId: !Ref Nope'));
    expect(r.diagnostics.find((d) => /ResourceId points at Nope/.test(d.message))).toBeDefined();
  });

  it('reads a 20 MB template without crashing', () => {
    const parts = ['Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n'];
    let i = 0;
    while (parts.reduce((n, p) => n + p.length, 0) < 20_000_000) {
      parts.push(`  R${i}:\n    Type: AWS::ApiGateway::Resource\n    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: p${i} }\n  M${i}:\n    Type: AWS::ApiGateway::Method\n    Properties: { RestApiId: !Ref Api, ResourceId: !Ref R${i}, HttpMethod: GET, AuthorizationType: NONE, Integration: { Type: MOCK } }\n`);
      i++;
    }
    const r = load(parts.join(''));
    expect(r.routes.length).toBe(i);
  }, 120_000);
});

describe('Fn::FindInMap', () => {
  const template = (lookup: string) => `Parameters:
  Env: { Type: String, Default: prod }
Mappings:
  Cors:
    prod: { Origins: [https://app.example.com, https://admin.example.com], Origin: https://app.example.com }
Resources:
  Files:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: ${lookup}
            AllowedMethods: [GET]
`;
  const allowOrigin = (lookup: string) => {
    const r = route(load(template(lookup)).routes, 'S3 bucket Files');
    return preflightResponder(r)!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value;
  };

  it('picks the entry the keys name, a list or a string, at the mapping value', () => {
    const list = allowOrigin('!FindInMap [Cors, !Ref Env, Origins]');
    if (list.kind !== 'by-origin') throw new Error('by-origin expected');
    expect(list.cases.map((c) => c.when)).toMatchObject([{ origin: 'https://app.example.com', span: { line: 5 } }, { origin: 'https://admin.example.com' }]);
    expect(allowOrigin('[!FindInMap [Cors, prod, Origin]]')).toMatchObject({ otherwise: null, cases: [{ when: { origin: 'https://app.example.com' } }] });
  });

  it('takes DefaultValue when there is no such entry, and says why when it cannot pick one', () => {
    expect(allowOrigin('[!FindInMap [Cors, dev, Origin, { DefaultValue: https://dev.example.com }]]')).toMatchObject({ cases: [{ when: { origin: 'https://dev.example.com' } }] });
    expect(allowOrigin('[!FindInMap [Cors, dev, Origin]]')).toMatchObject({ otherwise: { kind: 'unknown', reason: 'Fn::FindInMap: the mapping Cors has no entry dev/Origin' } });
    expect(allowOrigin('[!FindInMap [Cors, !Ref "AWS::Region", Origin]]')).toMatchObject({
      otherwise: { kind: 'unknown', reason: 'Fn::FindInMap over a key only known at deploy time (the pseudo parameter AWS::Region is only known at deploy time)' },
    });
  });
});

describe('Fn::Split', () => {
  const origins = (allowed: string) => {
    const text = `Parameters:\n  Origins: { Type: String, Default: "https://app.example.com,https://admin.example.com" }\nResources:\n  Files:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: ${allowed}\n            AllowedMethods: [GET]\n`;
    const acao = preflightResponder(route(load(text).routes, 'S3 bucket Files'))!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value;
    if (acao.kind !== 'by-origin') throw new Error('by-origin expected');
    return { origins: acao.cases.map((c) => (c.when as { origin: string }).origin), otherwise: acao.otherwise };
  };

  it('splits a known text into a list, and Fn::Select picks from it', () => {
    expect(origins('!Split [",", !Ref Origins]')).toEqual({ origins: ['https://app.example.com', 'https://admin.example.com'], otherwise: null });
    expect(origins('[!Select [1, !Split [",", !Ref Origins]]]')).toEqual({ origins: ['https://admin.example.com'], otherwise: null });
  });

  it('leaves a split of a text only known at deploy time unknown', () => {
    expect(origins('!Split [",", !ImportValue SharedOrigins]')).toMatchObject({ origins: [], otherwise: { kind: 'unknown' } });
  });
});

describe('intrinsic functions over parameters and mappings (property)', () => {
  // Expressions over two parameters and a mapping, defaults included, however they refer to each other.
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('x', '"*"', '"a,b"', '!Ref P', '!Ref Q', '!Ref "AWS::Region"'),
      tie('e').map((a) => `!Sub ["\${V}", { V: ${a} }]`),
      fc.constantFrom('!Sub "${P}"', '!Sub "${Q}-${P}"'),
      fc.tuple(tie('e'), tie('e')).map(([a, b]) => `!FindInMap [M, ${a}, ${b}]`),
      tie('e').map((a) => `!Split [",", ${a}]`),
      tie('e').map((a) => `!Join [",", [${a}]]`),
      tie('e').map((a) => `!Join [",", !Split [",", ${a}]]`),
      tie('e').map((a) => `!Select [0, !Split [",", ${a}]]`),
      tie('e').map((a) => `!If [C, ${a}, "*"]`),
    ),
  })).e;

  it('never throws, whatever the defaults refer to', () => {
    fc.assert(
      fc.property(expr, expr, expr, fc.constantFrom('String', 'CommaDelimitedList'), (p, q, use, type) => {
        const text = `Parameters:\n  P: { Type: ${type}, Default: ${p} }\n  Q: { Type: String, Default: ${q} }\nConditions:\n  C: !Equals [!Ref P, x]\nMappings:\n  M: { x: { x: "*", "*": y }, "*": { x: z } }\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties: { CorsConfiguration: { CorsRules: [{ AllowedOrigins: [${use}, !Ref P], AllowedMethods: [GET] }] } }\n`;
        const r = load(text);
        expect(r.diagnostics.filter((d) => /Internal error/.test(d.message))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
