/**
 * CloudFront distributions: a Route per cache behavior with its CDN facts (allowed and cached
 * methods, which request headers reach the origin and which are in the cache key) and the
 * CORS headers of its response headers policy (custom `AWS::CloudFront::ResponseHeadersPolicy`
 * or a managed policy id). Facts: reference/aws.md §3.
 */
import type { Backend, CdnFacts, HeaderRule, HeaderValue, OriginCase, Responder, Route, Span } from '../../model/types.js';
import { entries, isMap, type YNode, type YPair } from '../yaml-positions.js';
import type { Template } from './template.js';

/** Headers a managed cache policy puts in the cache key (and so forwards); caching on/off. */
export const MANAGED_CACHE: Record<string, { name: string; headers: string[]; caches: boolean }> = {
  '658327ea-f89d-4fab-a63d-7e88639e58f6': { name: 'CachingOptimized', headers: [], caches: true },
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': { name: 'CachingDisabled', headers: [], caches: false },
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': { name: 'CachingOptimizedForUncompressedObjects', headers: [], caches: true },
  '83da9c7e-98b4-4e11-a168-04f0df8e2c65': { name: 'UseOriginCacheControlHeaders', headers: ['Host', 'Origin', 'X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'], caches: true },
  '4cc15a8a-d715-48a4-82b8-cc0b614638fe': {
    name: 'UseOriginCacheControlHeaders-QueryStrings',
    headers: ['Host', 'Origin', 'X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'],
    caches: true,
  },
};

/** Headers a managed origin request policy forwards. */
export const MANAGED_ORIGIN_REQUEST: Record<string, { name: string; headers: string[] | 'all' }> = {
  '216adef6-5c7f-47e4-b989-5492eafa07d3': { name: 'AllViewer', headers: 'all' },
  'b689b0a8-53d0-40ab-baf2-68738e2966ac': { name: 'AllViewerExceptHostHeader', headers: 'all' },
  '33f36d7e-f396-46d9-90e0-52428a34d9dc': { name: 'AllViewerAndCloudFrontHeaders-2022-06', headers: 'all' },
  '59781a5b-3903-41f3-afcb-af62929ccde1': { name: 'CORS-CustomOrigin', headers: ['Origin'] },
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': { name: 'CORS-S3Origin', headers: ['Origin', 'Access-Control-Request-Headers', 'Access-Control-Request-Method'] },
  'acba4595-bd28-49b8-b9fe-13317c0390fa': { name: 'UserAgentRefererHeaders', headers: ['User-Agent', 'Referer'] },
};

interface CorsPolicy {
  name: string;
  origins: string[];
  headers: string[];
  methods: string[];
  expose: string[];
  credentials: boolean;
  maxAge?: number;
  override: boolean;
}

const ALL = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** Managed response headers policies with CORS (CloudFront developer guide, "Use managed response headers policies"). */
export const MANAGED_RESPONSE: Record<string, CorsPolicy | null> = {
  '60669652-455b-4ae9-85a4-c4c02393f86c': { name: 'Managed-SimpleCORS', origins: ['*'], headers: [], methods: [], expose: [], credentials: false, override: false },
  'e61eb60c-9c35-4d20-a928-2b84e02af89c': { name: 'Managed-CORS-and-SecurityHeadersPolicy', origins: ['*'], headers: [], methods: [], expose: [], credentials: false, override: false },
  '5cc3b908-e619-4b99-88e5-2cf7f45965bd': { name: 'Managed-CORS-With-Preflight', origins: ['*'], headers: ['*'], methods: ALL, expose: ['*'], credentials: false, override: false },
  'eaab4381-ed33-4a86-88ca-d9558dc6cd63': {
    name: 'Managed-CORS-with-preflight-and-SecurityHeadersPolicy',
    origins: ['*'],
    headers: ['*'],
    methods: ALL,
    expose: ['*'],
    credentials: false,
    override: false,
  },
  '67f7725c-6f97-4210-82d7-5512b31e9d03': null,
};

export interface OriginInfo {
  /** the origin generates CORS headers itself */
  emitsCors: Backend['emitsCors'];
  kind: Backend['kind'];
  description: string;
  /** request headers the origin's routes need (Authorization for a JWT authorizer, ...) */
  requiredHeaders: { name: string; reason: string; span: Span }[];
}

