import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { InvalidInputError } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';

const { tickets, clock } = storePorts();

/** `GET /v1/mail/log?day=YYYY-MM-DD` (default today, UTC): every inbound mail and what became of it. */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const day = event.queryStringParameters?.day ?? clock.now().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day))
      throw new InvalidInputError([{ path: 'day', message: 'must be YYYY-MM-DD' }]);
    return json(200, { day, mail: await tickets.mailLog(day) });
  });
