// Generates a large SAM/CloudFormation template: a REST API with many resources, each with
// an authorized method, an OPTIONS MOCK method, and gateway responses; YAML (short-form tags) and JSON.

function resourceYaml(i) {
  return `  Res${i}:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: items${i}
  Get${i}:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res${i}
      HttpMethod: PUT
      AuthorizationType: COGNITO_USER_POOLS
      AuthorizerId: !Ref Authorizer
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn\${i}.Arn}/invocations
  Options${i}:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res${i}
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates:
          application/json: '{"statusCode": 200}'
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"
              method.response.header.Access-Control-Allow-Methods: "'GET,PUT,OPTIONS'"
              method.response.header.Access-Control-Allow-Headers: "'Authorization,Content-Type'"
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters:
            method.response.header.Access-Control-Allow-Origin: true
            method.response.header.Access-Control-Allow-Methods: true
            method.response.header.Access-Control-Allow-Headers: true
`;
}

const HEADER = `AWSTemplateFormatVersion: "2010-09-09"
Description: generated benchmark template
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: bench
  Authorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Type: COGNITO_USER_POOLS
      IdentitySource: method.request.header.Authorization
      ProviderARNs: [arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_x]
  Default4xx:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: !Ref Api
      ResponseType: DEFAULT_4XX
      ResponseParameters:
        gatewayresponse.header.Access-Control-Allow-Origin: "'https://app.example.com'"
`;

export function generateCloudFormationYaml(resources) {
  const parts = [HEADER];
  for (let i = 0; i < resources; i++) parts.push(resourceYaml(i));
  return parts.join('');
}

/** The same template in JSON (long-form intrinsics). */
export function generateCloudFormationJson(resources) {
  const res = {
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'bench' } },
    Authorizer: {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: { RestApiId: { Ref: 'Api' }, Type: 'COGNITO_USER_POOLS', IdentitySource: 'method.request.header.Authorization' },
    },
  };
  for (let i = 0; i < resources; i++) {
    res[`Res${i}`] = {
      Type: 'AWS::ApiGateway::Resource',
      Properties: { RestApiId: { Ref: 'Api' }, ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: `items${i}` },
    };
    res[`Get${i}`] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: { Ref: `Res${i}` },
        HttpMethod: 'PUT',
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: 'Authorizer' },
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::Sub': 'arn:aws:apigateway:${AWS::Region}:lambda:path/fn' } },
      },
    };
    res[`Options${i}`] = {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResourceId: { Ref: `Res${i}` },
        HttpMethod: 'OPTIONS',
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'MOCK',
          RequestTemplates: { 'application/json': '{"statusCode": 200}' },
          IntegrationResponses: [
            {
              StatusCode: '200',
              ResponseParameters: {
                'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'",
                'method.response.header.Access-Control-Allow-Methods': "'GET,PUT,OPTIONS'",
                'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'",
              },
            },
          ],
        },
      },
    };
  }
  return JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: res }, null, 2);
}