function items(t: Template, n: YNode | undefined): string[] {
  const node = t.deref(n);
  const list = isMap(node) ? t.list(t.get(node, 'Items')) : t.list(node);
  return (list ?? []).map((i) => t.str(i)).filter((s) => s.ok).map((s) => (s as { text: string }).text);
}

function customCorsPolicy(t: Template, id: string): CorsPolicy | null | undefined {
  const r = t.resources.get(id);
  if (!r || r.type !== 'AWS::CloudFront::ResponseHeadersPolicy') return undefined;
  const cfg = t.get(t.get(r.props, 'ResponseHeadersPolicyConfig'), 'CorsConfig');
  if (!cfg) return null;
  const maxAge = t.str(t.get(cfg, 'AccessControlMaxAgeSec'));
  const p: CorsPolicy = {
    name: id,
    origins: items(t, t.get(cfg, 'AccessControlAllowOrigins')),
    headers: items(t, t.get(cfg, 'AccessControlAllowHeaders')),
    methods: items(t, t.get(cfg, 'AccessControlAllowMethods')).flatMap((m) => (m.toUpperCase() === 'ALL' ? ALL : [m.toUpperCase()])),
    expose: items(t, t.get(cfg, 'AccessControlExposeHeaders')),
    credentials: t.bool(t.get(cfg, 'AccessControlAllowCredentials')) === true,
    override: t.bool(t.get(cfg, 'OriginOverride')) === true,
  };
  if (maxAge.ok && /^\d+$/.test(maxAge.text)) p.maxAge = Number(maxAge.text);
  return p;
}

function corsHeaders(policy: CorsPolicy, span: Span, preflight: boolean): HeaderRule[] {
  const out: HeaderRule[] = [];
  const add = (name: string, value: HeaderValue) => out.push({ name, value, onSuccess: true, onErrors: true, span, addedBy: 'gateway', via: `ResponseHeadersPolicy ${policy.name}` });
  if (policy.origins.includes('*')) add('Access-Control-Allow-Origin', { kind: 'literal', text: '*' });
  else if (policy.origins.length) {
    const cases: OriginCase[] = policy.origins.map((o) => ({ when: o.includes('*') ? { kind: 'wildcard', pattern: o, span } : { kind: 'exact', origin: o, span }, then: { kind: 'reflect' } }));
    add('Access-Control-Allow-Origin', { kind: 'by-origin', cases, otherwise: null });
  }
  if (policy.credentials) add('Access-Control-Allow-Credentials', { kind: 'literal', text: 'true' });
  if (policy.expose.length) add('Access-Control-Expose-Headers', { kind: 'literal', text: policy.expose.join(',') });
  if (preflight) {
    if (policy.headers.length) add('Access-Control-Allow-Headers', { kind: 'literal', text: policy.headers.join(',') });
    if (policy.methods.length) add('Access-Control-Allow-Methods', { kind: 'literal', text: policy.methods.join(',') });
    if (policy.maxAge !== undefined) add('Access-Control-Max-Age', { kind: 'literal', text: String(policy.maxAge) });
  }
  return out;
}

function headerList(t: Template, cfg: YNode | undefined): string[] | 'all' | undefined {
  const behavior = t.str(t.get(cfg, 'HeaderBehavior'));
  if (!behavior.ok) return undefined;
  const b = behavior.text.toLowerCase();
  if (b === 'none') return [];
  if (b === 'allviewer' || b === 'allviewerandwhitelistcloudfront' || b === 'allexcept') return 'all';
  return items(t, t.get(cfg, 'Headers'));
}

