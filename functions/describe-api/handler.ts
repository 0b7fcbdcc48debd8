import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { openApiDocument } from '../../shared/http/openapi';
import { httpRoutes } from '../../shared/topology';

// Built once per container: the document only changes with a deployment.
const document = openApiDocument(httpRoutes());

/** `GET /v1/openapi.json`: OpenAPI 3.1, generated from the zod schemas the handlers use. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
