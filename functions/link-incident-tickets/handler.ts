import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { IncidentTicketsBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { ticketIdFrom } from '../../shared/http/ticket-write';
import { linkTicketsToIncident, unlinkTicketsFromIncident } from '../../shared/use-cases/incident-links';

const ports = ticketPorts();

/**
 * `POST /v1/incidents/{id}/links` and `POST /v1/incidents/{id}/unlink` `{ tickets: [id|FD-n] }` →
 * 200 `{ incident, results: [{ ticket, outcome, ticketId?, reference?, rule?, message? }] }`, one result per
 * ticket (`linked`, `already_linked`, `unlinked`, `not_linked`, `refused` with its rule, `not_found`).
 * 404 no incident, 403 out of the caller's queues, 422 `incident_refused` when the ticket is not an open
 * incident (rule `not-incident`, `incident-open`).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const incidentId = await ticketIdFrom(event, ports.tickets);
    const { tickets } = jsonBody(event, IncidentTicketsBody);
    const input = {
      incidentId,
      tickets,
      actor: { kind: 'agent' as const, id: caller.email ?? caller.sub },
      scope: scopeOf(caller),
    };
    const unlink = event.rawPath.endsWith('/unlink');
    const result = unlink
      ? await unlinkTicketsFromIncident(input, ports)
      : await linkTicketsToIncident(input, ports);
    switch (result.kind) {
      case 'not_found':
        throw new NotFoundError('TICKET.NOT_FOUND', `ticket ${incidentId} not found`);
      case 'forbidden':
        throw scopeRefusal(result.refusal);
      case 'refused':
        throw result.error;
      case 'done':
        return json(
          200,
          { incident: result.incident, results: result.results },
          { etag: `"${result.incident.version}"` },
        );
    }
  });
