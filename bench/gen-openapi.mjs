// Generates a large OpenAPI 3 document for an API Gateway REST API, as API Gateway exports it:
// per path an authorized GET (Lambda proxy), a PUT (HTTP integration with integration responses),
// and an OPTIONS MOCK that answers preflights with quoted `method.response.header.Access-Control-*`
// values; security schemes with `x-amazon-apigateway-authorizer`, a global `security`, gateway
// responses. A few paths carry the usual CORS mistakes, so the run has findings to report.
// YAML and JSON hold the same document.

const ORIGIN = "'https://app.example.com'";

function corsParameters(i) {
  const p = {
    'method.response.header.Access-Control-Allow-Origin': ORIGIN,
    'method.response.header.Access-Control-Allow-Methods': "'GET,PUT,OPTIONS'",
    'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type,X-Amz-Date'",
  };
  // Mistakes: a header list without Authorization (the authorized GET's preflight fails), an
  // unquoted value (a mapping expression, not the literal), a wildcard origin with credentials.
  if (i % 11 === 5) p['method.response.header.Access-Control-Allow-Headers'] = "'Content-Type'";
  if (i % 13 === 7) p['method.response.header.Access-Control-Allow-Methods'] = 'GET,PUT,OPTIONS';
  if (i % 17 === 9) {
    p['method.response.header.Access-Control-Allow-Origin'] = "'*'";
    p['method.response.header.Access-Control-Allow-Credentials'] = "'true'";
  }
  return p;
}

function headersDeclared(params) {
  const out = {};
  for (const k of Object.keys(params)) out[k.slice('method.response.header.'.length)] = { schema: { type: 'string' } };
  return out;
}

function pathItem(i) {
  const item = {
    get: {
      operationId: `getItem${i}`,
      responses: { 200: { description: 'the item' } },
      security: [{ [i % 5 === 0 ? 'TokenAuth' : 'CognitoAuth']: [] }],
      'x-amazon-apigateway-integration': {
        type: 'aws_proxy',
        httpMethod: 'POST',
        uri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:items${i}/invocations`,
        passthroughBehavior: 'when_no_match',
      },
    },
    put: {
      operationId: `putItem${i}`,
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
      responses: { 200: { description: 'stored' }, 400: { description: 'rejected' } },
      'x-amazon-apigateway-integration': {
        type: 'http',
        httpMethod: 'PUT',
        uri: `https://backend.example.com/items${i}`,
        passthroughBehavior: 'when_no_templates',
        responses: {
          default: { statusCode: '200', responseParameters: { 'method.response.header.Access-Control-Allow-Origin': ORIGIN } },
          '4\\d{2}': { statusCode: '400' },
        },
      },
    },
  };
  // Every 19th path has no OPTIONS operation: API Gateway answers its preflight with 403.
  if (i % 19 === 3) return item;
  const params = corsParameters(i);
  const options = {
    operationId: `corsItem${i}`,
    responses: { 200: { description: 'CORS preflight', headers: headersDeclared(params) } },
    // Every 7th OPTIONS inherits the global Cognito `security`: preflights get 401.
    ...(i % 7 === 2 ? {} : { security: [] }),
    'x-amazon-apigateway-integration': {
      type: 'mock',
      requestTemplates: { 'application/json': '{"statusCode": 200}' },
      passthroughBehavior: 'when_no_match',
      responses: { default: { statusCode: '200', responseParameters: params } },
    },
  };
  item.options = options;
  return item;
}

function document(paths) {
  const doc = {
    openapi: '3.0.1',
    info: { title: 'bench-openapi', version: '1.0' },
    servers: [{ url: 'https://api.example.com/{basePath}', variables: { basePath: { default: 'prod' } } }],
    security: [{ CognitoAuth: [] }],
    paths: {},
    components: {
      schemas: { Item: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
      securitySchemes: {
        CognitoAuth: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          'x-amazon-apigateway-authtype': 'cognito_user_pools',
          'x-amazon-apigateway-authorizer': { type: 'cognito_user_pools', providerARNs: ['arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_x'] },
        },
        TokenAuth: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          'x-amazon-apigateway-authtype': 'custom',
          'x-amazon-apigateway-authorizer': {
            type: 'token',
            authorizerUri: 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations',
            identitySource: 'method.request.header.Authorization',
            authorizerResultTtlInSeconds: 300,
          },
        },
      },
    },
    'x-amazon-apigateway-gateway-responses': {
      DEFAULT_4XX: { responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': ORIGIN } },
      UNAUTHORIZED: { statusCode: 401, responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': ORIGIN }, responseTemplates: { 'application/json': '{"message":$context.error.messageString}' } },
    },
  };
  for (let i = 0; i < paths; i++) doc.paths[`/items${i}`] = pathItem(i);
  return doc;
}

// A small block-style YAML writer for the generated values (strings quoted only when YAML would
// read them as something else), so the YAML and JSON documents are the same document.
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./:{}-]*$/;
function scalar(v) {
  if (typeof v !== 'string') return String(v);
  return PLAIN.test(v) && !/^(true|false|null|yes|no|on|off)$/i.test(v) ? v : JSON.stringify(v);
}
function yaml(v, indent, out) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    for (const x of v) {
      if (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length) {
        const lines = [];
        yaml(x, indent + 2, lines);
        out.push(`${pad}- ${lines[0].trimStart()}`, ...lines.slice(1));
      } else out.push(`${pad}- ${inline(x)}`);
    }
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    const key = scalar(k);
    if (x !== null && typeof x === 'object' && (Array.isArray(x) ? x.length : Object.keys(x).length)) {
      out.push(`${pad}${key}:`);
      yaml(x, Array.isArray(x) ? indent : indent + 2, out);
    } else out.push(`${pad}${key}: ${inline(x)}`);
  }
}
function inline(x) {
  if (Array.isArray(x)) return '[]';
  if (x !== null && typeof x === 'object') return '{}';
  return scalar(x);
}

export function generateOpenApiYaml(paths) {
  const lines = [];
  yaml(document(paths), 0, lines);
  return lines.join('\n') + '\n';
}

export function generateOpenApiJson(paths) {
  return JSON.stringify(document(paths), null, 2);
}
