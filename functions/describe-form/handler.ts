import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { NotFoundError } from '../../shared/domain';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { formJsonSchema } from '../../shared/http/form-contract';
import { formPageHeaders, renderFormPage } from '../../shared/http/form-page';
import { pathParameter } from '../../shared/http/request';

/** `GET /v1/forms/{requestType}` (JSON Schema) and `GET /forms/{requestType}` (the hosted, accessible form). */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const requestType = pathParameter(event, 'requestType');
    const schema = formJsonSchema(workflowConfig, requestType);
    const spec = workflowConfig.requestTypes[requestType];
    if (!schema || !spec) {
      throw new NotFoundError(
        'FORM.NOT_FOUND',
        `no form "${requestType}"; forms: ${Object.keys(workflowConfig.requestTypes).join(', ')}`,
      );
    }
    if (event.routeKey.startsWith('GET /v1/')) return json(200, schema);
    const nonce = randomBytes(16).toString('base64');
    return {
      statusCode: 200,
      headers: formPageHeaders(nonce),
      body: renderFormPage({
        title: spec.label,
        intro: spec.description,
        schema,
        submitUrl: `/v1/forms/${requestType}`,
        submitLabel: 'Send request',
        successMessage: 'Thank you. We have your request; a confirmation is on its way by mail.',
        // Tier 0 (issue 18): help articles as the customer types; "This answered my question" files nothing.
        suggestions: { requestType, searchUrl: '/v1/kb/search', deflectUrl: '/v1/kb/deflections' },
        nonce,
      }),
    };
  });
