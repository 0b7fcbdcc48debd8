import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { ticketIdFrom } from '../../shared/http/ticket-write';
import { getIncident, listOpenIncidents } from '../../shared/use-cases/incident-view';

const ports = ticketPorts();

/**
 * `GET /v1/incidents`: the open incidents the caller may read → 200 `{ incidents: [{ ticketId, reference,
 * title, state, queue, linkedTickets, declaredAt }] }`, newest first.
 * `GET /v1/incidents/{id}` (ULID or `FD-<n>`) → 200 `{ incident, linked: [{ ticketId, reference, state,
 * subject?, requester?, accountId?, linkedAt }], accounts: [{ id, tickets }], updates: [{ messageId, at,
 * author?, body }], metrics: { linkedTickets, openLinkedTickets, firstUpdateAt, minutesToFirstUpdate } }`;
 * 404 when the ticket is missing or not an incident.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const scope = scopeOf(caller);
    if (!event.pathParameters?.id) return json(200, { incidents: await listOpenIncidents({ scope }, ports) });
    const incidentId = await ticketIdFrom(event, ports.tickets);
    const result = await getIncident({ incidentId, scope }, ports);
    if (result.kind === 'forbidden') throw scopeRefusal(result.refusal);
    if (result.kind !== 'found')
      throw new NotFoundError(
        'TICKET.NOT_FOUND',
        result.kind === 'not_incident'
          ? `${result.reference} is not an incident`
          : `incident ${incidentId} not found`,
      );
    return json(200, result.view, { etag: `"${result.view.incident.version}"` });
  });
