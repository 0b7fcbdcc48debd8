import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketClockPorts } from '../../shared/adapters/ports';
import { WakeUpMessage } from '../../shared/adapters/wake-ups';
import { ticketIdOf } from '../../shared/http/sqs-events';
import { runTicketClock } from '../../shared/use-cases/ticket-clock';

const ports = ticketClockPorts();
const processor = new BatchProcessor(EventType.SQS);

/**
 * The ticket's clock. Two kinds of message reach it on one queue: a change to the ticket (an event from the
 * bus) and the ticket's wake-up (from its schedule). Either way: record what is due, set the next wake-up.
 */
async function recordHandler(record: SQSRecord): Promise<void> {
  const wakeUp = WakeUpMessage.safeParse(JSON.parse(record.body));
  const ticketId = wakeUp.success ? wakeUp.data.ticketId : ticketIdOf(record, 'ticket-clock');
  const result = await runTicketClock(ticketId, ports, {
    fired: wakeUp.success ? wakeUp.data.at : undefined,
    redelivered: Number(record.attributes.ApproximateReceiveCount) > 1,
  });
  logger.info('ticket clock', { ticketId, wokeUp: wakeUp.success, ...result });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
