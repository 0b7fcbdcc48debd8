import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { exportBuildPorts } from '../../shared/adapters/privacy-ports';
import { buildExport, EXPORT_BUILD_ATTEMPTS, failExport } from '../../shared/use-cases/privacy-export';

const ports = exportBuildPorts();

const processor = new BatchProcessor(EventType.SQS);

/** The export a message asks for: the bus's `privacy.export_requested` event, `detail.exportId`. */
function exportIdOf(record: SQSRecord): string | undefined {
  try {
    const event = JSON.parse(record.body) as { detail?: { exportId?: unknown } };
    return typeof event.detail?.exportId === 'string' ? event.detail.exportId : undefined;
  } catch {
    return undefined;
  }
}

async function recordHandler(record: SQSRecord): Promise<void> {
  const exportId = exportIdOf(record);
  if (!exportId) {
    logger.warn('privacy export message without an export id', { messageId: record.messageId });
    return;
  }
  try {
    const result = await buildExport(exportId, ports);
    if (result.kind === 'built') logger.info('privacy export built', { exportId, ...result.counts });
    else logger.info('privacy export skipped', { exportId, reason: result.reason });
  } catch (e: unknown) {
    // The last delivery before the DLQ marks the job failed, so the admin sees it rather than "running".
    const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
    if (attempt >= EXPORT_BUILD_ATTEMPTS)
      await failExport(exportId, `the build failed ${attempt} times; the message is in the DLQ`, ports);
    throw e;
  }
}

/**
 * The privacy-exports queue → one requester's export built (`exports/<id>/` in the mail bucket) and its
 * job done; a redelivery rebuilds the same files and leaves a finished job as it is.
 */
export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context });
