import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { ApprovalWorkflowStarter } from '../../shared/adapters/approval-workflow';
import { stepFunctionsClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { domainEventOf } from '../../shared/http/sqs-events';

const workflows = new ApprovalWorkflowStarter(stepFunctionsClient(), requiredEnv('APPROVAL_WORKFLOW_ARN'));
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
