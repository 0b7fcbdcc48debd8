import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { SesMailer, sesClient } from '../../shared/adapters/mailer';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { domainEventOf } from '../../shared/http/sqs-events';
import { sendNotification } from '../../shared/use-cases/send-notification';

const tableName = requiredEnv('TABLE_NAME');
const idempotency = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: 7 * 86_400 });
// The same table holds the idempotency records, under one partition of their own.
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName,
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  staticPkValue: 'IDEMPOTENCY#send-notification',
  expiryAttr: 'expiresAt',
  awsSdkV3Client: new DynamoDBClient({}),
});
const mailer = new SesMailer(sesClient(), process.env.AWS_REGION ?? 'us-east-1');
const sendOnce = makeIdempotent(async (input: { key: string; send: () => Promise<string> }) => input.send(), {
  persistenceStore,
  config: idempotency,
});

const ports = {
  tickets: new TicketRepository(documentClient(), tableName),
  mailer,
  // `send` is not part of the idempotency key (only `key` is, by eventKeyJmesPath).
  once: (key: string, send: () => Promise<string>) => sendOnce({ key, send }),
  linkSecret,
  clock: systemClock,
  config: workflowConfig,
  supportAddress: requiredEnv('SUPPORT_ADDRESS'),
  publicBaseUrl: requiredEnv('PUBLIC_BASE_URL'),
};

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const event = domainEventOf(record, 'notifications');
  const result = await sendNotification(event, ports);
  logger.info('notification', { ticketId: event.detail.ticketId, type: event.type, ...result });
}

export const handler = async (event: SQSEvent, context: Context) => {
  idempotency.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
