import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { formPageHeaders, renderFormIndex } from '../../shared/http/form-page';

const forms = Object.entries(workflowConfig.requestTypes).map(([requestType, spec]) => ({
  requestType,
  label: spec.label,
  description: spec.description,
  url: `/forms/${requestType}`,
  schemaUrl: `/v1/forms/${requestType}`,
}));

/** `GET /v1/forms` (JSON) and `GET /forms` (the hosted index page): the request types customers can pick. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    if (event.routeKey === 'GET /v1/forms') return json(200, { forms });
    const nonce = randomBytes(16).toString('base64');
    return {
      statusCode: 200,
      headers: formPageHeaders(nonce),
      body: renderFormIndex({ title: 'How can we help?', forms, nonce }),
    };
  });
