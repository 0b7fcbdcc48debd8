import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidInputError } from '../domain/errors';
import { wellFormed } from '../domain/ticket-input';
import { HttpError, payloadTooLarge, toIssues } from './errors';

/*
 * Reading a request: the raw body, headers, path parameters, and THE way a body is parsed — JSON (or a
 * plain HTML form), then a zod contract (`contracts.ts`, `form-contract.ts`, …); anything that does not
 * read is an InvalidInputError naming each problem (400 `validation_failed`).
 */

/** The request body exactly as the client sent it (HMAC signatures are computed over these bytes). */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** The raw body, refused with 413 over `maxBytes` before anything reads it. */
export function rawBodyAtMost(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  maxBytes: number,
  what: string,
): Buffer {
  const body = rawBody(event);
  if (body.length > maxBytes) throw payloadTooLarge(`${what} is limited to ${maxBytes} bytes`);
  return body;
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
  if (raw.length === 0) throw new InvalidInputError([{ path: '(body)', message: 'request body is empty' }]);
  try {
    return parseJson(raw.toString('utf8'));
  } catch (e: unknown) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new InvalidInputError([{ path: '(body)', message: `body is not valid JSON: ${reason}` }]);
  }
}

/** What a request contract needs of a schema (every zod schema has it). */
export interface Contract<T> {
  safeParse(input: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: { issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }> };
      };
}

/** Input (a parsed body, the query string) through its contract, or InvalidInputError naming each problem. */
export function parseWith<T>(contract: Contract<T>, input: unknown): T {
  const parsed = contract.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(toIssues(parsed.error.issues));
  return parsed.data;
}

/** The JSON body through its contract. */
export function jsonBody<T>(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  contract: Contract<T>,
): T {
  return parseWith(contract, parseJsonBody(rawBody(event)));
}

/** A plain HTML form's post (urlencoded), answered with a page rather than JSON. */
export function isFormPost(event: Pick<APIGatewayProxyEventV2, 'headers'>): boolean {
  return /^application\/x-www-form-urlencoded\b/i.test(header(event, 'content-type') ?? '');
}

/**
 * The body of a route that takes JSON from a script and a plain HTML form from a page (urlencoded): its
 * fields as an object, and whether it came from the form (the answer is then a page, not JSON).
 * A JSON body that is not an object is refused with `shape` saying what it should be.
 */
export function jsonOrFormBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  shape: string,
): { readonly isForm: boolean; readonly input: Readonly<Record<string, unknown>> } {
  const raw = rawBody(event);
  const isForm = isFormPost(event);
  if (isForm) return { isForm, input: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  const input = parseJsonBody(raw);
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw new InvalidInputError([{ path: '(body)', message: `must be an object ${shape}` }]);
  return { isForm, input: input as Record<string, unknown> };
}

export function pathParameter(event: Pick<APIGatewayProxyEventV2, 'pathParameters'>, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') {
    throw new HttpError(400, 'bad_request', `missing path parameter ${name}`);
  }
  return value;
}
