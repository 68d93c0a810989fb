/**
 * REST APIs declared as CloudFormation resources: AWS::ApiGateway::RestApi ↔ Resource tree
 * (ParentId/PathPart) ↔ Method ↔ Authorizer ↔ GatewayResponse, or an inline OpenAPI `Body`.
 */
import type { AuthRequirement, HeaderValue, SourceDiagnostic, Span } from '../../model/types.js';
import { sameHeaderName } from '../../model/query.js';
import { entries, isMap, isScalar, pairOf, type YNode, type YPair } from '../yaml-positions.js';
import { authHeaders, mappingValue, vtlOriginOverride, type GwGatewayResponse, type GwHeader, type GwIntegration, type GwMethod, type GwResource, type IntegrationType, type RestApiModel } from './apigw.js';
import { apiKeyRequirement, authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from './auth.js';
import type { Resource, Template } from './template.js';

const INTEGRATION_TYPES = new Set(['MOCK', 'HTTP', 'HTTP_PROXY', 'AWS', 'AWS_PROXY']);

export function integrationType(text: string | undefined): IntegrationType {
  const t = (text ?? '').toUpperCase();
  return INTEGRATION_TYPES.has(t) ? (t as IntegrationType) : 'unknown';
}

/** `integrationType` per text as written (`aws_proxy`, `MOCK`): a document repeats a few spellings on every method. */
const integrationTypes = new Map<string, IntegrationType>();

export function integrationTypeOf(text: string | undefined): IntegrationType {
  if (text === undefined) return 'unknown';
  let type = integrationTypes.get(text);
  if (type === undefined) {
    type = integrationType(text);
    if (integrationTypes.size >= 256) integrationTypes.clear();
    integrationTypes.set(text, type);
  }
  return type;
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
  for (let i = n; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return undefined;
  }
  return key.slice(n);
}

/**
 * `headerNameAfter` per parameter name as written: a document maps the same few headers on every
 * method, and one shared string per name keeps its hash for every later lookup by name.
 */
const methodHeaderNames = new Map<string, string | null>();
const gatewayHeaderNames = new Map<string, string | null>();

function headerName(key: string, prefix: typeof METHOD_RESPONSE_HEADER | typeof GATEWAY_RESPONSE_HEADER): string | undefined {
  const names = prefix === METHOD_RESPONSE_HEADER ? methodHeaderNames : gatewayHeaderNames;
  let name = names.get(key);
  if (name === undefined) {
    name = headerNameAfter(key, prefix) ?? null;
    if (names.size >= 1024) names.clear();
    names.set(key, name);
  }
  return name ?? undefined;
}

/**
 * Header values per mapping expression as written (`'*'`, `method.request.header.Origin`): a
 * document repeats a few values on every method, and the model never modifies a value, so each
 * text gets one shared value (which also lets the rules' per-value caches hit).
 */
const headerValues = new Map<string, HeaderValue>();

/** `mappingValue(t.str(n))`. */
function headerValue(t: Template, n: YNode): HeaderValue {
  const v = t.deref(n);
  if (v === undefined || v.kind !== 'scalar') return mappingValue(t.strOf(v));
  const text = v.text;
  let value = headerValues.get(text);
  if (value === undefined) {
    value = mappingValue({ ok: true, text });
    if (headerValues.size >= 512) headerValues.clear();
    headerValues.set(text, value);
  }
  return value;
}

/** `method.response.header.X` / `gatewayresponse.header.X` parameters (resolved, as `at`/`get` return them) as headers. */
export function headerParams(t: Template, params: YNode | undefined, prefix: typeof METHOD_RESPONSE_HEADER | typeof GATEWAY_RESPONSE_HEADER): GwHeader[] {
  const ps = entries(params);
  let skipped = false;
  // (map: an array of exactly its size, where one grown by push reserves 17 slots)
  const out = ps.map((p) => {
    const name = headerName(p.key, prefix);
    if (name === undefined) {
      skipped = true;
      return undefined;
    }
    return { name, value: headerValue(t, p.value), span: t.spanPair(p), valueSpan: t.spanNode(p.value) } as GwHeader;
  });
  return skipped ? out.filter((h): h is GwHeader => h !== undefined) : (out as GwHeader[]);
}

/** Whether response parameters (a resolved map) map a header of this name (in any case). */
function mapsHeader(params: YNode | undefined, name: string): boolean {
  const ps = entries(params);
  for (let i = 0; i < ps.length; i++) {
    const mapped = headerName(ps[i]!.key, METHOD_RESPONSE_HEADER);
    if (mapped !== undefined && sameHeaderName(mapped, name)) return true;
  }
  return false;
}

/**
 * The names of the selected response's headers that every error (non-2xx) integration response
 * sets too (the headers API Gateway also sends when the integration fails).
 */
export function errorHeaderNames(responses: IntegrationResponse[], chosen: IntegrationResponse, headers: GwHeader[]): string[] | undefined {
  let names: string[] | undefined;
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i]!;
    if (r === chosen || (r.status !== undefined && r.status.charCodeAt(0) === 50 /* 2 */)) continue;
    const params = r.parameters;
    if (names === undefined) {
      names = [];
      for (let h = 0; h < headers.length; h++) if (mapsHeader(params, headers[h]!.name)) names.push(headers[h]!.name);
    } else {
      let kept = 0;
      for (let h = 0; h < names.length; h++) if (mapsHeader(params, names[h]!)) names[kept++] = names[h]!;
      names.length = kept;
    }
  }
  return names;
}

