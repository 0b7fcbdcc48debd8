import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { authorize, scopeOf } from '../../shared/http/access';
import { SearchQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json, toIssues, ValidationFailedError } from '../../shared/http/errors';
import { searchTickets } from '../../shared/use-cases/list-tickets';
import { InvalidCursorError } from '../../shared/use-cases/ports';

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
    const parsed = SearchQuery.safeParse(event.queryStringParameters ?? {});
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));
    const q = parsed.data;
    try {
      return json(
        200,
        await searchTickets(
          {
            ...q,
            assignee: q.assignee === 'me' ? (caller.email ?? caller.sub) : q.assignee,
            scope: scopeOf(caller),
          },
          ports,
        ),
      );
    } catch (e: unknown) {
      if (e instanceof InvalidCursorError)
        throw new ValidationFailedError([{ path: 'cursor', message: e.message }]);
      throw e;
    }
  });
