import type { SESEvent } from 'aws-lambda';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { documentClient } from '../../shared/adapters/clients';
import { systemClock } from '../../shared/adapters/clock';
import { requiredEnv } from '../../shared/adapters/env';
import { logger } from '../../shared/adapters/logger';
import { parseMail } from '../../shared/adapters/mail-parser';
import { INBOUND_MAIL_PREFIX, S3ObjectStore, s3Client } from '../../shared/adapters/object-store';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { receiveEmail } from '../../shared/use-cases/receive-email';

const ports = {
  tickets: new TicketRepository(documentClient(), requiredEnv('TABLE_NAME')),
  accounts: new AccountDirectory(documentClient(), requiredEnv('TABLE_NAME')),
  objects: new S3ObjectStore(s3Client(), requiredEnv('MAIL_BUCKET')),
  parse: parseMail,
  clock: systemClock,
  config: workflowConfig,
};

/**
 * SES receipt rule (S3 action, then this function as an Event invocation): the raw MIME is already in
 * the bucket under `inbound/<SES message id>`. Failures are retried by Lambda and then land in the DLQ.
 */
export const handler = async (event: SESEvent): Promise<void> => {
  for (const record of event.Records) {
    const receiptId = record.ses.mail.messageId;
    const entry = await receiveEmail({ receiptId, objectKey: `${INBOUND_MAIL_PREFIX}${receiptId}` }, ports);
    // No addresses or subjects in logs (PII): the outcome and ids are enough to follow a mail.
    logger.info('mail received', {
      receiptId,
      outcome: entry.outcome,
      ticketId: entry.ticketId,
      mailClass: entry.mailClass,
      problems: entry.problems?.length ?? 0,
    });
  }
};
