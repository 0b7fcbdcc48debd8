import type { TicketRepository } from '../adapters/ticket-repository';
import type { Ticket } from '../domain';

/** A requester's tickets, newest first, a page at a time (the requester index; never a Scan). */
export function listRequesterTickets(
  input: { requester: string; limit: number; cursor?: string | undefined },
  ports: { tickets: Pick<TicketRepository, 'listByRequester'> },
): Promise<{ tickets: Ticket[]; cursor?: string }> {
  return ports.tickets.listByRequester(input.requester, { limit: input.limit, cursor: input.cursor });
}
