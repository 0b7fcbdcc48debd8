import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient, stepFunctionsClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { SlaTimerStore, StepFunctionsTimerStarter } from '../../shared/adapters/sla-timers';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { ticketIdOf } from '../../shared/http/sqs-events';
import { startSlaTimer } from '../../shared/use-cases/sla-timer';

const tableName = requiredEnv('TABLE_NAME');
const ports = {
  tickets: new TicketRepository(documentClient(), tableName),
  timers: new SlaTimerStore(documentClient(), tableName),
  starter: new StepFunctionsTimerStarter(stepFunctionsClient(), requiredEnv('SLA_TIMER_ARN')),
  clock: systemClock,
  config: workflowConfig,
};
const processor = new BatchProcessor(EventType.SQS);

/** Any change to a ticket: make sure its SLA timer looks at it in time (starts one only when needed). */
async function recordHandler(record: SQSRecord): Promise<void> {
  const ticketId = ticketIdOf(record, 'sla-timers');
  const result = await startSlaTimer(ticketId, ports);
  logger.info('sla timer', { ticketId, ...result });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
