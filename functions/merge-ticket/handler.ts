import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { InvalidInputError, isTicketId, parseReference } from '../../shared/domain';
import { MergeBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { mergeAsLead } from '../../shared/use-cases/agent-work';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/merge` `{ into: <id|FD-n>, reason? }` with `If-Match` (leads): the ticket is
 * closed as a duplicate of `into`, both linked. 400 when `into` names no ticket.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, MergeBody);
    const { into } = req.body;
    const intoId = isTicketId(into)
      ? into
      : parseReference(into)
        ? await ports.tickets.ticketIdForReference(into)
        : undefined;
    const missing = new InvalidInputError([{ path: 'into', message: `no ticket ${into}` }]);
    if (!intoId) throw missing;
    const result = await mergeAsLead(
      {
        ticketId: req.ticketId,
        expectedVersion: req.version,
        actor: req.actor,
        scope: req.scope,
        intoTicketId: intoId,
        reason: req.body.reason,
      },
      ports,
    );
    if (result.kind === 'target_not_found') throw missing;
    return ticketWriteResponse(result, req.ticketId);
  });
