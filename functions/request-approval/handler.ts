import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { publicApproval } from '../../shared/http/approvals';
import { ApprovalBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { requestApprovalAsAgent } from '../../shared/use-cases/approvals';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/{id}/approvals` `{ kind, amount?: { value, currency }, summary }` with `If-Match`:
 * 201 `{ approval, ticket }` (approval `pending`, the ticket blocked on it; or `not_required` with the
 * reason), 409 stale, 422 naming the rule that refused (closed ticket, missing amount), 403 for callers
 * who are not agents or leads.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const req = await agentWriteRequest(event, ports.tickets, ApprovalBody);
    const { ticketId } = req;
    const { result, approval } = await requestApprovalAsAgent(
      { ticketId, expectedVersion: req.version, actor: req.actor, scope: req.scope, request: req.body },
      ports,
    );
    const answered = ticketWriteResponse(result, ticketId);
    if (!approval || result.kind !== 'changed') return answered;
    logger.info('approval requested', { ticketId, approvalId: approval.id, state: approval.state });
    return json(
      201,
      { approval: publicApproval(approval), ticket: result.ticket },
      { etag: `"${result.ticket.version}"` },
    );
  });
