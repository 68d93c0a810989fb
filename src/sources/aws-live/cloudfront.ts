/**
 * A live CloudFront distribution: GetDistributionConfig, then the response headers, cache and
 * origin request policies its behaviors name (managed ones the CloudFormation source knows
 * statically are not fetched). The CloudFormation source's behavior builder reads a template,
 * so the fetched configuration is written as the equivalent `AWS::CloudFront::*` resources
 * (API `{Quantity, Items}` lists become plain lists, each policy a resource whose logical id is
 * its policy id) and handed to `cloudFrontRoutes` unchanged. The template is only a vehicle: every
 * span it yields is moved to the `aws://cloudfront/...` location of the object it lies in.
 */
import type { CacheBehavior, CachePolicyConfig, DefaultCacheBehavior, DistributionConfig, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig } from '@aws-sdk/client-cloudfront';
import type { Route, Span } from '../../model/types.js';
import { cloudFrontRoutes, MANAGED_CACHE, MANAGED_ORIGIN_REQUEST, MANAGED_RESPONSE, type OriginInfo } from '../cloudformation/cloudfront.js';
import { Template } from '../cloudformation/template.js';
import { parseJson } from '../json-positions.js';
import { isMap, isSeq } from '../yaml-positions.js';
import { run, type CallContext } from './call.js';
import { AwsLiveError } from './errors.js';
import { targetUri, uriSpan } from './targets.js';

type CfSdk = typeof import('@aws-sdk/client-cloudfront');
type CfClient = InstanceType<CfSdk['CloudFrontClient']>;

export interface LiveDistribution {
  id: string;
  config: DistributionConfig;
  /** custom (and unknown managed) policies by id */
  responseHeadersPolicies: Map<string, ResponseHeadersPolicyConfig>;
  cachePolicies: Map<string, CachePolicyConfig>;
  originRequestPolicies: Map<string, OriginRequestPolicyConfig>;
}

type AnyBehavior = CacheBehavior | DefaultCacheBehavior;

function behaviorsOf(config: DistributionConfig): AnyBehavior[] {
  return [...(config.DefaultCacheBehavior ? [config.DefaultCacheBehavior] : []), ...(config.CacheBehaviors?.Items ?? [])];
}

const arn = (path: string) => `arn:aws:cloudfront::<account>:${path}`;

export async function fetchDistribution(sdk: CfSdk, client: CfClient, id: string, ctx: CallContext): Promise<LiveDistribution> {
  const what = `CloudFront distribution ${id}`;
  const dist = await run(
    () => client.send(new sdk.GetDistributionConfigCommand({ Id: id })),
    { action: 'cloudfront:GetDistributionConfig', api: 'GetDistributionConfig', arn: arn(`distribution/${id}`), what },
    ctx,
  );
  if (!dist.DistributionConfig) throw new AwsLiveError(`GetDistributionConfig returned no configuration for ${what}`);
  const config = dist.DistributionConfig;
  const wanted = (pick: (b: AnyBehavior) => string | undefined, known: Record<string, unknown>) =>
    [...new Set(behaviorsOf(config).map(pick).filter((p): p is string => !!p && !(p in known)))];
  const rhp = wanted((b) => b.ResponseHeadersPolicyId, MANAGED_RESPONSE);
  const cp = wanted((b) => b.CachePolicyId, MANAGED_CACHE);
  const orp = wanted((b) => b.OriginRequestPolicyId, MANAGED_ORIGIN_REQUEST);
  const [rhps, cps, orps] = await Promise.all([
    Promise.all(
      rhp.map(async (pid) => {
        const r = await run(
          () => client.send(new sdk.GetResponseHeadersPolicyCommand({ Id: pid })),
          { action: 'cloudfront:GetResponseHeadersPolicy', api: 'GetResponseHeadersPolicy', arn: arn(`response-headers-policy/${pid}`), what: `response headers policy ${pid} of ${what}` },
          ctx,
        );
        return [pid, r.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig] as const;
      }),
    ),
    Promise.all(
      cp.map(async (pid) => {
        const r = await run(
          () => client.send(new sdk.GetCachePolicyCommand({ Id: pid })),
          { action: 'cloudfront:GetCachePolicy', api: 'GetCachePolicy', arn: arn(`cache-policy/${pid}`), what: `cache policy ${pid} of ${what}` },
          ctx,
        );
        return [pid, r.CachePolicy?.CachePolicyConfig] as const;
      }),
    ),
    Promise.all(
      orp.map(async (pid) => {
        const r = await run(
          () => client.send(new sdk.GetOriginRequestPolicyCommand({ Id: pid })),
          { action: 'cloudfront:GetOriginRequestPolicy', api: 'GetOriginRequestPolicy', arn: arn(`origin-request-policy/${pid}`), what: `origin request policy ${pid} of ${what}` },
          ctx,
        );
        return [pid, r.OriginRequestPolicy?.OriginRequestPolicyConfig] as const;
      }),
    ),
  ]);
  const defined = <T>(pairs: readonly (readonly [string, T | undefined])[]) => new Map(pairs.filter((p): p is readonly [string, T] => p[1] !== undefined));
  return { id, config, responseHeadersPolicies: defined(rhps), cachePolicies: defined(cps), originRequestPolicies: defined(orps) };
}

