/**
 * SAM: AWS::Serverless::Api and AWS::Serverless::HttpApi (explicit or implicit from function
 * events), modelled as what the SAM transform would produce, without running it:
 * - `Cors` (string = AllowOrigin only, or an object) adds an OPTIONS MOCK method to every path
 *   without one; header values pass through verbatim, so they must be quoted (`"'*'"`);
 * - `Auth.DefaultAuthorizer` goes on every method, and on those OPTIONS methods too unless
 *   `AddDefaultAuthorizerToCorsPreflight: false` (default true); the same for `Auth.ApiKeyRequired`
 *   with `AddApiKeyRequiredToCorsPreflight` (samtranslator `AuthProperties` defaults, aws.md §1.3);
 * - function events bring Lambda proxy methods, with per-event `Auth` overrides;
 * - `GatewayResponses` become gateway responses.
 */
import type { AuthRequirement, Span } from '../../model/types.js';
import { entries, isMap, isScalar, type YMap, type YNode, type YPair } from '../yaml-positions.js';
import { openApiToHttpApi, openApiToRestApi } from '../openapi/convert.js';
import { authHeaders, mappingValue, type GwGatewayResponse, type GwHeader, type GwMethod, type GwResource, type HttpApiModel, type HttpRoute, type RestApiModel } from './apigw.js';
import { apiKeyRequirement, authorizerRequirement, iamRequirement, type GwAuthorizer } from './auth.js';
import { insertKeyAfter, replaceValue, type TextFix } from './edits.js';
import { readHttpCors } from './http.js';
import { gatewayResponseStatus } from './rest.js';
import type { Resource, Template } from './template.js';
import type { DefinitionReader } from './include.js';

/** SAM Globals merged under a resource's Properties (the resource wins; maps merge key by key). */
function mergedProps(t: Template, section: string, r: Resource | undefined): YMap {
  const global = t.get(t.globals, section);
  const own = r ? t.deref(r.props) : undefined;
  const pairs = new Map<string, YPair>();
  for (const p of entries(global)) pairs.set(p.key, p);
  for (const p of entries(own)) {
    const g = pairs.get(p.key);
    const gv = g ? t.deref(g.value) : undefined;
    const ov = t.deref(p.value);
    if (g && isMap(gv) && isMap(ov) && p.key !== 'Cors') {
      const merged = new Map<string, YPair>(gv.byKey);
      for (const q of ov.byKey.values()) merged.set(q.key, q);
      pairs.set(p.key, { ...p, value: { ...ov, byKey: merged, pairs: [...merged.values()] } });
    } else pairs.set(p.key, p);
  }
  const start = r ? r.keyStart : 0;
  return { kind: 'map', pairs: [...pairs.values()], byKey: pairs, start, end: start };
}

interface ApiEvent {
  fn: Resource;
  path: string;
  method: string;
  span: Span;
  auth: YNode | undefined;
  props: YNode | undefined;
}

function functionEvents(t: Template, type: 'Api' | 'HttpApi', idKey: 'RestApiId' | 'ApiId'): Map<string, ApiEvent[]> {
  const out = new Map<string, ApiEvent[]>();
  for (const fn of t.ofType('AWS::Serverless::Function')) {
    for (const ev of entries(t.get(fn.props, 'Events'))) {
      const et = t.str(t.get(ev.value, 'Type'));
      if (!et.ok || et.text !== type) continue;
      const props = t.get(ev.value, 'Properties');
      const api = t.refTarget(t.get(props, idKey)) ?? (type === 'Api' ? 'ServerlessRestApi' : 'ServerlessHttpApi');
      const path = t.str(t.get(props, 'Path'));
      const methodPair = t.pair(props, 'Method');
      const method = t.str(methodPair?.value);
      const e: ApiEvent = {
        fn,
        path: path.ok ? path.text : type === 'HttpApi' ? '$default' : '/',
        method: method.ok ? (method.text.toLowerCase() === 'any' ? 'ANY' : method.text.toUpperCase()) : 'ANY',
        span: methodPair ? t.spanNode(methodPair.value) : t.spanKey(ev),
        auth: t.get(props, 'Auth'),
        props,
      };
      let l = out.get(api);
      if (!l) out.set(api, (l = []));
      l.push(e);
    }
  }
  return out;
}

