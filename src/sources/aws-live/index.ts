/**
 * The live-account source (`corslint --aws <target>`): reads REST APIs, HTTP APIs and
 * CloudFront distributions through the AWS SDK and normalizes them with the same builders as
 * the CloudFormation/OpenAPI sources, so every rule runs unchanged on deployed configuration.
 *
 * The SDK is loaded here, and this module is only imported when `--aws` is given. Credentials
 * and region come from the SDK's standard chain (environment, AWS_PROFILE and the shared
 * files, SSO, web identity, container/instance roles); `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_API_GATEWAY` / `_APIGATEWAYV2` / `_CLOUDFRONT` are honoured by the SDK
 * itself (@smithy/core's endpoint config reads them), which lets tests and emulators point it
 * at a local endpoint.
 */
import type { Route, SourceDiagnostic, SourceResult } from '../../model/types.js';
import { httpApiToRoutes, restApiToRoutes } from '../cloudformation/apigw.js';
import type { OriginInfo } from '../cloudformation/cloudfront.js';
import { endpointOverride, type CallContext } from './call.js';
import { convertDistribution, fetchDistribution } from './cloudfront.js';
import { AwsLiveError, isMissingRegion, missingRegion } from './errors.js';
import { convertHttpApi, fetchHttpApi } from './http.js';
import { convertRestApi, fetchRestApi } from './rest.js';
import { parseAwsTargets, targetUri, type AwsTarget } from './targets.js';

export { AwsLiveError } from './errors.js';
export { AwsTargetError, parseAwsTargets } from './targets.js';

export interface AwsLiveResult {
  result: SourceResult;
  /** one location per target (`aws://rest-api/abc123`): the "files" this run linted */
  targets: string[];
}

// Bounded so an endpoint that accepts the connection and never answers cannot hang the linter.
const CLIENT_CONFIG = { maxAttempts: 3, requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 } };

async function apiGatewayRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  try {
    const region = await client.config.region();
    if (!region) throw missingRegion();
    return region;
  } catch (err) {
    if (err instanceof AwsLiveError) throw err;
    if (isMissingRegion(err)) throw missingRegion();
    throw new AwsLiveError(`Cannot determine the AWS region: ${(err as Error).message}`);
  }
}

/** Fetches and converts every target; throws AwsLiveError (a usage/configuration failure) on any SDK error. */
export async function loadAwsLive(specs: readonly string[]): Promise<AwsLiveResult> {
  const targets = parseAwsTargets(specs);
  const of = <K extends AwsTarget['kind']>(kind: K) => targets.filter((t): t is Extract<AwsTarget, { kind: K }> => t.kind === kind);
  const rest = of('rest-api');
  const http = of('http-api');
  const cf = of('cloudfront');

  // The SDK warns on Node < 22 about its own future releases: news for corslint's maintainers,
  // not for a user reading lint output (who can still turn it back on by setting the variable).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [restSdk, httpSdk, cfSdk] = await Promise.all([
    rest.length ? import('@aws-sdk/client-api-gateway') : undefined,
    http.length ? import('@aws-sdk/client-apigatewayv2') : undefined,
    cf.length ? import('@aws-sdk/client-cloudfront') : undefined,
  ]);
  const restClient = restSdk ? new restSdk.APIGatewayClient(CLIENT_CONFIG) : undefined;
  const httpClient = httpSdk ? new httpSdk.ApiGatewayV2Client(CLIENT_CONFIG) : undefined;
  // CloudFront is global: its API lives in us-east-1 whatever AWS_REGION says.
  const cfClient = cfSdk ? new cfSdk.CloudFrontClient({ ...CLIENT_CONFIG, region: 'us-east-1' }) : undefined;
  try {
    const region = restClient ? await apiGatewayRegion(restClient) : httpClient ? await apiGatewayRegion(httpClient) : undefined;
    const ctx = (serviceId: string): CallContext => {
      const c: CallContext = {};
      if (region) c.region = region;
      const endpoint = endpointOverride(serviceId);
      if (endpoint) c.endpoint = endpoint;
      return c;
    };
    const [restLive, httpLive, cfLive] = await Promise.all([
      Promise.all(rest.map((t) => fetchRestApi(restSdk!, restClient!, t.id, t.stage, ctx('API Gateway')))),
      Promise.all(http.map((t) => fetchHttpApi(httpSdk!, httpClient!, t.id, ctx('ApiGatewayV2')))),
      Promise.all(cf.map((t) => fetchDistribution(cfSdk!, cfClient!, t.id, ctx('CloudFront')))),
    ]);

    const routes: Route[] = [];
    const diagnostics: SourceDiagnostic[] = [];
    const origins = new Map<string, OriginInfo>();
    for (const live of restLive) {
      const { model, diagnostics: d } = convertRestApi(live);
      diagnostics.push(...d);
      const own = restApiToRoutes(model);
      routes.push(...own);
      origins.set(live.id, { emitsCors: 'unknown', kind: 'proxy', description: `REST API ${model.label} (${live.id})`, requiredHeaders: requiredHeaders(own) });
    }
    for (const live of httpLive) {
      const model = convertHttpApi(live);
      const own = httpApiToRoutes(model);
      routes.push(...own);
      origins.set(live.id, { emitsCors: model.cors ? 'yes' : 'unknown', kind: 'proxy', description: `HTTP API ${model.label} (${live.id})`, requiredHeaders: requiredHeaders(own) });
    }
    for (const live of cfLive) {
      routes.push(
        ...convertDistribution(live, (domain) => {
          // `<api-id>.execute-api.<region>.amazonaws.com`: an API read in this run tells what its routes need.
          const apiId = /^([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/i.exec(domain)?.[1];
          return apiId ? origins.get(apiId) : undefined;
        }),
      );
    }
    return { result: { routes, diagnostics, files: new Map() }, targets: targets.map(targetUri) };
  } finally {
    restClient?.destroy();
    httpClient?.destroy();
    cfClient?.destroy();
  }
}

/** The request headers an API's routes need, each name once (what a CDN in front must pass on). */
function requiredHeaders(routes: Route[]): OriginInfo['requiredHeaders'] {
  const seen = new Set<string>();
  const out: OriginInfo['requiredHeaders'] = [];
  for (const h of routes.flatMap((r) => r.requiredRequestHeaders ?? [])) {
    const k = h.name.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(h);
  }
  return out;
}
