/** Nested stacks (AWS::CloudFormation::Stack, AWS::Serverless::Application) and the parameter values they give. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintTree, tree } from './helpers/tree.js';
import { allRules } from '../rules/index.js';
import { fsHost } from '../src/cli/host.js';
import { lintFiles, type LintResult } from '../src/engine/lint.js';
import { cloudformationSource } from '../src/sources/cloudformation/index.js';


const lint = lintTree;

const messages = (results: LintResult[], ruleId: string) =>
  results.flatMap((r) => r.messages.filter((m) => m.ruleId === ruleId).map((m) => ({ file: r.filePath, line: m.line, message: m.message })));

/** An HTTP API whose CORS allows `Origins` (a parameter of `type`) with credentials. */
const httpApi = (type: string, def?: string) => `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Origins:
    Type: ${type}
${def === undefined ? '' : `    Default: "${def}"\n`}Resources:
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: profile
      ProtocolType: HTTP
      CorsConfiguration:
        AllowOrigins: !Ref Origins
        AllowCredentials: true
        AllowMethods: [GET]
        AllowHeaders: [content-type]
        MaxAge: 600
  GetProfile:
    Type: AWS::ApiGatewayV2::Route
    Properties: { ApiId: !Ref Http, RouteKey: "GET /profile" }
`;

const parent = (resource: string, location: string, params: string) => `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Profile:
    Type: ${resource}
    Properties:
      ${resource === 'AWS::CloudFormation::Stack' ? 'TemplateURL' : 'Location'}: ${location}
      Parameters:
${params}
`;

/** An S3 bucket allowing a plain-HTTP origin (insecure-origin-allowed), as resources to append. */
const BUCKET = `  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: ["http://insecure.example.com"]
            AllowedMethods: [GET]
`;

describe('CloudFormation parameters', () => {
  it('splits a CommaDelimitedList default into its items, trimmed', async () => {
    const root = tree({ 't.yaml': httpApi('CommaDelimitedList', 'https://app.example.com, http://legacy.example.com') });
    const insecure = messages(await lint(root, ['t.yaml']), 'insecure-origin-allowed');
    expect(insecure).toHaveLength(1);
    expect(insecure[0]!.message).toContain('http://legacy.example.com');
    expect(insecure[0]!.message).not.toContain('https://app.example.com,');
    // one item, a String: nothing to split
    expect(messages(await lint(tree({ 't.yaml': httpApi('String', 'https://app.example.com') }), ['t.yaml']), 'insecure-origin-allowed')).toEqual([]);
  });

  it('does not take the Default of an SSM parameter for its value: it names the parameter to read', async () => {
    const root = tree({ 't.yaml': httpApi('AWS::SSM::Parameter::Value<String>', '*') });
    const results = await lint(root, ['t.yaml']);
    expect(messages(results, 'wildcard-origin-with-credentials')).toEqual([]);
    const plain = tree({ 't.yaml': httpApi('String', '*') });
    expect(messages(await lint(plain, ['t.yaml']), 'wildcard-origin-with-credentials')).toHaveLength(1);
  });
});

