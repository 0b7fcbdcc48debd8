import { documentClient, eventBridgeClient } from './clients';
import { systemClock } from './clock';
import { S3DownloadLinks } from './download-links';
import { requiredEnv } from './env';
import { S3ObjectStore, s3Client } from './object-store';
import { DynamoPrivacyExports, EventBridgeExportRequests } from './privacy-exports';
import { TicketRepository } from './ticket-repository';

// A requester's data export (issue 22): the admin API's ports and the builder's.

/** The jobs, the bus a build is asked on, the links to the finished files. */
export function exportAdminPorts() {
  return {
    exports: new DynamoPrivacyExports(documentClient(), requiredEnv('TABLE_NAME')),
    builds: new EventBridgeExportRequests(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME')),
    links: new S3DownloadLinks(s3Client(), requiredEnv('MAIL_BUCKET')),
    clock: systemClock,
  };
}

/** The jobs, the requester's tickets, and the mail bucket (attachments in, the export's files out). */
export function exportBuildPorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    exports: new DynamoPrivacyExports(documentClient(), tableName),
    tickets: new TicketRepository(documentClient(), tableName),
    objects: new S3ObjectStore(s3Client(), requiredEnv('MAIL_BUCKET')),
    clock: systemClock,
  };
}
