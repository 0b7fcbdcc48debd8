import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { stepFunctionsClient } from '../../shared/adapters/clients';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { domainEventOf } from '../../shared/http/sqs-events';

const client = stepFunctionsClient();
const stateMachineArn = requiredEnv('APPROVAL_WORKFLOW_ARN');
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
  try {
    await client.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: approvalId,
        input: JSON.stringify({ ticketId, approvalId }),
      }),
    );
    logger.info('approval workflow started', { ticketId, approvalId });
  } catch (e: unknown) {
    // Same name and input while running is answered 200 by Step Functions; a finished one is this error.
    if (e instanceof ExecutionAlreadyExists) return;
    throw e;
  }
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