/** The status code a MOCK request template states (null: none), per template text (a document repeats one on every OPTIONS method). */
const statusOfTemplate = new Map<string, number | null>();

/** The MOCK request template's status code (`{"statusCode": 200}`), if it states one (`requestTemplates`: resolved, as `at`/`get` return it). */
export function mockStatus(t: Template, requestTemplates: YNode | undefined): number | undefined {
  const ps = entries(requestTemplates);
  for (let i = 0; i < ps.length; i++) {
    const text = t.text(ps[i]!.value);
    if (text === undefined) continue;
    let status = statusOfTemplate.get(text);
    if (status === undefined) {
      const m = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(text);
      status = m ? Number(m[1]) : null;
      if (statusOfTemplate.size >= 256) statusOfTemplate.clear();
      statusOfTemplate.set(text, status);
    }
    if (status !== null) return status;
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
  for (let i = 0; i < responses.length; i++) {
    const pattern = responses[i]!.pattern;
    if (pattern === undefined || pattern === '') continue;
    if (selectionRegex(pattern)?.test(code)) return responses[i];
  }
  for (let i = 0; i < responses.length; i++) {
    const pattern = responses[i]!.pattern;
    if (pattern === undefined || pattern === '') return responses[i];
  }
  if (status !== undefined) return undefined;
  // (no default response: a call that succeeds gets the first 2xx one)
  for (let i = 0; i < responses.length; i++) {
    const s = responses[i]!.status;
    if (s !== undefined && s.charCodeAt(0) === 50 /* 2 */) return responses[i];
  }
  return undefined;
}

/** An integration response as the selection and the readers of its headers read it (values resolved). */
export interface IntegrationResponse {
  node: YNode | undefined;
  statusNode: YNode | undefined;
  pattern: string | undefined;
  status: string | undefined;
  parameters: YNode | undefined;
  templates: YNode | undefined;
}

/** The property names of an integration response in CloudFormation and in OpenAPI (where the selection pattern is the response's key). */
export interface ResponseKeys {
  status: string;
  pattern: string | undefined;
  parameters: string;
  templates: string;
}
const CFN_RESPONSE_KEYS: ResponseKeys = { status: 'StatusCode', pattern: 'SelectionPattern', parameters: 'ResponseParameters', templates: 'ResponseTemplates' };

/**
 * Reads an integration response (`node`: resolved) in one pass over its entries, each value
 * resolved as `at` resolves it; `pattern` is the selection pattern when `keys` names none.
 */
export function readIntegrationResponse(t: Template, node: YNode | undefined, keys: ResponseKeys, pattern: string | undefined): IntegrationResponse {
  let statusNode: YNode | undefined;
  let patternNode: YNode | undefined;
  let parameters: YNode | undefined;
  let templates: YNode | undefined;
  const ps = entries(node);
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    const key = p.key;
    if (key === keys.status) statusNode = t.valueOf(p);
    else if (key === keys.parameters) parameters = t.valueOf(p);
    else if (key === keys.templates) templates = t.valueOf(p);
    else if (key === keys.pattern) patternNode = t.valueOf(p);
  }
  return { node, statusNode, pattern: keys.pattern === undefined ? pattern : t.textOf(patternNode), status: t.textOf(statusNode), parameters, templates };
}

