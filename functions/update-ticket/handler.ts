import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { UpdateBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { updateAsAgent } from '../../shared/use-cases/agent-work';

const ports = ticketPorts();

/**
 * `PATCH /v1/tickets/{id}` `{ priority?, tags?, fields? }` with `If-Match`: 200 with the ticket; fields are
 * checked against the request type (422 naming each invalid one) and `missingFields` recomputed; a priority
 * change announces `ticket.priority_changed` (the SLA timer takes the new targets).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, UpdateBody);
    const result = await updateAsAgent(
      {
        ticketId: req.ticketId,
        expectedVersion: req.version,
        actor: req.actor,
        scope: req.scope,
        change: req.body,
      },
      ports,
    );
    return ticketWriteResponse(result, req.ticketId);
  });
