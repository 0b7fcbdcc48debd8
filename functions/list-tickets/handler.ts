import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { InvalidCursorError, TicketRepository } from '../../shared/adapters/ticket-repository';
import { Email } from '../../shared/domain';
import { callerFrom, requireSupportRole } from '../../shared/http/auth';
import { type HttpResult, httpErrors, json, ValidationFailedError } from '../../shared/http/errors';
import { listRequesterTickets } from '../../shared/use-cases/list-tickets';

const tickets = new TicketRepository(documentClient(), requiredEnv('TABLE_NAME'));

export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    requireSupportRole(callerFrom(event));
    const query = event.queryStringParameters ?? {};
    const requester = Email.safeParse(query.requester ?? '');
    const limit = Number(query.limit ?? 25);
    const issues = [
      ...(requester.success ? [] : [{ path: 'requester', message: 'a requester email address is required' }]),
      ...(Number.isInteger(limit) && limit >= 1 && limit <= 100
        ? []
        : [{ path: 'limit', message: 'must be 1-100' }]),
    ];
    if (!requester.success || issues.length > 0) throw new ValidationFailedError(issues);
    try {
      const page = await listRequesterTickets(
        { requester: requester.data, limit, cursor: query.cursor },
        { tickets },
      );
      return json(200, page);
    } catch (e: unknown) {
      if (e instanceof InvalidCursorError)
        throw new ValidationFailedError([{ path: 'cursor', message: e.message }]);
      throw e;
    }
  });
