import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { AccountSchema } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { parseJsonBody, parseWith, pathParameter, rawBody } from '../../shared/http/request';

const { accounts, clock } = storePorts();

/** `PUT /v1/accounts/{id}` (admin): the whole account; its domains route a requester's mail to it. */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const id = pathParameter(event, 'id');
    const body = parseJsonBody(rawBody(event));
    // The path names the account; an `id` in the body is overruled by it.
    const account = parseWith(AccountSchema, { ...(typeof body === 'object' && body ? body : {}), id });
    await accounts.upsert(account, clock.now());
    return json(200, { account });
  });
