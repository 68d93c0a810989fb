/**
 * REST APIs declared as CloudFormation resources: AWS::ApiGateway::RestApi ↔ Resource tree
 * (ParentId/PathPart) ↔ Method ↔ Authorizer ↔ GatewayResponse, or an inline OpenAPI `Body`.
 */
import type { AuthRequirement, SourceDiagnostic } from '../../model/types.js';
import { entries, isMap, isScalar, pairOf, type YNode } from '../yaml-positions.js';
import { authHeaders, mappingValue, vtlOriginOverride, type GwGatewayResponse, type GwHeader, type GwIntegration, type GwMethod, type GwResource, type IntegrationType, type RestApiModel } from './apigw.js';
import { apiKeyRequirement, authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from './auth.js';
import type { Resource, Template } from './template.js';

const INTEGRATION_TYPES = new Set(['MOCK', 'HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY']);

export function integrationType(text: string | undefined): IntegrationType {
  const t = (text ?? '').toUpperCase();
  return INTEGRATION_TYPES.has(t) ? (t as IntegrationType) : 'unknown';
}

/** Parameter-name prefixes of header mappings (lower case; API Gateway matches them in any case). */
export const METHOD_RESPONSE_HEADER = 'method.response.header.';
export const GATEWAY_RESPONSE_HEADER = 'gatewayresponse.header.';

/**
 * The header a parameter name maps (`method.response.header.X` → `X`), as `/^prefix(.+)$/i` reads
 * it (ASCII case folding, a non-empty name on one line), without a regex match object per key.
 */
function headerNameAfter(key: string, prefix: string): string | undefined {
  const n = prefix.length;
  if (key.length <= n) return undefined;
  if (!key.startsWith(prefix)) {
    for (let i = 0; i < n; i++) {
      const c = key.charCodeAt(i);
      if ((c >= 65 && c <= 90 ? c | 0x20 : c) !== prefix.charCodeAt(i)) return undefined;
    }
  }
  const name = key.slice(n);
  return /[\n\r\u2028\u2029]/.test(name) ? undefined : name;
}

/** `method.response.header.X` / `gatewayresponse.header.X` parameters as headers. */
export function headerParams(t: Template, params: YNode | undefined, prefix: string): GwHeader[] {
  const out: GwHeader[] = [];
  for (const p of entries(t.deref(params))) {
    const name = headerNameAfter(p.key, prefix);
    if (name === undefined) continue;
    out.push({ name, value: mappingValue(t.str(p.value)), span: t.spanPair(p), valueSpan: t.spanNode(p.value) });
  }
  return out;
}

/** The lower-cased names of the headers `headerParams` would read (no values or spans). */
function headerParamNames(t: Template, params: YNode | undefined, prefix: string): Set<string> {
  const out = new Set<string>();
  for (const p of entries(t.deref(params))) {
    const name = headerNameAfter(p.key, prefix);
    if (name !== undefined) out.add(name.toLowerCase());
  }
  return out;
}

/**
 * The names of the selected response's headers that every error (non-2xx) integration response
 * sets too (the headers API Gateway also sends when the integration fails).
 */
export function errorHeaderNames<R extends { node: YNode; status?: string | undefined }>(t: Template, responses: R[], chosen: R, headers: GwHeader[], parametersKey: string): string[] | undefined {
  const errors = responses.filter((r) => r !== chosen && !/^2/.test(r.status ?? ''));
  if (errors.length === 0) return undefined;
  const sets = errors.map((e) => headerParamNames(t, t.get(e.node, parametersKey), METHOD_RESPONSE_HEADER));
  return headers.map((h) => h.name).filter((n) => sets.every((s) => s.has(n.toLowerCase())));
}

/** The MOCK request template's status code (`{"statusCode": 200}`), if it states one. */
export function mockStatus(t: Template, requestTemplates: YNode | undefined): number | undefined {
  for (const p of entries(t.deref(requestTemplates))) {
    const s = t.str(p.value);
    if (!s.ok) continue;
    const m = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(s.text);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Compiled selection patterns (null: invalid, never matches): an API repeats the same few patterns on every method. */
const selectionRegexes = new Map<string, RegExp | null>();

function selectionRegex(pattern: string): RegExp | null {
  let re = selectionRegexes.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    if (selectionRegexes.size >= 512) selectionRegexes.clear();
    selectionRegexes.set(pattern, re);
  }
  return re;
}

/**
 * Selects the integration response a successful call (or a MOCK with the given status) gets:
 * the one whose selection pattern matches the status, else the default one (no pattern).
 */
export function selectIntegrationResponse<T extends { pattern?: string | undefined; status?: string | undefined }>(
  responses: T[],
  status: number | undefined,
): T | undefined {
  const code = String(status ?? 200);
  for (const r of responses) {
    if (r.pattern === undefined || r.pattern === '') continue;
    if (selectionRegex(r.pattern)?.test(code)) return r;
  }
  return responses.find((r) => r.pattern === undefined || r.pattern === '') ?? (status === undefined ? responses.find((r) => /^2/.test(r.status ?? '')) : undefined);
}

/** Reads `Integration` of an AWS::ApiGateway::Method. */
function readIntegration(t: Template, method: YNode | undefined): GwIntegration {
  const ip = t.pair(method, 'Integration');
  if (!ip) return { type: 'unknown', headers: [] };
  const integ = t.deref(ip.value);
  const typeNode = t.get(integ, 'Type');
  const tstr = t.strOf(typeNode);
  const type = integrationType(tstr.ok ? tstr.text : undefined);
  const out: GwIntegration = { type, span: typeNode ? t.spanNode(typeNode) : t.spanKey(ip), headers: [] };
  if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') return out;
  const list = t.list(t.get(integ, 'IntegrationResponses')) ?? [];
  const responses = list.map((r) => {
    const pattern = t.strAt(r, 'SelectionPattern');
    const statusNode = t.get(r, 'StatusCode');
    const status = t.str(statusNode);
    return { node: r, statusNode, pattern: pattern.ok ? pattern.text : undefined, status: status.ok ? status.text : undefined };
  });
  const wanted = type === 'MOCK' ? (mockStatus(t, t.get(integ, 'RequestTemplates')) ?? 200) : undefined;
  const chosen = selectIntegrationResponse(responses, wanted);
  if (!chosen) {
    out.status = { kind: 'unknown', reason: 'no integration response matches' };
    return out;
  }
  const code = Number(chosen.status);
  const statusNode = chosen.statusNode;
  out.status = Number.isInteger(code) ? (statusNode ? { kind: 'fixed', code, span: t.spanNode(statusNode) } : { kind: 'fixed', code }) : { kind: 'unknown', reason: 'the integration response status is not a number' };
  out.headers = headerParams(t, t.get(chosen.node, 'ResponseParameters'), METHOD_RESPONSE_HEADER);
  applyTemplates(t, t.get(chosen.node, 'ResponseTemplates'), out.headers, chosen.node);
  const errorNames = errorHeaderNames(t, responses, chosen, out.headers, 'ResponseParameters');
  if (errorNames) out.errorHeaderNames = errorNames;
  return out;
}

/** VTL response templates that override Access-Control-Allow-Origin. */
export function applyTemplates(t: Template, templates: YNode | undefined, headers: GwHeader[], at: YNode): void {
  for (const p of entries(t.deref(templates))) {
    const s = t.str(p.value);
    if (!s.ok) continue;
    const v = vtlOriginOverride(s.text);
    if (!v) continue;
    const existing = headers.find((h) => /^access-control-allow-origin$/i.test(h.name));
    if (existing) {
      existing.value = v;
      existing.valueSpan = t.spanNode(p.value);
    } else headers.push({ name: 'Access-Control-Allow-Origin', value: v, span: t.spanPair(p), valueSpan: t.spanNode(p.value) });
  }
  void at;
}

export function gatewayResponseStatus(t: Template, n: YNode | undefined): number | undefined {
  const s = t.str(n);
  return s.ok && /^\d{3}$/.test(s.text) ? Number(s.text) : undefined;
}

function readAuthorizers(t: Template, ofApi: Resource[]): Map<string, GwAuthorizer> {
  const out = new Map<string, GwAuthorizer>();
  for (const r of ofApi) {
    const type = t.strAt(r.props, 'Type');
    const src = t.strAt(r.props, 'IdentitySource');
    const name = t.strAt(r.props, 'Name');
    out.set(r.id, {
      name: name.ok ? name.text : r.id,
      type: type.ok && ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'].includes(type.text.toUpperCase()) ? (type.text.toUpperCase() as GwAuthorizer['type']) : 'unknown',
      headers: src.ok ? identityHeaders(src.text) : type.ok && type.text.toUpperCase() !== 'REQUEST' ? ['Authorization'] : [],
      span: t.spanResource(r),
    });
  }
  return out;
}

function methodAuth(t: Template, m: Resource, authorizers: Map<string, GwAuthorizer>, apiKeyHeader: string | undefined, diags: SourceDiagnostic[]): AuthRequirement[] {
  const auth: AuthRequirement[] = [];
  const atPair = t.pair(m.props, 'AuthorizationType');
  const at = t.str(atPair?.value);
  const atSpan = atPair ? t.spanNode(atPair.value) : t.spanResource(m);
  const kind = at.ok ? at.text.toUpperCase() : atPair ? 'UNKNOWN' : 'NONE';
  if (kind === 'AWS_IAM') auth.push(iamRequirement(atSpan));
  else if (kind === 'CUSTOM' || kind === 'COGNITO_USER_POOLS') {
    const ref = t.refAt(m.props, 'AuthorizerId');
    const a = ref ? authorizers.get(ref) : undefined;
    // (a Cognito AuthorizationType makes any authorizer a Cognito one)
    if (a) auth.push(authorizerRequirement(kind === 'COGNITO_USER_POOLS' && a.type !== 'COGNITO_USER_POOLS' ? { ...a, type: 'COGNITO_USER_POOLS' } : a, atSpan));
    else {
      auth.push(
        authorizerRequirement(
          { name: ref ?? 'authorizer', type: kind === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'unknown', headers: kind === 'COGNITO_USER_POOLS' ? ['Authorization'] : [], span: atSpan },
          atSpan,
        ),
      );
      if (ref === undefined && !t.get(m.props, 'AuthorizerId')) {
        diags.push({ ruleId: 'unresolved-include', message: `Method ${m.id} uses ${kind} authorization without an AuthorizerId`, span: atSpan });
      }
    }
  } else if (kind === 'UNKNOWN') {
    auth.push({ mechanism: 'unknown', description: `AuthorizationType (${at.ok ? '' : at.reason})`, span: atSpan });
  }
  const keyPair = t.pair(m.props, 'ApiKeyRequired');
  if (keyPair && t.bool(keyPair.value) === true && apiKeyHeader) auth.push(apiKeyRequirement(t.spanNode(keyPair.value), apiKeyHeader));
  return auth;
}

/** Resolves a Resource's full path from its ParentId chain (cycles and missing parents become unknown). */
function resourcePaths(t: Template, apiId: string, ofApi: Resource[]): Map<string, { path: string; res: Resource } | { unknown: string; res: Resource }> {
  const all = new Map(ofApi.map((r) => [r.id, r]));
  const cache = new Map<string, { path: string; res: Resource } | { unknown: string; res: Resource }>();
  const resolve = (id: string, seen: Set<string>): { path: string } | { unknown: string } => {
    const c = cache.get(id);
    if (c) return c;
    const res = all.get(id)!;
    const part = t.strAt(res.props, 'PathPart');
    let out: { path: string; res: Resource } | { unknown: string; res: Resource };
    if (!part.ok) out = { unknown: `PathPart of ${id}: ${part.reason}`, res };
    else {
      const parentNode = t.get(res.props, 'ParentId');
      const parentRef = t.refOf(parentNode);
      const isRoot = pairOf(parentNode, 'Fn::GetAtt') !== undefined && parentRef === apiId;
      if (isRoot) out = { path: `/${part.text}`, res };
      else if (parentRef && all.has(parentRef)) {
        if (seen.has(parentRef)) out = { unknown: `ParentId of ${id} is circular`, res };
        else {
          seen.add(parentRef);
          const p = resolve(parentRef, seen);
          out = 'path' in p ? { path: `${p.path}/${part.text}`, res } : { unknown: p.unknown, res };
        }
      } else out = { unknown: `ParentId of ${id} does not point at a resource of this API`, res };
    }
    cache.set(id, out);
    return out;
  };
  // one set for every chain (resolve's only other caller is itself, on the same chain)
  const seen = new Set<string>();
  for (const id of all.keys()) {
    seen.clear();
    seen.add(id);
    resolve(id, seen);
  }
  return cache;
}

export interface RestBuild {
  apis: RestApiModel[];
  diagnostics: SourceDiagnostic[];
}

/** Every AWS::ApiGateway::RestApi of the template defined by resources (Body-defined ones go through OpenAPI). */
export function buildRestApis(t: Template, openapi: (api: Resource, body: YNode) => RestApiModel | undefined): RestBuild {
  const out: RestBuild = { apis: [], diagnostics: [] };
  // Each kind of child resource grouped by the API its RestApiId points at, once (not per API).
  const byApi = (type: string): Map<string, Resource[]> => {
    const grouped = new Map<string, Resource[]>();
    for (const r of t.ofType(type)) {
      const api = t.refAt(r.props, 'RestApiId');
      if (!api) continue;
      let l = grouped.get(api);
      if (!l) grouped.set(api, (l = []));
      l.push(r);
    }
    return grouped;
  };
  const methodsByApi = byApi('AWS::ApiGateway::Method');
  const responsesByApi = byApi('AWS::ApiGateway::GatewayResponse');
  const resourcesByApi = byApi('AWS::ApiGateway::Resource');
  const authorizersByApi = byApi('AWS::ApiGateway::Authorizer');
  for (const api of t.ofType('AWS::ApiGateway::RestApi')) {
    const body = t.get(api.props, 'Body');
    if (isMap(body)) {
      const fromBody = openapi(api, body);
      if (fromBody) {
        fromBody.gatewayResponses.push(...gatewayResponses(t, responsesByApi.get(api.id) ?? []));
        out.apis.push(fromBody);
        continue;
      }
    }
    if (t.get(api.props, 'BodyS3Location')) {
      out.diagnostics.push({
        ruleId: 'unresolved-include',
        message: `RestApi ${api.id} takes its definition from BodyS3Location, which corslint cannot read: its routes were not checked`,
        span: t.spanKey(t.pair(api.props, 'BodyS3Location')!),
      });
    }
    const keySource = t.strAt(api.props, 'ApiKeySourceType');
    const apiKeyHeader = keySource.ok && keySource.text.toUpperCase() === 'AUTHORIZER' ? undefined : 'X-Api-Key';
    const authorizers = readAuthorizers(t, authorizersByApi.get(api.id) ?? []);
    const paths = resourcePaths(t, api.id, resourcesByApi.get(api.id) ?? []);
    const resources = new Map<string, GwResource>();
    const resourceFor = (m: Resource): GwResource | undefined => {
      const node = t.get(m.props, 'ResourceId');
      const ref = t.refOf(node);
      let path: string;
      let span = t.spanResource(m);
      if (pairOf(node, 'Fn::GetAtt') !== undefined && ref === api.id) path = '/';
      else if (ref && paths.has(ref)) {
        const p = paths.get(ref)!;
        if ('unknown' in p) {
          out.diagnostics.push({ ruleId: 'unresolved-include', message: `Method ${m.id}: ${p.unknown}; its route was not checked`, span: t.spanResource(m) });
          return undefined;
        }
        path = p.path;
        span = t.spanResource(p.res);
      } else {
        const rn = t.pair(m.props, 'ResourceId');
        out.diagnostics.push({
          ruleId: 'unresolved-include',
          message: `Method ${m.id}: ResourceId ${ref ? `points at ${ref}, which is not a resource of ${api.id}` : 'cannot be resolved'}; its route was not checked`,
          span: rn ? t.spanPair(rn) : t.spanResource(m),
        });
        return undefined;
      }
      let r = resources.get(path);
      if (!r) resources.set(path, (r = { path, span: path === '/' ? t.spanResource(api) : span, methods: [] }));
      return r;
    };
    for (const m of methodsByApi.get(api.id) ?? []) {
      const res = resourceFor(m);
      if (!res) continue;
      const hmPair = t.pair(m.props, 'HttpMethod');
      const hm = t.str(hmPair?.value);
      if (!hm.ok) continue;
      const auth = methodAuth(t, m, authorizers, apiKeyHeader, out.diagnostics);
      const method = hm.text.toUpperCase();
      const gm: GwMethod = {
        method,
        span: t.spanNode(hmPair!.value),
        auth,
        integration: readIntegration(t, m.props),
        requiredHeaders: authHeaders(auth, t.spanResource(m)),
        description: `${method} method ${m.id}`,
      };
      const models = t.get(m.props, 'RequestModels');
      if (entries(models).some((p) => /json/i.test(p.key))) gm.takesJson = true;
      res.methods.push(gm);
    }
    out.apis.push({
      id: api.id,
      label: api.id,
      source: 'cloudformation',
      span: t.spanResource(api),
      resources: [...resources.values()],
      gatewayResponses: gatewayResponses(t, responsesByApi.get(api.id) ?? []),
    });
  }
  return out;
}

export function gatewayResponses(t: Template, list: Resource[]): GwGatewayResponse[] {
  const out: GwGatewayResponse[] = [];
  for (const g of list) {
    const type = t.strAt(g.props, 'ResponseType');
    if (!type.ok) continue;
    const gr: GwGatewayResponse = {
      type: type.text.toUpperCase(),
      headers: headerParams(t, t.get(g.props, 'ResponseParameters'), GATEWAY_RESPONSE_HEADER),
      span: t.spanResource(g),
    };
    const status = gatewayResponseStatus(t, t.get(g.props, 'StatusCode'));
    if (status) gr.status = status;
    out.push(gr);
  }
  return out;
}

export { isScalar };
