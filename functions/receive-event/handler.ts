import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { wallClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { externalEventPorts } from '../../shared/adapters/ports';
import { webhookSecrets } from '../../shared/adapters/webhook-secrets';
import { workflowConfig } from '../../shared/config';
import {
  forbidden,
  type HttpResult,
  httpErrors,
  json,
  toIssues,
  ValidationFailedError,
} from '../../shared/http/errors';
import { EventDelivery } from '../../shared/http/event-delivery';
import { parseJsonBody, pathParameter, rawBody } from '../../shared/http/request';
import { webhookAuthentication } from '../../shared/http/webhook-auth';
import { receiveEvent } from '../../shared/use-cases/receive-event';

const ports = externalEventPorts();

/** `POST /v1/events/{source}`: a signed external event (same signature scheme as webhooks) onto the bus. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .use(webhookAuthentication({ config: workflowConfig, secrets: webhookSecrets, clock: wallClock, logger }))
  .handler(async (event) => {
    const parsed = EventDelivery.safeParse(parseJsonBody(rawBody(event)));
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));
    const { type, detail, id } = parsed.data;

    const result = await receiveEvent({ source: pathParameter(event, 'source'), type, detail }, ports);
    if (result.kind === 'rejected') throw new ValidationFailedError(result.issues);
    if (result.kind === 'forbidden') throw forbidden(result.message);
    return json(202, { accepted: true, type: result.type, ...(id !== undefined ? { id } : {}) });
  });
