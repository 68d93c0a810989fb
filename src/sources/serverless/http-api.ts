/**
 * `httpApi` events (API Gateway HTTP API) as the framework compiles them
 * (serverless/serverless lib/plugins/aws/package/compile/events/http-api.js):
 * - one route per event, `METHOD /path` (`*` is the `$default` route), Lambda proxy;
 * - `provider.httpApi.cors: true` is AllowOrigins `*`, the framework's default headers, and
 *   AllowMethods OPTIONS plus every route's method (all of them for ANY); an object keeps those
 *   defaults for what it leaves out (`allowedOrigins`, `allowedHeaders`, `allowedMethods`), and
 *   sets AllowCredentials only when true;
 * - `provider.httpApi.authorizers` are JWT (default) or `type: request` Lambda authorizers;
 *   an event's `authorizer` names one, or is `{ type: aws_iam }`, or `{ id }` of an external one.
 */
import type { AuthRequirement, Span } from '../../model/types.js';
import { authHeaders, type HttpApiModel, type HttpCors, type HttpRoute } from '../cloudformation/apigw.js';
import { authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from '../cloudformation/auth.js';
import { isMap, isScalar } from '../yaml-positions.js';
import { DEFAULT_CORS_HEADERS } from './rest.js';
import type { Service } from './service.js';
import type { Located } from './variables.js';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'DELETE'];

type StrList = { items: string[]; span: Span } | { unknown: string; span: Span };

function strList(svc: Service, at: Located | undefined, span: Span): StrList {
  const items = svc.vars.list(at);
  if (!items) return { unknown: 'the list is only known at deploy time', span };
  const out: string[] = [];
  for (const i of items) {
    const t = svc.vars.text(i);
    if (!t.ok) return { unknown: t.reason, span };
    out.push(t.text);
  }
  return { items: out, span };
}

function readAuthorizers(svc: Service, httpApi: Located | undefined): Map<string, GwAuthorizer> {
  const v = svc.vars;
  const out = new Map<string, GwAuthorizer>();
  for (const { pair, doc } of v.entries(v.get(httpApi, 'authorizers'))) {
    const a = v.resolve(pair.value, doc);
    const type = v.text(v.get(a, 'type'));
    const request = type.ok && type.text.toLowerCase() === 'request';
    const srcPair = v.pair(a, 'identitySource');
    const headers: string[] = [];
    let span = v.spanKey(doc, pair);
    if (srcPair) {
      for (const s of v.list(v.resolve(srcPair.pair.value, srcPair.doc)) ?? []) {
        const t = v.text(s);
        if (t.ok) headers.push(...identityHeaders(t.text));
      }
      span = v.spanPair(srcPair.doc, srcPair.pair);
    } else if (!request) headers.push('Authorization');
    const name = v.text(v.get(a, 'name'));
    out.set(pair.key, { name: name.ok ? name.text : pair.key, type: request ? 'REQUEST' : 'JWT', headers, span });
  }
  return out;
}

function routeAuth(svc: Service, ev: Located | undefined, authorizers: Map<string, GwAuthorizer>): AuthRequirement[] {
  const v = svc.vars;
  const p = v.pair(ev, 'authorizer');
  if (!p) return [];
  const span = v.spanKey(p.doc, p.pair);
  const value = v.resolve(p.pair.value, p.doc)!;
  let name: string | undefined;
  if (isMap(value.node)) {
    const type = v.text(v.get(value, 'type'));
    const t = type.ok ? type.text.toLowerCase() : undefined;
    if (t === 'aws_iam') return [iamRequirement(span)];
    const id = v.get(value, 'id');
    if (id) {
      const request = t === 'request';
      return [authorizerRequirement({ name: 'external authorizer', type: request ? 'REQUEST' : 'JWT', headers: request ? [] : ['Authorization'], span }, span)];
    }
    const n = v.text(v.get(value, 'name'));
    if (n.ok) name = n.text;
  } else {
    const n = v.text(value);
    if (n.ok) name = n.text;
  }
  const a = name !== undefined ? authorizers.get(name) : undefined;
  if (!a) return [{ mechanism: 'unknown', description: `authorizer ${name ?? ''} (not declared under provider.httpApi.authorizers)`.replace('  ', ' '), span }];
  return [authorizerRequirement(a, span)];
}

