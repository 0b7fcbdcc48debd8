import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { AssignBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { assignAsAgent } from '../../shared/use-cases/agent-work';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/assign` `{ assignee: <email> | null }` with `If-Match`: an agent takes or releases
 * a ticket; giving it to someone else is for leads (403 rule `reassign-lead`). Announces `ticket.assigned`.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, AssignBody);
    const result = await assignAsAgent(
      {
        ticketId: req.ticketId,
        expectedVersion: req.version,
        actor: req.actor,
        scope: req.scope,
        assignee: req.body.assignee,
        mayReassign: req.caller.roles.includes('lead'),
      },
      ports,
    );
    return ticketWriteResponse(result, req.ticketId);
  });
