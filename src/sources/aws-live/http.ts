/**
 * A live HTTP API (API Gateway v2): GetApi (with its CorsConfiguration), GetRoutes,
 * GetAuthorizers and GetIntegrations (paged by NextToken), converted into the `HttpApiModel`
 * CloudFormation, SAM and OpenAPI produce, so `httpApiToRoutes` and every rule apply unchanged.
 */
import type { Authorizer, Cors, GetApiCommandOutput, Integration, Route as V2Route } from '@aws-sdk/client-apigatewayv2';
import type { AuthRequirement, Span } from '../../model/types.js';
import { authHeaders, type HttpApiModel, type HttpCors, type HttpRoute } from '../cloudformation/apigw.js';
import { authorizerRequirement, iamRequirement, identityHeaders, type GwAuthorizer } from '../cloudformation/auth.js';
import { httpAuthorizerType } from '../cloudformation/http.js';
import { allPages, run, type CallContext } from './call.js';
import { AwsLiveError } from './errors.js';
import { methodUri, targetUri, uriSpan } from './targets.js';

type HttpSdk = typeof import('@aws-sdk/client-apigatewayv2');
type HttpClient = InstanceType<HttpSdk['ApiGatewayV2Client']>;

export interface LiveHttpApi {
  id: string;
  api: Omit<GetApiCommandOutput, '$metadata'>;
  routes: V2Route[];
  authorizers: Authorizer[];
  integrations: Integration[];
}

const arn = (path: string) => `arn:aws:apigateway:<region>::/apis/${path}`;

export async function fetchHttpApi(sdk: HttpSdk, client: HttpClient, id: string, ctx: CallContext): Promise<LiveHttpApi> {
  const what = `HTTP API ${id}`;
  const get = { action: 'apigateway:GET' };
  // The API itself first: an unknown id, a missing permission or a WebSocket API is reported before any list call.
  const { $metadata: _m, ...api } = await run(() => client.send(new sdk.GetApiCommand({ ApiId: id })), { ...get, api: 'GetApi', arn: arn(id), what }, ctx);
  if (api.ProtocolType && api.ProtocolType.toUpperCase() !== 'HTTP') {
    throw new AwsLiveError(`API ${id} is a ${api.ProtocolType} API: only HTTP APIs have a CORS configuration (use rest-api:<id> for REST APIs)`);
  }
  const [routes, authorizers, integrations] = await Promise.all([
    allPages(async (NextToken) => {
      const page = await run(() => client.send(new sdk.GetRoutesCommand({ ApiId: id, MaxResults: '500', ...(NextToken ? { NextToken } : {}) })), { ...get, api: 'GetRoutes', arn: arn(`${id}/routes`), what: `the routes of ${what}` }, ctx);
      return { items: page.Items, next: page.NextToken };
    }),
    allPages(async (NextToken) => {
      const page = await run(
        () => client.send(new sdk.GetAuthorizersCommand({ ApiId: id, MaxResults: '500', ...(NextToken ? { NextToken } : {}) })),
        { ...get, api: 'GetAuthorizers', arn: arn(`${id}/authorizers`), what: `the authorizers of ${what}` },
        ctx,
      );
      return { items: page.Items, next: page.NextToken };
    }),
    allPages(async (NextToken) => {
      const page = await run(
        () => client.send(new sdk.GetIntegrationsCommand({ ApiId: id, MaxResults: '500', ...(NextToken ? { NextToken } : {}) })),
        { ...get, api: 'GetIntegrations', arn: arn(`${id}/integrations`), what: `the integrations of ${what}` },
        ctx,
      );
      return { items: page.Items, next: page.NextToken };
    }),
  ]);
  return { id, api, routes, authorizers, integrations };
}

// ---------------------------------------------------------------------------------------------
// Conversion (pure)

function corsOf(c: Cors, span: Span): HttpCors {
  const cors: HttpCors = { span };
  const list = (items: string[] | undefined) => (items ? { items: [...items], span } : undefined);
  if (c.AllowOrigins) cors.allowOrigins = { items: c.AllowOrigins.map((text) => ({ text, span })), span };
  const h = list(c.AllowHeaders);
  if (h) cors.allowHeaders = h;
  const m = list(c.AllowMethods);
  if (m) cors.allowMethods = m;
  const e = list(c.ExposeHeaders);
  if (e) cors.exposeHeaders = e;
  if (typeof c.AllowCredentials === 'boolean') cors.allowCredentials = { value: c.AllowCredentials, span };
  if (typeof c.MaxAge === 'number') cors.maxAge = { value: c.MaxAge, span };
  return cors;
}

/** `GET /orders` → `aws://http-api/<id>/orders/GET`; `$default` → `aws://http-api/<id>/$default`. */
export function routeUri(apiId: string, routeKey: string): string {
  const m = /^(\S+)\s+(\S+)$/.exec(routeKey.trim());
  if (!m) return `${targetUri({ kind: 'http-api', id: apiId })}/${routeKey.trim()}`;
  return methodUri('http-api', apiId, m[2]!, m[1]!.toUpperCase());
}

export function convertHttpApi(live: LiveHttpApi): HttpApiModel {
  const id = live.id;
  const apiUri = targetUri({ kind: 'http-api', id });
  const authorizers = new Map<string, GwAuthorizer>();
  for (const a of live.authorizers) {
    if (!a.AuthorizerId) continue;
    authorizers.set(a.AuthorizerId, {
      name: a.Name ?? a.AuthorizerId,
      type: httpAuthorizerType(a.AuthorizerType),
      headers: (a.IdentitySource ?? []).flatMap((s) => identityHeaders(s)),
      span: uriSpan(`${apiUri}/authorizers/${a.AuthorizerId}`),
    });
  }
  const integrations = new Map(live.integrations.filter((i) => i.IntegrationId).map((i) => [i.IntegrationId!, i]));
  const routes: HttpRoute[] = [];
  for (const r of live.routes) {
    if (!r.RouteKey) continue;
    const span = uriSpan(routeUri(id, r.RouteKey));
    const auth: AuthRequirement[] = [];
    const kind = (r.AuthorizationType ?? 'NONE').toUpperCase();
    if (kind === 'AWS_IAM') auth.push(iamRequirement(span));
    else if (kind === 'JWT' || kind === 'CUSTOM') {
      const a = (r.AuthorizerId && authorizers.get(r.AuthorizerId)) || {
        name: r.AuthorizerId ?? 'authorizer',
        type: kind === 'JWT' ? ('JWT' as const) : ('REQUEST' as const),
        headers: kind === 'JWT' ? ['Authorization'] : [],
        span,
      };
      auth.push(authorizerRequirement(a, span));
    } else if (kind !== 'NONE') auth.push({ mechanism: 'unknown', description: `authorization type ${r.AuthorizationType}`, span });
    const integrationId = /^integrations\/(.+)$/.exec(r.Target ?? '')?.[1];
    const type = (integrationId && integrations.get(integrationId)?.IntegrationType) || '';
    routes.push({
      routeKey: r.RouteKey,
      span,
      auth,
      requiredHeaders: authHeaders(auth, span),
      backend: type === 'AWS_PROXY' ? 'lambda-proxy' : type === 'HTTP_PROXY' ? 'http-proxy' : 'unknown',
    });
  }
  const model: HttpApiModel = { id, label: live.api.Name ?? id, source: 'aws-live', span: uriSpan(apiUri), routes };
  if (live.api.CorsConfiguration) model.cors = corsOf(live.api.CorsConfiguration, uriSpan(`${apiUri}/cors`));
  return model;
}
