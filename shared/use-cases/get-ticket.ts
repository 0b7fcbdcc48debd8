import type { TicketHistory, TicketRepository } from '../adapters/ticket-repository';
import { isTicketId, parseReference } from '../domain';

export type GetTicketResult =
  | { readonly kind: 'found'; readonly history: TicketHistory }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'invalid_id' };

/**
 * One ticket with its conversation and audit trail, by ULID or by its `FD-<n>` reference.
 * Primary course: resolve a reference to its id; read the ticket's partition.
 */
export async function getTicket(
  idOrReference: string,
  ports: { tickets: Pick<TicketRepository, 'history' | 'ticketIdForReference'> },
): Promise<GetTicketResult> {
  let id: string | undefined;
  if (isTicketId(idOrReference)) id = idOrReference;
  else if (parseReference(idOrReference) !== undefined)
    id = await ports.tickets.ticketIdForReference(idOrReference);
  else return { kind: 'invalid_id' };

  const history = id ? await ports.tickets.history(id) : undefined;
  return history ? { kind: 'found', history } : { kind: 'not_found' };
}
