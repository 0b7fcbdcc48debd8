import type { TicketRepository } from '../adapters/ticket-repository';
import type { Ticket } from '../domain';

/**
 * Search, always through an index: a requester's or an account's tickets (newest first), an agent's
 * (most recently changed first), or the one ticket a reference names.
 */
export async function searchTickets(
  input: {
    requester?: string | undefined;
    assignee?: string | undefined;
    account?: string | undefined;
    reference?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
  ports: {
    tickets: Pick<
      TicketRepository,
      'listByRequester' | 'listByAssignee' | 'listByAccount' | 'ticketIdForReference' | 'get'
    >;
  },
): Promise<{ tickets: Ticket[]; cursor?: string }> {
  const page = { limit: input.limit, cursor: input.cursor };
  if (input.requester) return ports.tickets.listByRequester(input.requester, page);
  if (input.assignee) return ports.tickets.listByAssignee(input.assignee, page);
  if (input.account) return ports.tickets.listByAccount(input.account, page);
  const id = input.reference ? await ports.tickets.ticketIdForReference(input.reference) : undefined;
  const ticket = id ? await ports.tickets.get(id) : undefined;
  return { tickets: ticket ? [ticket] : [] };
}
