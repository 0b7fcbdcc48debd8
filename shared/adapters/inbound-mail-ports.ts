import { requiredEnv } from './env';
import { parseMail } from './mail-parser';
import { S3ObjectStore, s3Client } from './object-store';
import { ticketPorts } from './ports';
import { understandingPorts } from './understanding-ports';

// The email use case's ports, composed like the others in ports.ts but apart from them, so that only the
// function that receives mail bundles S3 and the MIME parser.

/** Ticket ports plus the mail bucket (raw inbound MIME, attachments), the MIME parser, intent and language. */
export function inboundMailPorts() {
  return {
    ...ticketPorts(),
    objects: new S3ObjectStore(s3Client(), requiredEnv('MAIL_BUCKET')),
    parse: parseMail,
    ...understandingPorts(),
  };
}
