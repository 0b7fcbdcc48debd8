import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { domainEventOf } from '../../shared/http/sqs-events';
import { applyEscalationTriggers } from '../../shared/use-cases/escalation';

const ports = ticketPorts();
const processor = new BatchProcessor(EventType.SQS);

/** `sla.warning`, `sla.breached` and `ticket.created` against the escalation paths' triggers (idempotent per cause). */
async function recordHandler(record: SQSRecord): Promise<void> {
  const event = domainEventOf(record, 'escalations');
  if (event.type !== 'sla.warning' && event.type !== 'sla.breached' && event.type !== 'ticket.created') {
    throw new Error(`${event.type} does not belong on the escalations queue`);
  }
  const result = await applyEscalationTriggers(event, ports);
  logger.info('escalation', { ticketId: event.detail.ticketId, type: event.type, ...result });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
