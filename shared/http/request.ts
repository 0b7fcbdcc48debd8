import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { wellFormed } from '../domain/ticket-input';
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

/** An escaped UTF-16 surrogate (`\ud83d`): valid JSON that may stand for half a pair. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/**
 * `JSON.parse` whose strings and keys are well-formed Unicode: half a surrogate pair (which JSON can carry
 * escaped, and DynamoDB cannot store) becomes U+FFFD, as invalid UTF-8 bytes already do when decoded.
 */
export function parseJson(text: string): unknown {
  if (!ESCAPED_SURROGATE.test(text) && wellFormed(text) === text) return JSON.parse(text);
  return JSON.parse(wellFormed(text), (_key, value: unknown) => {
    if (typeof value === 'string') return wellFormed(value);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const entries = Object.entries(value);
    if (entries.every(([k]) => wellFormed(k) === k)) return value;
    // fromEntries defines own properties, so even a `__proto__` key stays a plain key.
    return Object.fromEntries(entries.map(([k, v]) => [wellFormed(k), v]));
  });
}

export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0)
    throw new ValidationFailedError([{ path: '(body)', message: 'request body is empty' }]);
  try {
    return parseJson(raw.toString('utf8'));
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