interface SamAuth {
  authorizers: Map<string, GwAuthorizer & { identitySpan?: Span }>;
  defaultName?: string;
  defaultPair?: YPair;
  apiKeyPair?: YPair;
  apiKeyRequired: boolean;
  preflightAuthorizer: boolean;
  preflightApiKey: boolean;
  /** explicit `AddDefaultAuthorizerToCorsPreflight` / `AddApiKeyRequiredToCorsPreflight` entries */
  preflightAuthorizerPair?: YPair;
  preflightApiKeyPair?: YPair;
}

function readSamAuth(t: Template, auth: YNode | undefined, http: boolean): SamAuth {
  const authorizers = new Map<string, GwAuthorizer & { identitySpan?: Span }>();
  for (const p of entries(t.get(auth, 'Authorizers'))) {
    const a = t.deref(p.value);
    const identity = t.get(a, 'Identity');
    let type: GwAuthorizer['type'];
    let headers: string[] = [];
    let identitySpan: Span | undefined;
    if (http) {
      const srcPair = t.pair(a, 'IdentitySource');
      const src = t.str(srcPair?.value);
      if (t.get(a, 'JwtConfiguration')) type = 'JWT';
      else type = 'REQUEST';
      if (src.ok) {
        headers = [...src.text.matchAll(/\$request\.header\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);
        identitySpan = t.spanPair(srcPair!);
      } else if (type === 'JWT') headers = ['Authorization'];
      const idHeaders = t.list(t.get(identity, 'Headers'));
      if (idHeaders) headers.push(...idHeaders.map((h) => t.str(h)).filter((s) => s.ok).map((s) => (s as { text: string }).text));
    } else if (t.get(a, 'UserPoolArn')) {
      type = 'COGNITO_USER_POOLS';
      const h = t.pair(identity, 'Header');
      const s = t.str(h?.value);
      headers = [s.ok ? s.text : 'Authorization'];
      if (h) identitySpan = t.spanPair(h);
    } else if (t.get(a, 'FunctionArn')) {
      const payload = t.str(t.get(a, 'FunctionPayloadType'));
      type = payload.ok && payload.text.toUpperCase() === 'REQUEST' ? 'REQUEST' : 'TOKEN';
      if (type === 'TOKEN') {
        const h = t.pair(identity, 'Header');
        const s = t.str(h?.value);
        headers = [s.ok ? s.text : 'Authorization'];
        if (h) identitySpan = t.spanPair(h);
      } else {
        const hp = t.pair(identity, 'Headers');
        headers = (t.list(hp?.value) ?? []).map((h) => t.str(h)).filter((s) => s.ok).map((s) => (s as { text: string }).text);
        if (hp) identitySpan = t.spanPair(hp);
      }
    } else type = 'unknown';
    const gw: GwAuthorizer & { identitySpan?: Span } = { name: p.key, type, headers, span: t.spanKey(p) };
    if (identitySpan) gw.identitySpan = identitySpan;
    authorizers.set(p.key, gw);
  }
  const defaultPair = t.pair(auth, 'DefaultAuthorizer');
  const def = t.str(defaultPair?.value);
  const apiKeyPair = t.pair(auth, 'ApiKeyRequired');
  const out: SamAuth = {
    authorizers,
    apiKeyRequired: t.bool(apiKeyPair?.value) === true,
    preflightAuthorizer: t.bool(t.get(auth, 'AddDefaultAuthorizerToCorsPreflight')) !== false,
    preflightApiKey: t.bool(t.get(auth, 'AddApiKeyRequiredToCorsPreflight')) !== false,
  };
  if (def.ok && def.text !== 'NONE') {
    out.defaultName = def.text;
    out.defaultPair = defaultPair!;
  }
  if (apiKeyPair) out.apiKeyPair = apiKeyPair;
  const preflightAuthorizerPair = t.pair(auth, 'AddDefaultAuthorizerToCorsPreflight');
  if (preflightAuthorizerPair) out.preflightAuthorizerPair = preflightAuthorizerPair;
  const preflightApiKeyPair = t.pair(auth, 'AddApiKeyRequiredToCorsPreflight');
  if (preflightApiKeyPair) out.preflightApiKeyPair = preflightApiKeyPair;
  return out;
}

/**
 * The edit that keeps SAM from putting the default authorizer (or the API key) on the OPTIONS
 * methods it generates: `<flag>: false` next to `DefaultAuthorizer` (`ApiKeyRequired`), or an
 * explicit `<flag>: true` turned into false.
 */
function preflightFlagFix(t: Template, flag: string, explicit: YPair | undefined, next: YPair): TextFix | undefined {
  const description = `set ${flag}: false under Auth, so SAM leaves the generated OPTIONS methods open`;
  if (explicit) return explicit.value.kind === 'scalar' ? replaceValue(t.doc, explicit, 'false', description) : undefined;
  return insertKeyAfter(t.doc, next, flag, 'false', description);
}

function requirementFor(t: Template, auth: SamAuth, name: string, span: Span): AuthRequirement {
  if (name === 'AWS_IAM') return iamRequirement(span);
  const a = auth.authorizers.get(name);
  if (a) return authorizerRequirement(a, span);
  return { mechanism: 'unknown', description: `authorizer ${name} (not declared in Auth.Authorizers)`, span };
}

/** Required headers, pointing at the authorizer's identity source when it names them. */
function requiredFor(auth: SamAuth, reqs: AuthRequirement[], fallback: Span): { name: string; reason: string; span: Span }[] {
  const out = authHeaders(reqs, fallback);
  for (const h of out) {
    for (const a of auth.authorizers.values()) {
      if (a.identitySpan && a.headers.some((x) => x.toLowerCase() === h.name.toLowerCase())) h.span = a.identitySpan;
    }
  }
  return out;
}

/** Auth of one event's method: the event's own `Auth` overrides the API's defaults. */
function eventAuth(t: Template, auth: SamAuth, ev: ApiEvent | undefined): AuthRequirement[] {
  const reqs: AuthRequirement[] = [];
  const own = t.pair(ev?.auth, 'Authorizer');
  const ownName = t.str(own?.value);
  if (own && ownName.ok) {
    if (ownName.text !== 'NONE') reqs.push(requirementFor(t, auth, ownName.text, t.spanPair(own)));
  } else if (auth.defaultName && auth.defaultPair) reqs.push(requirementFor(t, auth, auth.defaultName, t.spanKey(auth.defaultPair)));
  const keyPair = t.pair(ev?.auth, 'ApiKeyRequired');
  const key = keyPair ? t.bool(keyPair.value) : undefined;
  if (key === true) reqs.push(apiKeyRequirement(t.spanPair(keyPair!)));
  else if (key === undefined && auth.apiKeyRequired && auth.apiKeyPair) reqs.push(apiKeyRequirement(t.spanKey(auth.apiKeyPair)));
  return reqs;
}

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

function samCorsOptions(t: Template, corsPair: YPair, auth: SamAuth, res: GwResource): GwMethod {
  const cors = t.deref(corsPair.value);
  const corsSpan = t.spanKey(corsPair);
  const headers: GwHeader[] = [];
  const add = (name: string, p: YPair | undefined, fallback?: string) => {
    if (p) headers.push({ name, value: mappingValue(t.str(p.value)), span: t.spanPair(p), valueSpan: t.spanNode(p.value) });
    else if (fallback !== undefined) headers.push({ name, value: { kind: 'literal', text: fallback }, span: corsSpan });
  };
  if (isMap(cors)) {
    add('Access-Control-Allow-Origin', t.pair(cors, 'AllowOrigin'), '*');
    add('Access-Control-Allow-Headers', t.pair(cors, 'AllowHeaders'));
    const methods = res.methods.some((m) => m.method === 'ANY') ? ALL_METHODS : [...new Set([...res.methods.map((m) => m.method), 'OPTIONS'])].sort();
    add('Access-Control-Allow-Methods', t.pair(cors, 'AllowMethods'), methods.join(','));
    add('Access-Control-Max-Age', t.pair(cors, 'MaxAge'));
    const cred = t.pair(cors, 'AllowCredentials');
    if (cred && t.bool(cred.value) === true) headers.push({ name: 'Access-Control-Allow-Credentials', value: { kind: 'literal', text: 'true' }, span: t.spanPair(cred) });
  } else {
    // `Cors: "'https://app.example.com'"`: the string is AllowOrigin; SAM still lists the path's methods.
    headers.push({ name: 'Access-Control-Allow-Origin', value: mappingValue(t.str(corsPair.value)), span: t.spanPair(corsPair), valueSpan: t.spanNode(corsPair.value) });
    const methods = res.methods.some((m) => m.method === 'ANY') ? ALL_METHODS : [...new Set([...res.methods.map((m) => m.method), 'OPTIONS'])].sort();
    headers.push({ name: 'Access-Control-Allow-Methods', value: { kind: 'literal', text: methods.join(',') }, span: corsSpan });
  }
  const reqs: AuthRequirement[] = [];
  if (auth.defaultName && auth.defaultPair && auth.preflightAuthorizer) {
    const req = requirementFor(t, auth, auth.defaultName, t.spanKey(auth.defaultPair));
    const fix = preflightFlagFix(t, 'AddDefaultAuthorizerToCorsPreflight', auth.preflightAuthorizerPair, auth.defaultPair);
    if (fix) req.exemptFix = fix;
    reqs.push(req);
  }
  if (auth.apiKeyRequired && auth.apiKeyPair && auth.preflightApiKey) {
    const req = apiKeyRequirement(t.spanKey(auth.apiKeyPair));
    const fix = preflightFlagFix(t, 'AddApiKeyRequiredToCorsPreflight', auth.preflightApiKeyPair, auth.apiKeyPair);
    if (fix) req.exemptFix = fix;
    reqs.push(req);
  }
  return {
    method: 'OPTIONS',
    span: corsSpan,
    auth: reqs,
    integration: { type: 'MOCK', status: { kind: 'fixed', code: 200 }, headers, span: corsSpan },
    requiredHeaders: [],
    description: `OPTIONS ${res.path} generated by SAM from Cors`,
  };
}

function samGatewayResponses(t: Template, node: YNode | undefined): GwGatewayResponse[] {
  const out: GwGatewayResponse[] = [];
  for (const p of entries(node)) {
    const headers: GwHeader[] = [];
    for (const h of entries(t.get(t.get(p.value, 'ResponseParameters'), 'Headers'))) {
      headers.push({ name: h.key, value: mappingValue(t.str(h.value)), span: t.spanPair(h), valueSpan: t.spanNode(h.value) });
    }
    const g: GwGatewayResponse = { type: p.key.toUpperCase(), headers, span: t.spanKey(p) };
    const status = gatewayResponseStatus(t, t.get(p.value, 'StatusCode'));
    if (status) g.status = status;
    out.push(g);
  }
  return out;
}

/**
 * The definition a SAM API is imported from: `DefinitionBody` (inline, or an `AWS::Include`) or a
 * local `DefinitionUri`, read by `read` (no reader: inline bodies only).
 */
function samDefinition(t: Template, props: YMap, id: string, read: DefinitionReader | undefined): { t: Template; root: YNode } | undefined {
  const body = t.get(props, 'DefinitionBody');
  if (read) {
    const included = body !== undefined ? read.body(t, body, `${id} DefinitionBody`) : read.uri(t, t.pair(props, 'DefinitionUri'), `${id} DefinitionUri`);
    if (included !== undefined) return included ?? undefined;
  }
  return isMap(body) ? { t, root: body } : undefined;
}

export function buildSamApis(t: Template, read?: DefinitionReader): RestApiModel[] {
  const events = functionEvents(t, 'Api', 'RestApiId');
  const apis: { id: string; res?: Resource }[] = t.ofType('AWS::Serverless::Api').map((r) => ({ id: r.id, res: r }));
  if (events.has('ServerlessRestApi') && !t.resources.has('ServerlessRestApi')) apis.push({ id: 'ServerlessRestApi' });
  const out: RestApiModel[] = [];
  for (const { id, res } of apis) {
    const props = mergedProps(t, 'Api', res);
    const auth = readSamAuth(t, t.get(props, 'Auth'), false);
    const span = res ? t.spanResource(res) : events.get(id)![0]!.span;
    const definition = samDefinition(t, props, id, read);
    const api: RestApiModel = definition
      ? openApiToRestApi(definition.t, definition.root, { id, label: id, source: 'cloudformation', span })
      : { id, label: id, source: 'cloudformation', span, resources: [], gatewayResponses: [] };
    if (definition && auth.defaultName && auth.defaultPair) {
      for (const r of api.resources) for (const m of r.methods) if (m.auth.length === 0 && m.method !== 'OPTIONS') m.auth = [requirementFor(t, auth, auth.defaultName, t.spanKey(auth.defaultPair))]; // (not a push: operations may share their auth lists)
    }
    const byPath = new Map(api.resources.map((r) => [r.path, r]));
    for (const ev of events.get(id) ?? []) {
      let r = byPath.get(ev.path);
      if (!r) {
        r = { path: ev.path, span: ev.span, methods: [] };
        byPath.set(ev.path, r);
        api.resources.push(r);
      }
      const reqs = eventAuth(t, auth, ev);
      r.methods.push({
        method: ev.method,
        span: ev.span,
        auth: reqs,
        integration: { type: 'AWS_PROXY', headers: [], span: t.spanResource(ev.fn) },
        requiredHeaders: requiredFor(auth, reqs, ev.span),
        description: `${ev.method} ${ev.path} (function ${ev.fn.id})`,
      });
    }
    const corsPair = props.byKey.get('Cors');
    if (corsPair && t.deref(corsPair.value)) {
      for (const r of api.resources) {
        if (r.methods.some((m) => m.method === 'OPTIONS')) continue;
        r.methods.unshift(samCorsOptions(t, corsPair, auth, r));
      }
    }
    api.gatewayResponses.push(...samGatewayResponses(t, t.get(props, 'GatewayResponses')));
    out.push(api);
  }
  return out;
}

export function buildSamHttpApis(t: Template, read?: DefinitionReader): HttpApiModel[] {
  const events = functionEvents(t, 'HttpApi', 'ApiId');
  const apis: { id: string; res?: Resource }[] = t.ofType('AWS::Serverless::HttpApi').map((r) => ({ id: r.id, res: r }));
  if (events.has('ServerlessHttpApi') && !t.resources.has('ServerlessHttpApi')) apis.push({ id: 'ServerlessHttpApi' });
  const out: HttpApiModel[] = [];
  for (const { id, res } of apis) {
    const props = mergedProps(t, 'HttpApi', res);
    const auth = readSamAuth(t, t.get(props, 'Auth'), true);
    if (t.bool(t.get(t.get(props, 'Auth'), 'EnableIamAuthorizer')) === true) auth.authorizers.set('AWS_IAM', { name: 'AWS_IAM', type: 'AWS_IAM', headers: ['Authorization'], span: span0(t, res) });
    const span = res ? t.spanResource(res) : events.get(id)![0]!.span;
    const definition = samDefinition(t, props, id, read);
    const api: HttpApiModel = definition ? openApiToHttpApi(definition.t, definition.root, { id, label: id, source: 'cloudformation', span }) : { id, label: id, source: 'cloudformation', span, routes: [] };
    for (const ev of events.get(id) ?? []) {
      const reqs = eventAuth(t, auth, ev);
      const route: HttpRoute = {
        routeKey: ev.path === '$default' ? '$default' : `${ev.method} ${ev.path}`,
        span: ev.span,
        auth: reqs,
        requiredHeaders: requiredFor(auth, reqs, ev.span),
        backend: 'lambda-proxy',
      };
      api.routes.push(route);
    }
    const corsPair = props.byKey.get('CorsConfiguration');
    if (corsPair) {
      const cors = readHttpCors(t, corsPair);
      if (cors) api.cors = cors;
    }
    out.push(api);
  }
  return out;
}

function span0(t: Template, r: Resource | undefined): Span {
  return r ? t.spanResource(r) : t.span(0, 0);
}

export { isScalar };
