/**
 * What one incident change does to every ticket it affects, decided per ticket and idempotently: a public
 * update is relayed as a public reply on each linked ticket (so the notifier mails each requester on their
 * own thread), and the incident's resolution resolves each linked open ticket with its note. Each write
 * carries its cause in the audit trail, so a redelivered fan-out finds it and writes nothing. The work goes
 * in pages (ticket-id order) so hundreds of linked tickets never make one delivery too long.
 */
import type { AuditEvent } from './audit';
import { type Actor, auditEvent } from './audit';
import { nextRevision } from './conversation';
import {
  type DomainEvent,
  type IncidentFanOutEvent,
  messageAddedEvent,
  type TicketMessageAddedEvent,
} from './events';
import { affectedLinks, isOpenTicket } from './incident';
import { transition } from './states';
import type { Message, Ticket, TicketLink } from './ticket';

/** Linked tickets reached per delivery of a fan-out. */
export const FAN_OUT_PAGE = 25;

export type FanOutAction = IncidentFanOutEvent['detail']['action'];

/** What one write for one fan-out is keyed by, on the linked ticket and on the incident. */
export const fanOutCause = (incidentId: string, action: FanOutAction, key: string): string =>
  `incident:${incidentId}:${action}:${key}`;

interface Ctx {
  readonly at: Date;
  readonly newId: () => string;
}

type Skipped = { readonly kind: 'skipped'; readonly reason: string };

const hasCause = (audit: readonly AuditEvent[], cause: string) => audit.some((a) => a.after?.cause === cause);

const stillLinked = (ticket: Ticket, incidentId: string) =>
  ticket.links.some((l) => l.ticketId === incidentId && l.relation === 'affected_by');

/** The page of linked tickets after `after` (ticket-id order), and where the next page starts, if any. */
export function fanOutPage(
  incident: Pick<Ticket, 'links'>,
  after: string | undefined,
  size = FAN_OUT_PAGE,
): { readonly page: TicketLink[]; readonly next?: string } {
  const rest = affectedLinks(incident).filter((l) => after === undefined || l.ticketId > after);
  const page = rest.slice(0, size);
  const last = page.at(-1);
  return rest.length > size && last ? { page, next: last.ticketId } : { page };
}

/**
 * The incident's public update on one linked ticket: the same words as a public reply by the same agent,
 * announced with `deliver` so the notifier mails that ticket's requester on that ticket's thread. Skipped
 * when already relayed, when the ticket is closed (a reply would belong to a follow-up) or no longer linked.
 */
export function relayUpdate(
  history: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] },
  incident: Pick<Ticket, 'id' | 'reference'>,
  update: Pick<Message, 'id' | 'body' | 'author'>,
  ctx: Ctx,
):
  | {
      readonly kind: 'relayed';
      readonly ticket: Ticket;
      readonly message: Message;
      readonly audit: AuditEvent;
      readonly event: TicketMessageAddedEvent;
    }
  | Skipped {
  const { ticket } = history;
  const cause = fanOutCause(incident.id, 'update', update.id);
  if (hasCause(history.audit, cause)) return { kind: 'skipped', reason: 'already relayed' };
  if (!stillLinked(ticket, incident.id)) return { kind: 'skipped', reason: 'no longer linked' };
  if (ticket.state === 'closed') return { kind: 'skipped', reason: `${ticket.reference} is closed` };
  const next = nextRevision(ticket, ctx.at);
  const message: Message = {
    id: ctx.newId(),
    ticketId: ticket.id,
    direction: 'outbound',
    visibility: 'public',
    channel: 'email',
    author: { ...update.author, kind: 'agent' },
    subject: ticket.subject,
    body: update.body,
    attachments: [],
    createdAt: ctx.at.toISOString(),
  };
  const actor: Actor = { kind: 'system', id: `incident:${incident.reference}` };
  return {
    kind: 'relayed',
    ticket: next,
    message,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor,
      action: 'incident.update_relayed',
      before: null,
      after: { messageId: message.id, incident: incident.reference, cause },
    }),
    event: messageAddedEvent(next, message, true),
  };
}