/** The HTTP API the framework creates for the service's `httpApi` events, or undefined without any. */
export function buildHttpApi(svc: Service, file: string): HttpApiModel | undefined {
  const v = svc.vars;
  const events = svc.events.filter((e) => e.kind === 'httpApi');
  if (events.length === 0) return undefined;
  const httpApi = v.get(svc.provider, 'httpApi');
  const authorizers = readAuthorizers(svc, httpApi);
  const routes: HttpRoute[] = [];
  const methods = new Set<string>(['OPTIONS']);
  for (const e of events) {
    if (!e.value) continue;
    let method: string | undefined;
    let path: string | undefined;
    if (isScalar(e.value.node)) {
      const t = v.text(e.value);
      if (!t.ok) continue;
      if (t.text.trim() === '*') path = '*';
      else [method, path] = t.text.trim().split(/\s+/);
    } else {
      const m = v.text(v.get(e.value, 'method'));
      const p = v.text(v.get(e.value, 'path'));
      if (!p.ok) continue;
      path = p.text;
      if (m.ok) method = m.text;
    }
    if (!path) continue;
    const any = path === '*' || !method || method === '*' || method.toUpperCase() === 'ANY';
    const upper = any ? 'ANY' : method!.toUpperCase();
    if (upper === 'ANY') for (const m of ALL_METHODS) methods.add(m);
    else methods.add(upper);
    const auth = routeAuth(svc, e.value, authorizers);
    routes.push({
      routeKey: path === '*' ? '$default' : `${upper} ${path}`,
      span: e.span,
      auth,
      requiredHeaders: authHeaders(auth, e.span),
      backend: 'lambda-proxy',
    });
  }
  const model: HttpApiModel = { id: `${file}#HttpApi`, label: svc.label, source: 'serverless', span: events[0]!.span, routes };
  const external = v.pair(httpApi, 'id');
  const corsPair = v.pair(httpApi, 'cors');
  if (external) {
    model.cors = { unknown: 'the HTTP API is created outside this service (provider.httpApi.id), with a CORS configuration corslint cannot see', span: v.spanKey(external.doc, external.pair) };
  } else if (corsPair) {
    const cors = readCors(svc, corsPair, methods);
    if (cors) model.cors = cors;
  }
  return model;
}

function readCors(svc: Service, corsPair: { pair: import('../yaml-positions.js').YPair; doc: import('../yaml-positions.js').ParsedDocument }, methods: Set<string>): HttpCors | { unknown: string; span: Span } | undefined {
  const v = svc.vars;
  const span = v.spanKey(corsPair.doc, corsPair.pair);
  const value = v.resolve(corsPair.pair.value, corsPair.doc);
  const enabled = v.bool(value);
  if (!value || enabled === false) return undefined;
  const defaults: HttpCors = {
    span,
    allowOrigins: { items: [{ text: '*', span }], span },
    allowHeaders: { items: [...DEFAULT_CORS_HEADERS], span },
    allowMethods: { items: [...methods], span },
  };
  if (enabled === true) return defaults;
  if (!isMap(value.node)) {
    const t = v.text(value);
    return { unknown: t.ok ? `cors is ${t.text}` : t.reason, span };
  }
  const cors: HttpCors = { ...defaults };
  const origins = v.pair(value, 'allowedOrigins');
  if (origins) {
    const ospan = v.spanPair(origins.doc, origins.pair);
    const items = v.list(v.resolve(origins.pair.value, origins.doc));
    if (!items) cors.allowOrigins = { unknown: 'allowedOrigins is only known at deploy time', span: ospan };
    else {
      const list: { text: string; span: Span }[] = [];
      let unknown: string | undefined;
      for (const i of items) {
        const t = v.text(i);
        if (t.ok) list.push({ text: t.text, span: v.spanNode(i) });
        else unknown ??= t.reason;
      }
      cors.allowOrigins = unknown !== undefined ? { unknown, span: ospan } : { items: list, span: ospan };
    }
  }
  const list = (key: string, set: (l: StrList) => void) => {
    const p = v.pair(value, key);
    if (p) set(strList(svc, v.resolve(p.pair.value, p.doc), v.spanPair(p.doc, p.pair)));
  };
  list('allowedHeaders', (l) => (cors.allowHeaders = l));
  list('allowedMethods', (l) => (cors.allowMethods = l));
  list('exposedResponseHeaders', (l) => (cors.exposeHeaders = l));
  const cred = v.pair(value, 'allowCredentials');
  if (cred && v.bool(v.resolve(cred.pair.value, cred.doc)) === true) cors.allowCredentials = { value: true, span: v.spanPair(cred.doc, cred.pair) };
  const maxAge = v.pair(value, 'maxAge');
  if (maxAge) {
    const t = v.text(v.resolve(maxAge.pair.value, maxAge.doc));
    if (t.ok && /^-?\d+$/.test(t.text)) cors.maxAge = { value: Number(t.text), span: v.spanPair(maxAge.doc, maxAge.pair) };
  }
  return cors;
}
