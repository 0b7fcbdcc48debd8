import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient, schedulerClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { WakeUpStore } from '../../shared/adapters/wake-up-store';
import { EventBridgeWakeUps, WakeUpMessage } from '../../shared/adapters/wake-ups';
import { workflowConfig } from '../../shared/config';
import { ticketIdOf } from '../../shared/http/sqs-events';
import { runTicketClock } from '../../shared/use-cases/ticket-clock';

const tableName = requiredEnv('TABLE_NAME');
const ports = {
  tickets: new TicketRepository(documentClient(), tableName),
  store: new WakeUpStore(documentClient(), tableName),
  wakeUps: new EventBridgeWakeUps(schedulerClient(), {
    group: requiredEnv('SCHEDULE_GROUP'),
    queueArn: requiredEnv('TICKET_CLOCK_QUEUE_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    deadLetterArn: requiredEnv('TICKET_CLOCK_DLQ_ARN'),
  }),
  clock: systemClock,
  config: workflowConfig,
};
const processor = new BatchProcessor(EventType.SQS);

/**
 * The ticket's clock. Two kinds of message reach it on one queue: a change to the ticket (an event from the
 * bus) and the ticket's wake-up (from its schedule). Either way: record what is due, set the next wake-up.
 */
async function recordHandler(record: SQSRecord): Promise<void> {
  const wakeUp = WakeUpMessage.safeParse(JSON.parse(record.body));
  const ticketId = wakeUp.success ? wakeUp.data.ticketId : ticketIdOf(record, 'ticket-clock');
  const result = await runTicketClock(ticketId, ports, wakeUp.success ? wakeUp.data.at : undefined);
  logger.info('ticket clock', { ticketId, wokeUp: wakeUp.success, ...result });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
