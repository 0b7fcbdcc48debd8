import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { NotFoundError } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { pathParameter } from '../../shared/http/request';

const { accounts } = storePorts();

/** `GET /v1/accounts/{id}`: one account from the directory. */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const id = pathParameter(event, 'id');
    const account = await accounts.get(id);
    if (!account) throw new NotFoundError('ACCOUNT.NOT_FOUND', `account ${id} not found`);
    return json(200, { account });
  });
