import { type Actor, type AuditEvent, auditEvent } from './audit';
import { DomainError } from './errors';
import type { TicketStateChangedEvent } from './events';
import type { BlockedOn, Ticket, TicketState } from './ticket';

/**
 * The state machine as data. A reply to a `closed` ticket is deliberately absent: it opens a
 * linked follow-up ticket, so closed work stays closed and its metrics stay true.
 */
export const transitions: Readonly<Record<TicketState, readonly TicketState[]>> = {
  new: ['needs_info', 'in_progress'],
  // Resolved with no reply: the clock gives up waiting for the context (automation.awaitingCustomer).
  needs_info: ['in_progress', 'resolved'],
  in_progress: ['waiting_on_customer', 'waiting_on_team', 'resolved', 'needs_info'],
  waiting_on_customer: ['in_progress', 'resolved'],
  waiting_on_team: ['in_progress', 'resolved'],
  // Back to in_progress is the reopen when the customer replies to a resolved ticket.
  resolved: ['in_progress', 'closed'],
  closed: [],
};

export function canTransition(from: TicketState, to: TicketState): boolean {
  return transitions[from].includes(to);
}

/** The block is named by the state, so "waiting" never hides whose move it is. */
export function blockedOnFor(state: TicketState): BlockedOn | null {
  switch (state) {
    case 'needs_info':
    case 'waiting_on_customer':
      return 'customer';
    case 'waiting_on_team':
      return 'team';
    default:
      return null;
  }
}

/**
 * What a ticket in `state` waits for: the state's own block first (the customer's or a team's move),
 * otherwise a pending approval blocks it.
 */
export function blockFor(state: TicketState, pendingApprovals: readonly string[]): BlockedOn | null {
  return blockedOnFor(state) ?? (pendingApprovals.length > 0 && isOpen(state) ? 'approval' : null);
}

function isOpen(state: TicketState): boolean {
  return state !== 'resolved' && state !== 'closed';
}

export interface TransitionContext {
  readonly actor: Actor;
  readonly at: Date;
  readonly reason?: string | undefined;
  /** The customer said the problem is solved. */
  readonly customerConfirmed?: boolean | undefined;
  /** Whole days since the ticket was resolved without a word from the customer. */
  readonly quietDays?: number | undefined;
  readonly closeAfterQuietDays?: number | undefined;
  /** The audit sequence number this change takes (the ticket's last seq + 1). */
  readonly nextSeq: number;
  readonly newId: () => string;
}

export interface Guard {
  readonly id: string;
  /** Shown to whoever was refused, so it names the rule in plain words. */
  readonly description: string;
  readonly applies: (from: TicketState, to: TicketState) => boolean;
  readonly allows: (ticket: Ticket, ctx: TransitionContext) => boolean;
}

export const guards: readonly Guard[] = [
  {
    id: 'required-context-supplied',
    description: 'a ticket leaves needs_info only once every required field is supplied',
    applies: (from, to) => from === 'needs_info' && to === 'in_progress',
    allows: (ticket) => ticket.missingFields.length === 0,
  },
  {
    id: 'required-context-missing',
    description: 'a ticket enters needs_info only while required fields are missing',
    applies: (_from, to) => to === 'needs_info',
    allows: (ticket) => ticket.missingFields.length > 0,
  },
  {
    id: 'approvals-decided',
    description: 'a ticket is resolved only once the approvals asked for on it are decided',
    applies: (_from, to) => to === 'resolved',
    allows: (ticket) => ticket.pendingApprovals.length === 0,
  },
  {
    id: 'closure-confirmed',
    description:
      'a resolved ticket closes only after customer confirmation or enough quiet days, or when an agent or lead closes it with a resolution note (a reason saying how it was resolved)',
    applies: (_from, to) => to === 'closed',
    allows: (_ticket, ctx) =>
      ctx.customerConfirmed === true ||
      (ctx.quietDays !== undefined &&
        ctx.closeAfterQuietDays !== undefined &&
        ctx.quietDays >= ctx.closeAfterQuietDays) ||
      documentedByAgent(ctx),
  },
];

