import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize, scopeOf } from '../../shared/http/access';
import { DeclareIncidentBody, OpenIncidentBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { agentWriteRequest, ticketWriteResponse } from '../../shared/http/ticket-write';
import { declareIncidentOnTicket, openIncidentForTickets } from '../../shared/use-cases/incident-links';

const ports = ticketPorts();

/**
 * Leads declare incidents.
 * `POST /v1/tickets/{id}/incident` `{ title?, rule? }` with `If-Match`: the ticket becomes an incident →
 * 200 `{ ticket }` (ETag); 422 `incident_refused` (rule `already-incident`, `ticket-open`), 409 stale.
 * `POST /v1/incidents` `{ title, body?, rule?, tickets: [id|FD-n] }`: a new incident linked to the tickets →
 * 201 `{ incident, results: [{ ticket, outcome, ticketId?, reference?, rule?, message? }] }`.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    if (event.pathParameters?.id) {
      const req = await agentWriteRequest(event, ports.tickets, DeclareIncidentBody);
      const result = await declareIncidentOnTicket(
        {
          ticketId: req.ticketId,
          expectedVersion: req.version,
          actor: req.actor,
          scope: req.scope,
          ...req.body,
        },
        ports,
      );
      return ticketWriteResponse(result, req.ticketId);
    }
    const caller = authorize(event);
    const body = jsonBody(event, OpenIncidentBody);
    const actor = { kind: 'agent' as const, id: caller.email ?? caller.sub };
    const opened = await openIncidentForTickets(
      {
        ...body,
        requester: { email: caller.email ?? `${caller.sub}@users.invalid` },
        actor,
        scope: scopeOf(caller),
      },
      ports,
    );
    return json(201, opened, { etag: `"${opened.incident.version}"` });
  });