describe('CloudFormation nested stacks', () => {
  it('lints a nested template with the values its parent gives, once per nesting stack, and not on its own', async () => {
    const root = tree({
      'parent.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Public:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: api/template.yaml
      Parameters: { Origins: "*" }
  Admin:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./api/template.yaml
      Parameters:
        Origins: !Join [",", ["https://admin.example.com", "*"]]
  Internal:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: api/template.yaml
      Parameters:
        Origins: https://intranet.example.com
`,
      'api/template.yaml': httpApi('CommaDelimitedList', '*'),
    });
    // the nested template is linted through the parent even when both are given
    for (const names of [['parent.yaml'], ['parent.yaml', 'api/template.yaml']]) {
      const star = messages(await lint(root, names), 'wildcard-origin-with-credentials');
      expect(star.map((m) => [m.file, m.line, m.message.slice(m.message.lastIndexOf(' (in '))]).sort()).toEqual([
        [join(root, 'api/template.yaml'), 13, ` (in stack Admin, nested in ${join(root, 'parent.yaml')})`],
        [join(root, 'api/template.yaml'), 13, ` (in stack Public, nested in ${join(root, 'parent.yaml')})`],
      ]);
    }
    // alone, its default decides
    const alone = messages(await lint(root, ['api/template.yaml']), 'wildcard-origin-with-credentials');
    expect(alone.map((m) => m.message)).toEqual([expect.not.stringContaining(' (in ')]);
  });

  it('gives each nesting its own routes: ids under the stack, spans not shared', () => {
    const root = tree({
      'parent.yaml': parent('AWS::CloudFormation::Stack', 'api.yaml', '        Origins: https://a.example.com') + `  Again:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: api.yaml
`,
      'api.yaml': httpApi('CommaDelimitedList', 'https://b.example.com'),
    });
    const r = cloudformationSource.load([{ path: join(root, 'parent.yaml'), text: fsHost.readFile(join(root, 'parent.yaml'))! }], fsHost);
    expect(r.diagnostics).toEqual([]);
    expect(r.routes.map((x) => x.id).sort()).toEqual(['stack:Again/http-api:Http/GET /profile', 'stack:Profile/http-api:Http/GET /profile']);
    const [a, b] = r.routes;
    expect(a!.span).not.toBe(b!.span);
    expect([a!.span.via, b!.span.via].sort()).toEqual([`stack Again, nested in ${join(root, 'parent.yaml')}`, `stack Profile, nested in ${join(root, 'parent.yaml')}`]);
    expect(a!.responders.every((x) => x.span.via === a!.span.via)).toBe(true);
    // a template read from disk is one of the run's files (formatters show its lines)
    expect([...r.files.keys()].sort()).toEqual([join(root, 'api.yaml'), join(root, 'parent.yaml')]);
  });

  it('says why a value is not known: the parent passes its own parameter without a default', async () => {
    const root = tree({
      'parent.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SiteOrigin: { Type: String }
Resources:
  Profile:
    Type: AWS::Serverless::Application
    Properties:
      Location: child.yaml
      Parameters:
        Origin: !Ref SiteOrigin
`,
      'child.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Origin: { Type: String, Default: "*" }
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: [!Sub "\${Origin}"]
            AllowedMethods: [GET]
`,
    });
    const r = cloudformationSource.load([{ path: join(root, 'parent.yaml'), text: fsHost.readFile(join(root, 'parent.yaml'))! }], fsHost);
    const text = JSON.stringify(r.routes);
    expect(text).toContain(`parameter Origin is given by application Profile of ${join(root, 'parent.yaml')}: parameter SiteOrigin has no Default`);
    // the child's default ("*") is not used: the parent gives the value
    expect(messages(await lint(root, ['parent.yaml']), 'wildcard-origin-with-credentials')).toEqual([]);
  });

  it('follows nested stacks down, and evaluates conditions with the given values', async () => {
    const root = tree({
      'root.yaml': parent('AWS::CloudFormation::Stack', 'mid/mid.yaml', '        Env: prod'),
      'mid/mid.yaml': `Parameters:
  Env: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Leaf:
    Type: AWS::CloudFormation::Stack
    Condition: IsProd
    Properties:
      TemplateURL: ../leaf.yaml
      Parameters: { Origins: "*" }
`,
      'leaf.yaml': httpApi('CommaDelimitedList', 'https://app.example.com'),
    });
    const star = messages(await lint(root, ['root.yaml']), 'wildcard-origin-with-credentials');
    expect(star.map((m) => [m.file, m.message.slice(m.message.lastIndexOf(' (in '))])).toEqual([[join(root, 'leaf.yaml'), ` (in stack Profile/Leaf, nested in ${join(root, 'mid/mid.yaml')})`]]);
    // with its default (dev), mid does not create the leaf stack
    expect(messages(await lint(root, ['mid/mid.yaml']), 'wildcard-origin-with-credentials')).toEqual([]);
  });

  it('stops at a cycle (CloudFormation rejects it), linting each template of it on its own', async () => {
    const root = tree({
      'a.yaml': parent('AWS::CloudFormation::Stack', 'b.yaml', '        X: "1"') + BUCKET,
      'b.yaml': parent('AWS::CloudFormation::Stack', 'a.yaml', '        Y: "2"'),
    });
    const results = await lint(root, ['a.yaml', 'b.yaml']);
    const insecure = messages(results, 'insecure-origin-allowed');
    expect(insecure.map((m) => (m.message.includes(' (in ') ? m.message.slice(m.message.lastIndexOf(' (in ')) : 'alone'))).toEqual(['alone', ` (in stack Profile, nested in ${join(root, 'b.yaml')})`]);
  });

  it('reports a nested template it cannot read as unresolved-include at its location, and still lints the parent', async () => {
    const root = tree({
      'parent.yaml': parent('AWS::CloudFormation::Stack', 'broken.yaml', '        Origins: "*"') + `  Missing:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: gone.yaml
` + BUCKET,
      'broken.yaml': 'Resources:\n  Api: [unclosed\n',
    });
    const results = await lint(root, ['parent.yaml']);
    expect(messages(results, 'unresolved-include').map((m) => [m.line, m.message])).toEqual([
      [6, 'Nested stack Profile: its TemplateURL "broken.yaml" is not valid YAML (line 3: YAML syntax error: unexpected end of the stream within a flow collection), so the routes that template defines were not checked'],
      [12, 'Nested stack Missing: its TemplateURL "gone.yaml" cannot be read, so the routes that template defines were not checked'],
    ]);
    expect(messages(results, 'insecure-origin-allowed')).toHaveLength(1);
  });
});

describe('route groups stay within the template, document or module that declares them', () => {
  const groupsOf = async (files: Record<string, string>) => {
    const root = tree(files);
    const results = await lintFiles(
      Object.keys(files).map((n) => ({ path: join(root, n), text: fsHost.readFile(join(root, n))! })),
      { rules: allRules, settings: { clients: [], sites: [] }, host: fsHost },
    );
    return { root, results };
  };

  it('OpenAPI: two documents of one name are two APIs', async () => {
    const doc = fsHost.readFile(join(import.meta.dirname, '..', 'fixtures/rules/invalid-mapping-expression/openapi-unquoted.yaml'))!;
    const { root, results } = await groupsOf({ 'orders/api.yaml': doc, 'billing/api.yaml': doc });
    const files = results.filter((r) => r.messages.some((m) => m.ruleId === 'cors-headers-missing-on-errors')).map((r) => r.filePath);
    expect(files.sort()).toEqual([join(root, 'billing/api.yaml'), join(root, 'orders/api.yaml')]);
  });

  it('Terraform: two root modules with the same addresses', async () => {
    const main = fsHost.readFile(join(import.meta.dirname, '..', 'fixtures/rules/wildcard-origin-with-credentials/terraform-module-passes-star/modules/profile-api/main.tf'))!;
    const noErrors = main.replace(/resource "aws_api_gateway_gateway_response"[\s\S]*?\n}\n/g, '');
    const { root, results } = await groupsOf({ 'a/main.tf': noErrors, 'b/main.tf': noErrors });
    const files = results.filter((r) => r.messages.some((m) => m.ruleId === 'cors-headers-missing-on-errors')).map((r) => r.filePath);
    expect(files.sort()).toEqual([join(root, 'a/main.tf'), join(root, 'b/main.tf')]);
  });
});
