/**
 * HTTP APIs (API Gateway v2): AWS::ApiGatewayV2::Api/Route/Authorizer and the CORS
 * configuration reader shared with SAM (`CorsConfiguration`) and OpenAPI (`x-amazon-apigateway-cors`).
 */
import type { AuthRequirement, SourceDiagnostic, Span } from '../../model/types.js';
import { isMap, keptPairs, type YMap, type YNode, type YPair } from '../yaml-positions.js';
import { authHeaders, type HttpApiModel, type HttpCors, type HttpRoute } from './apigw.js';
import { authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from './auth.js';
import type { Resource, Template } from './template.js';

/** Case-insensitive key lookup (CloudFormation `AllowOrigins`, OpenAPI `allowOrigins`). */
function pairCI(t: Template, n: YNode | undefined, key: string): YPair | undefined {
  const m = t.deref(n);
  if (!isMap(m)) return undefined;
  const k = key.toLowerCase();
  for (const p of keptPairs(m)) if (p.key.toLowerCase() === k) return p;
  return undefined;
}

function strList(t: Template, p: YPair | undefined): { items: string[]; span: Span } | { unknown: string; span: Span } | undefined {
  if (!p) return undefined;
  const span = t.spanPair(p);
  const items = t.list(p.value);
  if (!items) return { unknown: `${p.key} is only known at deploy time`, span };
  const out: string[] = [];
  for (const i of items) {
    const s = t.str(i);
    if (!s.ok) return { unknown: `${p.key}: ${s.reason}`, span };
    out.push(s.text);
  }
  return { items: out, span };
}

/** Reads an HTTP API CORS configuration; `true` (SAM) means allow every origin. */
export function readHttpCors(t: Template, p: YPair): HttpCors | { unknown: string; span: Span } | undefined {
  const node = t.deref(p.value);
  const span = t.spanKey(p);
  if (!node) return undefined;
  if (t.bool(node) === true) return { span, allowOrigins: { items: [{ text: '*', span: t.spanNode(node) }], span: t.spanNode(node) } };
  if (t.bool(node) === false) return undefined;
  if (!isMap(node)) return { unknown: `${p.key} is only known at deploy time`, span };
  const cors: HttpCors = { span };
  const origins = pairCI(t, node, 'AllowOrigins');
  if (origins) {
    const items = t.list(origins.value);
    const ospan = t.spanPair(origins);
    if (!items) cors.allowOrigins = { unknown: 'AllowOrigins is only known at deploy time', span: ospan };
    else {
      const list: { text: string; span: Span }[] = [];
      let unknown: string | undefined;
      for (const i of items) {
        const s = t.str(i);
        if (s.ok) list.push({ text: s.text, span: t.spanNode(i) });
        else unknown ??= `an allowed origin: ${s.reason}`;
      }
      cors.allowOrigins = unknown && list.length === 0 ? { unknown, span: ospan } : { items: list, span: ospan };
    }
  }
  const h = strList(t, pairCI(t, node, 'AllowHeaders'));
  if (h) cors.allowHeaders = h;
  const m = strList(t, pairCI(t, node, 'AllowMethods'));
  if (m) cors.allowMethods = m;
  const e = strList(t, pairCI(t, node, 'ExposeHeaders'));
  if (e) cors.exposeHeaders = e;
  const c = pairCI(t, node, 'AllowCredentials');
  if (c) {
    const v = t.bool(c.value);
    if (v !== undefined) cors.allowCredentials = { value: v, span: t.spanPair(c) };
  }
  const a = pairCI(t, node, 'MaxAge');
  if (a) {
    const s = t.str(a.value);
    if (s.ok && /^-?\d+$/.test(s.text)) cors.maxAge = { value: Number(s.text), span: t.spanPair(a) };
  }
  return cors;
}

export function httpAuthorizerType(text: string | undefined): GwAuthorizer['type'] {
  const x = (text ?? '').toUpperCase();
  if (x === 'JWT') return 'JWT';
  if (x === 'REQUEST') return 'REQUEST';
  return 'unknown';
}

/** Every AWS::ApiGatewayV2::Api with ProtocolType HTTP, its routes (explicit, or the quick-create $default). */
/**
 * The template's HTTP APIs. `fromBody` reads an API's inline OpenAPI `Body` (the OpenAPI reader,
 * passed in as buildRestApis takes it); `diagnostics` gets what cannot be read (`BodyS3Location`).
 */
export function buildHttpApis(t: Template, fromBody: (api: Resource, body: YMap) => HttpApiModel, diagnostics: SourceDiagnostic[]): HttpApiModel[] {
  const out: HttpApiModel[] = [];
  const authorizers = new Map<string, GwAuthorizer>();
  for (const a of t.ofType('AWS::ApiGatewayV2::Authorizer')) {
    const type = t.str(t.get(a.props, 'AuthorizerType'));
    const src = t.list(t.get(a.props, 'IdentitySource')) ?? [];
    const headers = src.flatMap((s) => {
      const x = t.str(s);
      return x.ok ? identityHeaders(x.text) : [];
    });
    const name = t.str(t.get(a.props, 'Name'));
    authorizers.set(a.id, { name: name.ok ? name.text : a.id, type: httpAuthorizerType(type.ok ? type.text : undefined), headers, span: t.spanResource(a) });
  }
  const routesByApi = new Map<string, HttpRoute[]>();
  for (const r of t.ofType('AWS::ApiGatewayV2::Route')) {
    const api = t.refTarget(t.get(r.props, 'ApiId'));
    const key = t.str(t.get(r.props, 'RouteKey'));
    if (!api || !key.ok) continue;
    const atPair = t.pair(r.props, 'AuthorizationType');
    const at = t.str(atPair?.value);
    const atSpan = atPair ? t.spanNode(atPair.value) : t.spanResource(r);
    const auth: AuthRequirement[] = [];
    const kind = at.ok ? at.text.toUpperCase() : 'NONE';
    if (kind === 'AWS_IAM') auth.push(iamRequirement(atSpan));
    else if (kind === 'JWT' || kind === 'CUSTOM') {
      const ref = t.refTarget(t.get(r.props, 'AuthorizerId'));
      const a = (ref && authorizers.get(ref)) || { name: ref ?? 'authorizer', type: kind === 'JWT' ? ('JWT' as const) : ('REQUEST' as const), headers: kind === 'JWT' ? ['Authorization'] : [], span: atSpan };
      auth.push(authorizerRequirement(a, atSpan));
    }
    const target = t.str(t.get(r.props, 'Target'));
    let l = routesByApi.get(api);
    if (!l) routesByApi.set(api, (l = []));
    l.push({
      routeKey: key.text,
      span: t.spanNode(t.pair(r.props, 'RouteKey')!.value),
      auth,
      requiredHeaders: authHeaders(auth, t.spanResource(r)),
      backend: target.ok && /integrations\//.test(target.text) ? 'unknown' : 'unknown',
    });
  }
  for (const api of t.ofType('AWS::ApiGatewayV2::Api')) {
    const proto = t.str(t.get(api.props, 'ProtocolType'));
    if (proto.ok && proto.text.toUpperCase() !== 'HTTP') continue;
    const routes = routesByApi.get(api.id) ?? [];
    const targetPair = t.pair(api.props, 'Target');
    if (targetPair) {
      const target = t.str(targetPair.value);
      routes.push({
        routeKey: '$default',
        span: t.spanKey(targetPair),
        auth: [],
        requiredHeaders: [],
        backend: !target.ok || /lambda|function/i.test(target.text) || /:lambda:/.test(target.ok ? target.text : '') ? 'lambda-proxy' : 'http-proxy',
      });
    }
    const model: HttpApiModel = { id: api.id, label: api.id, source: 'cloudformation', span: t.spanResource(api), routes };
    // An imported OpenAPI definition: its routes, authorizers and x-amazon-apigateway-cors (AWS
    // allows no Route or Authorizer resources beside it). CorsConfiguration, read below, replaces
    // the definition's CORS, as CloudFormation applies it after the import.
    const body = t.deref(t.get(api.props, 'Body'));
    if (isMap(body)) {
      const imported = fromBody(api, body);
      routes.push(...imported.routes);
      if (imported.cors) model.cors = imported.cors;
    } else if (t.pair(api.props, 'BodyS3Location')) {
      diagnostics.push({
        ruleId: 'unresolved-include',
        message: `HTTP API ${api.id} takes its definition from BodyS3Location, which corslint cannot read: its routes were not checked`,
        span: t.spanKey(t.pair(api.props, 'BodyS3Location')!),
      });
    }
    const corsPair = t.pair(api.props, 'CorsConfiguration');
    if (corsPair) {
      const cors = readHttpCors(t, corsPair);
      if (cors) model.cors = cors;
    }
    out.push(model);
  }
  return out;
}
