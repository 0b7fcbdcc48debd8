import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError, ValidationFailedError } from './errors';

/** The request body exactly as the client sent it (HMAC signatures are computed over these bytes). */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** Header lookup that does not care how the client (or API Gateway) cased the name. */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0)
    throw new ValidationFailedError([{ path: '(body)', message: 'request body is empty' }]);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e: unknown) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ValidationFailedError([{ path: '(body)', message: `body is not valid JSON: ${reason}` }]);
  }
}

export function pathParameter(event: Pick<APIGatewayProxyEventV2, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new HttpError(400, 'bad_request', `missing path parameter ${name}`);
  }
  return value;
}
