import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { erasureRunPorts } from '../../shared/adapters/privacy-ports';
import { ApprovalDecidedEvent } from '../../shared/domain';
import { eraseOnDecision, failErasure } from '../../shared/use-cases/privacy-erasure';

const ports = erasureRunPorts();

const processor = new BatchProcessor(EventType.SQS);

/** Deliveries of one run before it is given up (the queue's maxReceiveCount; the last one marks it failed). */
const ERASURE_ATTEMPTS = 3;

/** The decision a message carries: the bus's `approval.decided` event (data_change approvals only). */
function decisionOf(record: SQSRecord) {
  try {
    const event = JSON.parse(record.body) as { 'detail-type'?: unknown; detail?: unknown };
    const parsed = ApprovalDecidedEvent.safeParse({ type: event['detail-type'], detail: event.detail });
    return parsed.success ? parsed.data.detail : undefined;
  } catch {
    return undefined;
  }
}

async function recordHandler(record: SQSRecord): Promise<void> {
  const decision = decisionOf(record);
  if (!decision) {
    logger.warn('privacy-erasures message that is not an approval decision', { messageId: record.messageId });
    return;
  }
  try {
    const result = await eraseOnDecision(decision, ports);
    // Counts and ids only: the requester's address is nowhere in the logs.
    logger.info('privacy erasure', { erasureId: decision.ticketId, ...result });
  } catch (e: unknown) {
    // The last delivery before the DLQ marks the run failed, so the admin sees it; a redrive resumes it.
    const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
    if (attempt >= ERASURE_ATTEMPTS)
      await failErasure(
        decision.ticketId,
        `the erasure failed ${attempt} times; the message is in the DLQ`,
        ports,
      );
    throw e;
  }
}

/**
 * The privacy-erasures queue (decided data_change approvals) → an approved erasure run, idempotently:
 * a redelivery resumes it where it stands, a finished one is left as it is.
 */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