export function cloudFrontRoutes(t: Template, origins: (logicalIds: string[]) => OriginInfo | undefined): Route[] {
  const routes: Route[] = [];
  for (const dist of t.ofType('AWS::CloudFront::Distribution')) {
    const cfg = t.get(dist.props, 'DistributionConfig');
    const originById = new Map<string, YNode>();
    for (const o of t.list(t.get(cfg, 'Origins')) ?? []) {
      const id = t.str(t.get(o, 'Id'));
      if (id.ok) originById.set(id.text, o);
    }
    const behaviors: { node: YNode; span: Span; pattern?: string }[] = [];
    const def = t.pair(cfg, 'DefaultCacheBehavior');
    if (def) behaviors.push({ node: def.value, span: t.spanKey(def) });
    for (const b of t.list(t.get(cfg, 'CacheBehaviors')) ?? []) {
      const pattern = t.str(t.get(b, 'PathPattern'));
      behaviors.push({ node: b, span: t.spanNode(b), pattern: pattern.ok ? pattern.text : '?' });
    }
    for (const b of behaviors) routes.push(behaviorRoute(t, dist.id, b, originById, origins));
  }
  return routes;
}

function spanOfPair(t: Template, p: YPair | undefined, fallback: Span): Span {
  return p ? t.spanPair(p) : fallback;
}

