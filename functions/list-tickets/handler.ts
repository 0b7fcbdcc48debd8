import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { InvalidCursorError, TicketRepository } from '../../shared/adapters/ticket-repository';
import { Email, Reference } from '../../shared/domain';
import * as z from '../../shared/domain/zod';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json, toIssues, ValidationFailedError } from '../../shared/http/errors';
import { searchTickets } from '../../shared/use-cases/list-tickets';

const tickets = new TicketRepository(documentClient(), requiredEnv('TABLE_NAME'));

export const SearchQuery = z
  .object({
    requester: z.optional(Email),
    assignee: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
    account: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    reference: z.optional(Reference),
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
    cursor: z.optional(z.string()),
  })
  .check(
    z.refine(
      (q) => [q.requester, q.assignee, q.account, q.reference].filter((v) => v !== undefined).length === 1,
      'give exactly one of requester, assignee (an address or "me"), account or reference',
    ),
  );

/**
 * `GET /v1/tickets?requester=<email> | assignee=<email|me> | account=<id> | reference=FD-<n>` (`&limit=&cursor=`):
 * tickets through the requester, assignee or account index, or the one a reference names — never a Scan.
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
          { ...q, assignee: q.assignee === 'me' ? (caller.email ?? caller.sub) : q.assignee },
          { tickets },
        ),
      );
    } catch (e: unknown) {
      if (e instanceof InvalidCursorError)
        throw new ValidationFailedError([{ path: 'cursor', message: e.message }]);
      throw e;
    }
  });
