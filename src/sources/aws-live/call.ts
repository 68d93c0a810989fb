/** One SDK call with its failure explained, and token paging that cannot loop forever. */
import { describeAwsError, type AwsCall } from './errors.js';

export interface CallContext {
  /** the region API Gateway calls go to (fills ARNs in messages) */
  region?: string;
  /** AWS_ENDPOINT_URL(_<SERVICE>), when set: named in network errors */
  endpoint?: string;
}

export async function run<T>(send: () => Promise<T>, call: AwsCall, context: CallContext): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw describeAwsError(err, call, context);
  }
}

/**
 * Every item of a paged list. A token seen before ends the listing (an endpoint that keeps
 * answering the same `position` must not hang the linter), as does an absurd page count.
 */
export async function allPages<T>(page: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let n = 0; n < 10_000; n++) {
    const p = await page(token);
    if (p.items) out.push(...p.items);
    if (!p.next || seen.has(p.next)) break;
    seen.add(p.next);
    token = p.next;
  }
  return out;
}

/** The endpoint override the SDK will use for a service (`API Gateway` → AWS_ENDPOINT_URL_API_GATEWAY). */
export function endpointOverride(serviceId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const specific = env[['AWS_ENDPOINT_URL', ...serviceId.split(' ').map((w) => w.toUpperCase())].join('_')];
  return specific || env.AWS_ENDPOINT_URL || undefined;
}