// ---------------------------------------------------------------------------------------------
// Conversion (pure)

const items = <T>(list: { Items?: T[] | undefined } | undefined): T[] | undefined => list?.Items;

/** A cache behavior in CloudFormation's shape (lists instead of `{Quantity, Items}`). */
function behaviorTemplate(b: AnyBehavior): Record<string, unknown> {
  const out: Record<string, unknown> = { TargetOriginId: b.TargetOriginId ?? '' };
  if ('PathPattern' in b && b.PathPattern !== undefined) out.PathPattern = b.PathPattern;
  const allowed = items(b.AllowedMethods);
  if (allowed) out.AllowedMethods = allowed;
  const cached = items(b.AllowedMethods?.CachedMethods);
  if (cached) out.CachedMethods = cached;
  if (b.CachePolicyId) out.CachePolicyId = b.CachePolicyId;
  if (b.OriginRequestPolicyId) out.OriginRequestPolicyId = b.OriginRequestPolicyId;
  if (b.ResponseHeadersPolicyId) out.ResponseHeadersPolicyId = b.ResponseHeadersPolicyId;
  if (b.ForwardedValues) {
    const fv: Record<string, unknown> = {};
    const headers = items(b.ForwardedValues.Headers);
    if (headers) fv.Headers = headers;
    out.ForwardedValues = fv;
  }
  return out;
}

/** Logical id of the placeholder resource standing for origin `index` (see `origins` below). */
const originMarker = (index: number) => `LiveOrigin${index}`;

/**
 * Routes per cache behavior. `originInfo` describes an origin by its domain name (an API
 * Gateway API read in the same run); spans land on `aws://cloudfront/<id>/default-behavior`,
 * `aws://cloudfront/<id>/behaviors/<pattern>` or the policy's own location.
 */
