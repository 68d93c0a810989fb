/**
 * `--aws` targets (`rest-api:<id>[@stage]`, `http-api:<id>`, `cloudfront:<distribution-id>`) and
 * the `aws://` locations findings on live configuration point at. A location names the object
 * that causes a finding the way the service's own API paths do (`/restapis/<id>/resources`,
 * `/restapis/<id>/gatewayresponses/<type>`), so the user knows what to open in the console or
 * the CLI; there is no text behind it, so line and column are always 1.
 */
import type { Span } from '../../model/types.js';
import { AwsLiveError } from './errors.js';

export type AwsTarget =
  | { kind: 'rest-api'; id: string; stage?: string; spec: string }
  | { kind: 'http-api'; id: string; spec: string }
  | { kind: 'cloudfront'; id: string; spec: string };

/** A malformed `--aws` value (a usage error, exit 2). */
export class AwsTargetError extends AwsLiveError {}

// API Gateway ids are 10 lower-case alphanumerics and CloudFront ids 13-14 upper-case ones, but
// LocalStack and older accounts differ: accept any plain identifier, reject what cannot be an id.
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const STAGE = /^[A-Za-z0-9_-]{1,128}$/;

export function parseAwsTarget(spec: string): AwsTarget {
  const m = /^([a-z-]+):(.*)$/.exec(spec.trim());
  const usage = 'expected rest-api:<id>[@stage], http-api:<id> or cloudfront:<distribution-id>';
  if (!m) throw new AwsTargetError(`Invalid --aws target "${spec}": ${usage}`);
  const kind = m[1]!;
  const rest = m[2]!;
  if (kind === 'rest-api') {
    const [id, stage, extra] = rest.split('@');
    if (!id || !ID.test(id) || extra !== undefined || (stage !== undefined && !STAGE.test(stage))) {
      throw new AwsTargetError(`Invalid --aws target "${spec}": expected rest-api:<id> or rest-api:<id>@<stage>`);
    }
    return stage === undefined ? { kind, id, spec } : { kind, id, stage, spec };
  }
  if (kind === 'http-api' || kind === 'cloudfront') {
    if (!ID.test(rest)) throw new AwsTargetError(`Invalid --aws target "${spec}": expected ${kind}:<${kind === 'cloudfront' ? 'distribution-id' : 'id'}>`);
    return { kind, id: rest, spec };
  }
  throw new AwsTargetError(`Invalid --aws target "${spec}": unknown kind "${kind}"; ${usage}`);
}

/** Targets in command-line order, each once. */
export function parseAwsTargets(specs: readonly string[]): AwsTarget[] {
  const seen = new Set<string>();
  const out: AwsTarget[] = [];
  for (const spec of specs) {
    const t = parseAwsTarget(spec);
    const key = `${t.kind}:${t.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

/** The location of a whole target: `aws://rest-api/abc123`. */
export function targetUri(t: Pick<AwsTarget, 'kind' | 'id'>): string {
  return `aws://${t.kind}/${t.id}`;
}

/** `aws://rest-api/<id>/orders/{id}/PUT`; the root resource's methods are `aws://rest-api/<id>/GET`. */
export function methodUri(kind: 'rest-api' | 'http-api', apiId: string, path: string, method: string): string {
  return `${resourceUri(kind, apiId, path)}${path === '/' ? '' : '/'}${method}`;
}

export function resourceUri(kind: 'rest-api' | 'http-api', apiId: string, path: string): string {
  return `aws://${kind}/${apiId}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A span for an object without text: line 1, column 1 of its `aws://` location. */
export function uriSpan(file: string): Span {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
