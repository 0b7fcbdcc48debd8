import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { wallClock } from '../../shared/adapters/clock';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { webhookSecrets } from '../../shared/adapters/webhook-secrets';
import { workflowConfig } from '../../shared/config';
import { type HttpResult, httpErrors, json, toIssues, ValidationFailedError } from '../../shared/http/errors';
import { parseJsonBody, pathParameter, rawBody } from '../../shared/http/request';
import { webhookAuthentication } from '../../shared/http/webhook-auth';
import { WebhookPayload } from '../../shared/http/webhook-payload';
import { receiveWebhook } from '../../shared/use-cases/receive-webhook';

const ports = ticketPorts();

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .use(webhookAuthentication({ config: workflowConfig, secrets: webhookSecrets, clock: wallClock, logger }))
  .handler(async (event) => {
    const parsed = WebhookPayload.safeParse(parseJsonBody(rawBody(event)));
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));

    const result = await receiveWebhook(
      { source: pathParameter(event, 'source'), payload: parsed.data },
      ports,
    );
    if (result.kind === 'rejected') throw new ValidationFailedError(result.issues);

    const { ticketId, reference, duplicate } = result;
    return json(duplicate ? 200 : 202, { ticketId, reference, duplicate });
  });
