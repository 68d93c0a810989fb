/**
 * Terraform resources of the hashicorp/aws provider written as the equivalent CloudFormation
 * resources, so the CloudFormation source's builders (REST and HTTP APIs, CloudFront, S3 and the
 * links between them) apply unchanged, as the live-AWS source does for CloudFront. The template
 * is only a vehicle: every node is built in memory (nothing is printed or re-parsed) and carries
 * the offsets of the Terraform attribute or block it comes from, in the module's concatenated
 * text, so each span the builders produce lands on the exact Terraform position.
 *
 * Terraform splits what CloudFormation nests: `aws_api_gateway_integration` and
 * `aws_api_gateway_integration_response` join their method on (rest_api_id, resource_id,
 * http_method); `aws_s3_bucket_cors_configuration` joins its bucket on `bucket`.
 * Values the module does not determine become vehicle values the builders read as unknown.
 */
import { MANAGED_CACHE, MANAGED_ORIGIN_REQUEST, MANAGED_RESPONSE } from '../cloudformation/cloudfront.js';
import type { YMap, YNode, YPair, YScalar, YSeq } from '../yaml-positions.js';
import type { Attribute, Block, BodyItem } from './hcl.js';
import { attrOf, scalarText, type At, type TfModule, type TfResource, type Val } from './module.js';

export interface VehicleMarks {
  /** global offsets of method / behavior spans whose configuration is only partly known */
  incomplete: Map<number, { reason: string; at: At }[]>;
  /** vehicle logical id → Terraform address */
  addresses: Map<string, string>;
  diagnostics: { ruleId: string; message: string; at: At }[];
}

const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Headers', 'Access-Control-Allow-Methods'];

const ATTR_NAMES: Record<string, string> = {
  id: 'Id',
  root_resource_id: 'RootResourceId',
  arn: 'Arn',
  bucket_regional_domain_name: 'RegionalDomainName',
  bucket_domain_name: 'DomainName',
  api_endpoint: 'ApiEndpoint',
};

/** Managed CloudFront policies by the name a `data` source looks them up with. */
const MANAGED_BY_NAME: Record<string, Record<string, string>> = (() => {
  const by = (table: Record<string, { name: string } | null>, prefix: string) =>
    Object.fromEntries(Object.entries(table).flatMap(([id, p]) => (p ? [[p.name.startsWith('Managed-') ? p.name : `${prefix}${p.name}`, id]] : [])));
  return {
    aws_cloudfront_cache_policy: by(MANAGED_CACHE, 'Managed-'),
    aws_cloudfront_origin_request_policy: by(MANAGED_ORIGIN_REQUEST, 'Managed-'),
    aws_cloudfront_response_headers_policy: { ...by(MANAGED_RESPONSE, ''), 'Managed-SecurityHeadersPolicy': '67f7725c-6f97-4210-82d7-5512b31e9d03' },
  };
})();

/** The id a `data "aws_cloudfront_*_policy"` block with a managed policy's name yields. */
export function managedPolicyId(type: string, name: string): string | undefined {
  return MANAGED_BY_NAME[type]?.[name];
}

export class VehicleBuilder {
  readonly marks: VehicleMarks = { incomplete: new Map(), addresses: new Map(), diagnostics: [] };
  private readonly ids = new Map<string, string>();
  private readonly resources: YPair[] = [];

