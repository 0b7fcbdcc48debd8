import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { HandoffBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { handOffTicket } from '../../shared/use-cases/hand-off';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/handoff` with `If-Match: <version>`: 200, 403 when the ticket is not in one of
 * the caller's queues (the queue it leaves decides), 409 stale, 422 refused precondition.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, HandoffBody);
    const { ticketId } = req;
    const result = await handOffTicket(
      { ticketId, ...req.body, expectedVersion: req.version, actor: req.actor, scope: req.scope },
      ports,
    );
    return ticketWriteResponse(result, ticketId);
  });
