import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { requiredEnv } from '../../shared/adapters/env';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { notificationPorts } from '../../shared/adapters/mail-ports';
import { customerLinks } from '../../shared/http/customer-links';
import { domainEventOf } from '../../shared/http/sqs-events';
import { fanOutIncident } from '../../shared/use-cases/incident-fan-out';
import { sendNotification } from '../../shared/use-cases/send-notification';

const ports = {
  ...notificationPorts(),
  links: customerLinks({ secret: linkSecret, publicBaseUrl: requiredEnv('PUBLIC_BASE_URL') }),
  // The acknowledgement's suggested help articles (issue 18).
  search: articlePorts().search,
};

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const event = domainEventOf(record, 'notifications');
  const result = await sendNotification(event, ports);
  logger.info('notification', { ticketId: event.detail.ticketId, type: event.type, ...result });
  // An incident's update or resolution goes on to its linked tickets (each mailed through its own event).
  const incident = await fanOutIncident(event, ports);
  if (incident.kind !== 'none')
    logger.info('incident fan-out', { ticketId: event.detail.ticketId, ...incident });
}

export const handler = async (event: SQSEvent, context: Context) => {
  ports.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
