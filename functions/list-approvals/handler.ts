import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { approvalPorts } from '../../shared/adapters/ports';
import { InvalidInputError, isTicketId, NotFoundError, parseReference } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { approverGroups, publicApproval } from '../../shared/http/approvals';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { approvalForCaller, approvalsOfTicket } from '../../shared/use-cases/approvals';

const ports = approvalPorts();
const { tickets, approvals } = ports;

/**
 * `GET /v1/approvals`: what waits for the caller's approver groups, oldest first (approver index, one
 * Query per group), each with `mayDecide` false when separation of duties will refuse the caller (their
 * own request). `GET /v1/approvals?ticket=<id|FD-n>`: every approval of a ticket.
 * `GET /v1/approvals/{approvalId}`: one approval. Both for callers who may read the ticket (their queue, or an
 * approval of their approver group on it; 403 naming the rule otherwise).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const approvalId = event.pathParameters?.approvalId;
    if (approvalId) {
      const found = isTicketId(approvalId)
        ? await approvalForCaller({ approvalId, scope: scopeOf(caller) }, { tickets, approvals })
        : { kind: 'not_found' as const };
      if (found.kind === 'not_found')
        throw new NotFoundError('APPROVAL.NOT_FOUND', `approval ${approvalId} not found`);
      if (found.kind === 'forbidden') throw scopeRefusal(found.refusal);
      return json(200, { approval: publicApproval(found.value) });
    }
    const ticket = event.queryStringParameters?.ticket;
    if (ticket !== undefined) {
      const ticketId = isTicketId(ticket)
        ? ticket
        : parseReference(ticket)
          ? await tickets.ticketIdForReference(ticket)
          : undefined;
      if (!ticketId) throw new InvalidInputError([{ path: 'ticket', message: `no ticket ${ticket}` }]);
      const found = await approvalsOfTicket({ ticketId, scope: scopeOf(caller) }, { tickets, approvals });
      if (found.kind === 'forbidden') throw scopeRefusal(found.refusal);
      return json(200, { approvals: found.kind === 'found' ? found.value.map(publicApproval) : [] });
    }
    const groups = approverGroups(caller);
    const me = [caller.email, caller.sub]
      .filter((x): x is string => x !== undefined)
      .map((x) => x.toLowerCase());
    const pending = (await Promise.all(groups.map((g) => approvals.pendingFor(g))))
      .flat()
      .toSorted((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    return json(200, {
      groups,
      approvals: pending.map((a) => ({
        ...publicApproval(a),
        mayDecide:
          !me.includes(a.requestedBy.toLowerCase()) && !a.votes.some((v) => me.includes(v.by.toLowerCase())),
      })),
    });
  });
