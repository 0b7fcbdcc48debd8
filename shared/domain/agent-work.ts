/**
 * What agents do to a ticket besides moving it (states.ts), handing it off (handoff.ts), escalating or
 * asking for approvals: reply or note, take/assign, change priority/tags/fields, merge a duplicate. Pure:
 * each returns the changed ticket with its audit entry (and event), or a refusal naming its rule.
 */
import type { WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import { DomainError, type Issue } from './errors';
import {
  messageAddedEvent,
  type TicketAssignedEvent,
  type TicketMessageAddedEvent,
  type TicketPriorityChangedEvent,
  ticketAssignedEvent,
} from './events';
import { blockClock } from './states';
import type { Message, Priority, Ticket, TicketLink } from './ticket';
import { fieldLimitIssues, fieldsSize, normaliseTags } from './ticket-input';
import { checkFields } from './triage';

export class AgentActionRefusedError extends DomainError {
  override readonly name = 'AgentActionRefusedError';
  readonly code = 'TICKET.ACTION_REFUSED';
  constructor(
    /** The rule that refused: `reassign-lead`, `ticket-open`, `fields-valid`, `nothing-changed`, `merge-target`. */
    readonly rule: string,
    /** `forbidden` → 403, `invalid` → 422. */
    readonly kind: 'forbidden' | 'invalid',
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }
}

export interface AgentContext {
  readonly actor: Actor;
  readonly at: Date;
  readonly newId: () => string;
}

type Refusal = { readonly ok: false; readonly error: AgentActionRefusedError };
const refuse = (
  rule: string,
  kind: AgentActionRefusedError['kind'],
  message: string,
  issues: readonly Issue[] = [],
): Refusal => ({ ok: false, error: new AgentActionRefusedError(rule, kind, message, issues) });

function audit(
  ticket: Ticket,
  next: Ticket,
  ctx: AgentContext,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  reason?: string,
): AuditEvent {
  return auditEvent({
    newId: ctx.newId,
    ticketId: ticket.id,
    seq: next.auditSeq,
    at: ctx.at,
    actor: ctx.actor,
    action,
    before,
    after,
    reason,
  });
}

/**
 * An agent writes on a ticket: a public reply (mailed to the requester by the notifier, and what the SLA
 * clock counts as a response) or an internal note (never leaves the team).
 */
export function addAgentMessage(
  ticket: Ticket,
  input: {
    readonly visibility: 'public' | 'internal';
    readonly body: string;
    readonly author: { email?: string; name?: string };
  },
  ctx: AgentContext,
):
  | { ok: true; ticket: Ticket; message: Message; audit: AuditEvent; event: TicketMessageAddedEvent }
  | Refusal {
  if (ticket.state === 'closed')
    return refuse(
      'ticket-open',
      'invalid',
      `${ticket.reference} is closed; a reply goes to a follow-up ticket`,
    );
  const next = nextRevision(ticket, ctx.at);
  const message: Message = {
    id: ctx.newId(),
    ticketId: ticket.id,
    direction: 'outbound',
    visibility: input.visibility,
    channel: 'email',
    author: { kind: 'agent', ...input.author },
    subject: ticket.subject,
    body: input.body,
    attachments: [],
    createdAt: ctx.at.toISOString(),
  };
  const kind = input.visibility === 'public' ? 'reply' : 'note';
  return {
    ok: true,
    ticket: next,
    message,
    audit: audit(ticket, next, ctx, 'message.added', null, {
      messageId: message.id,
      visibility: input.visibility,
      kind,
    }),
    event: messageAddedEvent(next, message, input.visibility === 'public'),
  };
}

/**
 * Who works a ticket. An agent takes it or lets it go; giving it to someone else (or taking it from
 * someone) is a lead's call (rule `reassign-lead`).
 */
export function assignTicket(
  ticket: Ticket,
  assignee: string | null,
  ctx: AgentContext & { readonly mayReassign: boolean },
): { ok: true; ticket: Ticket; audit: AuditEvent; event: TicketAssignedEvent } | Refusal {
  const me = ctx.actor.id.toLowerCase();
  const to = assignee?.trim().toLowerCase() || null;
  if (ticket.state === 'closed') return refuse('ticket-open', 'invalid', `${ticket.reference} is closed`);
  if (to === ticket.assignee)
    return refuse(
      'nothing-changed',
      'invalid',
      `${ticket.reference} is already ${to ? `assigned to ${to}` : 'unassigned'}`,
    );
  const ownMove =
    (to === me && (ticket.assignee === null || ticket.assignee === me)) ||
    (to === null && ticket.assignee === me);
  if (!ownMove && !ctx.mayReassign)
    return refuse(
      'reassign-lead',
      'forbidden',
      `agents take or release tickets themselves; giving ${ticket.reference} to someone else${ticket.assignee ? ` (now ${ticket.assignee})` : ''} is a lead's call`,
    );
  const next = { ...nextRevision(ticket, ctx.at), assignee: to };
  return {
    ok: true,
    ticket: next,
    audit: audit(ticket, next, ctx, 'ticket.assigned', { assignee: ticket.assignee }, { assignee: to }),
    event: ticketAssignedEvent(ticket, next),
  };
}

/**
 * Priority, tags and the request type's fields, as an agent corrects them. Fields are checked against
 * the request type (an enum value it does not offer is refused) and `missingFields` recomputed, so
 * supplying the last missing field lets the ticket leave needs_info. A priority change is announced
 * (the SLA timer takes the new targets).
 */
export function updateTicket(
  ticket: Ticket,
  change: {
    readonly priority?: Priority;
    readonly tags?: readonly string[];
    readonly fields?: Readonly<Record<string, string>>;
  },
  config: Pick<WorkflowConfig, 'requestTypes'>,
  ctx: AgentContext,
): { ok: true; ticket: Ticket; audit: AuditEvent; event?: TicketPriorityChangedEvent } | Refusal {
  if (ticket.state === 'closed') return refuse('ticket-open', 'invalid', `${ticket.reference} is closed`);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let next: Ticket = ticket;
  if (change.priority !== undefined && change.priority !== ticket.priority) {
    before.priority = ticket.priority;
    after.priority = change.priority;
    next = { ...next, priority: change.priority };
  }
  if (change.tags !== undefined) {
    const tags = normaliseTags(change.tags);
    if (tags.join('\n') !== ticket.tags.join('\n')) {
      before.tags = ticket.tags;
      after.tags = tags;
      next = { ...next, tags };
    }
  }
  if (change.fields !== undefined) {
    const spec = config.requestTypes[ticket.requestType];
    const merged = { ...ticket.fields, ...change.fields };
    const checked = spec
      ? checkFields(spec, merged)
      : { fields: merged, missingFields: [], invalidFields: [] };
    const invalid = [
      ...checked.invalidFields,
      ...fieldLimitsOfChange(ticket.fields, change.fields, checked.fields),
    ];
    if (invalid.length > 0)
      return refuse(
        'fields-valid',
        'invalid',
        invalid.map((i) => `${i.path}: ${i.message}`).join('; '),
        invalid,
      );
    const changed = Object.keys(change.fields).filter(
      (k) => (ticket.fields[k] ?? '') !== (checked.fields[k] ?? ''),
    );
    if (changed.length > 0) {
      before.fields = Object.fromEntries(changed.map((k) => [k, ticket.fields[k] ?? null]));
      after.fields = Object.fromEntries(changed.map((k) => [k, checked.fields[k] ?? null]));
      before.missingFields = ticket.missingFields;
      after.missingFields = checked.missingFields;
      next = { ...next, fields: checked.fields, missingFields: checked.missingFields };
    }
  }
  if (Object.keys(after).length === 0)
    return refuse('nothing-changed', 'invalid', `nothing to change on ${ticket.reference}`);
  next = nextRevision(next, ctx.at);
  const event: TicketPriorityChangedEvent | undefined =
    after.priority !== undefined
      ? {
          type: 'ticket.priority_changed',
          detail: {
            ticketId: ticket.id,
            version: next.version,
            from: ticket.priority,
            to: next.priority,
            occurredAt: next.updatedAt,
          },
        }
      : undefined;
  return {
    ok: true,
    ticket: next,
    audit: audit(ticket, next, ctx, 'ticket.updated', before, after),
    ...(event ? { event } : {}),
  };
}

/**
 * The limits every door holds fields to (ticket-input.ts), for a change merged into a ticket: the names
 * and values it sends, and the whole set after it — unless the change does not make the set larger, so a
 * ticket over a limit (from before it existed) can still be tidied.
 */
function fieldLimitsOfChange(
  current: Readonly<Record<string, string>>,
  change: Readonly<Record<string, string>>,
  merged: Readonly<Record<string, string>>,
): Issue[] {
  const own = fieldLimitIssues(change).filter((i) => i.path !== 'fields');
  const grows =
    Object.keys(merged).length > Object.keys(current).length || fieldsSize(merged) > fieldsSize(current);
  const whole = grows ? fieldLimitIssues(merged).filter((i) => i.path === 'fields') : [];
  return [...own, ...whole];
}

function link(
  ticket: Ticket,
  other: Ticket,
  relation: TicketLink['relation'],
  by: string,
  at: string,
): TicketLink[] {
  const rest = ticket.links.filter((l) => !(l.ticketId === other.id && l.relation === relation));
  return [...rest, { ticketId: other.id, reference: other.reference, relation, by, at }];
}

/**
 * A duplicate is merged into the ticket that stays: the duplicate is closed with a link to it
 * (`duplicate_of`), the survivor links back (`duplicated_by`); both keep their conversations. The two
 * changes are written one after the other (survivor first), each idempotent.
 */
export function mergeTickets(
  duplicate: Ticket,
  survivor: Ticket,
  ctx: AgentContext & { readonly reason?: string | undefined },
):
  | {
      ok: true;
      duplicate: { ticket: Ticket; audit: AuditEvent };
      survivor: { ticket: Ticket; audit: AuditEvent };
    }
  | Refusal {
  if (duplicate.id === survivor.id)
    return refuse('merge-target', 'invalid', 'a ticket cannot be merged into itself');
  if (duplicate.state === 'closed')
    return refuse('ticket-open', 'invalid', `${duplicate.reference} is already closed`);
  if (duplicate.pendingApprovals.length > 0)
    return refuse(
      'approvals-decided',
      'invalid',
      `${duplicate.reference} has approvals pending; decide them first`,
    );
  if (survivor.state === 'closed')
    return refuse('merge-target', 'invalid', `${survivor.reference} is closed; merge into an open ticket`);
  const at = ctx.at.toISOString();
  const by = `agent:${ctx.actor.id}`;
  const closed: Ticket = {
    ...nextRevision(duplicate, ctx.at),
    state: 'closed',
    ...blockClock(duplicate, null, ctx.at),
    links: link(duplicate, survivor, 'duplicate_of', by, at),
  };
  const kept: Ticket = {
    ...nextRevision(survivor, ctx.at),
    links: link(survivor, duplicate, 'duplicated_by', by, at),
  };
  return {
    ok: true,
    duplicate: {
      ticket: closed,
      audit: audit(
        duplicate,
        closed,
        ctx,
        'ticket.merged',
        { state: duplicate.state },
        { state: 'closed', into: survivor.reference },
        ctx.reason,
      ),
    },
    survivor: {
      ticket: kept,
      audit: audit(survivor, kept, ctx, 'ticket.merged', null, { absorbed: duplicate.reference }, ctx.reason),
    },
  };
}
