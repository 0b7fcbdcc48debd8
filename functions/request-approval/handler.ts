import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { ApprovalRequestSchema } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { approvalRefusal, publicApproval } from '../../shared/http/approvals';
import { type HttpResult, httpErrors, json, toIssues, ValidationFailedError } from '../../shared/http/errors';
import { parseJsonBody, rawBody } from '../../shared/http/request';
import { expectedVersion, ticketIdFrom, ticketWriteResponse } from '../../shared/http/ticket-write';
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
    const caller = authorize(event);
    const ticketId = await ticketIdFrom(event, ports.tickets);
    const version = expectedVersion(event);
    const parsed = ApprovalRequestSchema.safeParse(parseJsonBody(rawBody(event)));
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));
    const { result, approval } = await requestApprovalAsAgent(
      {
        ticketId,
        expectedVersion: version,
        actor: { kind: 'agent', id: caller.email ?? caller.sub },
        request: parsed.data,
      },
      ports,
    );
    const answered = ticketWriteResponse(result, ticketId, approvalRefusal);
    if (!approval || result.kind !== 'changed') return answered;
    logger.info('approval requested', { ticketId, approvalId: approval.id, state: approval.state });
    return json(
      201,
      { approval: publicApproval(approval), ticket: result.ticket },
      { etag: `"${result.ticket.version}"` },
    );
  });
