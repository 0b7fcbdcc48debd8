import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { MessageBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { addMessageAsAgent } from '../../shared/use-cases/agent-work';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/messages` `{ visibility: public|internal, body }` with `If-Match`: 201
 * `{ ticket, message }`. A public reply is mailed to the requester (threaded, `[FD-<n>]`) and counts as a
 * response for the SLA; an internal note stays with the team. 409 stale, 422 closed ticket.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, MessageBody);
    const { result, message } = await addMessageAsAgent(
      {
        ticketId: req.ticketId,
        expectedVersion: req.version,
        actor: req.actor,
        scope: req.scope,
        author: { ...(req.caller.email ? { email: req.caller.email } : {}) },
        ...req.body,
      },
      ports,
    );
    const answered = ticketWriteResponse(result, req.ticketId);
    if (result.kind !== 'changed' || !message) return answered;
    return json(201, { ticket: result.ticket, message }, { etag: `"${result.ticket.version}"` });
  });
