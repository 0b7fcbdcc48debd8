import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { wallClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { understandingPorts } from '../../shared/adapters/understanding-ports';
import { webhookSecrets } from '../../shared/adapters/webhook-secrets';
import { workflowConfig } from '../../shared/config/workflow';
import { InvalidInputError } from '../../shared/domain';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { webhookAuthentication } from '../../shared/http/webhook-auth';
import { WebhookPayload } from '../../shared/http/webhook-payload';
import { receiveWebhook } from '../../shared/use-cases/receive-webhook';

// The learned intent and the language, read into each request before triage (issue 19).
const ports = { ...ticketPorts(), ...understandingPorts() };

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .use(webhookAuthentication({ config: workflowConfig, secrets: webhookSecrets, clock: wallClock, logger }))
  .handler(async (event) => {
    const payload = jsonBody(event, WebhookPayload);
    const result = await receiveWebhook({ source: pathParameter(event, 'source'), payload }, ports);
    if (result.kind === 'rejected') throw new InvalidInputError(result.issues);

    const { ticketId, reference, duplicate } = result;
    return json(duplicate ? 200 : 202, { ticketId, reference, duplicate });
  });
