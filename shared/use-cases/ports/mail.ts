// Mail in and out: the parsed inbound mail the email use case reads, where its bytes and attachments are
// kept, and the mailer that sends what the notifier writes.
import type { MailClass } from '../../domain/mail';

/** Key prefix of attachments taken out of inbound mail: `<prefix><receipt id>/<n>-<file name>`. */
export const ATTACHMENTS_PREFIX = 'attachments/';

export interface ObjectStore {
  get(key: string): Promise<Buffer>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
}

/** One inbound mail as the parser answers it (the parts the email use case reads). */
export interface InboundMail {
  /** Normalised (no angle brackets). */
  readonly messageId?: string | undefined;
  /** Address lower-cased. */
  readonly from?: { readonly address: string; readonly name?: string | undefined } | undefined;
  /** '' when absent; decoded. */
  readonly subject: string;
  /** The plain text (HTML-only mail rendered as text). */
  readonly text: string;
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  readonly attachments: ReadonlyArray<{
    readonly filename: string;
    readonly contentType: string;
    readonly size: number;
    readonly content: Buffer;
    readonly risk?: 'archive' | 'executable' | undefined;
  }>;
  readonly classification: { readonly kind: MailClass };
  /** For bounces: the mail that bounced and why. */
  readonly bounce?:
    | {
        readonly originalMessageId?: string | undefined;
        readonly recipients: readonly string[];
        readonly status?: string | undefined;
        readonly diagnostic?: string | undefined;
      }
    | undefined;
  /** What could not be read, human-readable. Empty for a well-formed message. */
  readonly problems: readonly string[];
}

/** Raw MIME → the parsed mail; never throws (broken mail still yields what could be read). */
export type MailParser = (raw: Buffer) => Promise<InboundMail>;

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Message-IDs (no brackets) this mail answers, so the customer's client threads it. */
  readonly inReplyTo?: string | undefined;
  readonly references?: readonly string[];
  /**
   * RFC 3834: automatic mails say so, and other robots must not answer them: `auto-replied` for an answer
   * to a message (acknowledgement), `auto-generated` for what the clock sends on its own (a reminder).
   */
  readonly autoSubmitted: false | 'auto-replied' | 'auto-generated';
}

export interface Mailer {
  /** Sends and answers the Message-ID (no brackets) the mail carries. */
  send(mail: OutgoingMail): Promise<string>;
}
