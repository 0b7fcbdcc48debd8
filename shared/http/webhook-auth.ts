import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { WebhookSecrets } from '../adapters/webhook-secrets';
import type { WorkflowConfig } from '../config';
import type { Clock } from '../use-cases/ports';
import { HttpError, type HttpResult, payloadTooLarge, unauthorized } from './errors';
import { header, rawBody } from './request';
import { MAX_WEBHOOK_BYTES } from './webhook-payload';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from './webhook-signature';

interface Logger {
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

/**
 * Authenticates a webhook delivery before anything reads its body: unknown source → 404,
 * over 256 KiB → 413, bad/missing/stale signature → 401. Only then does the handler run.
 */
export function webhookAuthentication(deps: {
  config: Pick<WorkflowConfig, 'webhookSources'>;
  secrets: WebhookSecrets;
  clock: Clock;
  logger: Logger;
}): MiddlewareObj<APIGatewayProxyEventV2, HttpResult> {
  return {
    before: async (request) => {
      const event = request.event;
      const source = event.pathParameters?.source ?? '';
      const sources = deps.config.webhookSources;
      // hasOwn: a source named "constructor" must not find Object.prototype's.
      const spec = Object.hasOwn(sources, source) ? sources[source] : undefined;
      if (!spec) throw new HttpError(404, 'not_found', `unknown webhook source "${source}"`);

      const body = rawBody(event);
      if (body.length > MAX_WEBHOOK_BYTES) {
        throw payloadTooLarge(
          `body is ${body.length} bytes; the limit is ${MAX_WEBHOOK_BYTES} bytes (256 KiB)`,
        );
      }

      const secret = await deps.secrets.secretFor(source, spec.secretName);
      if (!secret) {
        deps.logger.error('webhook source has no secret', { source, secretName: spec.secretName });
        throw new HttpError(
          503,
          'source_not_ready',
          `webhook source "${source}" has no secret configured yet`,
        );
      }
      const check = verifyWebhookSignature({
        secret,
        timestamp: header(event, TIMESTAMP_HEADER),
        signature: header(event, SIGNATURE_HEADER),
        body,
        now: deps.clock.now(),
      });
      if (!check.ok) {
        deps.logger.warn('webhook signature refused', { source, reason: check.reason });
        throw unauthorized(check.message);
      }
    },
  };
}