/** Reads `Integration` of an AWS::ApiGateway::Method (`ip`: its pair in the method's resolved Properties). */
function readIntegration(t: Template, ip: YPair | undefined): GwIntegration {
  if (!ip) return { type: 'unknown', headers: [] };
  const integ = t.valueOf(ip);
  const typeNode = t.at(integ, 'Type');
  const type = integrationTypeOf(t.textOf(typeNode));
  const span = typeNode ? t.spanNode(typeNode) : t.spanKey(ip);
  if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') return integrationOf(t, type, span, undefined, undefined);
  const list = t.list(t.at(integ, 'IntegrationResponses')) ?? [];
  // (map: an array of exactly its size, where one grown by push reserves 17 slots; `list` resolves its items)
  const responses = list.map((r) => readIntegrationResponse(t, r, CFN_RESPONSE_KEYS, undefined));
  const wanted = type === 'MOCK' ? (mockStatus(t, t.at(integ, 'RequestTemplates')) ?? 200) : undefined;
  return integrationOf(t, type, span, responses, wanted);
}

/**
 * An integration (CloudFormation's or OpenAPI's) with the status and headers of the response
 * a successful call, or a MOCK answering `wanted`, selects; `responses` is undefined for a proxy
 * (whose integration responses API Gateway ignores). The model's objects are made here rather
 * than in each reader, so that V8 deciding to allocate them in the old generation (as they all
 * survive) recompiles this function only.
 */
export function integrationOf(t: Template, type: IntegrationType, span: Span, responses: IntegrationResponse[] | undefined, wanted: number | undefined): GwIntegration {
  const out: GwIntegration = { type, span, headers: [] };
  if (responses === undefined) return out;
  const chosen = selectIntegrationResponse(responses, wanted);
  if (!chosen) {
    out.status = { kind: 'unknown', reason: 'no integration response matches' };
    return out;
  }
  const code = Number(chosen.status);
  const statusNode = chosen.statusNode;
  out.status = Number.isInteger(code) ? (statusNode ? { kind: 'fixed', code, span: t.spanNode(statusNode) } : { kind: 'fixed', code }) : { kind: 'unknown', reason: 'the integration response status is not a number' };
  out.headers = headerParams(t, chosen.parameters, METHOD_RESPONSE_HEADER);
  applyTemplates(t, chosen.templates, out.headers);
  const errorNames = errorHeaderNames(responses, chosen, out.headers);
  if (errorNames) out.errorHeaderNames = errorNames;
  return out;
}

/** VTL response templates (resolved, as `at`/`get` return them) that override Access-Control-Allow-Origin. */
export function applyTemplates(t: Template, templates: YNode | undefined, headers: GwHeader[]): void {
  if (templates === undefined) return;
  for (const p of entries(templates)) {
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

/**
 * The requirements an API's authorizers put on its methods, each built once (with the first
 * method's span) and copied with each method's own span: the description is not rebuilt per method.
 */
class AuthorizerRequirements {
  private readonly own = new Map<GwAuthorizer, AuthRequirement>();
  /** authorizers of another type used with `AuthorizationType: COGNITO_USER_POOLS` */
  private readonly asCognito = new Map<GwAuthorizer, AuthRequirement>();

  at(a: GwAuthorizer, cognito: boolean, span: Span): AuthRequirement {
    // (a Cognito AuthorizationType makes any authorizer a Cognito one)
    const override = cognito && a.type !== 'COGNITO_USER_POOLS';
    const cache = override ? this.asCognito : this.own;
    const built = cache.get(a);
    if (built !== undefined) return { ...built, span };
    const r = authorizerRequirement(override ? { ...a, type: 'COGNITO_USER_POOLS' } : a, span);
    cache.set(a, r);
    return r;
  }
}

/**
 * The properties of an AWS::ApiGateway::Method the model reads, found in one pass over its
 * resolved Properties (not a lookup each): one reader, reused for every method of a template.
 */
class MethodProperties {
  resourceId: YPair | undefined = undefined;
  httpMethod: YPair | undefined = undefined;
  authorizationType: YPair | undefined = undefined;
  authorizerId: YPair | undefined = undefined;
  apiKeyRequired: YPair | undefined = undefined;
  integration: YPair | undefined = undefined;
  requestModels: YPair | undefined = undefined;

  read(props: YNode | undefined): void {
    this.resourceId = this.httpMethod = this.authorizationType = this.authorizerId = undefined;
    this.apiKeyRequired = this.integration = this.requestModels = undefined;
    const ps = entries(props);
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i]!;
      switch (p.key) {
        case 'ResourceId':
          this.resourceId = p;
          break;
        case 'HttpMethod':
          this.httpMethod = p;
          break;
        case 'AuthorizationType':
          this.authorizationType = p;
          break;
        case 'AuthorizerId':
          this.authorizerId = p;
          break;
        case 'ApiKeyRequired':
          this.apiKeyRequired = p;
          break;
        case 'Integration':
          this.integration = p;
          break;
        case 'RequestModels':
          this.requestModels = p;
          break;
      }
    }
  }
}

