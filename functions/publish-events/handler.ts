import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eventBridgeClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { EventBridgePublisher } from '../../shared/adapters/event-publisher';
import { logger } from '../../shared/adapters/logger';
import { outboxEntries } from '../../shared/adapters/outbox';
import { publishOutbox } from '../../shared/use-cases/publish-outbox';

const events = new EventBridgePublisher(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME'));

/**
 * Table stream (outbox items only) → the Frontdoor bus. A failed put reports the first record not
 * published, so Lambda hands it and the rest over again (bisecting, then its DLQ).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const outcome = await publishOutbox(outboxEntries(event.Records), { events });
  if (outcome.kind === 'partial') {
    logger.error('outbox events not published', { published: outcome.count, error: outcome.error });
    return { batchItemFailures: [{ itemIdentifier: outcome.failedAt }] };
  }
  logger.debug('outbox events published', { count: outcome.count });
  return { batchItemFailures: [] };
};
