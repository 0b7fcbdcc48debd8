import type { Mailer, OutgoingMail } from '../use-cases/ports';
import { AwsJsonService, SES_V2 } from './aws-json';

let service: AwsJsonService | undefined;

/** SES v2 (./aws-json.ts: signed calls without the SDK client), one per container. */
export function sesService(): AwsJsonService {
  service ??= new AwsJsonService(SES_V2);
  return service;
}

/** SES v2 `SendEmail`'s input, as far as Frontdoor fills it (the API reference's names). */
export interface SendEmailInput {
  readonly FromEmailAddress: string;
  readonly Destination: { readonly ToAddresses: readonly string[] };
  readonly Content: {
    readonly Simple: {
      readonly Subject: { readonly Data: string; readonly Charset: 'UTF-8' };
      readonly Body: { readonly Text: { readonly Data: string; readonly Charset: 'UTF-8' } };
      readonly Headers: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
    };
  };
}

/** The `SendEmail` input of a mail: Simple content, the threading and loop-suppression headers kept. */
export function sendEmailInput(mail: OutgoingMail): SendEmailInput {
  const headers = [
    ...(mail.autoSubmitted ? [{ Name: 'Auto-Submitted', Value: mail.autoSubmitted }] : []),
    // Exchange's own loop-suppression header: no out-of-office answers to our automatic mails.
    ...(mail.autoSubmitted ? [{ Name: 'X-Auto-Response-Suppress', Value: 'All' }] : []),
    ...(mail.inReplyTo ? [{ Name: 'In-Reply-To', Value: `<${mail.inReplyTo}>` }] : []),
    ...(mail.references?.length
      ? [{ Name: 'References', Value: mail.references.map((r) => `<${r}>`).join(' ') }]
      : []),
  ];
  return {
    FromEmailAddress: mail.from,
    Destination: { ToAddresses: [mail.to] },
    Content: {
      Simple: {
        Subject: { Data: mail.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
        Headers: headers,
      },
    },
  };
}

/** SES v2's `SendEmail` path (REST-JSON). */
export const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

/**
 * SES v2 `SendEmail` with Simple content (custom headers are kept). SES sets the Message-ID itself as
 * `<SES message id>@<region>.amazonses.com`; that is what replies will name, so that is what we record.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: AwsJsonService,
    private readonly region: string,
  ) {}

  async send(mail: OutgoingMail): Promise<string> {
    const out = await this.ses.call<{ MessageId?: string }>(
      'POST',
      SEND_EMAIL_PATH,
      { 'content-type': 'application/json' },
      sendEmailInput(mail),
    );
    if (!out.MessageId) throw new Error('SES accepted the mail without a MessageId');
    return `${out.MessageId}@${this.region}.amazonses.com`;
  }
}
