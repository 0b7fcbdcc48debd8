// The ticket store as the use cases need it: reads by id, reference, Message-ID and index, and writes
// that land whole or not at all (a ticket with its messages, audit entries and outbox events).

import type { Approval, AuditEvent, DomainEvent, Message, Ticket } from '../../domain';
import type { IntentLabelRecord } from './intent';

/** The channel's own id for a request: webhook `(source, id)`, a Message-ID, a form submission id. */
export interface DedupeKey {
  readonly channel: string;
  readonly key: string;
  /** Epoch seconds after which the store may forget the key. */
  readonly expiresAt: number;
}

export type CreateOutcome =
  | { readonly kind: 'created' }
  | { readonly kind: 'duplicate'; readonly ticketId: string; readonly reference: string };

export interface TicketHistory {
  readonly ticket: Ticket;
  readonly messages: Message[];
  readonly audit: AuditEvent[];
  /** Its approvals (the same partition); absent from repositories that do not keep them beside the ticket. */
  readonly approvals?: Approval[];
}

/** Filters of a queue view, applied after the key condition. */
export interface QueueFilter {
  readonly priority?: string | undefined;
  /** An assignee's id, or `none` for unassigned tickets. */
  readonly assignee?: string | undefined;
  readonly blocked?: boolean | undefined;
}

/** What became of one inbound mail. */
export interface MailLogEntry {
  /** The SES message id (the object key's last part). */
  readonly receiptId: string;
  readonly receivedAt: string;
  readonly objectKey: string;
  readonly outcome:
    | 'ticket_created'
    | 'appended'
    | 'follow_up_created'
    | 'bounce_attached'
    | 'duplicate'
    | 'kept_unprocessed';
  readonly ticketId?: string;
  readonly reference?: string;
  readonly mailClass?: string;
  /** Why, in words (e.g. "no sender address", "bounce of a mail we did not send"). */
  readonly reason?: string;
  readonly problems?: readonly string[];
}

export interface PageRequest {
  readonly limit: number;
  /** A cursor from an earlier page (InvalidCursorError when it is not one). */
  readonly cursor?: string | undefined;
}

export interface TicketPage {
  tickets: Ticket[];
  cursor?: string;
}

/** A new ticket as written: ticket, first message, audit, dedupe key and outbox events together. */
export interface NewTicketWrite {
  ticket: Ticket;
  message: Message;
  audit: readonly AuditEvent[];
  dedupe: DedupeKey;
  /** Mail Message-IDs that thread to this ticket (the first mail's own id). */
  threadIds?: readonly string[];
  /** What the new ticket announces (`ticket.created`, …): into the outbox, in the same transaction. */
  events?: readonly DomainEvent[];
}

/** A change to an existing ticket as written, only over the version it was decided on. */
export interface TicketChangeWrite {
  ticket: Ticket;
  expectedVersion: number;
  messages?: readonly Message[];
  audit: readonly AuditEvent[];
  dedupe?: DedupeKey;
  threadIds?: readonly string[];
  /** Approval items changed with the ticket: `expectedVersion` null for a new one. */
  approvals?: ReadonlyArray<{ readonly approval: Approval; readonly expectedVersion: number | null }>;
  /** What the change announces: into the outbox, in the same transaction. */
  events?: readonly DomainEvent[];
  /** An agent's intent label, kept where training reads it (replacing the ticket's earlier one). */
  intentLabel?: IntentLabelRecord;
}

export interface TicketRepositoryPort {
  /** The next `FD-<n>`: a number taken by a request that then turns out duplicate is skipped, never reused. */
  nextReferenceNumber(): Promise<number>;
  findDuplicate(dedupe: Pick<DedupeKey, 'channel' | 'key'>): Promise<CreateOutcome | undefined>;
  /** Ticket + first message + audit + dedupe key + outbox events, in one transaction (a twin loses). */
  create(input: NewTicketWrite): Promise<CreateOutcome>;
  ticketIdForReference(reference: string): Promise<string | undefined>;
  /** UnreadableTicketError when the stored ticket does not parse. */
  get(ticketId: string): Promise<Ticket | undefined>;
  /** The ticket, its conversation and its audit trail. */
  history(ticketId: string): Promise<TicketHistory | undefined>;
  /**
   * A change to an existing ticket, in one transaction, only if nobody changed the ticket since
   * `expectedVersion` (ConcurrentUpdateError otherwise); an existing dedupe key makes it a duplicate.
   */
  append(input: TicketChangeWrite): Promise<CreateOutcome | { readonly kind: 'appended' }>;
  /** Which ticket a mail Message-ID (one we received or sent) belongs to. */
  ticketIdForMessageId(messageId: string): Promise<string | undefined>;
  listByRequester(email: string, page: PageRequest): Promise<TicketPage>;
  listByAssignee(assignee: string, page: PageRequest): Promise<TicketPage>;
  listByAccount(accountId: string, page: PageRequest): Promise<TicketPage>;
  /** One queue in one state, urgent first, then oldest first. */
  listQueue(
    queue: string,
    state: string,
    page: PageRequest & { readonly filter?: QueueFilter },
  ): Promise<TicketPage>;
  /** How many tickets a queue holds in a state, and how many of them are at SLA risk. */
  queueStats(queue: string, state: string): Promise<{ count: number; warning: number; breached: number }>;
  /** Every inbound mail leaves a line, whatever became of it. */
  recordMail(entry: MailLogEntry): Promise<void>;
  /** One day's mail log, newest first. */
  mailLog(day: string): Promise<MailLogEntry[]>;
}
