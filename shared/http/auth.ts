import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { unauthorized } from './errors';

export interface Caller {
  readonly sub: string;
  readonly email: string | undefined;
  readonly groups: readonly string[];
}

/**
 * API Gateway's JWT authorizer has verified the token before the function runs (in AWS and in the
 * local gateway); the handler only reads the claims. HTTP APIs hand array claims over as the
 * string "[a b]", so both that and a real array are accepted.
 */
export function callerFrom(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') throw unauthorized('a bearer token is required');
  const raw = claims['cognito:groups'];
  const groups = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [];
  return { sub: claims.sub, email: typeof claims.email === 'string' ? claims.email : undefined, groups };
}
