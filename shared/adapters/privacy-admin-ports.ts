import { workflowConfig } from '../config/workflow';
import { documentClient, eventBridgeClient } from './clients';
import { systemClock } from './clock';
import { S3DownloadLinks } from './download-links';
import { requiredEnv } from './env';
import { s3Client } from './object-store';
import { DynamoErasures } from './privacy-erasures';
import { DynamoPrivacyExports, EventBridgeExportRequests } from './privacy-exports';
import { TicketRepository } from './ticket-repository';

// The admin API on a requester's data (issue 22); apart from the workers' ports (privacy-ports.ts), so
// they do not carry the workflow config.

/**
 * Exports: the jobs, the bus a build is asked on, the links to the finished files. Erasures: their jobs,
 * the tickets (the erasure's own ticket is opened and its approval asked), the workflow config.
 */
export function privacyAdminPorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    exports: new DynamoPrivacyExports(documentClient(), tableName),
    builds: new EventBridgeExportRequests(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME')),
    links: new S3DownloadLinks(s3Client(), requiredEnv('MAIL_BUCKET')),
    erasures: new DynamoErasures(documentClient(), tableName),
    tickets: new TicketRepository(documentClient(), tableName),
    config: workflowConfig,
    clock: systemClock,
  };
}
