/**
 * Articles to suggest to the agent on a ticket (issue 18): the external ones (to send the customer) and the
 * internal ones (for the team) that the knowledge base finds for the ticket's text, ranked by the one
 * `suggestArticles` every suggestion uses, so the agent sees what the form and the acknowledgement saw.
 */

import { suggestArticles } from './articles';
import { getTicket } from './get-ticket';
import type { ArticleHit, ArticleSearchPort, TicketHistory } from './ports';

/** At most this many suggestions of each audience. */
export const SUGGESTIONS_PER_AUDIENCE = 3;

/** What a ticket is about: its subject and the customer's first message (replies drift off topic). */
export function ticketText(history: Pick<TicketHistory, 'ticket' | 'messages'>): string {
  const first = history.messages.find((m) => m.direction === 'inbound' && m.visibility === 'public');
  return [history.ticket.subject, first?.body ?? ''].join('\n');
}

export type TicketSuggestions =
  | {
      readonly kind: 'found';
      readonly ticket: TicketHistory['ticket'];
      readonly external: ArticleHit[];
      readonly internal: ArticleHit[];
    }
  | Exclude<Awaited<ReturnType<typeof getTicket>>, { kind: 'found' }>;

/**
 * Primary course: read the ticket as `GET /v1/tickets/{id}` does (same scope rule), then suggest up to
 * `limit` external and `limit` internal published articles for its text, those about its request type first.
 */
export async function suggestArticlesForTicket(
  input: Parameters<typeof getTicket>[0] & { readonly limit?: number },
  ports: Parameters<typeof getTicket>[1] & { readonly search: ArticleSearchPort },
): Promise<TicketSuggestions> {
  const found = await getTicket(input, ports);
  if (found.kind !== 'found') return found;
  const { ticket } = found.history;
  const text = ticketText(found.history);
  const limit = input.limit ?? SUGGESTIONS_PER_AUDIENCE;
  const [external, internal] = await Promise.all(
    (['external', 'internal'] as const).map((audience) =>
      suggestArticles(text, { audience, requestType: ticket.requestType, limit }, ports),
    ),
  );
  return { kind: 'found', ticket, external: external ?? [], internal: internal ?? [] };
}
