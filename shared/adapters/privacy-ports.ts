import { documentClient } from './clients';
import { systemClock } from './clock';
import { requiredEnv } from './env';
import { S3ObjectEraser, S3ObjectStore, s3Client } from './object-store';
import { DynamoPersonalData } from './personal-data';
import { DynamoErasures } from './privacy-erasures';
import { DynamoPrivacyExports } from './privacy-exports';
import { SentMailCopies } from './sent-mail-copies';
import { TicketRepository } from './ticket-repository';

// A requester's data exported or erased (issue 22): the admin API's ports, the builder's and the eraser's.

/** The erasures, the requester's tickets, the whole table, the mail bucket, copies of sent mail. */
export function erasureRunPorts() {
  const tableName = requiredEnv('TABLE_NAME');
  return {
    erasures: new DynamoErasures(documentClient(), tableName),
    tickets: new TicketRepository(documentClient(), tableName),
    personalData: new DynamoPersonalData(documentClient(), tableName),
    objects: new S3ObjectEraser(s3Client(), requiredEnv('MAIL_BUCKET')),
    sentMail: new SentMailCopies(process.env.LOCAL_OUTBOX_URL || undefined),
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
