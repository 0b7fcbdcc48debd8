import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { MetricStore } from '../../shared/adapters/metric-store';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { type ChangeRecord, projectChange } from '../../shared/use-cases/metrics';

const tableName = requiredEnv('TABLE_NAME');
const tickets = new TicketRepository(documentClient(), tableName);
const metrics = new MetricStore(documentClient(), tableName);

type Image = Parameters<typeof unmarshall>[0];

/**
 * Table stream → flow-metric aggregates. The whole batch is projected and applied (each record exactly
 * once: see MetricStore); if that fails, every record from the first unapplied one on is reported failed,
 * so Lambda retries them in order (and bisects), and after its retries the DLQ gets their description.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.filter((r) => r.eventID && r.dynamodb);
  const changes: ChangeRecord[] = records.map((r) => ({
    id: r.eventID as string,
    eventName: r.eventName ?? 'MODIFY',
    ...(r.dynamodb?.NewImage ? { newImage: unmarshall(r.dynamodb.NewImage as Image) } : {}),
    ...(r.dynamodb?.OldImage ? { oldImage: unmarshall(r.dynamodb.OldImage as Image) } : {}),
  }));
  try {
    const projected = [];
    for (const change of changes) projected.push(await projectChange(change, { tickets }));
    const applied = await metrics.apply(projected);
    logger.info('metrics projected', { records: changes.length, applied });
    return { batchItemFailures: [] };
  } catch (e: unknown) {
    logger.error('metrics projection failed', { error: e });
    const first = records[0]?.dynamodb?.SequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
};
