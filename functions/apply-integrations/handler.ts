import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { integrationPorts } from '../../shared/adapters/ports';
import { DomainError } from '../../shared/domain';
import { parseJson } from '../../shared/http/request';
import { applyIntegrations } from '../../shared/use-cases/apply-integrations';

const ports = integrationPorts();
const processor = new BatchProcessor(EventType.SQS);

export class InvalidExternalEventError extends DomainError {
  override readonly name = 'InvalidExternalEventError';
  readonly code = 'INTEGRATION.INVALID_EVENT';
}

/**
 * One external event (the whole EventBridge event is the message body) against the integration rules.
 * An event that does not match its schema fails its record rather than being dropped: it would never
 * succeed, but it reports a real fact (a cancellation, a failed payment), so after the queue's retries
 * it waits in the DLQ for a person instead of vanishing. (`POST /v1/events/{source}` refuses such
 * events up front; only a system putting events on the bus directly can send one.)
 */
async function recordHandler(record: SQSRecord): Promise<void> {
  // A system may put half a surrogate pair on the bus; it must not reach a stored ticket.
  const envelope = parseJson(record.body) as { id?: unknown; 'detail-type'?: unknown; detail?: unknown };
  const result = await applyIntegrations({ type: envelope['detail-type'], detail: envelope.detail }, ports);
  if (result.kind === 'invalid') {
    const problems = result.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    logger.error('invalid external event', { eventId: envelope.id, issues: result.issues });
    throw new InvalidExternalEventError(
      `event ${String(envelope.id)} does not match its schema: ${problems}`,
    );
  }
  logger.info('integrations', {
    eventId: envelope.id,
    type: result.type,
    businessKey: result.businessKey,
    rules: result.rules,
  });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
