import type { WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import type { Issue } from './errors';
import { type DomainEvent, messageAddedEvent } from './events';
import { transition } from './states';
import type { Message, Ticket } from './ticket';
import { checkFields } from './triage';

export interface ChangeContext {
  readonly actor: Actor;
  readonly at: Date;
  readonly newId: () => string;
}

export interface TicketChange {
  readonly ticket: Ticket;
  readonly audit: AuditEvent[];
  readonly events: DomainEvent[];
}

/**
 * The customer supplies required context (through the needs-info form or `Field: value` lines in a
 * reply). Values for fields the request type defines are checked and merged; once nothing required is
 * missing, a `needs_info` ticket moves on to `in_progress` by itself — no agent has to notice.
 */
export function supplyContext(
  ticket: Ticket,
  values: Readonly<Record<string, string>>,
  config: Pick<WorkflowConfig, 'requestTypes'>,
  ctx: ChangeContext,
): ({ ok: true; supplied: string[] } & TicketChange) | { ok: false; issues: Issue[] } {
  const spec = config.requestTypes[ticket.requestType];
  if (!spec)
    return {
      ok: false,
      issues: [{ path: 'requestType', message: `unknown request type ${ticket.requestType}` }],
    };

  const known = Object.fromEntries(
    Object.entries(values).filter(([name, v]) => Object.hasOwn(spec.fields, name) && v.trim() !== ''),
  );
  const checked = checkFields(spec, { ...ticket.fields, ...known });
  const issues = checked.invalidFields.filter((i) => Object.hasOwn(known, i.path.slice('fields.'.length)));
  if (issues.length > 0) return { ok: false, issues };

  const supplied = Object.keys(known).filter((name) => ticket.fields[name] !== checked.fields[name]);
  if (supplied.length === 0) return { ok: true, supplied, ticket, audit: [], events: [] };

  let next: Ticket = {
    ...nextRevision(ticket, ctx.at),
    fields: checked.fields,
    missingFields: checked.missingFields,
  };
  const audit: AuditEvent[] = [
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'ticket.context_supplied',
      before: { missingFields: ticket.missingFields },
      after: { supplied, missingFields: next.missingFields },
    }),
  ];
  const events: DomainEvent[] = [];
  if (next.state === 'needs_info' && next.missingFields.length === 0) {
    next = moveOn(next, 'required context supplied', ctx, audit, events);
  }
  return { ok: true, supplied, ticket: next, audit, events };
}

export type InboundEffect =
  | ({ readonly kind: 'appended' } & TicketChange)
  /** The ticket is closed: the caller opens a new ticket that follows it up. */
  | { readonly kind: 'follow_up' };

/**
 * A customer's message arrives on an existing ticket. A reply reopens a resolved ticket and hands a
 * waiting-on-customer ticket back to the team; `Field: value` lines fill missing context; a reply to a
 * closed ticket is not appended (closed stays closed) but becomes a linked follow-up.
 */
export function receiveCustomerMessage(
  ticket: Ticket,
  message: Message,
  suppliedFields: Readonly<Record<string, string>>,
  config: Pick<WorkflowConfig, 'requestTypes'>,
  ctx: ChangeContext,
): InboundEffect {
  if (ticket.state === 'closed') return { kind: 'follow_up' };

  let next = nextRevision(ticket, ctx.at);
  const audit: AuditEvent[] = [
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'ticket.message_added',
      before: null,
      after: { messageId: message.id, direction: message.direction, channel: message.channel },
    }),
  ];
  const events: DomainEvent[] = [messageAddedEvent(next, message)];

  if (next.state === 'needs_info' && Object.keys(suppliedFields).length > 0) {
    const supplied = supplyContext(next, suppliedFields, config, ctx);
    // Wrong values in a reply are not fatal: the message is kept and the fields stay missing.
    if (supplied.ok && supplied.supplied.length > 0) {
      next = supplied.ticket;
      audit.push(...supplied.audit);
      events.push(...supplied.events);
    }
  }

  const reopenFrom = next.state === 'resolved' || next.state === 'waiting_on_customer';
  if (reopenFrom) {
    next = moveOn(
      next,
      next.state === 'resolved' ? 'customer replied to a resolved ticket' : 'customer replied',
      ctx,
      audit,
      events,
    );
  }
  return { kind: 'appended', ticket: next, audit, events };
}

/** Something happened to a ticket that is worth an audit entry but changes no state (e.g. a bounce). */
export function noteOnTicket(
  ticket: Ticket,
  action: string,
  after: Record<string, unknown>,
  ctx: ChangeContext,
  changes: Partial<Pick<Ticket, 'tags'>> = {},
): TicketChange {
  const next: Ticket = { ...nextRevision(ticket, ctx.at), ...changes };
  const audit = [
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action,
      before: null,
      after,
    }),
  ];
  return { ticket: next, audit, events: [] };
}

/** The ticket's next revision: one version up, one audit sequence number taken, stamped `at`. */
export function nextRevision(ticket: Ticket, at: Date): Ticket {
  return {
    ...ticket,
    version: ticket.version + 1,
    updatedAt: at.toISOString(),
    auditSeq: ticket.auditSeq + 1,
  };
}

/** Moves a ticket to in_progress when the table and guards allow it, collecting the audit entry and event. */
function moveOn(
  ticket: Ticket,
  reason: string,
  ctx: ChangeContext,
  audit: AuditEvent[],
  events: DomainEvent[],
): Ticket {
  const moved = transition(ticket, 'in_progress', { ...ctx, reason, nextSeq: ticket.auditSeq + 1 });
  if (!moved.ok) return ticket;
  audit.push(moved.audit);
  events.push(moved.event);
  return moved.ticket;
}
