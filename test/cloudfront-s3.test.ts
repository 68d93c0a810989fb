import { describe, expect, it } from 'vitest';
import { cdnForwardsHeader, preflightResponder, responderFor } from '../src/model/query.js';
import { cloudformationSource } from '../src/sources/cloudformation/index.js';

const host = { readFile: () => undefined, glob: () => [] };
const load = (text: string) => cloudformationSource.load([{ path: '/t/cdn.yaml', text }], host);

const CDN = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration: { AllowOrigins: [https://app.example.com], AllowHeaders: [authorization] }
      Auth:
        DefaultAuthorizer: Jwt
        Authorizers:
          Jwt: { IdentitySource: $request.header.Authorization, JwtConfiguration: { issuer: x } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        E: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /api/orders, Method: PUT } }
  Policy:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: cors
        CorsConfig:
          AccessControlAllowCredentials: true
          AccessControlAllowHeaders: { Items: [Authorization] }
          AccessControlAllowMethods: { Items: [ALL] }
          AccessControlAllowOrigins: { Items: [https://app.example.com] }
          OriginOverride: true
  Dist:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Origins:
          - Id: api
            DomainName: !Sub "\${Api}.execute-api.\${AWS::Region}.amazonaws.com"
            CustomOriginConfig: { OriginProtocolPolicy: https-only }
          - Id: files
            DomainName: !GetAtt Files.RegionalDomainName
            S3OriginConfig: {}
        DefaultCacheBehavior:
          TargetOriginId: files
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
          OriginRequestPolicyId: 88a5eaf4-2fd4-4709-b370-b4c650ea3fcf
        CacheBehaviors:
          - PathPattern: /api/*
            TargetOriginId: api
            AllowedMethods: [GET, HEAD]
            CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad
            ResponseHeadersPolicyId: !Ref Policy
  Files:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: ["https://app.example.com"]
            AllowedMethods: [GET, PUT]
            AllowedHeaders: ["*"]
            MaxAge: 600
          - AllowedOrigins: ["*"]
            AllowedMethods: [GET]
`;

describe('CloudFront cache behaviors', () => {
  const { routes } = load(CDN);
  const api = routes.find((r) => r.name.includes('behavior /api/*'))!;
  const def = routes.find((r) => r.name.includes('default behavior'))!;

  it('records allowed methods and a CloudFront 403 for the methods it does not allow', () => {
    expect(api.cdn!.allowedMethods!.methods).toEqual(['GET', 'HEAD']);
    const pre = preflightResponder(api)!;
    expect(pre).toMatchObject({ answeredBy: 'gateway', status: { kind: 'fixed', code: 403 } });
    expect(pre.span.line).toBe(CDN.split('\n').findIndex((l) => l.includes('AllowedMethods: [GET, HEAD]')) + 1);
  });

  it('knows what managed cache and origin request policies forward', () => {
    expect(cdnForwardsHeader(api.cdn!, 'Origin')).toBe(false);
    expect(cdnForwardsHeader(api.cdn!, 'Authorization')).toBe(false);
    expect(api.cdn!.caches!.value).toBe(false);
    expect(cdnForwardsHeader(def.cdn!, 'Origin')).toBe(true);
    expect(cdnForwardsHeader(def.cdn!, 'Access-Control-Request-Method')).toBe(true);
  });

  it('links the origin to the API in the template: it emits CORS and needs Authorization', () => {
    const actual = responderFor(api, 'GET')!;
    expect(actual.backend).toMatchObject({ emitsCors: 'yes', gatewayOverridesCors: true });
    expect(api.requiredRequestHeaders!.map((h) => h.name)).toEqual(['Authorization']);
    expect(responderFor(def, 'GET')!.backend).toMatchObject({ kind: 's3', emitsCors: 'yes' });
  });

  it('adds the response headers policy CORS headers', () => {
    const h = responderFor(api, 'GET')!.headers;
    expect(h.map((x) => x.name)).toEqual(['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials']);
    expect(h[0]!.value.kind).toBe('by-origin');
  });
});

describe('S3 bucket CORS', () => {
  const { routes } = load(CDN);
  const bucket = routes.find((r) => r.name === 'S3 bucket Files')!;

  it('echoes a listed origin with credentials and answers * without them', () => {
    const pre = preflightResponder(bucket)!;
    const acao = pre.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value;
    expect(acao).toMatchObject({ kind: 'by-origin', otherwise: null });
    if (acao.kind !== 'by-origin') throw new Error('by-origin expected');
    expect(acao.cases.map((c) => c.then)).toEqual([{ kind: 'reflect' }, { kind: 'literal', text: '*' }]);
    const acac = pre.headers.find((h) => h.name === 'Access-Control-Allow-Credentials')!.value;
    if (acac.kind !== 'by-origin') throw new Error('by-origin expected');
    expect(acac.cases.map((c) => c.then)).toEqual([{ kind: 'literal', text: 'true' }, null]);
  });

  it('does not claim a literal * for AllowedHeaders wildcards (S3 echoes the requested headers)', () => {
    const acah = preflightResponder(bucket)!.headers.find((h) => h.name === 'Access-Control-Allow-Headers')!.value;
    if (acah.kind !== 'by-origin') throw new Error('by-origin expected');
    expect(acah.cases[0]!.then).toMatchObject({ kind: 'unknown' });
  });

  it('sends Vary: Origin', () => {
    expect(responderFor(bucket, 'GET')!.headers.some((h) => h.name === 'Vary' && h.value.kind === 'literal' && /Origin/.test(h.value.text))).toBe(true);
  });

  it('leaves request origins the known entries do not match unknown when an entry is not known here', () => {
    const text = `Parameters:
  SiteOrigin: { Type: String }
Resources:
  Files:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: [https://app.example.com, !Ref SiteOrigin]
            AllowedMethods: [GET]
`;
    const acao = (bucketOf: string) => preflightResponder(load(bucketOf).routes.find((r) => r.name === 'S3 bucket Files')!)!.headers.find((h) => h.name === 'Access-Control-Allow-Origin')!.value;
    const value = acao(text);
    if (value.kind !== 'by-origin') throw new Error('by-origin expected');
    expect(value.cases.map((c) => c.when)).toMatchObject([{ kind: 'exact', origin: 'https://app.example.com' }]);
    // not "no header" (null): the parameter may allow that origin
    expect(value.otherwise).toEqual({ kind: 'unknown', reason: 'parameter SiteOrigin has no Default' });
    expect(acao(text.replace('{ Type: String }', '{ Type: String, Default: https://admin.example.com }'))).toMatchObject({ otherwise: null });
  });
});
