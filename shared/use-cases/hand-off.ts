import type { Clock } from '../adapters/clock';
import type { TicketRepository } from '../adapters/ticket-repository';
import { ConcurrentUpdateError } from '../adapters/ticket-repository';
import type { WorkflowConfig } from '../config';
import { type Actor, HandoffRefusedError, handOff, newId, type Ticket } from '../domain';

export type HandOffResult =
  | { readonly kind: 'handed_off'; readonly ticket: Ticket }
  | { readonly kind: 'refused'; readonly error: HandoffRefusedError }
  | { readonly kind: 'stale'; readonly currentVersion: number }
  | { readonly kind: 'not_found' };

/**
 * An agent hands a ticket to another queue.
 * Primary course: read the ticket; refuse a stale `If-Match` version; check the handoff rules' preconditions;
 * write the new owner with its audit entry only if nobody changed the ticket meanwhile.
 */
export async function handOffTicket(
  input: { ticketId: string; to: string; reason: string; expectedVersion: number; actor: Actor },
  ports: { tickets: Pick<TicketRepository, 'get' | 'append'>; clock: Clock; config: WorkflowConfig },
): Promise<HandOffResult> {
  const ticket = await ports.tickets.get(input.ticketId);
  if (!ticket) return { kind: 'not_found' };
  if (ticket.version !== input.expectedVersion) return { kind: 'stale', currentVersion: ticket.version };
  const now = ports.clock.now();
  const result = handOff(ticket, input.to, ports.config, {
    actor: input.actor,
    at: now,
    reason: input.reason,
    newId: () => newId(now),
  });
  if (!result.ok) return { kind: 'refused', error: result.error };
  try {
    await ports.tickets.append({
      ticket: result.ticket,
      expectedVersion: ticket.version,
      audit: [result.audit],
    });
  } catch (e: unknown) {
    if (e instanceof ConcurrentUpdateError) {
      const current = await ports.tickets.get(input.ticketId);
      return { kind: 'stale', currentVersion: current?.version ?? ticket.version };
    }
    throw e;
  }
  return { kind: 'handed_off', ticket: result.ticket };
}

export { HandoffRefusedError };