  constructor(private readonly m: TfModule) {
    let n = 0;
    for (const r of m.resources.values()) {
      const id = `TFX${n++}X`;
      this.ids.set(r.address, id);
      this.marks.addresses.set(id, r.address);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Nodes

  g(at: At): number {
    return at.file.base + at.start;
  }
  ge(at: At): number {
    return at.file.base + at.end;
  }

  scalar(value: string | number | boolean, at: At, quoted = typeof value === 'string'): YScalar {
    return { kind: 'scalar', value, text: String(value), quoted, start: this.g(at), end: this.ge(at) };
  }

  map(pairs: YPair[], at: At): YMap {
    return { kind: 'map', pairs, byKey: new Map(pairs.map((p) => [p.key, p])), start: this.g(at), end: this.ge(at) };
  }

  pair(key: string, keyAt: At, value: YNode): YPair {
    return { key, keyStart: this.g(keyAt), keyEnd: this.ge(keyAt), value };
  }

  /** A value the builders' `str()` reads as unknown, with the reason; `mentions` keep the links (origin domain names). */
  unknownNode(reason: string, at: At, mentions: string[] = []): YMap {
    const refs = mentions.flatMap((a) => (this.ids.has(a) ? [this.map([this.pair('Ref', at, this.scalar(this.ids.get(a)!, at))], at)] : []));
    const seq: YSeq = { kind: 'seq', items: refs, start: this.g(at), end: this.ge(at) };
    return this.map([this.pair(reason, at, seq)], at);
  }

  /** Unknown where a map is expected: a scalar, so map readers see "not a map" rather than an empty one. */
  unknownMap(reason: string, at: At): YScalar {
    return this.scalar(`<unknown: ${reason}>`, at, false);
  }

  node(v: Val, depth = 0): YNode | undefined {
    if (depth > 64) return this.unknownNode('a value nested too deeply', v.at);
    switch (v.k) {
      case 'str':
      case 'num':
      case 'bool':
        return this.scalar(v.v, v.at);
      case 'null':
        return undefined;
      case 'list': {
        const items = v.items.map((i) => this.node(i, depth + 1)).filter((i): i is YNode => i !== undefined);
        return { kind: 'seq', items, start: this.g(v.at), end: this.ge(v.at) };
      }
      case 'obj':
        return this.map(
          v.items.flatMap((i) => {
            const n = this.node(i.value, depth + 1);
            return n ? [this.pair(i.key, i.keyAt, n)] : [];
          }),
          v.at,
        );
      case 'ref': {
        const id = this.ids.get(v.address);
        if (!id) return this.unknownNode(`${v.address}.${v.attr} (known once Terraform creates it)`, v.at);
        if (v.attr === 'id') return this.map([this.pair('Ref', v.at, this.scalar(id, v.at))], v.at);
        const attr = ATTR_NAMES[v.attr] ?? v.attr;
        const seq: YSeq = { kind: 'seq', items: [this.scalar(id, v.at), this.scalar(attr, v.at)], start: this.g(v.at), end: this.ge(v.at) };
        return this.map([this.pair('Fn::GetAtt', v.at, seq)], v.at);
      }
      case 'unknown':
        return this.unknownNode(v.reason, v.at, v.mentions);
    }
  }

  /**
   * An API's OpenAPI `body` (REST or HTTP) as the CloudFormation `Body` in `props`, when the module
   * writes it as `jsonencode({ ... })`: the object itself, so the OpenAPI reader sees every key at
   * its line in the .tf file (and references such as `aws_lambda_function.x.invoke_arn` as values
   * known only once Terraform runs). A body read from a file or a template is not followed: that
   * is said, not passed over.
   */
  openApiBody(r: TfResource, props: YPair[]): void {
    const body = attrOf(r.block.body, 'body');
    if (!body) return;
    const at = this.nameAt(r, body);
    const e = body.value;
    const v = e.kind === 'call' && e.name === 'jsonencode' && e.args.length === 1 && !e.expandFinal ? this.m.eval(e.args[0]!, this.m.fileOf(body, r.file)) : undefined;
    if (v?.k === 'obj') {
      props.push(this.pair('Body', at, this.node(v)!));
      return;
    }
    this.marks.diagnostics.push({
      ruleId: 'unresolved-include',
      message: `${r.address} defines its routes in an OpenAPI body that is not written in this module (only \`body = jsonencode({ ... })\` is read): those routes were not checked (lint the OpenAPI file itself)`,
      at,
    });
  }

  /** A node for a value where a map is expected. */
  mapNode(v: Val): YNode | undefined {
    if (v.k === 'unknown' || v.k === 'ref') return this.unknownMap(v.k === 'unknown' ? v.reason : `${v.address}.${v.attr}`, v.at);
    return this.node(v);
  }

  // -------------------------------------------------------------------------------------------
  // Reading Terraform blocks

  /** Where `range` (an item of `r`'s block, or a range of the block itself) is written. */
  at(r: TfResource | { file: TfResource['file'] }, range: { start: number; end: number }): At {
    return { file: this.m.fileOf(range, r.file), start: range.start, end: range.end };
  }

  /** Where an argument's name is written. */
  nameAt(r: TfResource, a: Attribute): At {
    return { file: this.m.fileOf(a, r.file), start: a.nameStart, end: a.nameEnd };
  }

  /** Where a nested block's type is written. */
  typeAt(r: TfResource, b: Block): At {
    return { file: this.m.fileOf(b, r.file), start: b.typeStart, end: b.typeEnd };
  }

  val(r: TfResource, a: Attribute): Val {
    return this.m.eval(a.value, this.m.fileOf(a, r.file));
  }

  /** `key = value` pairs for the attributes named in `names` (terraform name → CloudFormation key). */
  props(r: TfResource, body: BodyItem[], names: Record<string, string>, mapKeys: string[] = []): YPair[] {
    const out: YPair[] = [];
    for (const item of body) {
      if (item.type !== 'attribute') continue;
      const key = names[item.name];
      if (!key) continue;
      const v = this.val(r, item);
      const n = mapKeys.includes(key) ? this.mapNode(v) : this.node(v);
      if (n) out.push(this.pair(key, this.nameAt(r, item), n));
    }
    return out;
  }

  blocks(body: BodyItem[], type: string): Block[] {
    return body.filter((b): b is Block => b.type === 'block' && b.blockType === type);
  }

  dynamic(body: BodyItem[], type: string): Block | undefined {
    return body.find((b): b is Block => b.type === 'block' && b.blockType === 'dynamic' && b.labels[0]?.value === type);
  }

  /** A nested block as a map: its attributes renamed, `{ items = [...] }` sub-blocks as `{Items: [...]}`. */
  blockMap(r: TfResource, b: Block, names: Record<string, string>, itemBlocks: Record<string, string> = {}, unknownParts?: string[]): YPair {
    const pairs = this.props(r, b.body, names);
    for (const [tf, cfn] of Object.entries(itemBlocks)) {
      const sub = this.blocks(b.body, tf)[0];
      if (sub) {
        const items = attrOf(sub.body, 'items');
        const v = items ? this.val(r, items) : undefined;
        if (v && v.k !== 'list') unknownParts?.push(`${tf}.items ${v.k === 'unknown' ? `(${v.reason})` : ''}`.trim());
        if (v && v.k === 'list' && v.items.some((i) => i.k === 'unknown' || i.k === 'ref')) unknownParts?.push(`an item of ${tf}`);
        const itemsNode = v ? this.node(v) : undefined;
        const m = this.map(itemsNode && items ? [this.pair('Items', this.nameAt(r, items), itemsNode)] : [], this.at(r, sub));
        pairs.push(this.pair(cfn, this.typeAt(r, sub), m));
      } else if (this.dynamic(b.body, tf)) {
        const d = this.dynamic(b.body, tf)!;
        unknownParts?.push(`${tf} (a dynamic block)`);
        pairs.push(this.pair(cfn, this.typeAt(r, d), this.unknownMap(`${tf} (a dynamic block)`, this.at(r, d))));
      }
    }
    return this.pair('', this.typeAt(r, b), this.map(pairs, this.at(r, b)));
  }

  /** Whether `count`/`for_each` say the resource is never created. */
  notCreated(r: TfResource): boolean {
    const count = attrOf(r.block.body, 'count');
    if (count) {
      const v = this.val(r, count);
      if (v.k === 'num' && v.v === 0) return true;
    }
    const each = attrOf(r.block.body, 'for_each');
    if (each) {
      const v = this.val(r, each);
      if ((v.k === 'list' || v.k === 'obj') && v.items.length === 0) return true;
    }
    return false;
  }

  /** The Terraform `resource "type" "name"` header: where resource-level findings point. */
  header(r: TfResource): At {
    const last = r.block.labels[r.block.labels.length - 1];
    return this.at(r, { start: r.block.start, end: last ? last.end : r.block.typeEnd });
  }

  /** Adds a vehicle resource; `instance` distinguishes several built from one Terraform resource. */
  add(r: TfResource, type: string, props: YPair[], instance?: string): void {
    const h = this.header(r);
    const whole = this.at(r, r.block);
    const body: YPair[] = [this.pair('Type', h, this.scalar(type, h)), this.pair('Properties', h, this.map(props, whole))];
    let id = this.ids.get(r.address)!;
    if (instance !== undefined) {
      id = `${id.slice(0, -1)}i${instance.replace(/[^A-Za-z0-9]/g, '')}X`;
      this.marks.addresses.set(id, r.address);
    }
    this.resources.push(this.pair(id, h, this.map(body, whole)));
  }

  /** The vehicle's root: `{ Resources: {...} }` spanning the whole module text. */
  root(length: number): YMap {
    const resources: YMap = { kind: 'map', pairs: this.resources, byKey: new Map(this.resources.map((p) => [p.key, p])), start: 0, end: length };
    return { kind: 'map', pairs: [{ key: 'Resources', keyStart: 0, keyEnd: 0, value: resources }], byKey: new Map([['Resources', { key: 'Resources', keyStart: 0, keyEnd: 0, value: resources }]]), start: 0, end: length };
  }

  markIncomplete(offset: number, reason: string, at: At): void {
    let l = this.marks.incomplete.get(offset);
    if (!l) this.marks.incomplete.set(offset, (l = []));
    l.push({ reason, at });
  }

  // -------------------------------------------------------------------------------------------
  // Resources

  build(): void {
    const live = (type: string) => this.m.ofType(type).filter((r) => !this.notCreated(r));
    this.restApis(live);
    this.httpApis(live);
    this.cloudFront(live);
    this.s3(live);
  }

  /** A join key for a value: literal text, resource reference, or the unknown expression as written. */
  key(r: TfResource, name: string): string | undefined {
    const a = attrOf(r.block.body, name);
    if (!a) return undefined;
    const v = this.val(r, a);
    const s = scalarText(v);
    if (s !== undefined) return `s:${name === 'http_method' ? s.toUpperCase() : s}`;
    if (v.k === 'ref') return `r:${v.address}.${v.attr}`;
    if (v.k === 'unknown') return `u:${this.m.fileOf(a, r.file).hcl.text.slice(a.value.start, a.value.end)}`;
    return undefined;
  }

  methodKey(r: TfResource): string | undefined {
    const parts = ['rest_api_id', 'resource_id', 'http_method'].map((n) => this.key(r, n));
    return parts.every((p) => p !== undefined) ? parts.join('|') : undefined;
  }

  /** `response_parameters`: the map, or when unknown, the CORS headers with unknown values (so nothing is claimed absent). */
  responseParameters(r: TfResource, prefix: string, onUnknown: (reason: string, at: At) => void): YPair | undefined {
    const a = attrOf(r.block.body, 'response_parameters');
    if (!a) return undefined;
    const v = this.val(r, a);
    const keyAt = this.nameAt(r, a);
    if (v.k === 'obj') return this.pair('ResponseParameters', keyAt, this.map(v.items.flatMap((i) => {
      const n = this.node(i.value);
      return n ? [this.pair(i.key, i.keyAt, n)] : [];
    }), v.at));
    const reason = v.k === 'unknown' ? v.reason : 'response_parameters is not a map';
    onUnknown(reason, v.at);
    const pairs = CORS_HEADERS.map((h) => this.pair(`${prefix}${h}`, v.at, this.unknownNode(reason, v.at)));
    return this.pair('ResponseParameters', keyAt, this.map(pairs, v.at));
  }

  /**
   * One gateway response (instance `n` of a `for_each`). A type the module does not determine
   * may be DEFAULT_4XX/DEFAULT_5XX: both are declared with an unknown Access-Control-Allow-Origin,
   * so no rule claims the errors lack it.
   */
  gatewayResponse(r: TfResource, n: number | undefined): void {
    const props = this.props(r, r.block.body, { rest_api_id: 'RestApiId', response_type: 'ResponseType', status_code: 'StatusCode' });
    const params = this.responseParameters(r, 'gatewayresponse.header.', () => undefined);
    if (params) props.push(params);
    const type = attrOf(r.block.body, 'response_type');
    const tv = type ? this.val(r, type) : undefined;
    if (tv && tv.k !== 'str') {
      const reason = `response_type of ${r.address}: ${tv.k === 'unknown' ? tv.reason : 'not a string'}`;
      for (const t of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
        const p = props.filter((x) => x.key !== 'ResponseType' && x.key !== 'ResponseParameters');
        p.push(this.pair('ResponseType', tv.at, this.scalar(t, tv.at)));
        p.push(this.pair('ResponseParameters', tv.at, this.map([this.pair('gatewayresponse.header.Access-Control-Allow-Origin', tv.at, this.unknownNode(reason, tv.at))], tv.at)));
        this.add(r, 'AWS::ApiGateway::GatewayResponse', p, `${n ?? ''}${t}`);
      }
      return;
    }
    this.add(r, 'AWS::ApiGateway::GatewayResponse', props, n === undefined ? undefined : String(n));
  }

  restApis(live: (type: string) => TfResource[]): void {
    for (const r of live('aws_api_gateway_rest_api')) {
      const props = this.props(r, r.block.body, { name: 'Name', api_key_source: 'ApiKeySourceType' });
      this.openApiBody(r, props);
      this.add(r, 'AWS::ApiGateway::RestApi', props);
    }
    for (const r of live('aws_api_gateway_resource')) {
      this.add(r, 'AWS::ApiGateway::Resource', this.props(r, r.block.body, { rest_api_id: 'RestApiId', parent_id: 'ParentId', path_part: 'PathPart' }));
    }
    for (const r of live('aws_api_gateway_authorizer')) {
      const props = this.props(r, r.block.body, { rest_api_id: 'RestApiId', type: 'Type', identity_source: 'IdentitySource', name: 'Name' });
      // The provider's default type is TOKEN (reading Authorization unless identity_source says otherwise).
      if (!attrOf(r.block.body, 'type')) props.push(this.pair('Type', this.header(r), this.scalar('TOKEN', this.header(r))));
      this.add(r, 'AWS::ApiGateway::Authorizer', props);
    }
    for (const r of live('aws_api_gateway_gateway_response')) {
      const instances = this.m.instances(r);
      if (instances) instances.forEach((each, i) => this.m.withEach(each, () => this.gatewayResponse(r, i)));
      else this.gatewayResponse(r, undefined);
    }
    const integrations = new Map<string, TfResource>();
    for (const r of live('aws_api_gateway_integration')) {
      const k = this.methodKey(r);
      if (k && !integrations.has(k)) integrations.set(k, r);
    }
    const responses = new Map<string, TfResource[]>();
    for (const r of live('aws_api_gateway_integration_response')) {
      const k = this.methodKey(r);
      if (!k) continue;
      let l = responses.get(k);
      if (!l) responses.set(k, (l = []));
      l.push(r);
    }
    for (const r of live('aws_api_gateway_method')) {
      const props = this.props(r, r.block.body, {
        rest_api_id: 'RestApiId',
        resource_id: 'ResourceId',
        http_method: 'HttpMethod',
        authorization: 'AuthorizationType',
        authorizer_id: 'AuthorizerId',
        api_key_required: 'ApiKeyRequired',
        request_models: 'RequestModels',
      });
      const k = this.methodKey(r);
      const hm = attrOf(r.block.body, 'http_method');
      const methodOffset = hm ? this.m.fileOf(hm, r.file).base + hm.value.start : undefined;
      const integ = k ? integrations.get(k) : undefined;
      if (integ) {
        const ip = this.props(integ, integ.block.body, { type: 'Type', request_templates: 'RequestTemplates' }, ['RequestTemplates']);
        const list: YNode[] = [];
        for (const resp of (k && responses.get(k)) || []) {
          const rp = this.props(resp, resp.block.body, { status_code: 'StatusCode', selection_pattern: 'SelectionPattern', response_templates: 'ResponseTemplates' }, ['ResponseTemplates']);
          const params = this.responseParameters(resp, 'method.response.header.', (reason, at) => {
            if (methodOffset !== undefined) this.markIncomplete(methodOffset, `response_parameters of ${resp.address}: ${reason}`, at);
          });
          if (params) rp.push(params);
          list.push(this.map(rp, this.at(resp, resp.block)));
        }
        const whole = this.at(integ, integ.block);
        ip.push(this.pair('IntegrationResponses', this.header(integ), { kind: 'seq', items: list, start: this.g(whole), end: this.ge(whole) }));
        props.push(this.pair('Integration', this.header(integ), this.map(ip, whole)));
      }
      this.add(r, 'AWS::ApiGateway::Method', props);
    }
  }

  httpApis(live: (type: string) => TfResource[]): void {
    for (const r of live('aws_apigatewayv2_api')) {
      const props = this.props(r, r.block.body, { protocol_type: 'ProtocolType', target: 'Target', name: 'Name' });
      const cors = this.blocks(r.block.body, 'cors_configuration')[0];
      const dyn = this.dynamic(r.block.body, 'cors_configuration');
      if (cors) {
        const p = this.blockMap(r, cors, {
          allow_origins: 'AllowOrigins',
          allow_headers: 'AllowHeaders',
          allow_methods: 'AllowMethods',
          expose_headers: 'ExposeHeaders',
          allow_credentials: 'AllowCredentials',
          max_age: 'MaxAge',
        });
        props.push({ ...p, key: 'CorsConfiguration' });
      } else if (dyn) {
        const at = this.at(r, dyn);
        props.push(this.pair('CorsConfiguration', this.typeAt(r, dyn), this.unknownMap('cors_configuration (a dynamic block)', at)));
      }
      this.openApiBody(r, props);
      this.add(r, 'AWS::ApiGatewayV2::Api', props);
    }
    for (const r of live('aws_apigatewayv2_route')) {
      this.add(r, 'AWS::ApiGatewayV2::Route', this.props(r, r.block.body, { api_id: 'ApiId', route_key: 'RouteKey', authorization_type: 'AuthorizationType', authorizer_id: 'AuthorizerId', target: 'Target' }));
    }
    for (const r of live('aws_apigatewayv2_authorizer')) {
      this.add(r, 'AWS::ApiGatewayV2::Authorizer', this.props(r, r.block.body, { api_id: 'ApiId', authorizer_type: 'AuthorizerType', identity_sources: 'IdentitySource', name: 'Name' }));
    }
  }

  cloudFront(live: (type: string) => TfResource[]): void {
    const policyUnknown = new Map<string, string>();
    for (const r of live('aws_cloudfront_response_headers_policy')) {
      const cors = this.blocks(r.block.body, 'cors_config')[0];
      const cfg: YPair[] = [];
      if (cors) {
        const unknownParts: string[] = [];
        const p = this.blockMap(
          r,
          cors,
          { access_control_allow_credentials: 'AccessControlAllowCredentials', access_control_max_age_sec: 'AccessControlMaxAgeSec', origin_override: 'OriginOverride' },
          {
            access_control_allow_origins: 'AccessControlAllowOrigins',
            access_control_allow_headers: 'AccessControlAllowHeaders',
            access_control_allow_methods: 'AccessControlAllowMethods',
            access_control_expose_headers: 'AccessControlExposeHeaders',
          },
          unknownParts,
        );
        for (const key of ['AccessControlAllowCredentials', 'OriginOverride']) {
          const v = (p.value as YMap).byKey.get(key)?.value;
          if (v && v.kind !== 'scalar') unknownParts.push(key);
        }
        if (unknownParts.length) policyUnknown.set(r.address, unknownParts.join(', '));
        cfg.push({ ...p, key: 'CorsConfig' });
      } else if (this.dynamic(r.block.body, 'cors_config')) policyUnknown.set(r.address, 'cors_config (a dynamic block)');
      const whole = this.at(r, r.block);
      this.add(r, 'AWS::CloudFront::ResponseHeadersPolicy', [this.pair('ResponseHeadersPolicyConfig', this.header(r), this.map(cfg, whole))]);
    }
    const headersConfig = (r: TfResource, b: Block | undefined): YPair[] => {
      if (!b) return [];
      const p = this.blockMap(r, b, { header_behavior: 'HeaderBehavior' }, { headers: 'Headers' });
      return [{ ...p, key: 'HeadersConfig' }];
    };
    for (const r of live('aws_cloudfront_cache_policy')) {
      const whole = this.at(r, r.block);
      const params = this.blocks(r.block.body, 'parameters_in_cache_key_and_forwarded_to_origin')[0];
      const inner: YPair[] = params ? [this.pair('ParametersInCacheKeyAndForwardedToOrigin', this.typeAt(r, params), this.map(headersConfig(r, this.blocks(params.body, 'headers_config')[0]), this.at(r, params)))] : [];
      inner.push(...this.props(r, r.block.body, { max_ttl: 'MaxTTL' }));
      this.add(r, 'AWS::CloudFront::CachePolicy', [this.pair('CachePolicyConfig', this.header(r), this.map(inner, whole))]);
    }
    for (const r of live('aws_cloudfront_origin_request_policy')) {
      const whole = this.at(r, r.block);
      this.add(r, 'AWS::CloudFront::OriginRequestPolicy', [this.pair('OriginRequestPolicyConfig', this.header(r), this.map(headersConfig(r, this.blocks(r.block.body, 'headers_config')[0]), whole))]);
    }
    for (const r of live('aws_cloudfront_distribution')) {
      const whole = this.at(r, r.block);
      const origins: YNode[] = this.blocks(r.block.body, 'origin').map((o) => {
        const pairs = this.props(r, o.body, { origin_id: 'Id', domain_name: 'DomainName' });
        const s3 = this.blocks(o.body, 's3_origin_config')[0];
        if (s3) pairs.push(this.pair('S3OriginConfig', this.typeAt(r, s3), this.map([], this.at(r, s3))));
        return this.map(pairs, this.at(r, o));
      });
      const cfg: YPair[] = [this.pair('Origins', this.header(r), { kind: 'seq', items: origins, start: this.g(whole), end: this.ge(whole) })];
      const def = this.blocks(r.block.body, 'default_cache_behavior')[0];
      if (def) {
        const b = this.behavior(r, def, policyUnknown);
        if (b) cfg.push({ ...b, key: 'DefaultCacheBehavior' });
      }
      const ordered = this.blocks(r.block.body, 'ordered_cache_behavior').flatMap((o) => {
        const b = this.behavior(r, o, policyUnknown);
        return b ? [b.value] : [];
      });
      cfg.push(this.pair('CacheBehaviors', this.header(r), { kind: 'seq', items: ordered, start: this.g(whole), end: this.ge(whole) }));
      this.add(r, 'AWS::CloudFront::Distribution', [this.pair('DistributionConfig', this.header(r), this.map(cfg, whole))]);
    }
  }

  /** A cache behavior; undefined when its methods are not known (the builders would assume GET/HEAD). */
  behavior(r: TfResource, b: Block, policyUnknown: Map<string, string>): YPair | undefined {
    for (const name of ['allowed_methods', 'cached_methods']) {
      const a = attrOf(b.body, name);
      if (!a) continue;
      const v = this.val(r, a);
      if (v.k !== 'list' || v.items.some((i) => i.k !== 'str')) return undefined;
    }
    const pairs = this.props(r, b.body, {
      target_origin_id: 'TargetOriginId',
      path_pattern: 'PathPattern',
      allowed_methods: 'AllowedMethods',
      cached_methods: 'CachedMethods',
      cache_policy_id: 'CachePolicyId',
      origin_request_policy_id: 'OriginRequestPolicyId',
      response_headers_policy_id: 'ResponseHeadersPolicyId',
    });
    const offset = this.m.fileOf(b, r.file).base + b.start;
    const fv = this.blocks(b.body, 'forwarded_values')[0];
    const hasCachePolicy = pairs.some((p) => p.key === 'CachePolicyId');
    if (fv && !hasCachePolicy) {
      const h = attrOf(fv.body, 'headers');
      const hv = h ? this.val(r, h) : undefined;
      if (hv && (hv.k !== 'list' || hv.items.some((i) => i.k !== 'str'))) {
        pairs.push(this.pair('CachePolicyId', this.nameAt(r, h!), this.unknownNode(`forwarded_values.headers: ${hv.k === 'unknown' ? hv.reason : 'not a list of strings'}`, hv.at)));
      } else {
        const inner = h && hv ? [this.pair('Headers', this.nameAt(r, h), this.node(hv)!)] : [];
        pairs.push(this.pair('ForwardedValues', this.typeAt(r, fv), this.map(inner, this.at(r, fv))));
      }
    } else if (!hasCachePolicy && this.dynamic(b.body, 'forwarded_values')) {
      const d = this.dynamic(b.body, 'forwarded_values')!;
      pairs.push(this.pair('CachePolicyId', this.typeAt(r, d), this.unknownNode('forwarded_values (a dynamic block)', this.at(r, d))));
    }
    const rhp = attrOf(b.body, 'response_headers_policy_id');
    if (rhp) {
      const v = this.val(r, rhp);
      const rat = this.at(r, rhp.value);
      if (v.k === 'unknown') this.markIncomplete(offset, `response_headers_policy_id: ${v.reason}`, rat);
      else if (v.k === 'ref' && policyUnknown.has(v.address)) this.markIncomplete(offset, `${v.address}: ${policyUnknown.get(v.address)!} only known at deploy time`, rat);
    }
    return this.pair('', this.typeAt(r, b), this.map(pairs, this.at(r, b)));
  }

  s3(live: (type: string) => TfResource[]): void {
    const buckets = live('aws_s3_bucket');
    const configs = new Map<string, TfResource>();
    const standalone: TfResource[] = [];
    for (const c of live('aws_s3_bucket_cors_configuration')) {
      const a = attrOf(c.block.body, 'bucket');
      const v = a ? this.val(c, a) : undefined;
      let target: TfResource | undefined;
      if (v?.k === 'ref') target = buckets.find((b) => b.address === v.address);
      else if (v?.k === 'str') {
        target = buckets.find((b) => {
          const own = attrOf(b.block.body, 'bucket');
          const ov = own ? this.val(b, own) : undefined;
          return ov?.k === 'str' && ov.v === v.v;
        });
      }
      if (target && !configs.has(target.address)) configs.set(target.address, c);
      else standalone.push(c);
    }
    for (const b of buckets) {
      const config = configs.get(b.address);
      const props = this.corsConfiguration(config ?? b);
      this.add(b, 'AWS::S3::Bucket', props ? [props] : []);
    }
    for (const c of standalone) {
      const props = this.corsConfiguration(c);
      this.addAs(c, 'AWS::S3::Bucket', props ? [props] : []);
    }
  }

  /** A cors configuration resource with no bucket of this module: a bucket of its own, named by the configuration. */
  addAs(r: TfResource, type: string, props: YPair[]): void {
    this.add(r, type, props);
  }

  corsConfiguration(r: TfResource): YPair | undefined {
    const rules = this.blocks(r.block.body, 'cors_rule');
    const dyn = this.dynamic(r.block.body, 'cors_rule');
    if (dyn) {
      return this.pair('CorsConfiguration', this.typeAt(r, dyn), this.unknownMap('cors_rule (a dynamic block)', this.at(r, dyn)));
    }
    if (rules.length === 0) return undefined;
    const first = rules[0]!;
    const keyAt = this.typeAt(r, first);
    const list: YNode[] = [];
    for (const rule of rules) {
      const names: Record<string, string> = { allowed_headers: 'AllowedHeaders', allowed_methods: 'AllowedMethods', allowed_origins: 'AllowedOrigins', expose_headers: 'ExposedHeaders', max_age_seconds: 'MaxAge' };
      for (const item of rule.body) {
        if (item.type !== 'attribute' || !names[item.name] || item.name === 'max_age_seconds') continue;
        const v = this.val(r, item);
        if (v.k !== 'list' || v.items.some((i) => i.k !== 'str')) {
          return this.pair('CorsConfiguration', keyAt, this.unknownMap(`${item.name} of a cors_rule: ${v.k === 'unknown' ? v.reason : 'not a list of strings'}`, this.at(r, item)));
        }
      }
      list.push(this.map(this.props(r, rule.body, names), this.at(r, rule)));
    }
    const seq: YSeq = { kind: 'seq', items: list, start: this.g(keyAt), end: this.ge(this.at(r, rules[rules.length - 1]!)) };
    return this.pair('CorsConfiguration', keyAt, this.map([this.pair('CorsRules', keyAt, seq)], this.at(r, first)));
  }
}
