import type { Clock } from '../adapters/clock';
import type { EventPublisher } from '../adapters/event-publisher';
import { ConcurrentUpdateError, type TicketRepository } from '../adapters/ticket-repository';
import {
  type Actor,
  newId,
  type Ticket,
  type TicketState,
  type TransitionRefusedError,
  transition,
} from '../domain';

export type TransitionResult =
  | { readonly kind: 'moved'; readonly ticket: Ticket }
  | { readonly kind: 'refused'; readonly error: TransitionRefusedError }
  | { readonly kind: 'stale'; readonly currentVersion: number }
  | { readonly kind: 'not_found' };

/**
 * An agent moves a ticket to another state.
 * Primary course: read the ticket; refuse a stale `If-Match` version; ask the transition table and its
 * guards (a refusal says which guard and why); write the move with its audit entry; announce
 * `ticket.state_changed` (mail to the customer, SLA clocks pausing or resuming).
 */
export async function transitionTicket(
  input: { ticketId: string; to: TicketState; reason?: string; expectedVersion: number; actor: Actor },
  ports: { tickets: Pick<TicketRepository, 'get' | 'append'>; events: EventPublisher; clock: Clock },
): Promise<TransitionResult> {
  const ticket = await ports.tickets.get(input.ticketId);
  if (!ticket) return { kind: 'not_found' };
  if (ticket.version !== input.expectedVersion) return { kind: 'stale', currentVersion: ticket.version };
  const now = ports.clock.now();
  const moved = transition(ticket, input.to, {
    actor: input.actor,
    at: now,
    newId: () => newId(now),
    nextSeq: ticket.auditSeq + 1,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
  });
  if (!moved.ok) return { kind: 'refused', error: moved.error };
  try {
    await ports.tickets.append({
      ticket: moved.ticket,
      expectedVersion: ticket.version,
      audit: [moved.audit],
    });
  } catch (e: unknown) {
    if (e instanceof ConcurrentUpdateError) {
      const current = await ports.tickets.get(input.ticketId);
      return { kind: 'stale', currentVersion: current?.version ?? ticket.version };
    }
    throw e;
  }
  await ports.events.publish([moved.event]);
  return { kind: 'moved', ticket: moved.ticket };
}