function behaviorRoute(
  t: Template,
  distId: string,
  b: { node: YNode; span: Span; pattern?: string },
  originById: Map<string, YNode>,
  origins: (ids: string[]) => OriginInfo | undefined,
): Route {
  const allowedPair = t.pair(b.node, 'AllowedMethods');
  const allowed = allowedPair ? items(t, allowedPair.value).map((m) => m.toUpperCase()) : ['GET', 'HEAD'];
  const cachedPair = t.pair(b.node, 'CachedMethods');
  const cached = cachedPair ? items(t, cachedPair.value).map((m) => m.toUpperCase()) : ['GET', 'HEAD'];
  const cdn: CdnFacts = {
    allowedMethods: { methods: allowed, span: spanOfPair(t, allowedPair, b.span) },
    cachedMethods: { methods: cached, span: spanOfPair(t, cachedPair, b.span) },
  };
  // Which headers reach the origin and which are in the cache key.
  const cachePair = t.pair(b.node, 'CachePolicyId');
  const orpPair = t.pair(b.node, 'OriginRequestPolicyId');
  let keyHeaders: string[] | 'all' | undefined;
  let keySpan: Span | undefined;
  let unknownKey: string | undefined;
  if (cachePair) {
    keySpan = t.spanNode(cachePair.value);
    const ref = t.refTarget(cachePair.value);
    const s = t.str(cachePair.value);
    const res = ref ? t.resources.get(ref) : undefined;
    if (res && res.type === 'AWS::CloudFront::CachePolicy') {
      const c = t.get(res.props, 'CachePolicyConfig');
      keyHeaders = headerList(t, t.get(t.get(c, 'ParametersInCacheKeyAndForwardedToOrigin'), 'HeadersConfig'));
      const ttl = t.str(t.get(c, 'MaxTTL'));
      cdn.caches = { value: !(ttl.ok && ttl.text === '0'), span: t.spanResource(res) };
      if (keyHeaders === undefined) unknownKey = `the HeadersConfig of cache policy ${ref} is not static`;
    } else if (s.ok && MANAGED_CACHE[s.text]) {
      keyHeaders = MANAGED_CACHE[s.text]!.headers;
      cdn.caches = { value: MANAGED_CACHE[s.text]!.caches, span: keySpan };
    } else unknownKey = s.ok ? `cache policy ${s.text} is not in this template` : `cache policy: ${s.reason}`;
  } else {
    // Legacy ForwardedValues: forwarded headers are also the cache key.
    const fv = t.pair(b.node, 'ForwardedValues');
    const hp = t.pair(fv?.value, 'Headers');
    keySpan = hp ? t.spanPair(hp) : fv ? t.spanKey(fv) : b.span;
    const hs = hp ? items(t, hp.value) : [];
    keyHeaders = hs.includes('*') ? 'all' : hs;
  }
  if (unknownKey) cdn.cacheKeyHeaders = { unknown: unknownKey };
  else if (keyHeaders !== undefined) cdn.cacheKeyHeaders = { headers: keyHeaders, span: keySpan! };
  if (orpPair) {
    const ref = t.refTarget(orpPair.value);
    const s = t.str(orpPair.value);
    const res = ref ? t.resources.get(ref) : undefined;
    const span = t.spanNode(orpPair.value);
    if (res && res.type === 'AWS::CloudFront::OriginRequestPolicy') {
      const h = headerList(t, t.get(t.get(res.props, 'OriginRequestPolicyConfig'), 'HeadersConfig'));
      cdn.forwardedHeaders = h === undefined ? { unknown: `the HeadersConfig of origin request policy ${ref} is not static` } : { headers: h, span };
    } else if (s.ok && MANAGED_ORIGIN_REQUEST[s.text]) cdn.forwardedHeaders = { headers: MANAGED_ORIGIN_REQUEST[s.text]!.headers, span };
    else cdn.forwardedHeaders = { unknown: s.ok ? `origin request policy ${s.text} is not in this template` : `origin request policy: ${s.reason}` };
  } else if (cdn.cacheKeyHeaders && 'headers' in cdn.cacheKeyHeaders) {
    cdn.forwardedHeaders = { headers: [], span: keySpan! };
  }

  // The origin behind the behavior.
  const target = t.str(t.get(b.node, 'TargetOriginId'));
  const origin = target.ok ? originById.get(target.text) : undefined;
  const ids = origin ? t.mentions(t.get(origin, 'DomainName')) : [];
  const info = origin ? origins(ids) : undefined;
  const s3 = !!t.get(origin, 'S3OriginConfig');
  const backend: Backend = {
    kind: info?.kind ?? (s3 ? 's3' : 'proxy'),
    emitsCors: info?.emitsCors ?? 'unknown',
    hiddenHeaders: [],
    description: info?.description ?? (target.ok ? `origin ${target.text}` : 'the origin'),
  };

  // Response headers policy.
  const rhpPair = t.pair(b.node, 'ResponseHeadersPolicyId');
  let policy: CorsPolicy | null | undefined;
  if (rhpPair) {
    const ref = t.refTarget(rhpPair.value);
    const s = t.str(rhpPair.value);
    policy = ref ? customCorsPolicy(t, ref) : s.ok ? MANAGED_RESPONSE[s.text] : undefined;
  }
  const rhpSpan = rhpPair ? t.spanPair(rhpPair) : b.span;
  // OriginOverride false: the origin's CORS headers win whenever it sends them (explicit false, for duplicate-cors-header)
  if (policy) backend.gatewayOverridesCors = policy.override;
  const name = `CloudFront ${distId} ${b.pattern ? `behavior ${b.pattern}` : 'default behavior'}`;
  const responders: Responder[] = [];
  const allowsOptions = allowed.includes('OPTIONS');
  const notAllowed = ALL.filter((m) => !allowed.includes(m));
  const policyHeaders = (preflight: boolean) => (policy ? corsHeaders(policy, rhpSpan, preflight) : []);
  if (allowsOptions) {
    responders.push({ methods: ['OPTIONS'], answeredBy: 'backend', status: { kind: 'backend' }, headers: policyHeaders(true), auth: [], span: b.span, description: `${name} forwards OPTIONS to ${backend.description}`, backend });
  }
  if (notAllowed.length) {
    responders.push({
      methods: notAllowed,
      answeredBy: 'gateway',
      status: { kind: 'fixed', code: 403, span: cdn.allowedMethods!.span! },
      headers: [],
      auth: [],
      span: cdn.allowedMethods!.span!,
      description: `CloudFront answers 403 to ${notAllowed.join(', ')}: AllowedMethods does not include them`,
    });
  }
  responders.push({
    methods: allowed.filter((m) => m !== 'OPTIONS'),
    answeredBy: 'backend',
    status: { kind: 'backend' },
    headers: policyHeaders(false),
    auth: [],
    span: b.span,
    description: `${name} → ${backend.description}`,
    backend,
  });
  const route: Route = {
    id: `cloudfront:${distId}/${b.pattern ?? '*'}`,
    source: 'cloudformation',
    name,
    span: b.span,
    match: { hosts: [], path: b.pattern ? { kind: 'template', value: b.pattern } : { kind: 'any', value: '*' }, methods: allowed },
    responders,
    droppedHeaders: [],
    cookies: [],
    cdn,
    group: `cloudfront:${distId}`,
  };
  if (info?.requiredHeaders.length) route.requiredRequestHeaders = info.requiredHeaders;
  void entries;
  return route;
}
