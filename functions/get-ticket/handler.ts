import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ApprovalStore } from '../../shared/adapters/approval-store';
import { documentClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { transitions } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { publicApproval } from '../../shared/http/approvals';
import { HttpError, type HttpResult, httpErrors, json, notFound } from '../../shared/http/errors';
import { pathParameter } from '../../shared/http/request';
import { getTicket } from '../../shared/use-cases/get-ticket';

const tickets = new TicketRepository(documentClient(), requiredEnv('TABLE_NAME'));
const approvals = new ApprovalStore(documentClient(), requiredEnv('TABLE_NAME'));

/**
 * `GET /v1/tickets/{id}` (ULID or `FD-<n>`): `{ ticket, messages, audit, approvals, transitions, upcoming }` — the
 * conversation with internal notes, the audit timeline, the approvals asked for on it, and the states the
 * transition table lets it move to next (guards are checked when it moves). `ETag` = version. Agents read
 * the tickets of their queues, approvers those an approval of their group is about (403 naming the rule).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const id = pathParameter(event, 'id');
    const result = await getTicket(
      { idOrReference: id, scope: scopeOf(caller) },
      { tickets, approvals, clock: systemClock, config: workflowConfig },
    );
    if (result.kind === 'invalid_id') {
      throw new HttpError(
        400,
        'invalid_id',
        `"${id}" is neither a ticket id (ULID) nor a reference (FD-<n>)`,
      );
    }
    if (result.kind === 'not_found') throw notFound(`ticket ${id} not found`);
    if (result.kind === 'forbidden') throw scopeRefusal(result.refusal);
    const { ticket, messages, audit } = result.history;
    return json(
      200,
      {
        ticket,
        messages,
        audit,
        approvals: result.approvals.map(publicApproval),
        transitions: transitions[ticket.state],
        // What the ticket's clock will do next on its own: [{ action, at, since, round? }], soonest first.
        upcoming: result.upcoming,
      },
      { etag: `"${ticket.version}"` },
    );
  });
