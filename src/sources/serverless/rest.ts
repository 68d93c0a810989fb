/**
 * `http` events (API Gateway REST API) as the framework compiles them, modelled into the
 * intermediate REST model of the CloudFormation source (reference/aws.md §1.5;
 * serverless/serverless lib/plugins/aws/package/compile/events/api-gateway):
 * - one method per event: Lambda proxy (AWS_PROXY) by default, `integration: lambda` is a
 *   non-proxy AWS integration whose integration responses (every status code) carry the event's
 *   Access-Control-Allow-Origin (`origins` joined by commas) and, with `allowCredentials`,
 *   Access-Control-Allow-Credentials;
 * - `authorizer`: `aws_iam`; a function of the service or a Lambda ARN (TOKEN unless
 *   `type: request`); a Cognito user pool ARN or `type: COGNITO_USER_POOLS`; or an
 *   `authorizerId` of an authorizer declared elsewhere. The identity source defaults to
 *   `method.request.header.Authorization` (none for a REQUEST authorizer with `resultTtlInSeconds: 0`);
 * - `private: true` requires the API key (X-Api-Key unless `apiKeySourceType: AUTHORIZER`);
 * - `cors` (true or an object) on any event of a path makes one OPTIONS MOCK method for that
 *   path with AuthorizationType NONE and no API key, whose static headers merge every event's
 *   settings: headers, methods and origins are unions, `origin` is the last event's, credentials
 *   if any event allows them, the last `maxAge`/`cacheControl`. With `origins`, the static
 *   Access-Control-Allow-Origin is the first one and a response template echoes any request
 *   Origin matching one of them (dots escaped, the first `*` as `.+`, matched whole).
 * Gateway responses come from `resources` (the framework declares none).
 */
