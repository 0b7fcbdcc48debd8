import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { wallClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { externalEventPorts } from '../../shared/adapters/ports';
import { webhookSecrets } from '../../shared/adapters/webhook-secrets';
import { workflowConfig } from '../../shared/config/workflow';
import { InvalidInputError } from '../../shared/domain';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { EventDelivery } from '../../shared/http/event-delivery';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { webhookAuthentication } from '../../shared/http/webhook-auth';
import { receiveEvent } from '../../shared/use-cases/receive-event';

const ports = externalEventPorts();

/** `POST /v1/events/{source}`: a signed external event (same signature scheme as webhooks) onto the bus. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .use(webhookAuthentication({ config: workflowConfig, secrets: webhookSecrets, clock: wallClock, logger }))
  .handler(async (event) => {
    const { type, detail, id } = jsonBody(event, EventDelivery);

    const result = await receiveEvent({ source: pathParameter(event, 'source'), type, detail }, ports);
    if (result.kind === 'rejected') throw new InvalidInputError(result.issues);
    if (result.kind === 'forbidden') throw result.error;
    return json(202, { accepted: true, type: result.type, ...(id !== undefined ? { id } : {}) });
  });
