import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { macroPorts } from '../../shared/adapters/ports';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { listMacros } from '../../shared/use-cases/macros';

const ports = macroPorts();

/**
 * `GET /v1/macros`: 200 `{ macros: [{ id, title, reply?, visibility?, actions, uses }] }`, the workflow
 * config's macros in the order written, each with how often it was applied.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    return json(200, { macros: await listMacros(ports) });
  });
