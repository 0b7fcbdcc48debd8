import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { approvalWorkflowPorts } from '../../shared/adapters/bus-ports';
import { logger } from '../../shared/adapters/logger';
import { domainEventOf } from '../../shared/http/sqs-events';

const { workflows } = approvalWorkflowPorts();
const processor = new BatchProcessor(EventType.SQS);

/**
 * `approval.requested` → the approval's workflow, named after the approval, so a redelivered request
 * (or a reminder/escalation round, announced by the workflow itself) never starts a second one.
 */
async function recordHandler(record: SQSRecord): Promise<void> {
  const event = domainEventOf(record, 'approvals');
  if (event.type !== 'approval.requested') return;
  const { ticketId, approvalId, round } = event.detail;
  if (round !== 'initial') return;
  const started = await workflows.start(approvalId, { ticketId, approvalId });
  logger.info(started ? 'approval workflow started' : 'approval workflow already started', {
    ticketId,
    approvalId,
  });
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
