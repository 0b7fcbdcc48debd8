// Bounce reports: who could not be reached, why, and which of our mails it was. Read from the DSN
// (RFC 3464 `message/delivery-status`) part when there is one, else from the returned message or its
// headers, else from X-Failed-Recipients and the Message-ID quoted in the text (qmail, appliances).
import type { Attachment } from 'mailparser';
import { messageIdList, normaliseMessageId } from '../../domain/mail';
import { contentOf, RETURNED_MESSAGE_TYPES, typeOf } from './attachments';
import { cap, type Head, parseHeaderLines, readHead } from './head';
import type { InboundBounce } from './inbound-mail';

/** Parts of a report (DSN, MDN), never user attachments. */
export const REPORT_PART_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/disposition-notification',
  'message/global-disposition-notification',
  'text/rfc822-headers',
  'message/global-headers',
]);

/** One block of DSN fields: name → first value, whitespace collapsed. */
function dsnFields(block: string): Map<string, string> {
  const map = parseHeaderLines(block, undefined);
  return new Map([...map].map(([k, v]) => [k, (v[0] ?? '').replace(/\s+/g, ' ').trim()]));
}

/** `rfc822; a@b.example` → `a@b.example`: the value after its type. */
const afterType = (v: string) => (v.includes(';') ? v.slice(v.indexOf(';') + 1) : v).trim();

/** `attachments` are every part mailparser kept aside, report parts included; `text` the body as read. */
export function readBounce(head: Head, attachments: readonly Attachment[], text: string): InboundBounce {
  const recipients: string[] = [];
  const addRecipient = (raw: string) => {
    const a = afterType(raw).replace(/^<|>$/g, '').trim().toLowerCase();
    if (a && !recipients.includes(a)) recipients.push(a);
  };
  let status: string | undefined;
  let diagnostic: string | undefined;
  let originalMessageId: string | undefined;

  for (const part of attachments) {
    const type = typeOf(part);
    const content = contentOf(part);
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      const [perMessage = '', ...perRecipient] = content.toString('utf8').split(/\r?\n[ \t]*\r?\n/);
      const messageFields = dsnFields(perMessage);
      const xOriginal = messageFields.get('x-original-message-id');
      if (xOriginal && !originalMessageId) originalMessageId = messageIdList(xOriginal)[0];
      for (const block of perRecipient) {
        const f = dsnFields(block);
        const recipient = f.get('final-recipient') ?? f.get('original-recipient');
        if (recipient) addRecipient(recipient);
        const action = (f.get('action') ?? '').toLowerCase();
        const failed = action === '' || action === 'failed';
        const code = /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(f.get('status') ?? '')?.[0];
        if (status === undefined && code && failed) status = code;
        const diag = f.get('diagnostic-code');
        if (diagnostic === undefined && diag && failed) diagnostic = afterType(diag);
      }
    } else if (
      RETURNED_MESSAGE_TYPES.has(type) ||
      type === 'text/rfc822-headers' ||
      type === 'message/global-headers'
    ) {
      const returned = normaliseMessageId(readHead(content).first('message-id') ?? '');
      if (returned) originalMessageId = returned;
    }
  }
  for (const v of head.all('x-failed-recipients'))
    for (const a of v.split(',')) if (a.trim()) addRecipient(a);
  if (!originalMessageId) {
    // Bounces without a DSN part (qmail, some appliances) quote the original headers in the text.
    const quoted = /^\s*Message-ID:\s*(<[^<>\s]+>)/im.exec(text)?.[1];
    originalMessageId = (quoted && normaliseMessageId(quoted)) || messageIdList(head.all('in-reply-to'))[0];
  }
  return {
    ...(originalMessageId ? { originalMessageId } : {}),
    recipients,
    ...(status ? { status } : {}),
    ...(diagnostic ? { diagnostic: cap(diagnostic, 1000) } : {}),
  };
}
