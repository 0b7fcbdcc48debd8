import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { systemClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize } from '../../shared/http/access';
import { HandoffBody } from '../../shared/http/contracts';
import {
  HttpError,
  type HttpResult,
  httpErrors,
  toIssues,
  ValidationFailedError,
} from '../../shared/http/errors';
import { parseJsonBody, rawBody } from '../../shared/http/request';
import { expectedVersion, ticketIdFrom, ticketWriteResponse } from '../../shared/http/ticket-write';
import { handOffTicket } from '../../shared/use-cases/hand-off';

const ports = ticketPorts();

/** `POST /v1/tickets/{id}/handoff` with `If-Match: <version>`: 200, 409 stale, 422 refused precondition. */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const ticketId = await ticketIdFrom(event, ports.tickets);
    const version = expectedVersion(event);
    const parsed = HandoffBody.safeParse(parseJsonBody(rawBody(event)));
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));

    const result = await handOffTicket(
      {
        ticketId,
        ...parsed.data,
        expectedVersion: version,
        actor: { kind: 'agent', id: caller.email ?? caller.sub },
      },
      { tickets: ports.tickets, clock: systemClock, config: ports.config },
    );
    return ticketWriteResponse(
      result,
      ticketId,
      (error) =>
        new HttpError(422, 'handoff_refused', error.message, {
          ...(error.rule ? { rule: error.rule } : {}),
          ...(error.condition ? { condition: error.condition } : {}),
        }),
    );
  });
