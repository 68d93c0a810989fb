/**
 * SDK failures turned into one line a user can act on: which permission on which resource was
 * denied, how to provide credentials or a region, which id does not exist. The CLI exits 2 on
 * any of them (configuration problem, not a lint result).
 */

export class AwsLiveError extends Error {}

/** The API call that failed, in IAM's terms. */
export interface AwsCall {
  /** IAM action: `apigateway:GET`, `cloudfront:GetDistributionConfig` */
  action: string;
  /** the resource ARN, possibly with `<region>` / `<account>` placeholders still to fill */
  arn: string;
  /** what was being read, for messages: `the resources of REST API abc123` */
  what: string;
  /** the API that failed, e.g. `GetResources` */
  api: string;
}

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  Code?: string;
}

const CREDENTIAL_HELP =
  'provide credentials through the standard AWS chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary ones), ' +
  'AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config (run `aws sso login --profile <name>` for SSO profiles), ' +
  'web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), or an instance/container role';

const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'TokenRefreshRequired',
]);

const NOT_FOUND = new Set(['NotFoundException', 'NoSuchDistribution', 'NoSuchResponseHeadersPolicy', 'NoSuchCachePolicy', 'NoSuchOriginRequestPolicy', 'NoSuchResource']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError']);

/** The region is needed before any call; its absence is reported on its own. */
export function missingRegion(): AwsLiveError {
  return new AwsLiveError(
    'No AWS region for API Gateway: set AWS_REGION (e.g. AWS_REGION=eu-west-1), or a `region` in the profile AWS_PROFILE names (~/.aws/config)',
  );
}

export function isMissingRegion(err: unknown): boolean {
  return err instanceof Error && /region is missing/i.test(err.message);
}

function accountFrom(message: string): string | undefined {
  return /arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(message)?.[1];
}

/** Explains a failed call; `region` and `endpoint` fill the ARN and the network message. */
export function describeAwsError(err: unknown, call: AwsCall, context: { region?: string; endpoint?: string }): AwsLiveError {
  if (err instanceof AwsLiveError) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? 'Error';
  const message = (e.message ?? String(err)).trim();
  const status = e.$metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new AwsLiveError(`No AWS credentials found for ${call.api} (${call.what}): ${CREDENTIAL_HELP}`);
  }
  if (isMissingRegion(err)) return missingRegion();
  if (REJECTED_CREDENTIALS.has(name)) {
    return new AwsLiveError(`AWS rejected the credentials for ${call.api} (${name}: ${message}): refresh or replace them; ${CREDENTIAL_HELP}`);
  }
  const arn = call.arn.replace('<region>', context.region ?? '<region>').replace('<account>', accountFrom(message) ?? '<account>');
  if (/^AccessDenied/.test(name) || (status === 403 && !NOT_FOUND.has(name))) {
    return new AwsLiveError(
      `${call.action} on ${arn} denied (${call.api}, reading ${call.what}): grant the read-only permission ${call.action} on that resource to the identity in use${message ? ` (AWS said: ${message})` : ''}`,
    );
  }
  if (NOT_FOUND.has(name) || status === 404) {
    const where = call.action.startsWith('apigateway:') && context.region ? ` in region ${context.region} (check the id and AWS_REGION)` : ' (check the id)';
    return new AwsLiveError(`${capitalize(call.what)} was not found${where}: ${call.api} answered ${name}${message ? `: ${message}` : ''}`);
  }
  const code = e.code ?? name;
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) {
    const to = context.endpoint ? `the endpoint ${context.endpoint}` : 'the AWS endpoint';
    return new AwsLiveError(`Cannot reach ${to} for ${call.api} (${code}: ${message}); check AWS_ENDPOINT_URL / the network`);
  }
  if (/Throttl|TooManyRequests/.test(name)) {
    return new AwsLiveError(`${call.api} was throttled while reading ${call.what} (${name}) even after the SDK's retries; try again later`);
  }
  return new AwsLiveError(`${call.api} failed while reading ${call.what}: ${name}${message && message !== name ? `: ${message}` : ''}`);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
