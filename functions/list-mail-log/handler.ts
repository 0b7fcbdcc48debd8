import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { authorize } from '../../shared/http/access';
import { MailLogQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { parseWith } from '../../shared/http/request';

const { tickets, clock } = storePorts();

/** `GET /v1/mail/log?day=YYYY-MM-DD` (default today, UTC): every inbound mail and what became of it. */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const query = parseWith(MailLogQuery, event.queryStringParameters ?? {});
    const day = query.day ?? clock.now().toISOString().slice(0, 10);
    return json(200, { day, mail: await tickets.mailLog(day) });
  });
