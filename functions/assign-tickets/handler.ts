import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { agentPorts } from '../../shared/adapters/agent-ports';
import { logger } from '../../shared/adapters/logger';
import { ticketIdOf } from '../../shared/http/sqs-events';
import { assignAfterTicketChange } from '../../shared/use-cases/assignment';

const ports = agentPorts();
const processor = new BatchProcessor(EventType.SQS);

/** A ticket entered a queue or left an agent: keep the agents' load in step, serve the queues (idempotent). */
async function recordHandler(record: SQSRecord): Promise<void> {
  const ticketId = ticketIdOf(record, 'assignments');
  const assigned = await assignAfterTicketChange(ticketId, ports);
  logger.info('assignment', {
    ticketId,
    assigned: assigned.map((a) => ({ ticketId: a.ticketId, queue: a.queue, strategy: a.strategy })),
  });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
