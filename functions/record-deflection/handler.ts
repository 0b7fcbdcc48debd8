import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { documentClient } from '../../shared/adapters/clients';
import { DeflectionLedger } from '../../shared/adapters/deflection-ledger';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { DeflectionBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { recordDeflection } from '../../shared/use-cases/deflection';

const ports = {
  ...articlePorts(),
  ledger: new DeflectionLedger(documentClient(), requiredEnv('TABLE_NAME')),
  queueOf: (requestType: string) =>
    Object.hasOwn(workflowConfig.requestTypes, requestType)
      ? workflowConfig.requestTypes[requestType]?.defaultQueue
      : undefined,
};

/**
 * `POST /v1/kb/deflections` `{ id?, query, slug, requestType }` (public: the hosted form's "This answered
 * my question"): records that a published help article answered the customer, so nothing was filed;
 * 201 with the deflection, the same answer again for the same `id` (`recorded: false`).
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const input = jsonBody(event, DeflectionBody);
    const { deflection, recorded } = await recordDeflection(input, ports);
    return json(201, { ...deflection, recorded });
  });
