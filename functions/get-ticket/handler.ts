import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { callerFrom, requireSupportRole } from '../../shared/http/auth';
import { HttpError, type HttpResult, httpErrors, json, notFound } from '../../shared/http/errors';
import { pathParameter } from '../../shared/http/request';
import { getTicket } from '../../shared/use-cases/get-ticket';

const tickets = new TicketRepository(documentClient(), requiredEnv('TABLE_NAME'));

export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    requireSupportRole(callerFrom(event));
    const id = pathParameter(event, 'id');
    const result = await getTicket(id, { tickets });
    if (result.kind === 'invalid_id') {
      throw new HttpError(
        400,
        'invalid_id',
        `"${id}" is neither a ticket id (ULID) nor a reference (FD-<n>)`,
      );
    }
    if (result.kind === 'not_found') throw notFound(`ticket ${id} not found`);
    const { ticket, messages, audit } = result.history;
    return json(200, { ticket, messages, audit });
  });
