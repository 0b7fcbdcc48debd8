import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formatPath } from '../config/schema';
import type { Issue } from '../domain/errors';

export type { Issue };

/** An error that IS an HTTP answer: the error middleware turns it into exactly this response. */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ValidationFailedError extends HttpError {
  override readonly name = 'ValidationFailedError';
  constructor(readonly issues: readonly Issue[]) {
    super(400, 'validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
  }
}

export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const payloadTooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function toIssues(
  zodIssues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
): Issue[] {
  return zodIssues.map((i) => ({ path: i.path.length ? formatPath(i.path) : '(body)', message: i.message }));
}

/** The repository's UnreadableTicketError, known by its name (as Step Functions Catch rules know errors). */
function isUnreadableTicket(error: unknown): error is Error & { ticketId: string } {
  return (
    error instanceof Error &&
    error.name === 'UnreadableTicketError' &&
    typeof (error as { ticketId?: unknown }).ticketId === 'string'
  );
}

interface ErrorLogger {
  error(message: string, ...extra: unknown[]): void;
}

/**
 * Maps errors to responses. Register it FIRST in `.use(...)` so middy runs its onError LAST.
 * Known HttpErrors answer themselves; anything else is our fault: logged, answered 500 without details.
 */
export function httpErrors(logger: ErrorLogger): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    onError: async (request) => {
      const error: unknown = request.error;
      if (error instanceof HttpError) {
        request.response = json(error.statusCode, {
          error: error.code,
          message: error.message,
          ...error.extra,
        });
        return;
      }
      if (isUnreadableTicket(error)) {
        // Our fault, not the caller's: the stored ticket does not parse (its key and problems are logged).
        request.response = json(500, {
          error: 'unreadable_ticket',
          ticketId: error.ticketId,
          message: `ticket ${error.ticketId} is stored in a form that cannot be read; it needs repair`,
        });
        return;
      }
      logger.error('unhandled error', { error });
      request.response = json(500, { error: 'internal_error', message: 'Something went wrong on our side.' });
    },
  };
}
