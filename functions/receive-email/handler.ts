import type { SESEvent } from 'aws-lambda';
import { inboundMailPorts } from '../../shared/adapters/inbound-mail-ports';
import { logger } from '../../shared/adapters/logger';
import { INBOUND_MAIL_PREFIX } from '../../shared/domain/mail';
import { receiveEmail } from '../../shared/use-cases/receive-email';

const ports = inboundMailPorts();

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
