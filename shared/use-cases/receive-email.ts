import type { WorkflowConfig } from '../config';
import {
  type Attachment,
  type DomainEvent,
  Email,
  enrichAccount,
  formatReference,
  listedAttachment,
  MAX_LISTED_ATTACHMENTS,
  type Message,
  mailDraft,
  messageAddedEvent,
  newId,
  noteOnTicket,
  openTicket,
  parseFieldLines,
  receiveCustomerMessage,
  referenceInSubject,
  storedMailBody,
  stripQuotedReply,
  type Ticket,
} from '../domain';
import { cut, requesterNameFrom, wellFormed } from '../domain/ticket-input';
import { createLinkedToIncidents, type MaybeIntakeIncidentPorts } from './incident-links';
import { findAccount, understand } from './intake';
import {
  type AccountDirectoryPort,
  ATTACHMENTS_PREFIX,
  type Clock,
  ConcurrentUpdateError,
  type InboundMail,
  type IntentClassifierPort,
  type LanguageDetectorPort,
  type MailLogEntry,
  type MailParser,
  type ObjectStore,
  type TicketRepositoryPort,
} from './ports';

export interface ReceiveEmailPorts {
  readonly tickets: Pick<
    TicketRepositoryPort,
    | 'findDuplicate'
    | 'nextReferenceNumber'
    | 'create'
    | 'append'
    | 'get'
    | 'ticketIdForReference'
    | 'ticketIdForMessageId'
    | 'recordMail'
  > &
    MaybeIntakeIncidentPorts['tickets'];
  readonly accounts: Pick<AccountDirectoryPort, 'get' | 'byDomain'>;
  /** The open incidents: a new ticket their rule takes is linked to them (absent: none is). */
  readonly incidents?: MaybeIntakeIncidentPorts['incidents'];
  readonly objects: ObjectStore;
  readonly parse: MailParser;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
  /** The learned intent (absent, or no model yet: the keyword rules decide alone). */
  readonly intent?: IntentClassifierPort;
  /** The language detector. */
  readonly language?: LanguageDetectorPort;
}

export interface ReceivedMail {
  /** SES's id for the delivery; the raw MIME is at `objectKey`. */
  readonly receiptId: string;
  readonly objectKey: string;
}

const DEDUPE_DAYS = 365;
const MAX_CONFLICT_RETRIES = 3;

/**
 * One inbound mail, whatever it is, ends in exactly one mail-log line and at most one ticket change.
 * Primary course:
 *  1. read the raw MIME from the bucket and parse it (broken mail still yields what could be read);
 *  2. a Message-ID seen before is a duplicate: nothing more happens;
 *  3. a bounce of a mail we sent is attached to its ticket and flags the failed delivery;
 *  4. `[FD-<n>]` in the subject or In-Reply-To/References naming a known Message-ID threads the mail
 *     onto its ticket (reopens a resolved one, fills missing context from `Field: value` lines);
 *     a reply to a closed ticket opens a linked follow-up;
 *  5. otherwise a new ticket; auto-replies, list mail and bounces never get an automatic answer.
 */
