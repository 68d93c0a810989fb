/**
 * OpenAPI 2/3 documents with API Gateway extensions → the API Gateway intermediate model.
 * Used for standalone OpenAPI files, `AWS::ApiGateway::RestApi.Body` and SAM `DefinitionBody`.
 *
 * REST: `x-amazon-apigateway-integration` per operation, `x-amazon-apigateway-gateway-responses`,
 * `x-amazon-apigateway-api-key-source`, `security` (global, per operation, `security: []`),
 * `securitySchemes`/`securityDefinitions` with `x-amazon-apigateway-authorizer`/`-authtype`.
 * HTTP API (recognised by `x-amazon-apigateway-cors` or `payloadFormatVersion`): routes per
 * operation and the CORS configuration.
 */
import type { AuthRequirement, SourceKind, Span } from '../../model/types.js';
import { authHeaders, type GwGatewayResponse, type GwIntegration, type GwMethod, type GwResource, type HttpApiModel, type HttpRoute, type RestApiModel } from '../cloudformation/apigw.js';
import { apiKeyRequirement, authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from '../cloudformation/auth.js';
import { readHttpCors } from '../cloudformation/http.js';
import { GATEWAY_RESPONSE_HEADER, gatewayResponseStatus, headerParams, integrationOf, integrationTypeOf, mockStatus, readIntegrationResponse, someKeyMentionsJson, type ResponseKeys } from '../cloudformation/rest.js';
import { insertFirstKey, replaceValue, type TextFix } from '../cloudformation/edits.js';
import type { Template } from '../cloudformation/template.js';
import { entries, isMap, isSeq, pairOf, type YNode, type YPair } from '../yaml-positions.js';

/** The method of each operation key (lower case; keys match in any case). */
const METHODS = new Map<string, string>([
  ['get', 'GET'],
  ['put', 'PUT'],
  ['post', 'POST'],
  ['delete', 'DELETE'],
  ['patch', 'PATCH'],
  ['head', 'HEAD'],
  ['options', 'OPTIONS'],
  ['x-amazon-apigateway-any-method', 'ANY'],
]);

export interface OpenApiTarget {
  id: string;
  label: string;
  source: SourceKind;
  span: Span;
}

/** The integration extension of an operation. */
const INTEGRATION = 'x-amazon-apigateway-integration';

/** Whether a (resolved) integration says it belongs to an HTTP API: `payloadFormatVersion` is an HTTP API field. */
function isHttpApiIntegration(t: Template, integ: YNode | undefined): boolean {
  return t.get(integ, 'payloadFormatVersion') !== undefined;
}

function schemes(t: Template, root: YNode): Map<string, YPair> {
  const out = new Map<string, YPair>();
  for (const p of entries(t.get(root, 'securityDefinitions'))) out.set(p.key, p);
  for (const p of entries(t.get(t.get(root, 'components'), 'securitySchemes'))) out.set(p.key, p);
  return out;
}

/**
 * The requirement one security scheme puts on an operation, built once per document with the
 * span of the first place it is attached: each operation gets a copy with its own span.
 */
type SchemeRequirement = AuthRequirement;

/** What a named security scheme requires (undefined: nothing API Gateway enforces for it), attached at `at`. */
function schemeRequirement(t: Template, key: string, scheme: YPair | undefined, apiKeyHeader: string | undefined, http: boolean, at: Span): SchemeRequirement | undefined {
  if (!scheme) return { mechanism: 'unknown', description: `security scheme ${key} (not defined in this document)`, span: at };
  const s = t.deref(scheme.value);
  const type = t.str(t.get(s, 'type'));
  const authtype = t.str(t.get(s, 'x-amazon-apigateway-authtype'));
  const authorizer = t.get(s, 'x-amazon-apigateway-authorizer');
  const name = t.str(t.get(s, 'name'));
  if (authtype.ok && /^awsSigv4$/i.test(authtype.text)) return iamRequirement(at);
  if (isMap(authorizer)) {
    const aType = t.str(t.get(authorizer, 'type'));
    const src = t.str(t.get(authorizer, 'identitySource'));
    const kind = (aType.ok ? aType.text : authtype.ok ? authtype.text : '').toLowerCase();
    let headers = src.ok ? identityHeaders(src.text) : [];
    if (headers.length === 0 && name.ok && kind !== 'request') headers = [name.text];
    const gw: GwAuthorizer = {
      name: key,
      type: kind === 'cognito_user_pools' ? 'COGNITO_USER_POOLS' : kind === 'token' ? 'TOKEN' : kind === 'request' ? 'REQUEST' : kind === 'jwt' ? 'JWT' : 'unknown',
      headers: headers.length ? headers : kind === 'jwt' ? ['Authorization'] : [],
      span: t.spanKey(scheme),
    };
    return authorizerRequirement(gw, at);
  }
  if (type.ok && type.text === 'apiKey') {
    if (authtype.ok && /cognito/i.test(authtype.text)) {
      const gw: GwAuthorizer = { name: key, type: 'COGNITO_USER_POOLS', headers: name.ok ? [name.text] : ['Authorization'], span: t.spanKey(scheme) };
      return authorizerRequirement(gw, at);
    }
    if (!http && apiKeyHeader) return apiKeyRequirement(at, name.ok ? name.text : apiKeyHeader);
    return undefined;
  }
  if (http && type.ok && /oauth2|openIdConnect/i.test(type.text)) {
    const gw: GwAuthorizer = { name: key, type: 'JWT', headers: ['Authorization'], span: t.spanKey(scheme) };
    return authorizerRequirement(gw, at);
  }
  return { mechanism: 'unknown', description: `security scheme ${key}`, span: at };
}

/** A `security` list as operations see it: where it is, and what its first alternative requires. */
interface SecurityList {
  span: Span;
  requirements: SchemeRequirement[];
  /** the requirements (and the request headers they need) that the operations using this list share */
  shared: AuthRequirement[] | undefined;
  sharedHeaders: RequiredHeader[] | undefined;
}

type RequiredHeader = GwMethod['requiredHeaders'][number];

/**
 * Auth requirements of `security` requirement lists (the first alternative, as API Gateway uses).
 * A document's operations share a few lists (most inherit the global one) and name the same few
 * schemes: each list and scheme is read once. The operations of one list share its requirements
 * (the model never modifies them), except OPTIONS operations, whose requirements get the edit that
 * exempts them (see withOptionsFix).
 */
class SecurityReader {
  private readonly schemes: Map<string, YPair>;
  private readonly byScheme = new Map<string, SchemeRequirement | undefined>();
  private readonly byList = new Map<YPair, SecurityList>();
  constructor(
    private readonly t: Template,
    root: YNode,
    private readonly apiKeyHeader: string | undefined,
    private readonly http: boolean,
  ) {
    this.schemes = schemes(t, root);
  }

  list(security: YPair): SecurityList {
    let list = this.byList.get(security);
    if (!list) this.byList.set(security, (list = this.read(security)));
    return list;
  }

  /** Requirements of the operation's own: each one a copy. */
  auth(list: SecurityList): AuthRequirement[] {
    // (map: an array of exactly its size, where one grown by push reserves 17 slots)
    return list.requirements.map((r) => ({ ...r, span: list.span }));
  }

  /** The requirements every (non-OPTIONS) operation of the list shares. */
  shared(list: SecurityList): AuthRequirement[] {
    return (list.shared ??= this.auth(list));
  }

  /** `authHeaders(shared(list))`, once per list (the requirements all have spans of their own). */
  sharedHeaders(list: SecurityList, span: Span): RequiredHeader[] {
    return (list.sharedHeaders ??= authHeaders(this.shared(list), span));
  }

  private read(security: YPair): SecurityList {
    const t = this.t;
    const first = (t.list(security.value) ?? [])[0];
    const span = t.spanKey(security);
    const requirements: SchemeRequirement[] = [];
    const ps = entries(first);
    for (let i = 0; i < ps.length; i++) {
      const key = ps[i]!.key;
      if (!this.byScheme.has(key)) this.byScheme.set(key, schemeRequirement(t, key, this.schemes.get(key), this.apiKeyHeader, this.http, span));
      const r = this.byScheme.get(key);
      if (r) requirements.push(r);
    }
    return { span, requirements, shared: undefined, sharedHeaders: undefined };
  }
}

/**
 * The edit that takes authentication off an OPTIONS operation: `security: []` (its own list
 * replaced, or the inherited global one overridden by a first entry).
 */
function optionsSecurityFix(t: Template, opPair: YPair, own: YPair | undefined): TextFix | undefined {
  const description = 'add `security: []` to the OPTIONS operation, so API Gateway answers preflights without authentication';
  if (own) return replaceValue(t.doc, own, '[]', description);
  const op = opPair.value;
  return isMap(op) && !op.shortForm ? insertFirstKey(t.doc, op, 'security', '[]', description) : undefined;
}

/** Attaches the `security: []` edit to the requirements of an OPTIONS operation. */
function withOptionsFix(t: Template, auth: AuthRequirement[], method: string, opPair: YPair, own: YPair | undefined): AuthRequirement[] {
  if (method !== 'OPTIONS' || auth.length === 0) return auth;
  const fix = optionsSecurityFix(t, opPair, own);
  if (fix) for (let i = 0; i < auth.length; i++) auth[i]!.exemptFix = fix;
  return auth;
}

const RESPONSE_KEYS: ResponseKeys = { status: 'statusCode', pattern: undefined, parameters: 'responseParameters', templates: 'responseTemplates' };

/** An operation's integration; undefined when `watchHttpApi` and it is an HTTP API's (see openApiDocumentApi). */
function readIntegration(t: Template, op: YNode, watchHttpApi: boolean): GwIntegration | undefined {
  const ip = pairOf(op, INTEGRATION);
  if (!ip) return { type: 'unknown', headers: [] };
  const integ = t.deref(ip.value);
  if (watchHttpApi && isHttpApiIntegration(t, integ)) return undefined;
  const typeNode = t.at(integ, 'type');
  const type = integrationTypeOf(t.textOf(typeNode));
  const span = typeNode ? t.spanNode(typeNode) : t.spanKey(ip);
  if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') return integrationOf(t, type, span, undefined, undefined);
  // (map: an array of exactly its size, where one grown by push reserves 17 slots)
  const responses = entries(t.at(integ, 'responses')).map((p) => readIntegrationResponse(t, t.deref(p.value), RESPONSE_KEYS, p.key === 'default' ? undefined : p.key));
  const wanted = type === 'MOCK' ? (mockStatus(t, t.at(integ, 'requestTemplates')) ?? 200) : undefined;
  return integrationOf(t, type, span, responses, wanted);
}

function takesJson(t: Template, op: YNode): boolean {
  const consumes = t.list(t.at(op, 'consumes'));
  if (consumes !== undefined) {
    for (let i = 0; i < consumes.length; i++) {
      const text = t.text(consumes[i]);
      if (text !== undefined && /json/i.test(text)) return true;
    }
  }
  return someKeyMentionsJson(t.get(t.at(op, 'requestBody'), 'content'));
}

/**
 * What `forEachOperation` hands over per operation: `span` is the operation key's, `requiredHeaders`
 * what `auth` needs. Returning true stops the walk.
 */
type OperationVisitor = (pathPair: YPair, opPair: YPair, op: YNode, method: string, auth: AuthRequirement[], span: Span, requiredHeaders: RequiredHeader[]) => boolean | void;

/**
 * Visits every operation under `paths`, with its method and the auth that applies (own
 * `security`, else the global one), in document order (a callback: no generator or record per operation).
 * With `watchHttpApi`, a path item entry other than an operation whose integration is an HTTP API's
 * stops the walk too (operations' integrations are the visitor's to check). Returns whether the walk stopped.
 */
function forEachOperation(t: Template, root: YNode, apiKeyHeader: string | undefined, http: boolean, watchHttpApi: boolean, visit: OperationVisitor): boolean {
  const security = new SecurityReader(t, root, apiKeyHeader, http);
  const globalSecurity = t.pair(root, 'security');
  const paths = entries(t.get(root, 'paths'));
  for (let i = 0; i < paths.length; i++) {
    const pathPair = paths[i]!;
    const ops = entries(t.deref(pathPair.value));
    for (let k = 0; k < ops.length; k++) {
      const opPair = ops[k]!;
      const method = METHODS.get(opPair.key) ?? METHODS.get(opPair.key.toLowerCase());
      if (method === undefined) {
        if (watchHttpApi && isHttpApiIntegration(t, t.get(opPair.value, INTEGRATION))) return true;
        continue;
      }
      const op = t.deref(opPair.value);
      if (!op) continue;
      const own = pairOf(op, 'security');
      const sec = own ?? globalSecurity;
      const span = t.spanKey(opPair);
      let stop: boolean | void;
      if (sec === undefined) stop = visit(pathPair, opPair, op, method, [], span, []);
      else {
        const list = security.list(sec);
        // OPTIONS operations get requirements of their own (withOptionsFix attaches an edit to them)
        if (method === 'OPTIONS' || list.requirements.length === 0) {
          const auth = withOptionsFix(t, security.auth(list), method, opPair, own);
          stop = visit(pathPair, opPair, op, method, auth, span, authHeaders(auth, span));
        } else stop = visit(pathPair, opPair, op, method, security.shared(list), span, security.sharedHeaders(list, span));
      }
      if (stop === true) return true;
    }
  }
  return false;
}

export function openApiToRestApi(t: Template, root: YNode, target: OpenApiTarget): RestApiModel {
  return restApi(t, root, target, false)!;
}

/**
 * The API a standalone OpenAPI document describes: an HTTP API when it says so
 * (`x-amazon-apigateway-cors`, or `payloadFormatVersion` in an integration), else a REST API.
 * One pass for a REST document: its conversion watches for `payloadFormatVersion` and gives up
 * at the first (HTTP API documents usually say so at their first integration).
 */
export function openApiDocumentApi(t: Template, root: YNode, target: OpenApiTarget): { rest: RestApiModel } | { http: HttpApiModel } {
  if (!t.pair(root, 'x-amazon-apigateway-cors')) {
    const rest = restApi(t, root, target, true);
    if (rest) return { rest };
  }
  return { http: openApiToHttpApi(t, root, target) };
}

/** The REST API of a document; undefined when `watchHttpApi` and the document turns out to be an HTTP API's. */
function restApi(t: Template, root: YNode, target: OpenApiTarget, watchHttpApi: boolean): RestApiModel | undefined {
  const keySource = t.str(t.get(root, 'x-amazon-apigateway-api-key-source'));
  const apiKeyHeader = keySource.ok && keySource.text.toUpperCase() === 'AUTHORIZER' ? undefined : 'X-Api-Key';
  const resources: GwResource[] = [];
  let res: GwResource | undefined;
  let resPair: YPair | undefined;
  const isHttpApi = forEachOperation(t, root, apiKeyHeader, false, watchHttpApi, (pathPair, opPair, op, method, auth, span, requiredHeaders) => {
    const integration = readIntegration(t, op, watchHttpApi);
    if (integration === undefined) return true;
    if (!res || resPair !== pathPair) {
      res = { path: pathPair.key, span: t.spanKey(pathPair), methods: [] };
      resPair = pathPair;
      resources.push(res);
    }
    const gm: GwMethod = {
      method,
      span,
      auth,
      integration,
      requiredHeaders,
      description: `${method} ${pathPair.key}`,
    };
    if (takesJson(t, op)) gm.takesJson = true;
    res.methods.push(gm);
  });
  if (isHttpApi) return undefined;
  const gatewayResponses: GwGatewayResponse[] = [];
  for (const p of entries(t.get(root, 'x-amazon-apigateway-gateway-responses'))) {
    const g: GwGatewayResponse = {
      type: p.key.toUpperCase(),
      headers: headerParams(t, t.get(p.value, 'responseParameters'), GATEWAY_RESPONSE_HEADER),
      span: t.spanKey(p),
    };
    const status = gatewayResponseStatus(t, t.get(p.value, 'statusCode'));
    if (status) g.status = status;
    gatewayResponses.push(g);
  }
  return { id: target.id, label: target.label, source: target.source, span: target.span, resources, gatewayResponses };
}

export function openApiToHttpApi(t: Template, root: YNode, target: OpenApiTarget): HttpApiModel {
  const routes: HttpRoute[] = [];
  forEachOperation(t, root, undefined, true, false, (pathPair, _opPair, op, method, auth, span, requiredHeaders) => {
    const it = t.str(t.get(t.get(op, INTEGRATION), 'type'));
    routes.push({
      routeKey: pathPair.key === '$default' ? '$default' : `${method} ${pathPair.key}`,
      span,
      auth,
      requiredHeaders,
      backend: it.ok && /http_proxy/i.test(it.text) ? 'http-proxy' : it.ok && /aws_proxy/i.test(it.text) ? 'lambda-proxy' : 'unknown',
    });
  });
  const model: HttpApiModel = { id: target.id, label: target.label, source: target.source, span: target.span, routes };
  const corsPair = t.pair(root, 'x-amazon-apigateway-cors');
  if (corsPair) {
    const cors = readHttpCors(t, corsPair);
    if (cors) model.cors = cors;
  }
  return model;
}

export { isSeq };
