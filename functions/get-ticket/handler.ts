import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { approvalPorts } from '../../shared/adapters/ports';
import { NotFoundError, transitions } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { publicApproval } from '../../shared/http/approvals';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { pathParameter } from '../../shared/http/request';
import { getTicket, InvalidTicketIdError } from '../../shared/use-cases/get-ticket';

const ports = approvalPorts();

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
    const result = await getTicket({ idOrReference: id, scope: scopeOf(caller) }, ports);
    if (result.kind === 'invalid_id') throw new InvalidTicketIdError(id);
    if (result.kind === 'not_found') throw new NotFoundError('TICKET.NOT_FOUND', `ticket ${id} not found`);
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
