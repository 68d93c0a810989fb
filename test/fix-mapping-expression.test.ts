/**
 * invalid-mapping-expression's fix: a literal written in place gets its single quotes inside
 * the string (`"*"` → `"'*'"`) in YAML, JSON and Terraform; the fixed file lints clean of the
 * rule and reads as the quoted literal. Values from elsewhere (a variable, a reference) get no fix.
 */
import { describe, expect, it } from 'vitest';
import { fixAndRelint, ruleFindings } from './helpers/fix.js';

const RULE = 'invalid-mapping-expression';
const fixed = (path: string, text: string) => fixAndRelint(path, text, RULE);

const template = (value: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: orders }
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: ${value}  # kept
`;

describe('invalid-mapping-expression fix', () => {
  it.each([
    ['a double-quoted YAML string', '"*"'],
    ['a single-quoted YAML string', "'*'"],
    ['a plain YAML scalar', 'https://app.example.com'],
  ])('quotes %s as a literal, keeping the rest of the line', async (_what, value) => {
    const out = await fixed('/t/template.yaml', template(value));
    const literal = value.replace(/^["']|["']$/g, '');
    expect(out).toBe(template(`"'${literal}'"`));
  });

  it('quotes a JSON string', async () => {
    const text = JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'orders' } },
          Get: {
            Type: 'AWS::ApiGateway::Method',
            Properties: {
              RestApiId: { Ref: 'Api' },
              ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] },
              HttpMethod: 'GET',
              AuthorizationType: 'NONE',
              Integration: { Type: 'MOCK', IntegrationResponses: [{ StatusCode: '200', ResponseParameters: { 'method.response.header.Access-Control-Allow-Origin': '*' } }] },
            },
          },
        },
      },
      null,
      2,
    );
    const out = await fixed('/t/template.json', text);
    expect(JSON.parse(out).Resources.Get.Properties.Integration.IntegrationResponses[0].ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toBe("'*'");
  });

  it('quotes a Terraform string literal, and leaves a variable alone', async () => {
    const tf = (value: string) => `resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = aws_api_gateway_method.get.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_integration_response" "get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = aws_api_gateway_method.get.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = ${value}
  }
}
`;
    expect(await fixed('/t/main.tf', tf('"*"'))).toBe(tf(`"'*'"`));
    const withVariable = `variable "origin" {
  default = "https://app.example.com"
}
${tf('var.origin')}`;
    const messages = await ruleFindings('/t/main.tf', withVariable, RULE);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.fix).toBeUndefined();
  });
});
