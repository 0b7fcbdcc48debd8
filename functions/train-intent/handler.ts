import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { systemClock } from '../../shared/adapters/clock';
import { intentStorePorts } from '../../shared/adapters/intent-ports';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { trainIntentFromLabels } from '../../shared/use-cases/intent';

const ports = { ...intentStorePorts(), clock: systemClock, config: workflowConfig };

const processor = new BatchProcessor(EventType.SQS);

/** Who asked: a lead (`intent.training_requested`) or the weekly schedule (`Scheduled Event`). */
function askedBy(record: SQSRecord): string {
  try {
    const event = JSON.parse(record.body) as { 'detail-type'?: string; detail?: { requestedBy?: string } };
    return event.detail?.requestedBy ?? event['detail-type'] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function recordHandler(record: SQSRecord): Promise<void> {
  const by = askedBy(record);
  logger.info('intent training started', { by });
  const result = await trainIntentFromLabels(ports, (line) => logger.info('intent training', { line }));
  if (result.kind === 'trained')
    logger.info('intent model in force', {
      by,
      version: result.info.version,
      examples: result.info.examples,
      intents: result.info.intents.length,
      bytes: result.info.bytes,
    });
  else logger.info('intent training skipped', { by, reason: result.reason });
}

/**
 * The intent-training queue (a lead's request, the weekly schedule) → a model trained on the agents'
 * labels, its artifact written and the marker moved. Too few labels: nothing changes, the log says why.
 */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