import type { AuthRequirement, HeaderValue, OriginCase, Span } from '../../model/types.js';
import { authHeaders, mappingValue, type GwGatewayResponse, type GwHeader, type GwIntegration, type GwMethod, type GwResource, type IntegrationType, type RestApiModel } from '../cloudformation/apigw.js';
import { apiKeyRequirement, authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from '../cloudformation/auth.js';
import { isMap, isScalar } from '../yaml-positions.js';
import { REST_API_ID, type ServerlessResources } from './resources.js';
import type { Service, ServiceEvent } from './service.js';
import type { Located, Text } from './variables.js';

/** The framework's default `cors.headers` (X-Amzn-Trace-Id since v3.x). */
export const DEFAULT_CORS_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id'];

const COGNITO_ARN = /^arn:aws[\w-]*:cognito-idp:/;

/** A setting with where it is written (for spans). */
interface At<T> {
  value: T;
  span: Span;
}

/** One event's `cors`, as the framework's getCors() normalizes it. */
interface EventCors {
  keySpan: Span;
  /** `origin` (absent when `origins` is given) */
  origin?: At<Text>;
  origins: At<Text>[];
  originsSpan?: Span;
  headers: At<Text[]> & { custom: boolean };
  methods: string[];
  methodsSpan?: Span;
  allowCredentials?: At<boolean>;
  maxAge?: At<Text>;
  cacheControl?: At<Text>;
}

interface RestEvent {
  ev: ServiceEvent;
  path: string;
  method: string;
  cors?: EventCors;
  pathSpan: Span;
}

function textList(svc: Service, at: Located | undefined): At<Text>[] {
  return (svc.vars.list(at) ?? []).map((i) => ({ value: svc.vars.text(i), span: svc.vars.spanNode(i) }));
}

function readEventCors(svc: Service, ev: ServiceEvent, method: string): EventCors | undefined {
  const v = svc.vars;
  const pair = v.pair(ev.value, 'cors');
  if (!pair) return undefined;
  const value = v.resolve(pair.pair.value, pair.doc);
  const keySpan = v.spanKey(pair.doc, pair.pair);
  const enabled = v.bool(value);
  if (enabled === false || !value) return undefined;
  const defaults = (): EventCors => ({
    keySpan,
    origin: { value: { ok: true, text: '*' }, span: keySpan },
    origins: [],
    headers: { value: DEFAULT_CORS_HEADERS.map((h) => ({ ok: true, text: h })), span: keySpan, custom: false },
    methods: ['OPTIONS', method],
  });
  if (!isMap(value.node)) {
    if (enabled === true) return defaults();
    const t = v.text(value);
    // `cors: ${opt:cors}`: CORS is on or off at deploy time
    return { ...defaults(), origin: { value: t.ok ? { ok: false, reason: `cors is ${t.text}` } : t, span: keySpan } };
  }
  const cors: EventCors = { ...defaults(), origins: [] };
  const originsPair = v.pair(value, 'origins');
  const originPair = v.pair(value, 'origin');
  if (originsPair) {
    delete cors.origin;
    cors.origins = textList(svc, v.resolve(originsPair.pair.value, originsPair.doc));
    cors.originsSpan = v.spanPair(originsPair.doc, originsPair.pair);
  }
  if (originPair) cors.origin = { value: v.text(v.resolve(originPair.pair.value, originPair.doc)), span: v.spanPair(originPair.doc, originPair.pair) };
  const headersPair = v.pair(value, 'headers');
  if (headersPair) {
    const items = v.list(v.resolve(headersPair.pair.value, headersPair.doc)) ?? [];
    cors.headers = { value: items.map((i) => v.text(i)), span: v.spanPair(headersPair.doc, headersPair.pair), custom: true };
  }
  const methodsPair = v.pair(value, 'methods');
  const methods: string[] = [];
  if (methodsPair) {
    for (const m of v.list(v.resolve(methodsPair.pair.value, methodsPair.doc)) ?? []) {
      const t = v.text(m);
      if (t.ok) methods.push(t.text);
    }
    cors.methodsSpan = v.spanPair(methodsPair.doc, methodsPair.pair);
  }
  if (!methods.includes('OPTIONS')) methods.push('OPTIONS');
  if (!methods.includes(method)) methods.push(method);
  cors.methods = methods;
  const credPair = v.pair(value, 'allowCredentials');
  if (credPair && v.bool(v.resolve(credPair.pair.value, credPair.doc)) === true) cors.allowCredentials = { value: true, span: v.spanPair(credPair.doc, credPair.pair) };
  const maxAgePair = v.pair(value, 'maxAge');
  if (maxAgePair) cors.maxAge = { value: v.text(v.resolve(maxAgePair.pair.value, maxAgePair.doc)), span: v.spanPair(maxAgePair.doc, maxAgePair.pair) };
  const cachePair = v.pair(value, 'cacheControl');
  if (cachePair) cors.cacheControl = { value: v.text(v.resolve(cachePair.pair.value, cachePair.doc)), span: v.spanPair(cachePair.doc, cachePair.pair) };
  return cors;
}

function union<T>(a: T[], b: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const x of [...a, ...b]) {
    const k = key(x);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

const textKey = (t: At<Text>) => (t.value.ok ? `=${t.value.text}` : `?${t.span.line}:${t.span.column}`);

/** The framework's regex for an allowed origin: dots escaped, the first `*` as `.+`, matched whole (Java `String.matches`). */
function originRegex(origin: string): string {
  return origin.replace(/\./g, '[.]').replace('*', '.+');
}

function literal(text: string): HeaderValue {
  return { kind: 'literal', text };
}

/** Static ACAO of the generated OPTIONS, overridden by the response template for matching origins. */
function preflightOrigin(origin: At<Text> | undefined, origins: At<Text>[]): HeaderValue {
  let list = origins;
  if (origin?.value.ok && origin.value.text.includes(',')) {
    list = origin.value.text.split(',').map((o) => ({ value: { ok: true, text: o.trim() }, span: origin.span }));
  }
  if (list.length === 0) {
    if (!origin) return literal('undefined'); // `origins: []`: the framework writes the string 'undefined'
    return origin.value.ok ? literal(origin.value.text) : { kind: 'unknown', reason: origin.value.reason };
  }
  const cases: OriginCase[] = list.map((o) => ({
    when: o.value.ok
      ? { kind: 'regex', source: `^(?:${originRegex(o.value.text)})$`, caseInsensitive: false, dialect: 'ecmascript', span: o.span }
      : { kind: 'unknown', reason: o.value.reason, span: o.span },
    then: { kind: 'reflect' },
  }));
  const first = list[0]!.value;
  return { kind: 'by-origin', cases, otherwise: first.ok ? { kind: 'literal', text: first.text } : { kind: 'unknown', reason: first.reason } };
}

function joinTexts(items: Text[]): Text {
  const out: string[] = [];
  for (const i of items) {
    if (!i.ok) return i;
    out.push(i.text);
  }
  return { ok: true, text: out.join(',') };
}

function header(name: string, value: Text | HeaderValue, span: Span): GwHeader {
  const v: HeaderValue = 'ok' in value ? (value.ok ? literal(value.text) : { kind: 'unknown', reason: value.reason }) : value;
  return { name, value: v, span };
}

/** The OPTIONS MOCK method the framework generates for a path from its events' `cors`. */
function corsOptions(path: string, events: RestEvent[]): GwMethod {
  const withCors = events.filter((e) => e.cors);
  const first = withCors[0]!.cors!;
  let headers: At<Text[]> & { custom: boolean } = { value: [], span: first.keySpan, custom: false };
  let methods: string[] = [];
  let origins: At<Text>[] = [];
  let origin: At<Text> | undefined;
  let credentials: At<boolean> | undefined;
  let maxAge: At<Text> | undefined;
  let cacheControl: At<Text> | undefined;
  let methodsSpan = first.keySpan;
  let originsSpan: Span | undefined;
  for (const { cors } of withCors) {
    const c = cors!;
    const merged = union(c.headers.value, headers.value, (t) => (t.ok ? t.text : `?${t.reason}`));
    // a custom list is where a missing header would be fixed: point at it
    headers = { value: merged, span: headers.custom ? headers.span : c.headers.custom ? c.headers.span : headers.span, custom: headers.custom || c.headers.custom };
    methods = union(c.methods, methods, (m) => m);
    if (c.methodsSpan && methodsSpan === first.keySpan) methodsSpan = c.methodsSpan;
    origins = union(c.origins, origins, textKey);
    originsSpan ??= c.originsSpan;
    origin = c.origin;
    credentials ??= c.allowCredentials;
    if (c.maxAge) maxAge = c.maxAge;
    if (c.cacheControl) cacheControl = c.cacheControl;
  }
  const acaoSpan = origins.length && originsSpan ? originsSpan : (origin?.span ?? first.keySpan);
  const gw: GwHeader[] = [header('Access-Control-Allow-Origin', preflightOrigin(origin, origins), acaoSpan)];
  gw.push(header('Access-Control-Allow-Headers', joinTexts(headers.value), headers.span));
  const methodsText = methods.join(',').replace('ANY', 'DELETE,GET,HEAD,PATCH,POST,PUT');
  gw.push(header('Access-Control-Allow-Methods', { ok: true, text: methodsText }, methodsSpan));
  if (credentials) gw.push(header('Access-Control-Allow-Credentials', { ok: true, text: 'true' }, credentials.span));
  if (maxAge && (!maxAge.value.ok || maxAge.value.text !== '0')) gw.push(header('Access-Control-Max-Age', maxAge.value, maxAge.span));
  if (cacheControl) gw.push(header('Cache-Control', cacheControl.value, cacheControl.span));
  return {
    method: 'OPTIONS',
    span: first.keySpan,
    auth: [],
    integration: { type: 'MOCK', status: { kind: 'fixed', code: 200 }, headers: gw, span: first.keySpan },
    requiredHeaders: [],
    description: `OPTIONS ${path} generated by the Serverless Framework from cors (no authorizer, no API key)`,
  };
}

function integrationOf(svc: Service, e: RestEvent): GwIntegration {
  const v = svc.vars;
  const raw = v.text(v.get(e.ev.value, 'integration'));
  const async = v.bool(v.get(e.ev.value, 'async')) === true;
  let type: IntegrationType = async ? 'AWS' : 'AWS_PROXY';
  if (raw.ok) {
    const n = raw.text.toUpperCase().replace('-', '_');
    type = n === 'LAMBDA' ? 'AWS' : n === 'LAMBDA_PROXY' ? 'AWS_PROXY' : (['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'].includes(n) ? n : 'unknown') as IntegrationType;
  } else if (v.pair(e.ev.value, 'integration')) type = 'unknown';
  const out: GwIntegration = { type, headers: [], span: e.ev.span };
  if (type !== 'AWS' && type !== 'HTTP' && type !== 'MOCK') return out;
  const response = v.get(e.ev.value, 'response');
  // Only the AWS (lambda) integration gets the framework's default status codes; HTTP and MOCK
  // have integration responses only when `response` is configured.
  if (type !== 'AWS' && !response) {
    out.status = { kind: 'unknown', reason: `no integration response is configured for this ${type} integration` };
    return out;
  }
  out.status = { kind: 'fixed', code: 200 };
  const c = e.cors;
  if (c) {
    // every integration response (200 and the error patterns) gets the same parameters
    const originText: Text = c.origins.length ? joinTexts(c.origins.map((o) => o.value)) : (c.origin?.value ?? { ok: true, text: 'undefined' });
    out.headers.push(header('Access-Control-Allow-Origin', originText, c.origins.length ? (c.originsSpan ?? c.keySpan) : (c.origin?.span ?? c.keySpan)));
    if (c.allowCredentials) out.headers.push(header('Access-Control-Allow-Credentials', { ok: true, text: 'true' }, c.allowCredentials.span));
  }
  for (const { pair, doc } of v.entries(v.get(response, 'headers'))) {
    const value = mappingValue(v.text(v.resolve(pair.value, doc)));
    const existing = out.headers.findIndex((h) => h.name.toLowerCase() === pair.key.toLowerCase());
    const h: GwHeader = { name: pair.key, value, span: v.spanPair(doc, pair), valueSpan: v.spanNode({ node: pair.value, doc }) };
    if (existing >= 0) out.headers[existing] = h;
    else out.headers.push(h);
  }
  out.errorHeaderNames = out.headers.map((h) => h.name);
  return out;
}

function authorizerOf(svc: Service, e: RestEvent, resources: ServerlessResources): AuthRequirement[] {
  const v = svc.vars;
  const out: AuthRequirement[] = [];
  const p = v.pair(e.ev.value, 'authorizer');
  if (p) {
    const span = v.spanKey(p.doc, p.pair);
    const value = v.resolve(p.pair.value, p.doc)!;
    let a: GwAuthorizer | undefined;
    if (isMap(value.node)) {
      const str = (k: string) => v.text(v.get(value, k));
      const type = str('type');
      const typeUpper = type.ok ? type.text.toUpperCase() : undefined;
      const arnNode = v.get(value, 'arn');
      const arn = arnNode && isScalar(arnNode.node) ? v.text(arnNode) : undefined;
      const name = str('name');
      const idSourcePair = v.pair(value, 'identitySource');
      const idSource = idSourcePair ? v.text(v.resolve(idSourcePair.pair.value, idSourcePair.doc)) : undefined;
      const ttlText = str('resultTtlInSeconds');
      const ttl = ttlText.ok ? Number.parseInt(ttlText.text, 10) : Number.NaN;
      const authorizerId = v.get(value, 'authorizerId');
      if (typeUpper === 'AWS_IAM' && !authorizerId) out.push(iamRequirement(span));
      else {
        let kind: GwAuthorizer['type'];
        let label: string;
        let declared: GwAuthorizer | undefined;
        if (typeUpper && authorizerId) {
          const ref = isMap(authorizerId.node) ? v.text(v.get(authorizerId, 'Ref')) : v.text(authorizerId);
          declared = ref.ok ? resources.authorizers.get(ref.text) : undefined;
          kind = typeUpper === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : typeUpper === 'REQUEST' ? 'REQUEST' : typeUpper === 'TOKEN' ? 'TOKEN' : 'unknown';
          label = ref.ok ? ref.text : 'authorizerId';
        } else {
          const cognito = typeUpper === 'COGNITO_USER_POOLS' || (arn?.ok === true && COGNITO_ARN.test(arn.text));
          kind = cognito ? 'COGNITO_USER_POOLS' : typeUpper === 'REQUEST' ? 'REQUEST' : typeUpper === undefined || typeUpper === 'TOKEN' ? 'TOKEN' : 'unknown';
          label = name.ok ? name.text : arn?.ok ? arn.text.split(':').pop()! : 'authorizer';
        }
        let headers: string[];
        let headerSpan = span;
        if (idSource?.ok) {
          headers = identityHeaders(idSource.text);
          headerSpan = v.spanPair(idSourcePair!.doc, idSourcePair!.pair);
        } else if (declared) headers = declared.headers;
        else if (kind === 'REQUEST' && ttl === 0) headers = [];
        else headers = ['Authorization'];
        a = { name: label, type: kind, headers, span: headerSpan };
      }
    } else {
      const t = v.text(value);
      if (!t.ok) out.push({ mechanism: 'unknown', description: `authorizer (${t.reason})`, span });
      else if (t.text.toUpperCase() === 'AWS_IAM') out.push(iamRequirement(span));
      else if (t.text.includes(':')) {
        a = { name: t.text.split(':').pop()!, type: COGNITO_ARN.test(t.text) ? 'COGNITO_USER_POOLS' : 'TOKEN', headers: ['Authorization'], span };
      } else {
        a = { name: t.text, type: 'TOKEN', headers: ['Authorization'], span };
      }
    }
    if (a) {
      const req = authorizerRequirement(a, span);
      out.push(req);
    }
  }
  const priv = v.pair(e.ev.value, 'private');
  if (priv && v.bool(v.resolve(priv.pair.value, priv.doc)) === true) {
    const source = v.text(v.get(v.get(svc.provider, 'apiGateway'), 'apiKeySourceType'));
    if (!(source.ok && source.text.toUpperCase() === 'AUTHORIZER')) out.push(apiKeyRequirement(v.spanKey(priv.doc, priv.pair)));
  }
  return out;
}

function readEvent(svc: Service, ev: ServiceEvent): RestEvent | undefined {
  const v = svc.vars;
  if (!ev.value) return undefined;
  let path: Text;
  let method: Text;
  let pathSpan = ev.span;
  if (isScalar(ev.value.node)) {
    // `http: GET users/{id}`
    const t = v.text(ev.value);
    if (!t.ok) return undefined;
    const [m, p] = t.text.trim().split(/\s+/);
    method = { ok: true, text: m ?? '' };
    path = { ok: true, text: p ?? '' };
  } else {
    const pp = v.pair(ev.value, 'path');
    path = pp ? v.text(v.resolve(pp.pair.value, pp.doc)) : { ok: false, reason: 'no path' };
    if (pp) pathSpan = v.spanPair(pp.doc, pp.pair);
    method = v.text(v.get(ev.value, 'method'));
  }
  if (!path.ok || !method.ok || method.text === '') return undefined;
  const clean = path.text.replace(/^\//, '').replace(/\/$/, '');
  const m = method.text.toUpperCase();
  const e: RestEvent = { ev, path: clean === '' ? '/' : `/${clean}`, method: m, pathSpan };
  const cors = readEventCors(svc, ev, m);
  if (cors) e.cors = cors;
  return e;
}

/** The REST API the framework creates for the service's `http` events, or undefined without any. */
export function buildRestApi(svc: Service, resources: ServerlessResources, file: string): RestApiModel | undefined {
  const events = svc.events.filter((e) => e.kind === 'http').map((e) => readEvent(svc, e)).filter((e): e is RestEvent => !!e);
  if (events.length === 0) return undefined;
  const byPath = new Map<string, RestEvent[]>();
  for (const e of events) {
    let l = byPath.get(e.path);
    if (!l) byPath.set(e.path, (l = []));
    l.push(e);
  }
  const resourcesOut: GwResource[] = [];
  for (const [path, list] of byPath) {
    const res: GwResource = { path, span: list[0]!.ev.span, methods: [] };
    for (const e of list) {
      const auth = authorizerOf(svc, e, resources);
      const m: GwMethod = {
        method: e.method,
        span: e.ev.span,
        auth,
        integration: integrationOf(svc, e),
        requiredHeaders: authHeaders(auth, e.ev.span),
        description: `${e.method} ${path} (function ${e.ev.fn})`,
      };
      const schemas = svc.vars.get(svc.vars.get(e.ev.value, 'request'), 'schemas') ?? svc.vars.get(svc.vars.get(e.ev.value, 'request'), 'schema');
      if (svc.vars.entries(schemas).some((p) => /json/i.test(p.pair.key))) m.takesJson = true;
      res.methods.push(m);
    }
    // An explicit OPTIONS event keeps its own method; otherwise cors generates the MOCK one.
    if (list.some((e) => e.cors) && !res.methods.some((m) => m.method === 'OPTIONS')) res.methods.unshift(corsOptions(path, list));
    resourcesOut.push(res);
  }
  const gatewayResponses: GwGatewayResponse[] = [];
  const external = svc.vars.pair(svc.vars.get(svc.provider, 'apiGateway'), 'restApiId');
  const unseen = [...resources.unseen];
  if (external) unseen.push({ reason: 'the REST API is created outside this service (provider.apiGateway.restApiId), with gateway responses corslint cannot see', span: svc.vars.spanKey(external.doc, external.pair) });
  // Parts of the stack corslint could not read may declare gateway responses with CORS headers:
  // DEFAULT_4XX/5XX stand in for them, their Access-Control-Allow-Origin unknown (explicit ones win).
  for (const u of unseen.slice(0, 1)) {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      gatewayResponses.push({ type, headers: [{ name: 'Access-Control-Allow-Origin', value: { kind: 'unknown', reason: u.reason }, span: u.span }], span: u.span });
    }
  }
  gatewayResponses.push(...resources.gatewayResponses);
  return {
    id: `${file}#${REST_API_ID}`,
    label: svc.label,
    source: 'serverless',
    span: events[0]!.ev.span,
    resources: resourcesOut,
    gatewayResponses,
  };
}