/**
 * The incident's resolution on one linked open ticket: resolved with the note (a `new` ticket goes through
 * in_progress, as the state table asks), announced with cause `incident:<FD-n>` so its resolution mail
 * carries the note; the ticket then follows its own follow-up and closing. Skipped when already done for
 * this resolution, when the ticket is not open or no longer linked, or when a guard refuses (approvals).
 */
export function resolveWithIncident(
  history: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] },
  incident: Pick<Ticket, 'id' | 'reference'>,
  input: { readonly key: string; readonly note: string },
  ctx: Ctx,
):
  | {
      readonly kind: 'resolved';
      readonly ticket: Ticket;
      readonly audit: AuditEvent[];
      readonly events: DomainEvent[];
    }
  | Skipped {
  const cause = fanOutCause(incident.id, 'resolve', input.key);
  const { ticket } = history;
  if (hasCause(history.audit, cause)) return { kind: 'skipped', reason: 'already resolved with it' };
  if (!stillLinked(ticket, incident.id)) return { kind: 'skipped', reason: 'no longer linked' };
  if (!isOpenTicket(ticket)) return { kind: 'skipped', reason: `${ticket.reference} is ${ticket.state}` };
  const actor: Actor = { kind: 'system', id: `incident:${incident.reference}` };
  const steps = ticket.state === 'new' ? (['in_progress', 'resolved'] as const) : (['resolved'] as const);
  let current = ticket;
  const audit: AuditEvent[] = [];
  const events: DomainEvent[] = [];
  for (const to of steps) {
    const moved = transition(current, to, {
      actor,
      at: ctx.at,
      newId: ctx.newId,
      nextSeq: current.auditSeq + 1,
      reason: input.note,
    });
    if (!moved.ok) return { kind: 'skipped', reason: moved.error.message };
    current = moved.ticket;
    audit.push({ ...moved.audit, after: { ...moved.audit.after, cause } });
    events.push({
      ...moved.event,
      detail: { ...moved.event.detail, cause: `incident:${incident.reference}` },
    });
  }
  return { kind: 'resolved', ticket: current, audit, events };
}

/**
 * The incident's bookkeeping that hands the next page to a later delivery: an audit line keyed by the
 * fan-out and page, and the `incident.fan_out` event for it. Undefined when that page was already handed on.
 */
export function continueFanOut(
  history: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] },
  input: { readonly action: FanOutAction; readonly key: string; readonly after: string },
  ctx: Ctx,
): { readonly ticket: Ticket; readonly audit: AuditEvent; readonly event: IncidentFanOutEvent } | undefined {
  const { ticket } = history;
  const cause = `${fanOutCause(ticket.id, input.action, input.key)}:after:${input.after}`;
  if (hasCause(history.audit, cause)) return undefined;
  const next = nextRevision(ticket, ctx.at);
  return {
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: { kind: 'system', id: 'incidents' },
      action: 'incident.fan_out_continued',
      before: null,
      after: { action: input.action, key: input.key, after: input.after, cause },
    }),
    event: {
      type: 'incident.fan_out',
      detail: {
        ticketId: ticket.id,
        version: next.version,
        reference: ticket.reference,
        action: input.action,
        key: input.key,
        after: input.after,
        occurredAt: next.updatedAt,
      },
    },
  };
}

/** The audit entry of the incident's latest resolution: its seq keys the fan-out, its reason is the note. */
export function latestResolution(audit: readonly AuditEvent[]): AuditEvent | undefined {
  return audit.findLast((a) => a.action === 'ticket.state_changed' && a.after?.state === 'resolved');
}

/**
 * The incident's first public update, recorded on it once (bookkeeping, for the time to first incident
 * update); undefined when one is recorded already or the ticket is no incident.
 */
export function recordFirstUpdate(
  incident: Ticket,
  update: Pick<Message, 'id' | 'createdAt'>,
  ctx: Ctx,
): { readonly ticket: Ticket; readonly audit: AuditEvent } | undefined {
  const details = incident.incident;
  if (!details || details.firstUpdateAt !== undefined) return undefined;
  const next: Ticket = {
    ...nextRevision(incident, ctx.at),
    incident: { ...details, firstUpdateAt: update.createdAt },
  };
  return {
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: incident.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: { kind: 'system', id: 'incidents' },
      action: 'incident.first_update',
      before: null,
      after: { messageId: update.id, at: update.createdAt },
    }),
  };
}
