import {
  ConcurrentUpdateError,
  type TicketHistory,
  type TicketRepository,
} from '../adapters/ticket-repository';
import type { AuditEvent, Ticket } from '../domain';

const MAX_CONFLICT_RETRIES = 3;

export type Change<R> =
  | { readonly write: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] }; readonly result: R }
  | { readonly result: R };

/**
 * A system change to a ticket (no If-Match from a person): read the history, decide, write with
 * optimistic concurrency, and on a concurrent update decide again from the fresh state. Deciding is
 * pure, so re-deciding is safe; `undefined` history means the ticket does not exist.
 */
export async function changeTicket<R>(
  ticketId: string,
  tickets: Pick<TicketRepository, 'history' | 'append'>,
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
      });
      return change.result;
    } catch (e: unknown) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
    }
  }
}
