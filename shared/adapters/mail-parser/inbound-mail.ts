// What the mail parser answers: one plain object the email use case can trust, whatever the input was.

import type { MailClass, MailHeaders } from '../../domain/mail';

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** The Content-ID without angle brackets, for `cid:` links in the HTML. */
  contentId?: string;
  /** Set for attachments that must not be opened or forwarded without care. */
  risk?: 'archive' | 'executable';
}

export interface InboundBounce {
  /** The Message-ID of the mail that bounced (normalised), from the returned message or its headers. */
  originalMessageId?: string;
  /** Lower-cased addresses that failed. */
  recipients: string[];
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. */
  status?: string;
  /** The remote server's answer, diagnostic type removed. */
  diagnostic?: string;
}

export interface InboundMail {
  /** Normalised (no angle brackets). */
  messageId?: string;
  /** Address lower-cased. */
  from?: { address: string; name?: string };
  /** Lower-cased addresses. */
  to: string[];
  cc: string[];
  replyTo?: string;
  /** '' when absent; decoded, whitespace collapsed, at most 998 characters. */
  subject: string;
  /** The plain text (HTML-only mail rendered as text), at most 200 000 characters. */
  text: string;
  html?: string;
  inReplyTo: string[];
  references: string[];
  /** ISO 8601, when the Date header could be read. */
  date?: string;
  /** Lower-cased name → every value, raw (not decoded), unfolded. */
  headers: MailHeaders;
  attachments: InboundAttachment[];
  classification: { kind: MailClass; reasons: string[] };
  /** For bounces (`classification.kind === 'bounce'`). */
  bounce?: InboundBounce;
  /** What could not be read, human-readable. Empty for a well-formed message. */
  problems: string[];
}

export const MAIL_TEXT_MAX = 200_000;
export const MAIL_SUBJECT_MAX = 998;
