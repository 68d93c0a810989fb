/** API Gateway authorizers and method auth as AuthRequirements (shared by CloudFormation, SAM, OpenAPI, live). */
import type { AuthRequirement, Span } from '../../model/types.js';

export interface GwAuthorizer {
  name: string;
  /** TOKEN / REQUEST Lambda authorizers, Cognito user pools, HTTP API JWT, IAM */
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS' | 'JWT' | 'AWS_IAM' | 'unknown';
  /** request headers from the identity source (`method.request.header.Authorization`, `$request.header.Authorization`) */
  headers: string[];
  span: Span;
}

/** Header names in an identity source expression list. */
export function identityHeaders(source: string): string[] {
  const out: string[] = [];
  for (const part of source.split(',')) {
    const m = /^\s*(?:method\.request\.header\.|\$request\.header\.)([A-Za-z0-9_-]+)\s*$/.exec(part);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** The requirement an authorizer puts in front of a method; `span` is where it is attached (the key that causes it). */
export function authorizerRequirement(a: GwAuthorizer, span: Span): AuthRequirement {
  const header = a.headers[0];
  switch (a.type) {
    case 'COGNITO_USER_POOLS':
      return { mechanism: 'authorization-header', header: header ?? 'Authorization', description: `Cognito authorizer ${a.name}`, failureStatus: 401, span };
    case 'JWT':
      return { mechanism: 'authorization-header', header: header ?? 'Authorization', description: `JWT authorizer ${a.name}`, failureStatus: 401, span };
    case 'TOKEN':
      if (!header || /^authorization$/i.test(header)) {
        return { mechanism: 'authorization-header', header: header ?? 'Authorization', description: `Lambda TOKEN authorizer ${a.name}`, failureStatus: 401, span };
      }
      return { mechanism: 'api-key', header, description: `Lambda TOKEN authorizer ${a.name} (reads ${header})`, failureStatus: 401, span };
    case 'REQUEST': {
      const r: AuthRequirement = {
        mechanism: 'subrequest',
        description: `Lambda REQUEST authorizer ${a.name}${a.headers.length ? ` (identity source ${a.headers.join(', ')})` : ''}`,
        // With an identity source, a request missing it is rejected with 401 before the Lambda runs.
        failureStatus: a.headers.length ? 401 : 403,
        span,
      };
      if (header) r.header = header;
      return r;
    }
    case 'AWS_IAM':
      return iamRequirement(span);
    default: {
      const r: AuthRequirement = { mechanism: 'unknown', description: `authorizer ${a.name}`, span };
      if (header) r.header = header;
      return r;
    }
  }
}

export function iamRequirement(span: Span): AuthRequirement {
  return { mechanism: 'iam', header: 'Authorization', description: 'AWS_IAM authorization (SigV4)', failureStatus: 403, span };
}

export function apiKeyRequirement(span: Span, header = 'X-Api-Key'): AuthRequirement {
  return { mechanism: 'api-key', header, description: `API key (${header})`, failureStatus: 403, span };
}
