import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { TransitionBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { transitionTicket } from '../../shared/use-cases/transition';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/transition` `{ to, reason? }` with `If-Match: <version>`: 200 with the ticket,
 * 409 stale, 422 when the transition table or a guard refuses (naming which and why).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, TransitionBody);
    const result = await transitionTicket(
      {
        ticketId: req.ticketId,
        ...req.body,
        expectedVersion: req.version,
        actor: req.actor,
        scope: req.scope,
      },
      ports,
    );
    return ticketWriteResponse(result, req.ticketId);
  });
