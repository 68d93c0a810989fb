/**
 * A live REST API (API Gateway v1): fetched with GetRestApi, GetResources (`embed=methods`,
 * paged by `position`), GetAuthorizers, GetGatewayResponses and GetStage, then converted into the
 * same intermediate model CloudFormation and OpenAPI produce (`RestApiModel`), so
 * `restApiToRoutes` and every rule apply unchanged.
 */
import type { Authorizer, GatewayResponse, Integration, Method, Resource, RestApi, Stage } from '@aws-sdk/client-api-gateway';
import type { AuthRequirement, HeaderValue, SourceDiagnostic, Span, StatusInfo } from '../../model/types.js';
import {
  authHeaders,
  mappingValue,
  vtlOriginOverride,
  type GwGatewayResponse,
  type GwHeader,
  type GwIntegration,
  type GwMethod,
  type GwResource,
  type RestApiModel,
} from '../cloudformation/apigw.js';
import { apiKeyRequirement, authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from '../cloudformation/auth.js';
import { integrationType, selectIntegrationResponse } from '../cloudformation/rest.js';
import { allPages, run, type CallContext } from './call.js';
import { methodUri, resourceUri, targetUri, uriSpan } from './targets.js';

type RestSdk = typeof import('@aws-sdk/client-api-gateway');
type RestClient = InstanceType<RestSdk['APIGatewayClient']>;

/** What the API returns for one REST API, unconverted. */
export interface LiveRestApi {
  id: string;
  api: RestApi;
  resources: Resource[];
  authorizers: Authorizer[];
  gatewayResponses: GatewayResponse[];
  stage?: Stage;
}

const arn = (path: string) => `arn:aws:apigateway:<region>::/restapis/${path}`;

export async function fetchRestApi(sdk: RestSdk, client: RestClient, id: string, stage: string | undefined, ctx: CallContext): Promise<LiveRestApi> {
  const what = `REST API ${id}`;
  const get = { action: 'apigateway:GET' };
  // The API itself first: an unknown id or a missing permission is then reported on the API, not on whichever list call lost the race.
  const api = await run(() => client.send(new sdk.GetRestApiCommand({ restApiId: id })), { ...get, api: 'GetRestApi', arn: arn(id), what }, ctx);
  const [resources, authorizers, gatewayResponses, stageInfo] = await Promise.all([
    allPages(async (position) => {
      const page = await run(
        () => client.send(new sdk.GetResourcesCommand({ restApiId: id, embed: ['methods'], limit: 500, ...(position ? { position } : {}) })),
        { ...get, api: 'GetResources', arn: arn(`${id}/resources`), what: `the resources and methods of ${what}` },
        ctx,
      );
      return { items: page.items, next: page.position };
    }),
    allPages(async (position) => {
      const page = await run(
        () => client.send(new sdk.GetAuthorizersCommand({ restApiId: id, limit: 500, ...(position ? { position } : {}) })),
        { ...get, api: 'GetAuthorizers', arn: arn(`${id}/authorizers`), what: `the authorizers of ${what}` },
        ctx,
      );
      return { items: page.items, next: page.position };
    }),
    allPages(async (position) => {
      const page = await run(
        () => client.send(new sdk.GetGatewayResponsesCommand({ restApiId: id, limit: 500, ...(position ? { position } : {}) })),
        { ...get, api: 'GetGatewayResponses', arn: arn(`${id}/gatewayresponses`), what: `the gateway responses of ${what}` },
        ctx,
      );
      return { items: page.items, next: page.position };
    }),
    stage === undefined
      ? undefined
      : run(() => client.send(new sdk.GetStageCommand({ restApiId: id, stageName: stage })), { ...get, api: 'GetStage', arn: arn(`${id}/stages/${stage}`), what: `stage ${stage} of ${what}` }, ctx),
  ]);
  // An endpoint that ignores `embed` (some emulators) returns empty method stubs: read those one by one.
  await Promise.all(
    resources.flatMap((r) =>
      Object.entries(r.resourceMethods ?? {})
        .filter(([, m]) => isStub(m))
        .map(async ([verb]) => {
          const m = await run(
            () => client.send(new sdk.GetMethodCommand({ restApiId: id, resourceId: r.id!, httpMethod: verb })),
            { ...get, api: 'GetMethod', arn: arn(`${id}/resources/${r.id}/methods/${verb}`), what: `${verb} ${r.path ?? r.id} of ${what}` },
            ctx,
          );
          r.resourceMethods![verb] = m;
        }),
    ),
  );
  const out: LiveRestApi = { id, api, resources, authorizers, gatewayResponses };
  if (stageInfo) out.stage = stageInfo;
  return out;
}

function isStub(m: Method | undefined): boolean {
  return !m || (m.httpMethod === undefined && m.authorizationType === undefined && m.methodIntegration === undefined);
}

// ---------------------------------------------------------------------------------------------
// Conversion (pure)

/** A mapping expression's value; `stageVariables.x` is known when a stage was read. */
function headerValue(text: string, stageVariables: Record<string, string> | undefined): HeaderValue {
  const sv = /^\s*stageVariables\.([A-Za-z0-9_]+)\s*$/.exec(text);
  if (sv && stageVariables && stageVariables[sv[1]!] !== undefined) return { kind: 'literal', text: stageVariables[sv[1]!]! };
  return mappingValue({ ok: true, text });
}

function headerParams(params: Record<string, string> | undefined, prefix: RegExp, span: Span, stageVariables: Record<string, string> | undefined): GwHeader[] {
  const out: GwHeader[] = [];
  for (const [key, value] of Object.entries(params ?? {})) {
    const m = prefix.exec(key);
    if (!m || typeof value !== 'string') continue;
    out.push({ name: m[1]!, value: headerValue(value, stageVariables), span });
  }
  return out;
}

/** The status a MOCK integration's request template selects (`{"statusCode": 200}`). */
function mockStatus(templates: Record<string, string> | undefined): number | undefined {
  for (const text of Object.values(templates ?? {})) {
    const m = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(text ?? '');
    if (m) return Number(m[1]);
  }
  return undefined;
}

function convertIntegration(i: Integration | undefined, span: Span, stageVariables: Record<string, string> | undefined): GwIntegration {
  if (!i) return { type: 'unknown', headers: [] };
  const type = integrationType(i.type);
  const out: GwIntegration = { type, span, headers: [] };
  if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') return out;
  const responses = Object.entries(i.integrationResponses ?? {}).map(([key, r]) => ({
    r,
    pattern: r.selectionPattern,
    status: r.statusCode ?? key,
  }));
  const wanted = type === 'MOCK' ? (mockStatus(i.requestTemplates) ?? 200) : undefined;
  const chosen = selectIntegrationResponse(responses, wanted);
  if (!chosen) {
    out.status = { kind: 'unknown', reason: 'no integration response matches' };
    return out;
  }
  const code = Number(chosen.status);
  out.status = (Number.isInteger(code) ? { kind: 'fixed', code, span } : { kind: 'unknown', reason: 'the integration response status is not a number' }) as StatusInfo;
  const paramsOf = (r: (typeof responses)[number]) => headerParams(r.r.responseParameters, /^method\.response\.header\.(.+)$/i, span, stageVariables);
  out.headers = paramsOf(chosen);
  // VTL response templates that override Access-Control-Allow-Origin (as applyTemplates does for templates).
  for (const text of Object.values(chosen.r.responseTemplates ?? {})) {
    const v = typeof text === 'string' ? vtlOriginOverride(text) : undefined;
    if (!v) continue;
    const existing = out.headers.find((h) => /^access-control-allow-origin$/i.test(h.name));
    if (existing) existing.value = v;
    else out.headers.push({ name: 'Access-Control-Allow-Origin', value: v, span });
  }
  const errors = responses.filter((r) => r !== chosen && !/^2/.test(r.status ?? ''));
  if (errors.length) {
    const sets = errors.map((e) => new Set(paramsOf(e).map((h) => h.name.toLowerCase())));
    out.errorHeaderNames = out.headers.map((h) => h.name).filter((n) => sets.every((s) => s.has(n.toLowerCase())));
  }
  return out;
}

function convertAuthorizer(apiId: string, a: Authorizer): GwAuthorizer {
  const type = (a.type ?? '').toUpperCase();
  const known = type === 'TOKEN' || type === 'REQUEST' || type === 'COGNITO_USER_POOLS' ? (type as GwAuthorizer['type']) : 'unknown';
  return {
    name: a.name ?? a.id ?? 'authorizer',
    type: known,
    headers: a.identitySource ? identityHeaders(a.identitySource) : known !== 'REQUEST' ? ['Authorization'] : [],
    span: uriSpan(`${targetUri({ kind: 'rest-api', id: apiId })}/authorizers/${a.id ?? a.name ?? 'unknown'}`),
  };
}

function methodAuth(m: Method, span: Span, authorizers: Map<string, GwAuthorizer>, apiKeyHeader: string | undefined): AuthRequirement[] {
  const auth: AuthRequirement[] = [];
  const kind = (m.authorizationType ?? 'NONE').toUpperCase();
  if (kind === 'AWS_IAM') auth.push(iamRequirement(span));
  else if (kind === 'CUSTOM' || kind === 'COGNITO_USER_POOLS') {
    const found = m.authorizerId ? authorizers.get(m.authorizerId) : undefined;
    const a: GwAuthorizer = found
      ? { ...found, type: kind === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : found.type }
      : { name: m.authorizerId ?? 'authorizer', type: kind === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'unknown', headers: kind === 'COGNITO_USER_POOLS' ? ['Authorization'] : [], span };
    auth.push(authorizerRequirement(a, span));
  } else if (kind !== 'NONE') {
    auth.push({ mechanism: 'unknown', description: `authorization type ${m.authorizationType}`, span });
  }
  if (m.apiKeyRequired && apiKeyHeader) auth.push(apiKeyRequirement(span, apiKeyHeader));
  return auth;
}

export function convertRestApi(live: LiveRestApi): { model: RestApiModel; diagnostics: SourceDiagnostic[] } {
  const id = live.id;
  const apiUri = targetUri({ kind: 'rest-api', id });
  const diagnostics: SourceDiagnostic[] = [];
  const stageVariables = live.stage ? (live.stage.variables ?? {}) : undefined;
  // ApiKeySourceType AUTHORIZER: the key comes from the authorizer, not from a request header.
  const apiKeyHeader = (live.api.apiKeySource ?? 'HEADER').toUpperCase() === 'AUTHORIZER' ? undefined : 'X-Api-Key';
  const authorizers = new Map(live.authorizers.filter((a) => a.id).map((a) => [a.id!, convertAuthorizer(id, a)]));
  const resources: GwResource[] = [];
  for (const r of live.resources) {
    if (!r.path) {
      diagnostics.push({ ruleId: 'unresolved-include', message: `Resource ${r.id ?? '?'} of REST API ${id} came back without a path; its methods were not checked`, span: uriSpan(apiUri) });
      continue;
    }
    const res: GwResource = { path: r.path, span: uriSpan(resourceUri('rest-api', id, r.path)), methods: [] };
    for (const [verb, m] of Object.entries(r.resourceMethods ?? {})) {
      if (!m) continue;
      const method = (m.httpMethod ?? verb).toUpperCase();
      const span = uriSpan(methodUri('rest-api', id, r.path, method));
      const auth = methodAuth(m, span, authorizers, apiKeyHeader);
      const gm: GwMethod = {
        method,
        span,
        auth,
        integration: convertIntegration(m.methodIntegration, span, stageVariables),
        requiredHeaders: authHeaders(auth, span),
        description: `${method} method of resource ${r.id ?? r.path}`,
      };
      if (Object.keys(m.requestModels ?? {}).some((k) => /json/i.test(k))) gm.takesJson = true;
      res.methods.push(gm);
    }
    resources.push(res);
  }
  const gatewayResponses: GwGatewayResponse[] = [];
  for (const g of live.gatewayResponses) {
    // Uncustomized types (`defaultResponse: true`) fall back to DEFAULT_4XX/DEFAULT_5XX like an absent declaration.
    if (!g.responseType || g.defaultResponse === true) continue;
    const type = g.responseType.toUpperCase();
    const span = uriSpan(`${apiUri}/gatewayresponses/${type}`);
    const gr: GwGatewayResponse = { type, headers: headerParams(g.responseParameters, /^gatewayresponse\.header\.(.+)$/i, span, stageVariables), span };
    if (g.statusCode && /^\d{3}$/.test(g.statusCode)) gr.status = Number(g.statusCode);
    gatewayResponses.push(gr);
  }
  const model: RestApiModel = { id, label: live.api.name ?? id, source: 'aws-live', span: uriSpan(apiUri), resources, gatewayResponses };
  if (live.stage) {
    model.notes = [
      `stage ${live.stage.stageName ?? '?'} (deployment ${live.stage.deploymentId ?? '?'}): the methods read are the API's current configuration, which the stage serves only once deployed`,
    ];
  }
  return { model, diagnostics };
}
