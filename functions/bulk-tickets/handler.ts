import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { authorize, scopeOf, scopeRefusal } from '../../shared/http/access';
import { BulkBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { applyBulkAction, linkSelectionToIncident } from '../../shared/use-cases/bulk-actions';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/bulk` `{ tickets: [id or FD-n …] (1–100), action: assign|tag|transition|link_incident, … }`: 200
 * `{ results: [{ ticket, outcome: applied|refused, reference?, version?, rule?, message? }] }` in the order
 * given, each ticket its own write at its current version (no If-Match); 400 for a bad body; for
 * `link_incident`, 404/403/422 when the incident itself is unknown, out of the caller's queues or not open.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const { tickets, ...action } = jsonBody(event, BulkBody);
    const who = {
      tickets,
      actor: { kind: 'agent' as const, id: caller.email ?? caller.sub },
      scope: scopeOf(caller),
    };
    if (action.action !== 'link_incident') {
      const results = await applyBulkAction(
        { ...who, action, mayReassign: caller.roles.includes('lead') },
        ports,
      );
      return json(200, { results });
    }
    const linked = await linkSelectionToIncident({ ...who, incident: action.incident }, ports);
    switch (linked.kind) {
      case 'not_found':
        throw new NotFoundError('TICKET.NOT_FOUND', `incident ${action.incident} not found`);
      case 'forbidden':
        throw scopeRefusal(linked.refusal);
      case 'refused':
        throw linked.error;
      case 'done':
        return json(200, { results: linked.results });
    }
  });
