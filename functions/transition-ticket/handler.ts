import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize } from '../../shared/http/access';
import { TransitionBody } from '../../shared/http/contracts';
import {
  HttpError,
  type HttpResult,
  httpErrors,
  toIssues,
  ValidationFailedError,
} from '../../shared/http/errors';
import { parseJsonBody, rawBody } from '../../shared/http/request';
import { expectedVersion, ticketIdFrom, ticketWriteResponse } from '../../shared/http/ticket-write';
import { transitionTicket } from '../../shared/use-cases/transition';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/transition` `{ to, reason? }` with `If-Match: <version>`: 200 with the ticket,
 * 409 stale, 422 when the transition table or a guard refuses (naming which and why).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const ticketId = await ticketIdFrom(event, ports.tickets);
    const version = expectedVersion(event);
    const parsed = TransitionBody.safeParse(parseJsonBody(rawBody(event)));
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));

    const result = await transitionTicket(
      {
        ticketId,
        ...parsed.data,
        expectedVersion: version,
        actor: { kind: 'agent', id: caller.email ?? caller.sub },
      },
      ports,
    );
    return ticketWriteResponse(
      result,
      ticketId,
      (error) =>
        new HttpError(422, 'transition_refused', error.message, {
          code: error.code,
          ...(error.guard ? { guard: error.guard } : {}),
        }),
    );
  });