export async function receiveEmail(input: ReceivedMail, ports: ReceiveEmailPorts): Promise<MailLogEntry> {
  const now = ports.clock.now();
  const receivedAt = now.toISOString();
  const mail = await ports.parse(await ports.objects.get(input.objectKey));
  const base = {
    receiptId: input.receiptId,
    receivedAt,
    objectKey: input.objectKey,
    mailClass: mail.classification.kind,
    ...(mail.problems.length ? { problems: mail.problems.slice(0, 20) } : {}),
  };
  const log = async (entry: Omit<MailLogEntry, keyof typeof base>) => {
    const line: MailLogEntry = { ...base, ...entry };
    await ports.tickets.recordMail(line);
    return line;
  };

  const dedupe = {
    channel: 'email',
    key: mail.messageId ?? `ses:${input.receiptId}`,
    expiresAt: Math.floor(now.getTime() / 1000) + DEDUPE_DAYS * 86_400,
  };
  const seen = await ports.tickets.findDuplicate(dedupe);
  if (seen?.kind === 'duplicate') {
    return log({
      outcome: 'duplicate',
      ticketId: seen.ticketId,
      reference: seen.reference,
      reason: 'Message-ID already received',
    });
  }

  const attachments = await storeAttachments(mail, input.receiptId, ports.objects);
  const body = storedMailBody(mail.text);

  if (mail.classification.kind === 'bounce') {
    const original = mail.bounce?.originalMessageId;
    const ticketId = original ? await ports.tickets.ticketIdForMessageId(original) : undefined;
    if (!ticketId) {
      return log({
        outcome: 'kept_unprocessed',
        reason: 'bounce of a mail Frontdoor did not send (kept, no ticket)',
      });
    }
    const result = await changeTicket(
      ticketId,
      ports,
      (ticket) => {
        const message = inboundMessage(ticket, mail, body, attachments, now, {
          visibility: 'internal',
          kind: 'system',
        });
        const noted = noteOnTicket(
          ticket,
          'mail.delivery_failed',
          {
            originalMessageId: original,
            recipients: mail.bounce?.recipients ?? [],
            ...(mail.bounce?.status ? { status: mail.bounce.status } : {}),
            ...(mail.bounce?.diagnostic ? { diagnostic: mail.bounce.diagnostic.slice(0, 500) } : {}),
          },
          { actor: { kind: 'system', id: 'mail' }, at: now, newId: () => newId(now) },
          { tags: [...new Set([...ticket.tags, 'delivery-failed'])].sort() },
        );
        return { ...noted, messages: [message], events: [messageAddedEvent(noted.ticket, message)] };
      },
      { dedupe, threadIds: mail.messageId ? [mail.messageId] : [] },
    );
    return log(outcomeOf(result, 'bounce_attached'));
  }

  const sender = Email.safeParse(mail.from?.address ?? '');
  if (!sender.success) {
    return log({
      outcome: 'kept_unprocessed',
      reason: mail.from ? 'sender address is not valid' : 'no sender address',
    });
  }
  const name = requesterNameFrom(mail.from?.name);
  const requester = { email: sender.data, ...(name !== undefined ? { name } : {}) };

  const existing = await findThread(mail, ports);
  if (existing) {
    const result = await changeTicket(
      existing,
      ports,
      (ticket) => {
        const message = inboundMessage(ticket, mail, body, attachments, now, {
          visibility: 'public',
          kind: 'customer',
        });
        const spec = ports.config.requestTypes[ticket.requestType];
        const wanted = (spec ? Object.entries(spec.fields) : [])
          .filter(([name]) => ticket.missingFields.includes(name))
          .map(([name, f]) => ({ name, label: f.label }));
        const supplied = wanted.length ? parseFieldLines(stripQuotedReply(mail.text), wanted) : {};
        const effect = receiveCustomerMessage(ticket, message, supplied, ports.config, {
          actor: { kind: 'customer', id: requester.email },
          at: now,
          newId: () => newId(now),
        });
        if (effect.kind === 'follow_up') return 'follow_up';
        return { ...effect, messages: [message] };
      },
      { dedupe, threadIds: mail.messageId ? [mail.messageId] : [] },
    );
    if (result.kind !== 'follow_up') return log(outcomeOf(result, 'appended'));
    return log(await openFromMail(mail, requester, body, attachments, dedupe, ports, now, existing));
  }
  return log(await openFromMail(mail, requester, body, attachments, dedupe, ports, now, undefined));
}

async function openFromMail(
  mail: InboundMail,
  requester: { email: string; name?: string },
  body: string,
  attachments: Attachment[],
  dedupe: { channel: string; key: string; expiresAt: number },
  ports: ReceiveEmailPorts,
  now: Date,
  followUpOf: string | undefined,
): Promise<Omit<MailLogEntry, 'receiptId' | 'receivedAt' | 'objectKey'>> {
  const account = enrichAccount(undefined, await findAccount({ requester }, ports.accounts));
  // The mail's own new text, without the quoted thread, is what the models read (and what gets stored).
  const { intent, language } = await understand({ subject: mail.subject, body }, ports);
  const draft = mailDraft(
    mail,
    { requester, body, attachments, account, followUpOf, intent, language },
    ports.config,
  );

  const reference = formatReference(await ports.tickets.nextReferenceNumber());
  const opened = openTicket(draft, {
    config: ports.config,
    now,
    reference,
    newId: () => newId(now),
    actor: { kind: 'customer', id: requester.email },
  });
  if (!opened.ok) {
    return { outcome: 'kept_unprocessed', reason: opened.error.message };
  }
  const facts = { ...draft, requestType: opened.ticket.requestType, accountId: account?.id };
  const created = await createLinkedToIncidents(opened, facts, ports, (linked) =>
    ports.tickets.create({
      ticket: linked.ticket,
      message: opened.message,
      audit: linked.audit,
      dedupe,
      threadIds: mail.messageId ? [mail.messageId] : [],
      events: opened.events,
    }),
  );
  if (created.kind === 'duplicate') {
    return {
      outcome: 'duplicate',
      ticketId: created.ticketId,
      reference: created.reference,
      reason: 'Message-ID already received',
    };
  }
  return {
    outcome: followUpOf ? 'follow_up_created' : 'ticket_created',
    ticketId: opened.ticket.id,
    reference,
    ...(followUpOf ? { reason: `reply to closed ticket ${followUpOf}` } : {}),
  };
}

