import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxPorts } from '../../shared/adapters/bus-ports';
import { logger } from '../../shared/adapters/logger';
import { outboxEntries } from '../../shared/adapters/outbox';
import { publishOutbox } from '../../shared/use-cases/publish-outbox';

const ports = outboxPorts();

/**
 * Table stream (outbox items only) → the Frontdoor bus. A failed put reports the first record not
 * published, so Lambda hands it and the rest over again (bisecting, then its DLQ).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const outcome = await publishOutbox(outboxEntries(event.Records), ports);
  if (outcome.kind === 'partial') {
    logger.error('outbox events not published', { published: outcome.count, error: outcome.error });
    return { batchItemFailures: [{ itemIdentifier: outcome.failedAt }] };
  }
  logger.debug('outbox events published', { count: outcome.count });
  return { batchItemFailures: [] };
};
