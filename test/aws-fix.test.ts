/**
 * AWS fixes for preflight-requires-auth: the source computes the edit (SAM
 * `AddDefaultAuthorizerToCorsPreflight: false` / `AddApiKeyRequiredToCorsPreflight: false`,
 * OpenAPI `security: []` on the options operation), the rule attaches it, `--fix` applies it.
 * Each case applies the fix, checks the exact text (layout and comments kept) and re-lints the
 * fixed file clean of the finding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixAndRelint, ruleFindings } from './helpers/fix.js';
import { FIXTURES } from './helpers/fixtures.js';

const RULE = 'preflight-requires-auth';
const fixture = (name: string) => readFileSync(join(FIXTURES, 'rules', RULE, name), 'utf8');

describe('SAM: AddDefaultAuthorizerToCorsPreflight / AddApiKeyRequiredToCorsPreflight', () => {
  it('inserts the flag under Auth, after DefaultAuthorizer, with its indentation and comment kept', async () => {
    const text = fixture('sam-default-authorizer.yaml');
    const fixed = await fixAndRelint('/virtual/template.yaml', text, RULE);
    expect(fixed).toBe(
      text.replace(
        '        DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\n',
        '        DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\n        AddDefaultAuthorizerToCorsPreflight: false\n',
      ),
    );
  });

  it('turns an explicit `true` into false', async () => {
    const text = fixture('sam-default-authorizer.yaml').replace(
      '        DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\n',
      '        DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\n        AddDefaultAuthorizerToCorsPreflight: true   # the default\n',
    );
    const fixed = await fixAndRelint('/virtual/template.yaml', text, RULE);
    expect(fixed).toBe(text.replace('AddDefaultAuthorizerToCorsPreflight: true   # the default', 'AddDefaultAuthorizerToCorsPreflight: false   # the default'));
  });

  it('keeps CRLF line ends', async () => {
    const text = fixture('sam-default-authorizer.yaml').replace(/\n/g, '\r\n');
    const fixed = await fixAndRelint('/virtual/template.yaml', text, RULE);
    expect(fixed).toContain('DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\r\n        AddDefaultAuthorizerToCorsPreflight: false\r\n        Authorizers:');
  });

  it('the API key: AddApiKeyRequiredToCorsPreflight: false', async () => {
    const text = fixture('sam-api-key-on-generated-options.yaml');
    const fixed = await fixAndRelint('/virtual/template.yaml', text, RULE);
    expect(fixed).toBe(text.replace('ApiKeyRequired: true  # expect: preflight-requires-auth\n', 'ApiKeyRequired: true  # expect: preflight-requires-auth\n        AddApiKeyRequiredToCorsPreflight: false\n'));
  });

  it('a JSON template: a new "AddDefaultAuthorizerToCorsPreflight": false entry', async () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Api: {
          Type: 'AWS::Serverless::Api',
          Properties: {
            StageName: 'prod',
            Cors: { AllowOrigin: "'https://app.example.com'", AllowHeaders: "'Authorization,Content-Type'", MaxAge: "'600'" },
            Auth: { DefaultAuthorizer: 'CognitoAuth', Authorizers: { CognitoAuth: { UserPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x' } } },
          },
        },
        Fn: {
          Type: 'AWS::Serverless::Function',
          Properties: {
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Events: { Put: { Type: 'Api', Properties: { RestApiId: { Ref: 'Api' }, Path: '/orders', Method: 'put' } } },
          },
        },
      },
    };
    const text = JSON.stringify(template, null, 2) + '\n';
    const fixed = await fixAndRelint('/virtual/template.json', text, RULE);
    expect(fixed).toBe(text.replace('"DefaultAuthorizer": "CognitoAuth",\n', '"DefaultAuthorizer": "CognitoAuth",\n          "AddDefaultAuthorizerToCorsPreflight": false,\n'));
    expect(() => JSON.parse(fixed)).not.toThrow();
  });

  it('no fix where the authorizer is on purpose: AddDefaultAuthorizerToCorsPreflight set from a parameter', async () => {
    const text = fixture('sam-default-authorizer.yaml')
      .replace('Resources:\n', 'Parameters:\n  Flag: { Type: String }\nResources:\n')
      .replace('        DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\n', '        DefaultAuthorizer: CognitoAuth  # expect: preflight-requires-auth\n        AddDefaultAuthorizerToCorsPreflight: !Ref Flag\n');
    const found = await ruleFindings('/virtual/template.yaml', text, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.fix).toBeUndefined();
  });
});

describe('OpenAPI: security: [] on the OPTIONS operation', () => {
  const yaml = (options: string) =>
    [
      'openapi: "3.0.1"',
      'info: { title: orders, version: "1" }',
      'security:',
      '  - Cognito: []',
      'paths:',
      '  /orders:',
      '    put:',
      '      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "arn:aws:apigateway:eu-west-1:lambda:path/fn" }',
      '    options:',
      options,
      '      x-amazon-apigateway-integration:  # the CORS answer',
      '        type: mock',
      '        requestTemplates: { application/json: "{\\"statusCode\\": 200}" }',
      '        responses:',
      '          default:',
      '            statusCode: "204"',
      '            responseParameters:',
      '              method.response.header.Access-Control-Allow-Origin: "\'https://app.example.com\'"',
      '              method.response.header.Access-Control-Allow-Methods: "\'PUT,OPTIONS\'"',
      '              method.response.header.Access-Control-Allow-Headers: "\'Authorization,Content-Type\'"',
      '              method.response.header.Access-Control-Max-Age: "\'600\'"',
      'components:',
      '  securitySchemes:',
      '    Cognito:',
      '      type: apiKey',
      '      name: Authorization',
      '      in: header',
      '      x-amazon-apigateway-authtype: cognito_user_pools',
      '      x-amazon-apigateway-authorizer: { type: cognito_user_pools, providerARNs: ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/x"] }',
      'x-amazon-apigateway-gateway-responses:',
      '  DEFAULT_4XX: { responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "\'https://app.example.com\'" } }',
      '  DEFAULT_5XX: { responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "\'https://app.example.com\'" } }',
      '',
    ]
      .filter((l) => l !== '')
      .join('\n') + '\n';

  it('inherited global security: inserts `security: []` as the operation\'s first key', async () => {
    const text = yaml('      summary: CORS preflight');
    const fixed = await fixAndRelint('/virtual/api.yaml', text, RULE);
    expect(fixed).toBe(text.replace('    options:\n      summary:', '    options:\n      security: []\n      summary:'));
  });

  it('its own security list: replaced by []', async () => {
    const text = yaml('      security:\n        - Cognito: []');
    const fixed = await fixAndRelint('/virtual/api.yaml', text, RULE);
    expect(fixed).toBe(text.replace('      security:\n        - Cognito: []\n', '      security: []\n'));
  });

  it('its own flow list keeps the comment after it', async () => {
    const text = yaml('      security: [{ Cognito: [] }]  # who may call');
    const fixed = await fixAndRelint('/virtual/api.yaml', text, RULE);
    expect(fixed).toBe(text.replace('security: [{ Cognito: [] }]  # who may call', 'security: []  # who may call'));
  });

  it('JSON: inserts "security": [], before the first key with its indentation', async () => {
    const text = fixture('openapi-global-security-on-options.json');
    const fixed = await fixAndRelint('/virtual/api.json', text, RULE);
    expect(fixed).toBe(text.replace('      "options": {\n        "x-amazon-apigateway-integration"', '      "options": {\n        "security": [],\n        "x-amazon-apigateway-integration"'));
    expect(() => JSON.parse(fixed)).not.toThrow();
  });
});
