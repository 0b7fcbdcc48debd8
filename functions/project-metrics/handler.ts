import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { metricPorts } from '../../shared/adapters/store-ports';
import { streamChanges } from '../../shared/adapters/stream-records';
import { projectChange } from '../../shared/use-cases/metrics';

const ports = metricPorts();

/**
 * Table stream → flow-metric aggregates. The whole batch is projected and applied (each record exactly
 * once: see MetricStore); if that fails, every record from the first unapplied one on is reported failed,
 * so Lambda retries them in order (and bisects), and after its retries the DLQ gets their description.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const changes = streamChanges(event.Records);
  try {
    const projected = [];
    for (const change of changes) projected.push(await projectChange(change, ports));
    const applied = await ports.metrics.apply(projected);
    logger.info('metrics projected', { records: changes.length, applied });
    return { batchItemFailures: [] };
  } catch (e: unknown) {
    logger.error('metrics projection failed', { error: e });
    const first = changes[0]?.sequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
};
