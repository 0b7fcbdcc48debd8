import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../use-cases/ports';

let client: SESv2Client | undefined;
export function sesClient(): SESv2Client {
  client ??= new SESv2Client({});
  return client;
}

/**
 * SES v2 `SendEmail` with Simple content (custom headers are kept). SES sets the Message-ID itself as
 * `<SES message id>@<region>.amazonses.com`; that is what replies will name, so that is what we record.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly region: string,
  ) {}

  async send(mail: OutgoingMail): Promise<string> {
    const headers = [
      ...(mail.autoSubmitted ? [{ Name: 'Auto-Submitted', Value: mail.autoSubmitted }] : []),
      // Exchange's own loop-suppression header: no out-of-office answers to our automatic mails.
      ...(mail.autoSubmitted ? [{ Name: 'X-Auto-Response-Suppress', Value: 'All' }] : []),
      ...(mail.inReplyTo ? [{ Name: 'In-Reply-To', Value: `<${mail.inReplyTo}>` }] : []),
      ...(mail.references?.length
        ? [{ Name: 'References', Value: mail.references.map((r) => `<${r}>`).join(' ') }]
        : []),
    ];
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
            Headers: headers,
          },
        },
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the mail without a MessageId');
    return `${out.MessageId}@${this.region}.amazonses.com`;
  }
}
