import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ApprovalStore } from '../../shared/adapters/approval-store';
import { documentClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { isTicketId, parseReference } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { approverGroups, publicApproval } from '../../shared/http/approvals';
import { type HttpResult, httpErrors, json, notFound, ValidationFailedError } from '../../shared/http/errors';

const approvals = new ApprovalStore(documentClient(), requiredEnv('TABLE_NAME'));
const tickets = new TicketRepository(documentClient(), requiredEnv('TABLE_NAME'));

/**
 * `GET /v1/approvals`: what waits for the caller's approver groups, oldest first (approver index, one
 * Query per group), each with `mayDecide` false when separation of duties will refuse the caller (their
 * own request). `GET /v1/approvals?ticket=<id|FD-n>`: every approval of a ticket.
 * `GET /v1/approvals/{approvalId}`: one approval.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const approvalId = event.pathParameters?.approvalId;
    if (approvalId) {
      const approval = isTicketId(approvalId) ? await approvals.get(approvalId) : undefined;
      if (!approval) throw notFound(`approval ${approvalId} not found`);
      return json(200, { approval: publicApproval(approval) });
    }
    const ticket = event.queryStringParameters?.ticket;
    if (ticket !== undefined) {
      const ticketId = isTicketId(ticket)
        ? ticket
        : parseReference(ticket)
          ? await tickets.ticketIdForReference(ticket)
          : undefined;
      if (!ticketId) throw new ValidationFailedError([{ path: 'ticket', message: `no ticket ${ticket}` }]);
      return json(200, { approvals: (await approvals.forTicket(ticketId)).map(publicApproval) });
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
