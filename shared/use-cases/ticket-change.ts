import {
  type Approval,
  type AuditEvent,
  changeRefusal,
  DomainError,
  type DomainEvent,
  isStaleVersion,
  type Message,
  type ScopeRefusal,
  type Ticket,
  type TicketScope,
  withContentVersion,
} from '../domain';
import {
  ConcurrentUpdateError,
  type IntentLabelRecord,
  type TicketHistory,
  type TicketRepositoryPort,
} from './ports';

const MAX_CONFLICT_RETRIES = 3;

export type Change<R> =
  | {
      readonly write: {
        readonly ticket: Ticket;
        readonly audit: readonly AuditEvent[];
        /** What the change announces (into the outbox with it). */
        readonly events?: readonly DomainEvent[];
        /** Messages written with the change (an incident's update relayed onto a linked ticket). */
        readonly messages?: readonly Message[];
      };
      readonly result: R;
    }
  | { readonly result: R };

/**
 * A system change to a ticket (no If-Match from a person): read the history, decide, write with
 * optimistic concurrency, and on a concurrent update decide again from the fresh state. Deciding is
 * pure, so re-deciding is safe; `undefined` history means the ticket does not exist.
 */
export async function changeTicket<R>(
  ticketId: string,
  tickets: Pick<TicketRepositoryPort, 'history' | 'append'>,
  decide: (history: TicketHistory | undefined) => Change<R>,
): Promise<R> {
  for (let attempt = 0; ; attempt++) {
    const history = await tickets.history(ticketId);
    const change = decide(history);
    if (!('write' in change) || !history) return change.result;
    try {
      await tickets.append({
        ticket: change.write.ticket,
        expectedVersion: history.ticket.version,
        audit: change.write.audit,
        ...(change.write.events ? { events: change.write.events } : {}),
        ...(change.write.messages ? { messages: change.write.messages } : {}),
      });
      return change.result;
    } catch (e: unknown) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
    }
  }
}

/** An agent's write named a version (`If-Match`) the ticket has moved on from: retry from `currentVersion`. */
export class StaleVersionError extends DomainError {
  override readonly name = 'StaleVersionError';
  readonly code = 'TICKET.IF_MATCH_STALE';
  constructor(readonly currentVersion: number) {
    super(`the ticket is at version ${currentVersion}`);
  }
}

/** What an agent's write to a ticket (with `If-Match`) came to. */
export type AgentChangeResult<E> =
  | { readonly kind: 'changed'; readonly ticket: Ticket }
  | { readonly kind: 'refused'; readonly error: E }
  | { readonly kind: 'stale'; readonly currentVersion: number }
  | { readonly kind: 'not_found' }
  /** The ticket is out of the caller's queues (queue isolation): nothing was decided or written. */
  | { readonly kind: 'forbidden'; readonly refusal: ScopeRefusal };

export type AgentDecision<E> =
  | {
      readonly ok: true;
      readonly ticket: Ticket;
      /** One entry, or several for a change made of several actions (a macro). */
      readonly audit: AuditEvent | readonly AuditEvent[];
      readonly event?: DomainEvent;
      /** More than one event (a macro's actions), announced with `event` in the same write. */
      readonly events?: readonly DomainEvent[];
      /** A new approval written with the change (request-approval). */
      readonly approval?: Approval;
      /** Messages written with the change (an agent's reply or note). */
      readonly messages?: readonly Message[];
      /** An intent label written with the change (an agent confirming or correcting the intent). */
      readonly intentLabel?: IntentLabelRecord;
    }
  | { readonly ok: false; readonly error: E };

/**
 * An agent changes a ticket at the version they saw. Primary course: read the ticket; refuse it when its
 * queue is not the caller's (`scope`; the queue it is in before the change decides, so handing it away
 * is allowed); refuse a stale `If-Match` version; let the domain decide (a refusal says why); write the
 * change with its audit entry only if nobody changed the ticket meanwhile, its event (if it has one) in
 * the outbox of the same write. System bookkeeping since the agent's version (a mail recorded as sent,
 * an SLA target recorded) is no change of theirs to miss: the write is decided on the ticket as it is now
 * and keeps it; if bookkeeping lands between this read and the write, it is decided again.
 */
export async function changeTicketAsAgent<E>(
  input: { readonly ticketId: string; readonly expectedVersion: number; readonly scope: TicketScope },
  ports: { tickets: Pick<TicketRepositoryPort, 'get' | 'append'> },
  decide: (ticket: Ticket) => AgentDecision<E>,
  conflicts = 0,
): Promise<AgentChangeResult<E>> {
  const ticket = await ports.tickets.get(input.ticketId);
  if (!ticket) return { kind: 'not_found' };
  const refusal = changeRefusal(input.scope, ticket);
  if (refusal) return { kind: 'forbidden', refusal };
  if (isStaleVersion(ticket, input.expectedVersion)) return { kind: 'stale', currentVersion: ticket.version };
  const decision = decide(ticket);
  if (!decision.ok) return { kind: 'refused', error: decision.error };
  const audit = ([] as AuditEvent[]).concat(decision.audit);
  const events = [...(decision.event ? [decision.event] : []), ...(decision.events ?? [])];
  try {
    await ports.tickets.append({
      ticket: decision.ticket,
      expectedVersion: ticket.version,
      audit,
      ...(decision.approval ? { approvals: [{ approval: decision.approval, expectedVersion: null }] } : {}),
      ...(decision.messages ? { messages: decision.messages } : {}),
      ...(events.length > 0 ? { events } : {}),
      ...(decision.intentLabel ? { intentLabel: decision.intentLabel } : {}),
    });
  } catch (e: unknown) {
    if (e instanceof ConcurrentUpdateError) {
      const current = await ports.tickets.get(input.ticketId);
      if (current && !isStaleVersion(current, input.expectedVersion) && conflicts < MAX_CONFLICT_RETRIES) {
        return changeTicketAsAgent(input, ports, decide, conflicts + 1);
      }
      return { kind: 'stale', currentVersion: current?.version ?? ticket.version };
    }
    throw e;
  }
  return { kind: 'changed', ticket: withContentVersion(decision.ticket, audit, ticket.version) };
}
