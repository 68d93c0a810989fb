/** API definitions read from other files: `AWS::Include` bodies and SAM `DefinitionUri`. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintTree, tree } from './helpers/tree.js';
import { fsHost } from '../src/cli/host.js';
import { classify, loadSources, type LintResult } from '../src/engine/lint.js';


const lint = lintTree;

const found = (results: LintResult[], ruleId: string) =>
  results.flatMap((r) => r.messages.filter((m) => m.ruleId === ruleId).map((m) => ({ file: r.filePath.replace(/^.*\//, ''), line: m.line, message: m.message })));

/** A Swagger definition: PUT /orders on Lambda, and an OPTIONS mock whose Allow-Origin is `origin` (YAML). */
const swagger = (origin: string) => `swagger: "2.0"
info: { title: orders-definition, version: "1" }
paths:
  /orders:
    put:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/f/invocations }
    options:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: ${origin}
              method.response.header.Access-Control-Allow-Credentials: "'true'"
              method.response.header.Access-Control-Allow-Methods: "'PUT,OPTIONS'"
              method.response.header.Access-Control-Allow-Headers: "'Content-Type'"
`;

const restApi = (extra: string) => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AllowedOrigin: { Type: String, Default: "*" }
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  OrdersApi:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        Fn::Transform:
          Name: AWS::Include
          Parameters: { Location: definitions/orders.yaml }
${extra}`;

describe('API definitions read from other files', () => {
  it("reads an AWS::Include body as part of the template: the template's parameters apply, at the definition's lines", async () => {
    const root = tree({ 'template.yaml': restApi(''), 'definitions/orders.yaml': swagger(`{"Fn::Sub": "'\${AllowedOrigin}'"}`) });
    const star = found(await lint(root, ['template.yaml']), 'wildcard-origin-with-credentials');
    expect(star.map((m) => [m.file, m.line])).toEqual([['orders.yaml', 15]]);
    expect(star[0]!.message).toContain('Access-Control-Allow-Origin: *');
  });

  it("evaluates the template's conditions in the definition", async () => {
    const ifProd = `{"Fn::If": [IsProd, "'https://app.example.com'", "'*'"]}`;
    const dev = tree({ 'template.yaml': restApi(''), 'definitions/orders.yaml': swagger(ifProd) });
    expect(found(await lint(dev, ['template.yaml']), 'wildcard-origin-with-credentials')).toHaveLength(1);
    const prod = tree({ 'template.yaml': restApi('').replace('Default: dev', 'Default: prod'), 'definitions/orders.yaml': swagger(ifProd) });
    expect(found(await lint(prod, ['template.yaml']), 'wildcard-origin-with-credentials')).toEqual([]);
  });

  it('lints a definition the run also holds only as the template reads it', async () => {
    const root = tree({ 'template.yaml': restApi(''), 'definitions/orders.yaml': swagger(`"'https://app.example.com'"`) });
    // alone, the document is an API of its own, named by its title
    const alone = found(await lint(root, ['definitions/orders.yaml']), 'cors-delegated-to-backend');
    expect(alone.map((m) => m.message)).toEqual([expect.stringContaining('PUT /orders (orders-definition)')]);
    const both = found(await lint(root, ['template.yaml', 'definitions/orders.yaml']), 'cors-delegated-to-backend');
    expect(both.map((m) => [m.file, m.message.match(/PUT \/orders \([^)]*\)/)![0]])).toEqual([['orders.yaml', 'PUT /orders (OrdersApi)']]);
    // the document's own routes (an API without the template's settings) are gone, not just grouped away
    const inputs = ['template.yaml', 'definitions/orders.yaml'].map((n) => ({ path: join(root, n), text: fsHost.readFile(join(root, n))! }));
    const source = await loadSources(classify(inputs), fsHost);
    expect(source.routes.map((r) => [r.source, r.name])).toEqual([['cloudformation', 'PUT /orders (OrdersApi)']]);
  });

  it('reports a definition file that does not parse at its location, and reads the rest of the template', async () => {
    const root = tree({
      'template.yaml': restApi(`  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration: { CorsRules: [{ AllowedOrigins: ["http://insecure.example.com"], AllowedMethods: [GET] }] }
`),
      'definitions/orders.yaml': 'paths: [unclosed\n',
    });
    const results = await lint(root, ['template.yaml']);
    expect(found(results, 'unresolved-include').map((m) => [m.line, m.message])).toEqual([
      [14, 'OrdersApi Body "definitions/orders.yaml" is not valid YAML (line 2: YAML syntax error: unexpected end of the stream within a flow collection): its routes were not checked'],
    ]);
    expect(found(results, 'insecure-origin-allowed')).toHaveLength(1);
  });
});

describe('nested stacks and included definitions: bad input never throws', () => {
  const shapes = [
    'TemplateURL: [a.yaml]',
    'TemplateURL: { Bucket: b }',
    'TemplateURL: 42',
    'TemplateURL: !Sub "${AWS::Region}.yaml"',
    'TemplateURL: .',
    'TemplateURL: self.yaml',
    'TemplateURL: child.yaml\n      Parameters: [1, 2]',
    'TemplateURL: child.yaml\n      Parameters: { A: { B: [1] }, C: !GetAtt X.Y }',
  ];
  const definitions = [
    'DefinitionUri: 7',
    'DefinitionUri: [x.yaml]',
    'DefinitionUri: .',
    'DefinitionUri: self.yaml',
    'DefinitionBody: { "Fn::Transform": { Name: AWS::Include } }',
    'DefinitionBody: { "Fn::Transform": [1] }',
    'DefinitionBody: { "Fn::Transform": { Name: AWS::Include, Parameters: { Location: child.yaml } } }',
    'DefinitionBody: { "Fn::Transform": { Name: AWS::Include, Parameters: { Location: self.yaml } } }',
  ];
  const child = 'Parameters: { A: { Type: CommaDelimitedList } }\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: { CorsConfiguration: { CorsRules: [{ AllowedOrigins: !Ref A, AllowedMethods: [GET] }] } }\n';
  it.each([...shapes.map((p) => ['AWS::CloudFormation::Stack', p]), ...definitions.map((p) => ['AWS::Serverless::Api', p])])('%s %s', async (type, props) => {
    const self = `Transform: AWS::Serverless-2016-10-31\nResources:\n  X:\n    Type: ${type}\n    Properties:\n      ${props}\n`;
    const root = tree({ 'self.yaml': self, 'child.yaml': child });
    const results = await lint(root, ['self.yaml', 'child.yaml']);
    expect(results.flatMap((r) => r.messages).filter((m) => m.ruleId === 'parse-error')).toEqual([]);
  });
});