/** The ticket a mail answers: `[FD-<n>]` in its subject first, then the Message-IDs it replies to. */
async function findThread(mail: InboundMail, ports: ReceiveEmailPorts): Promise<string | undefined> {
  const reference = referenceInSubject(mail.subject);
  if (reference) {
    const id = await ports.tickets.ticketIdForReference(reference);
    if (id) return id;
  }
  for (const messageId of [...mail.inReplyTo, ...[...mail.references].reverse()].slice(0, 20)) {
    const id = await ports.tickets.ticketIdForMessageId(messageId);
    if (id) return id;
  }
  return undefined;
}

type Change = {
  ticket: Ticket;
  audit: import('../domain').AuditEvent[];
  events: DomainEvent[];
  messages: Message[];
};
type ChangeResult =
  | { kind: 'appended'; ticket: Ticket }
  | { kind: 'duplicate'; ticketId: string; reference: string }
  | { kind: 'follow_up' };

/** Read, change, write with optimistic concurrency; a concurrent change makes us re-read and re-apply. */
async function changeTicket(
  ticketId: string,
  ports: ReceiveEmailPorts,
  apply: (ticket: Ticket) => Change | 'follow_up',
  extra: { dedupe: { channel: string; key: string; expiresAt: number }; threadIds: string[] },
): Promise<ChangeResult> {
  for (let attempt = 0; ; attempt++) {
    const ticket = await ports.tickets.get(ticketId);
    if (!ticket) throw new Error(`ticket ${ticketId} is indexed but missing`);
    const change = apply(ticket);
    if (change === 'follow_up') return { kind: 'follow_up' };
    try {
      const written = await ports.tickets.append({
        ticket: change.ticket,
        expectedVersion: ticket.version,
        messages: change.messages,
        audit: change.audit,
        dedupe: extra.dedupe,
        threadIds: extra.threadIds,
        events: change.events,
      });
      if (written.kind === 'duplicate') return written;
      return { kind: 'appended', ticket: change.ticket };
    } catch (e: unknown) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
    }
  }
}

function outcomeOf(result: ChangeResult, outcome: 'appended' | 'bounce_attached') {
  if (result.kind === 'duplicate') {
    return { outcome: 'duplicate' as const, ticketId: result.ticketId, reference: result.reference };
  }
  if (result.kind === 'follow_up')
    return { outcome: 'kept_unprocessed' as const, reason: 'unexpected follow-up' };
  return { outcome, ticketId: result.ticket.id, reference: result.ticket.reference };
}

function inboundMessage(
  ticket: Ticket,
  mail: InboundMail,
  body: string,
  attachments: Attachment[],
  now: Date,
  who: { visibility: 'public' | 'internal'; kind: 'customer' | 'system' },
): Message {
  return {
    id: newId(now),
    ticketId: ticket.id,
    direction: 'inbound',
    visibility: who.visibility,
    channel: 'email',
    author: {
      kind: who.kind,
      ...(mail.from?.address ? { email: mail.from.address } : {}),
      ...(requesterNameFrom(mail.from?.name) ? { name: requesterNameFrom(mail.from?.name) } : {}),
    },
    subject: cut(wellFormed(mail.subject), 998),
    body,
    ...(mail.messageId ? { messageId: mail.messageId } : {}),
    attachments,
    mailClass: mail.classification.kind,
    createdAt: now.toISOString(),
  };
}

async function storeAttachments(
  mail: InboundMail,
  receiptId: string,
  objects: ObjectStore,
): Promise<Attachment[]> {
  const stored: Attachment[] = [];
  for (const [i, a] of mail.attachments.slice(0, MAX_LISTED_ATTACHMENTS).entries()) {
    const safeName = (a.filename || `attachment-${i + 1}`).replace(/[^\w.@+-]+/g, '_').slice(0, 120);
    const key = `${ATTACHMENTS_PREFIX}${receiptId}/${i + 1}-${safeName}`;
    await objects.put(key, a.content, a.contentType || 'application/octet-stream');
    stored.push(listedAttachment(a, safeName, key));
  }
  return stored;
}
