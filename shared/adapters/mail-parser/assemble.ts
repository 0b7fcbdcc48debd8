// The fields every path fills the same way — thread headers, date, classification, bounce, problems —
// so that mailparser's answer and the fallback's differ only in what each could decode.
import type { Attachment } from 'mailparser';
import { classifyMail, messageIdList, normaliseMessageId } from '../../domain/mail';
import { readBounce } from './bounce';
import { type Head, type Problems, quote } from './head';
import type { InboundMail } from './inbound-mail';
import { readDate } from './text';

const SINGLE_HEADERS = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id'];
const DISPLAY = (name: string) =>
  name === 'message-id'
    ? 'Message-ID'
    : name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());

/** What every path reads from: the header block read by hand, and the problems found so far. */
export interface Common {
  readonly head: Head;
  readonly problems: Problems;
}

export function commonFields({ head, problems }: Common) {
  for (const name of SINGLE_HEADERS) {
    if (head.all(name).length > 1) problems.add(`duplicate ${DISPLAY(name)} header (the first one is used)`);
  }
  const rawId = head.first('message-id');
  const messageId = rawId === undefined ? undefined : normaliseMessageId(rawId);
  if (rawId === undefined) problems.add('no Message-ID header');
  else if (messageId === undefined) problems.add(`unreadable Message-ID: ${quote(rawId)}`);
  const date = readDate(head.first('date'), problems);
  return {
    ...(messageId ? { messageId } : {}),
    inReplyTo: messageIdList(head.all('in-reply-to')),
    references: messageIdList(head.all('references')),
    ...(date ? { date } : {}),
  };
}

/** Classifies the mail, reads a bounce's details from `attachmentsForBounce`, and closes the problem list. */
export function finish(
  mail: Omit<InboundMail, 'classification' | 'bounce' | 'problems' | 'headers'>,
  { head, problems }: Common,
  attachmentsForBounce: readonly Attachment[],
): InboundMail {
  if (!head.first('from')) problems.add('no From header');
  else if (!mail.from)
    problems.add(`From header has no readable address: ${quote(head.first('from') ?? '')}`);
  const classification = classifyMail({
    headers: head.headers,
    ...(mail.from ? { from: mail.from.address } : {}),
  });
  const bounce =
    classification.kind === 'bounce' ? readBounce(head, attachmentsForBounce, mail.text) : undefined;
  return {
    ...mail,
    headers: head.headers,
    classification,
    ...(bounce ? { bounce } : {}),
    problems: problems.toArray(),
  };
}