export function convertDistribution(live: LiveDistribution, originInfo: (domainName: string) => OriginInfo | undefined): Route[] {
  const id = live.id;
  const distUri = targetUri({ kind: 'cloudfront', id });
  const origins = items(live.config.Origins) ?? [];
  const resources: Record<string, unknown> = {};
  // The CloudFormation builder finds an origin's API through the logical ids its DomainName
  // mentions: name a placeholder resource per origin, so the callback learns which origin it is.
  const domains = new Map<string, string>();
  origins.forEach((o, i) => {
    resources[originMarker(i)] = { Type: 'Custom::CorslintLiveOrigin' };
    domains.set(originMarker(i), o.DomainName ?? '');
  });
  resources[id] = {
    Type: 'AWS::CloudFront::Distribution',
    Properties: {
      DistributionConfig: {
        Origins: origins.map((o, i) => {
          const origin: Record<string, unknown> = { Id: o.Id ?? '', DomainName: `\${${originMarker(i)}}` };
          if (o.S3OriginConfig) origin.S3OriginConfig = {};
          if (o.CustomOriginConfig) origin.CustomOriginConfig = {};
          return origin;
        }),
        ...(live.config.DefaultCacheBehavior ? { DefaultCacheBehavior: behaviorTemplate(live.config.DefaultCacheBehavior) } : {}),
        CacheBehaviors: (items(live.config.CacheBehaviors) ?? []).map(behaviorTemplate),
      },
    },
  };
  for (const [pid, cfg] of live.responseHeadersPolicies) resources[pid] = { Type: 'AWS::CloudFront::ResponseHeadersPolicy', Properties: { ResponseHeadersPolicyConfig: cfg } };
  for (const [pid, cfg] of live.cachePolicies) resources[pid] = { Type: 'AWS::CloudFront::CachePolicy', Properties: { CachePolicyConfig: cfg } };
  for (const [pid, cfg] of live.originRequestPolicies) resources[pid] = { Type: 'AWS::CloudFront::OriginRequestPolicy', Properties: { OriginRequestPolicyConfig: cfg } };

  const file = `${distUri}#template`;
  const doc = parseJson(file, JSON.stringify({ Resources: resources }));
  const t = new Template(doc);
  const routes = cloudFrontRoutes(t, (ids) => {
    for (const marker of ids) {
      const domain = domains.get(marker);
      if (domain !== undefined) return originInfo(domain);
    }
    return undefined;
  });

  // Where each part of the vehicle template lives in the account.
  const regions: { start: number; end: number; uri: string }[] = [];
  const res = t.resources;
  const distNode = res.get(id);
  const cfg = distNode ? t.get(distNode.props, 'DistributionConfig') : undefined;
  const def = isMap(cfg) ? cfg.byKey.get('DefaultCacheBehavior') : undefined;
  if (def) regions.push({ start: def.keyStart, end: def.value.end, uri: `${distUri}/default-behavior` });
  const cbs = t.get(cfg, 'CacheBehaviors');
  if (isSeq(cbs)) {
    for (const b of cbs.items) {
      const pattern = t.str(t.get(b, 'PathPattern'));
      regions.push({ start: b.start, end: b.end, uri: `${distUri}/behaviors/${(pattern.ok ? pattern.text : '?').replace(/^\//, '')}` });
    }
  }
  const policyUri: Record<string, string> = {
    'AWS::CloudFront::ResponseHeadersPolicy': 'response-headers-policy',
    'AWS::CloudFront::CachePolicy': 'cache-policy',
    'AWS::CloudFront::OriginRequestPolicy': 'origin-request-policy',
  };
  for (const r of res.values()) {
    const kind = policyUri[r.type];
    if (kind) regions.push({ start: r.keyStart, end: r.node.end, uri: `aws://cloudfront/${kind}/${r.id}` });
  }
  regions.sort((a, b) => a.end - a.start - (b.end - b.start));
  const locate = (offset: number | undefined): string => {
    if (offset !== undefined) for (const r of regions) if (offset >= r.start && offset < r.end) return r.uri;
    return distUri;
  };
  for (const r of routes) {
    r.source = 'aws-live';
    relocate(r, file, locate);
  }
  return routes;
}

/** Moves every span of the vehicle template (found anywhere in the route) to its `aws://` location. */
function relocate(value: unknown, file: string, locate: (offset: number | undefined) => string, seen = new Set<object>()): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (isSpan(value) && value.file === file) {
    Object.assign(value, uriSpan(locate(value.offset)));
    delete value.offset;
    delete value.endOffset;
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) relocate(v, file, locate, seen);
}

function isSpan(v: object): v is Span {
  return typeof (v as Span).file === 'string' && typeof (v as Span).line === 'number' && typeof (v as Span).column === 'number';
}