/**
 * The span `authHeaders` gives the headers of requirements that have none: the method's logical
 * id, made only when a requirement lacks a span (otherwise any span serves: it is not used).
 */
function fallbackSpan(t: Template, m: Resource, auth: AuthRequirement[]): Span {
  for (let i = 0; i < auth.length; i++) if (auth[i]!.span === undefined) return t.spanResource(m);
  return auth[0]!.span!;
}

/** The auth of a method. */
function methodAuth(t: Template, m: Resource, props: MethodProperties, authorizers: Map<string, GwAuthorizer>, requirements: AuthorizerRequirements, apiKeyHeader: string | undefined, diags: SourceDiagnostic[]): AuthRequirement[] {
  // (at most two: an array literal of exactly their number)
  const key = methodAuthorization(t, m, props, authorizers, requirements, diags);
  const keyPair = props.apiKeyRequired;
  if (keyPair && t.bool(keyPair.value) === true && apiKeyHeader) {
    const apiKey = apiKeyRequirement(t.spanNode(keyPair.value), apiKeyHeader);
    return key ? [key, apiKey] : [apiKey];
  }
  return key ? [key] : [];
}

/** The requirement of a method's AuthorizationType, if any. */
function methodAuthorization(t: Template, m: Resource, props: MethodProperties, authorizers: Map<string, GwAuthorizer>, requirements: AuthorizerRequirements, diags: SourceDiagnostic[]): AuthRequirement | undefined {
  const atPair = props.authorizationType;
  const at = atPair ? t.text(atPair.value) : undefined;
  const kind = at !== undefined ? at.toUpperCase() : atPair ? 'UNKNOWN' : 'NONE';
  if (kind !== 'AWS_IAM' && kind !== 'CUSTOM' && kind !== 'COGNITO_USER_POOLS' && kind !== 'UNKNOWN') return undefined;
  const atSpan = atPair ? t.spanNode(atPair.value) : t.spanResource(m);
  if (kind === 'AWS_IAM') return iamRequirement(atSpan);
  if (kind === 'UNKNOWN') {
    const reason = t.str(atPair!.value);
    return { mechanism: 'unknown', description: `AuthorizationType (${reason.ok ? '' : reason.reason})`, span: atSpan };
  }
  const authorizerId = t.valueOf(props.authorizerId);
  const ref = t.refOf(authorizerId);
  const a = ref ? authorizers.get(ref) : undefined;
  if (a) return requirements.at(a, kind === 'COGNITO_USER_POOLS', atSpan);
  if (ref === undefined && !authorizerId) {
    diags.push({ ruleId: 'unresolved-include', message: `Method ${m.id} uses ${kind} authorization without an AuthorizerId`, span: atSpan });
  }
  return authorizerRequirement(
    { name: ref ?? 'authorizer', type: kind === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'unknown', headers: kind === 'COGNITO_USER_POOLS' ? ['Authorization'] : [], span: atSpan },
    atSpan,
  );
}

