/**
 * REST APIs declared as CloudFormation resources: AWS::ApiGateway::RestApi ↔ Resource tree
 * (ParentId/PathPart) ↔ Method ↔ Authorizer ↔ GatewayResponse, or an inline OpenAPI `Body`.
 */
import type { AuthRequirement, HeaderValue, SourceDiagnostic, Span } from '../../model/types.js';
import { sameHeaderName } from '../../model/query.js';
import { entries, isMap, isScalar, pairOf, type YNode } from '../yaml-positions.js';
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

/** `method.response.header.X` / `gatewayresponse.header.X` parameters as headers. */
export function headerParams(t: Template, params: YNode | undefined, prefix: typeof METHOD_RESPONSE_HEADER | typeof GATEWAY_RESPONSE_HEADER): GwHeader[] {
  const ps = entries(t.deref(params));
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
export function errorHeaderNames<R extends { node: YNode; status?: string | undefined }>(t: Template, responses: R[], chosen: R, headers: GwHeader[], parametersKey: string): string[] | undefined {
  let names: string[] | undefined;
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i]!;
    if (r === chosen || (r.status !== undefined && r.status.charCodeAt(0) === 50 /* 2 */)) continue;
    const params = t.get(r.node, parametersKey);
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

/** The status code a MOCK request template states, per template text (a document repeats one on every OPTIONS method). */
const statusOfTemplate = new Map<string, number | undefined>();

/** The MOCK request template's status code (`{"statusCode": 200}`), if it states one. */
export function mockStatus(t: Template, requestTemplates: YNode | undefined): number | undefined {
  const ps = entries(t.deref(requestTemplates));
  for (let i = 0; i < ps.length; i++) {
    const text = t.text(ps[i]!.value);
    if (text === undefined) continue;
    let status = statusOfTemplate.get(text);
    if (!statusOfTemplate.has(text)) {
      const m = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(text);
      status = m ? Number(m[1]) : undefined;
      if (statusOfTemplate.size >= 256) statusOfTemplate.clear();
      statusOfTemplate.set(text, status);
    }
    if (status !== undefined) return status;
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

/** An integration response as the selection reads it. */
interface IntegrationResponse {
  node: YNode;
  statusNode: YNode | undefined;
  pattern: string | undefined;
  status: string | undefined;
}

/** Reads `Integration` of an AWS::ApiGateway::Method (`props`: its resolved Properties). */
function readIntegration(t: Template, props: YNode | undefined): GwIntegration {
  const ip = pairOf(props, 'Integration');
  if (!ip) return { type: 'unknown', headers: [] };
  const integ = t.deref(ip.value);
  const typeNode = t.at(integ, 'Type');
  const type = integrationTypeOf(t.textOf(typeNode));
  const out: GwIntegration = { type, span: typeNode ? t.spanNode(typeNode) : t.spanKey(ip), headers: [] };
  if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') return out;
  const list = t.list(t.at(integ, 'IntegrationResponses')) ?? [];
  // (map: an array of exactly its size, where one grown by push reserves 17 slots)
  const responses = list.map((r): IntegrationResponse => {
    const statusNode = t.at(r, 'StatusCode');
    return { node: r, statusNode, pattern: t.textAt(r, 'SelectionPattern'), status: t.textOf(statusNode) };
  });
  const wanted = type === 'MOCK' ? (mockStatus(t, t.at(integ, 'RequestTemplates')) ?? 200) : undefined;
  const chosen = selectIntegrationResponse(responses, wanted);
  if (!chosen) {
    out.status = { kind: 'unknown', reason: 'no integration response matches' };
    return out;
  }
  const code = Number(chosen.status);
  const statusNode = chosen.statusNode;
  out.status = Number.isInteger(code) ? (statusNode ? { kind: 'fixed', code, span: t.spanNode(statusNode) } : { kind: 'fixed', code }) : { kind: 'unknown', reason: 'the integration response status is not a number' };
  out.headers = headerParams(t, t.at(chosen.node, 'ResponseParameters'), METHOD_RESPONSE_HEADER);
  applyTemplates(t, t.at(chosen.node, 'ResponseTemplates'), out.headers, chosen.node);
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

/** The auth of a method (`props`: its resolved Properties). */
function methodAuth(t: Template, m: Resource, props: YNode | undefined, authorizers: Map<string, GwAuthorizer>, requirements: AuthorizerRequirements, apiKeyHeader: string | undefined, diags: SourceDiagnostic[]): AuthRequirement[] {
  // (at most two: an array literal of exactly their number)
  const key = methodAuthorization(t, m, props, authorizers, requirements, diags);
  const keyPair = pairOf(props, 'ApiKeyRequired');
  if (keyPair && t.bool(keyPair.value) === true && apiKeyHeader) {
    const apiKey = apiKeyRequirement(t.spanNode(keyPair.value), apiKeyHeader);
    return key ? [key, apiKey] : [apiKey];
  }
  return key ? [key] : [];
}

/** The requirement of a method's AuthorizationType, if any. */
function methodAuthorization(t: Template, m: Resource, props: YNode | undefined, authorizers: Map<string, GwAuthorizer>, requirements: AuthorizerRequirements, diags: SourceDiagnostic[]): AuthRequirement | undefined {
  const atPair = pairOf(props, 'AuthorizationType');
  const at = atPair ? t.text(atPair.value) : undefined;
  const kind = at !== undefined ? at.toUpperCase() : atPair ? 'UNKNOWN' : 'NONE';
  if (kind !== 'AWS_IAM' && kind !== 'CUSTOM' && kind !== 'COGNITO_USER_POOLS' && kind !== 'UNKNOWN') return undefined;
  const atSpan = atPair ? t.spanNode(atPair.value) : t.spanResource(m);
  if (kind === 'AWS_IAM') return iamRequirement(atSpan);
  if (kind === 'UNKNOWN') {
    const reason = t.str(atPair!.value);
    return { mechanism: 'unknown', description: `AuthorizationType (${reason.ok ? '' : reason.reason})`, span: atSpan };
  }
  const ref = t.refAt(props, 'AuthorizerId');
  const a = ref ? authorizers.get(ref) : undefined;
  if (a) return requirements.at(a, kind === 'COGNITO_USER_POOLS', atSpan);
  if (ref === undefined && !t.at(props, 'AuthorizerId')) {
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
    const part = t.textAt(props, 'PathPart');
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
    const resourceFor = (m: Resource, props: YNode | undefined): GwResource | undefined => {
      const node = t.at(props, 'ResourceId');
      const ref = t.refOf(node);
      let path: string;
      // the resource's span: the API's for the root, else the Resource's (not the method's)
      let span: Span;
      const p = ref ? paths.get(ref) : undefined;
      if (pairOf(node, 'Fn::GetAtt') !== undefined && ref === api.id) {
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
        const rn = pairOf(props, 'ResourceId');
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
      const props = t.deref(m.props);
      const res = resourceFor(m, props);
      if (!res) continue;
      const hmPair = pairOf(props, 'HttpMethod');
      const hm = hmPair ? t.text(hmPair.value) : undefined;
      if (hm === undefined) continue;
      const auth = methodAuth(t, m, props, authorizers, requirements, apiKeyHeader, out.diagnostics);
      const method = hm.toUpperCase();
      const gm: GwMethod = {
        method,
        span: t.spanNode(hmPair!.value),
        auth,
        integration: readIntegration(t, props),
        // (the method's span only where a requirement has none: no span made for a method without auth)
        requiredHeaders: auth.length === 0 ? [] : authHeaders(auth, t.spanResource(m)),
        description: `${method} method ${m.id}`,
      };
      if (someKeyMentionsJson(t.at(props, 'RequestModels'))) gm.takesJson = true;
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
