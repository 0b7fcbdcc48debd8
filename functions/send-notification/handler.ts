import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { SesMailer, sesClient } from '../../shared/adapters/mailer';
import { sendOnceStore } from '../../shared/adapters/send-once';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { domainEventOf } from '../../shared/http/sqs-events';
import { sendNotification } from '../../shared/use-cases/send-notification';

const tableName = requiredEnv('TABLE_NAME');
const sending = sendOnceStore(tableName, 'send-notification');
const mailer = new SesMailer(sesClient(), process.env.AWS_REGION ?? 'us-east-1');

const ports = {
  tickets: new TicketRepository(documentClient(), tableName),
  mailer,
  once: sending.once,
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
  sending.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
