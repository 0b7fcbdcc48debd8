import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize, scopeOf } from '../../shared/http/access';
import { BulkBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { applyBulkAction } from '../../shared/use-cases/bulk-actions';

const ports = ticketPorts();

/**
 * `POST /v1/tickets/bulk` `{ tickets: [id or FD-n …] (1–100), action: assign|tag|transition, … }`: 200
 * `{ results: [{ ticket, outcome: applied|refused, reference?, version?, rule?, message? }] }` in the order
 * given, each ticket its own write at its current version (no If-Match); 400 for a bad body.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const { tickets, ...action } = jsonBody(event, BulkBody);
    const results = await applyBulkAction(
      {
        tickets,
        action,
        actor: { kind: 'agent', id: caller.email ?? caller.sub },
        scope: scopeOf(caller),
        mayReassign: caller.roles.includes('lead'),
      },
      ports,
    );
    return json(200, { results });
  });
