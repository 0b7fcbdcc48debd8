import { type Ticket, type TicketScope, worksQueue } from '../domain';
import type { TicketRepositoryPort } from './ports';

interface SearchInput {
  readonly requester?: string | undefined;
  readonly assignee?: string | undefined;
  readonly account?: string | undefined;
  readonly reference?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

interface SearchPorts {
  readonly tickets: Pick<
    TicketRepositoryPort,
    'listByRequester' | 'listByAssignee' | 'listByAccount' | 'ticketIdForReference' | 'get'
  >;
}

/**
 * Search, always through an index: a requester's or an account's tickets (newest first), an agent's
 * (most recently changed first), or the one ticket a reference names. Only tickets of the caller's queues
 * are answered (queue isolation leaves the others out rather than refusing): a page may then hold fewer
 * than `limit`, and the cursor goes on.
 */
export async function searchTickets(
  input: SearchInput & { readonly scope: TicketScope },
  ports: SearchPorts,
): Promise<{ tickets: Ticket[]; cursor?: string }> {
  const found = await throughIndex(input, ports);
  return { ...found, tickets: found.tickets.filter((t) => worksQueue(input.scope, t.queue)) };
}

async function throughIndex(
  input: SearchInput,
  ports: SearchPorts,
): Promise<{ tickets: Ticket[]; cursor?: string }> {
  const page = { limit: input.limit, cursor: input.cursor };
  if (input.requester) return ports.tickets.listByRequester(input.requester, page);
  if (input.assignee) return ports.tickets.listByAssignee(input.assignee, page);
  if (input.account) return ports.tickets.listByAccount(input.account, page);
  const id = input.reference ? await ports.tickets.ticketIdForReference(input.reference) : undefined;
  const ticket = id ? await ports.tickets.get(id) : undefined;
  return { tickets: ticket ? [ticket] : [] };
}