/** Resolves a Resource's full path from its ParentId chain (cycles and missing parents become unknown). */
function resourcePaths(t: Template, apiId: string, ofApi: Resource[]): Map<string, { path: string; res: Resource } | { unknown: string; res: Resource }> {
  const all = new Map<string, Resource>();
  for (let i = 0; i < ofApi.length; i++) all.set(ofApi[i]!.id, ofApi[i]!);
  const cache = new Map<string, { path: string; res: Resource } | { unknown: string; res: Resource }>();
  const resolve = (id: string, seen: Set<string>): { path: string } | { unknown: string } => {
    const c = cache.get(id);
    if (c) return c;
    const res = all.get(id)!;
    const props = t.deref(res.props);
    const part = t.textOf(t.at(props, 'PathPart'));
    let out: { path: string; res: Resource } | { unknown: string; res: Resource };
    if (part === undefined) out = { unknown: `PathPart of ${id}: ${(t.strAt(props, 'PathPart') as { reason: string }).reason}`, res };
    else {
      const parentNode = t.at(props, 'ParentId');
      const parentRef = t.refOf(parentNode);
      const isRoot = pairOf(parentNode, 'Fn::GetAtt') !== undefined && parentRef === apiId;
      if (isRoot) out = { path: `/${part}`, res };
      else if (parentRef && all.has(parentRef)) {
        if (seen.has(parentRef)) out = { unknown: `ParentId of ${id} is circular`, res };
        else {
          seen.add(parentRef);
          const p = resolve(parentRef, seen);
          out = 'path' in p ? { path: `${p.path}/${part}`, res } : { unknown: p.unknown, res };
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

/** Whether a map (request models, request body content) has a key naming a JSON media type. */
export function someKeyMentionsJson(n: YNode | undefined): boolean {
  const ps = entries(n);
  for (let i = 0; i < ps.length; i++) if (/json/i.test(ps[i]!.key)) return true;
  return false;
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
    const all = t.ofType(type);
    for (let i = 0; i < all.length; i++) {
      const r = all[i]!;
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
  const props = new MethodProperties();
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
    const requirements = new AuthorizerRequirements();
    const resources = new Map<string, GwResource>();
    const resourceFor = (m: Resource, rn: YPair | undefined): GwResource | undefined => {
      const node = t.valueOf(rn);
      const ref = t.refOf(node);
      let path: string;
      // the resource's span: the API's for the root, else the Resource's (not the method's)
      let span: Span;
      const p = ref ? paths.get(ref) : undefined;
      if (ref === api.id && pairOf(node, 'Fn::GetAtt') !== undefined) {
        path = '/';
        span = t.spanResource(api);
      } else if (p !== undefined) {
        if ('unknown' in p) {
          out.diagnostics.push({ ruleId: 'unresolved-include', message: `Method ${m.id}: ${p.unknown}; its route was not checked`, span: t.spanResource(m) });
          return undefined;
        }
        path = p.path;
        span = path === '/' ? t.spanResource(api) : t.spanResource(p.res);
      } else {
        out.diagnostics.push({
          ruleId: 'unresolved-include',
          message: `Method ${m.id}: ResourceId ${ref ? `points at ${ref}, which is not a resource of ${api.id}` : 'cannot be resolved'}; its route was not checked`,
          span: rn ? t.spanPair(rn) : t.spanResource(m),
        });
        return undefined;
      }
      let r = resources.get(path);
      if (!r) resources.set(path, (r = { path, span, methods: [] }));
      return r;
    };
    const methods = methodsByApi.get(api.id) ?? [];
    for (let i = 0; i < methods.length; i++) {
      const m = methods[i]!;
      props.read(t.deref(m.props));
      const res = resourceFor(m, props.resourceId);
      if (!res) continue;
      const hmPair = props.httpMethod;
      const hm = hmPair ? t.text(hmPair.value) : undefined;
      if (hm === undefined) continue;
      const auth = methodAuth(t, m, props, authorizers, requirements, apiKeyHeader, out.diagnostics);
      const method = hm.toUpperCase();
      const gm: GwMethod = {
        method,
        span: t.spanNode(hmPair!.value),
        auth,
        integration: readIntegration(t, props.integration),
        requiredHeaders: auth.length === 0 ? [] : authHeaders(auth, fallbackSpan(t, m, auth)),
        description: `${method} method ${m.id}`,
      };
      if (props.requestModels !== undefined && someKeyMentionsJson(t.valueOf(props.requestModels))) gm.takesJson = true;
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
