import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize, scopeOf } from '../../shared/http/access';
import { SearchQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { parseWith } from '../../shared/http/request';
import { searchTickets } from '../../shared/use-cases/list-tickets';

const ports = ticketPorts();

/**
 * `GET /v1/tickets?requester=<email> | assignee=<email|me> | account=<id> | reference=FD-<n>` (`&limit=&cursor=`):
 * tickets through the requester, assignee or account index, or the one a reference names — never a Scan.
 * Only tickets of the caller's queues are answered (the others are left out, not refused).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const q = parseWith(SearchQuery, event.queryStringParameters ?? {});
    const found = await searchTickets(
      {
        ...q,
        assignee: q.assignee === 'me' ? (caller.email ?? caller.sub) : q.assignee,
        scope: scopeOf(caller),
      },
      ports,
    );
    return json(200, found);
  });