/**
 * "Closes only after customer confirmation or documented resolution" (billing disputes, and every other
 * request type): a person on the team may close a resolved ticket themselves when they write down how it
 * was resolved. The system and integrations may not: their closures wait for the customer or the quiet days.
 */
function documentedByAgent(ctx: TransitionContext): boolean {
  return ctx.actor.kind === 'agent' && (ctx.reason?.trim() ?? '') !== '';
}

export class TransitionRefusedError extends DomainError {
  override readonly name = 'TransitionRefusedError';

  constructor(
    readonly code: 'TICKET.INVALID_TRANSITION' | 'TICKET.GUARD_FAILED',
    readonly from: TicketState,
    readonly to: TicketState,
    message: string,
    readonly guard?: string,
  ) {
    super(message);
  }
}

export type TransitionResult =
  | {
      readonly ok: true;
      readonly ticket: Ticket;
      readonly audit: AuditEvent;
      readonly event: TicketStateChangedEvent;
    }
  | { readonly ok: false; readonly error: TransitionRefusedError };

export function transition(ticket: Ticket, to: TicketState, ctx: TransitionContext): TransitionResult {
  const from = ticket.state;
  if (!canTransition(from, to)) {
    const allowed = transitions[from];
    const options = allowed.length > 0 ? `it can go to ${allowed.join(', ')}` : 'it is final';
    return {
      ok: false,
      error: new TransitionRefusedError(
        'TICKET.INVALID_TRANSITION',
        from,
        to,
        `${ticket.reference} cannot move from ${from} to ${to}; ${options}`,
      ),
    };
  }

  const failed = guards.find((g) => g.applies(from, to) && !g.allows(ticket, ctx));
  if (failed) {
    const detail =
      failed.id === 'required-context-supplied' ? ` (missing: ${ticket.missingFields.join(', ')})` : '';
    return {
      ok: false,
      error: new TransitionRefusedError(
        'TICKET.GUARD_FAILED',
        from,
        to,
        `${ticket.reference} cannot move from ${from} to ${to}: ${failed.description}${detail}`,
        failed.id,
      ),
    };
  }

  const at = ctx.at.toISOString();
  const version = ticket.version + 1;
  return {
    ok: true,
    ticket: {
      ...ticket,
      ...blockClock(ticket, blockFor(to, ticket.pendingApprovals), ctx.at),
      state: to,
      version,
      updatedAt: at,
      auditSeq: ctx.nextSeq,
    },
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: ctx.nextSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'ticket.state_changed',
      before: { state: from },
      after: { state: to },
      reason: ctx.reason,
    }),
    event: {
      type: 'ticket.state_changed',
      detail: { ticketId: ticket.id, version, from, to, occurredAt: at },
    },
  };
}

/**
 * Keeps the time a ticket spends blocked, per kind of block, for the flow metrics: a block that ends
 * adds its duration to `timeBlockedSeconds`; a block that begins starts `blockedSince`.
 */
export function blockClock(
  ticket: Pick<Ticket, 'blockedOn' | 'blockedSince' | 'timeBlockedSeconds'>,
  next: BlockedOn | null,
  at: Date,
): Pick<Ticket, 'blockedOn' | 'blockedSince' | 'timeBlockedSeconds'> {
  if (ticket.blockedOn === next)
    return {
      blockedOn: next,
      blockedSince: ticket.blockedSince,
      timeBlockedSeconds: ticket.timeBlockedSeconds,
    };
  const timeBlockedSeconds = { ...ticket.timeBlockedSeconds };
  if (ticket.blockedOn && ticket.blockedSince) {
    const seconds = Math.max(0, Math.round((at.getTime() - Date.parse(ticket.blockedSince)) / 1000));
    timeBlockedSeconds[ticket.blockedOn] = (timeBlockedSeconds[ticket.blockedOn] ?? 0) + seconds;
  }
  return { blockedOn: next, blockedSince: next ? at.toISOString() : null, timeBlockedSeconds };
}
