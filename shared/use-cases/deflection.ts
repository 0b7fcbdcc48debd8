/**
 * Tier 0 deflection (issue 18): recording that an article answered a customer before they filed, counting
 * article views, and resolving a ticket as self-served from the "this solved it" link of its
 * acknowledgement. The metrics count all three from the table stream.
 */
import { InvalidInputError, newId, type Ticket } from '../domain';
import { isPublished } from '../domain/articles';
import {
  ARTICLE_SOLVED,
  type Deflection,
  type DeflectionInput,
  selfServe,
  viewSourceOf,
} from '../domain/deflection';
import type {
  ArticleSolvedLink,
  ArticleStorePort,
  Clock,
  DeflectionLedgerPort,
  TicketRepositoryPort,
} from './ports';
import { changeTicket } from './ticket-change';

export interface DeflectionPorts {
  readonly ledger: Pick<DeflectionLedgerPort, 'record'>;
  readonly articles: Pick<ArticleStorePort, 'get'>;
  readonly clock: Clock;
  /** The default queue of a request type of the workflow; undefined for an unknown one. */
  readonly queueOf: (requestType: string) => string | undefined;
}

/**
 * "This answered my question" on a hosted form.
 * Primary course:
 *  1. the request type must be one of the workflow's, the article a published external one;
 *  2. store the deflection under the form's id (one per page load), or a new one: a retry stores nothing new;
 *  3. answer it (and whether this call recorded it); the metrics count it in the request type's queue.
 */
export async function recordDeflection(
  input: DeflectionInput,
  ports: DeflectionPorts,
): Promise<{ deflection: Deflection; recorded: boolean }> {
  const queue = ports.queueOf(input.requestType);
  if (!queue)
    throw new InvalidInputError([
      { path: 'requestType', message: `unknown request type "${input.requestType}"` },
    ]);
  const article = await ports.articles.get(input.slug);
  if (!article || !isPublished(article) || article.audience !== 'external')
    throw new InvalidInputError([{ path: 'slug', message: `no published help article "${input.slug}"` }]);
  const now = ports.clock.now();
  const deflection: Deflection = {
    id: input.id ?? newId(now),
    query: input.query,
    slug: input.slug,
    requestType: input.requestType,
    queue,
    at: now.toISOString(),
  };
  const recorded = await ports.ledger.record(deflection);
  return { deflection, recorded };
}

/**
 * An article page was opened (the help centre, a form's suggestion or a mail's link: `from` says which;
 * anything else counts as the help centre). Counting never fails the page: the caller logs and goes on.
 */
export async function recordArticleView(
  slug: string,
  from: string | undefined,
  ports: { readonly ledger: Pick<DeflectionLedgerPort, 'recordView'>; readonly clock: Clock },
): Promise<void> {
  const now = ports.clock.now();
  await ports.ledger.recordView({ id: newId(now), slug, source: viewSourceOf(from), at: now.toISOString() });
}

export type SolvedResult =
  | { readonly kind: 'recorded' | 'already_recorded'; readonly ticket: Ticket; readonly selfServed: boolean }
  | { readonly kind: 'not_found' };

/**
 * The requester POSTs "this solved it" from their acknowledgement (the GET only shows a button).
 * Primary course: read the ticket and its audit trail; once per ticket and article, audit
 * `article.solved` and resolve an open ticket as the customer (cause `self_service`, `ticket.state_changed`
 * in the outbox, so the resolution mail follows); one conditional write, decided again on a conflict.
 * The same link again changes nothing.
 */
export async function solveWithArticle(
  link: ArticleSolvedLink,
  ports: { readonly tickets: Pick<TicketRepositoryPort, 'history' | 'append'>; readonly clock: Clock },
): Promise<SolvedResult> {
  return changeTicket<SolvedResult>(link.ticketId, ports.tickets, (history) => {
    if (!history) return { result: { kind: 'not_found' } };
    const now = ports.clock.now();
    const outcome = selfServe(history.ticket, history.audit, link.slug, { at: now, newId: () => newId(now) });
    if (outcome.kind === 'already_recorded') {
      const answer = history.audit.find((a) => a.action === ARTICLE_SOLVED && a.after?.slug === link.slug);
      return {
        result: {
          kind: 'already_recorded',
          ticket: outcome.ticket,
          selfServed: answer?.after?.selfServed === true,
        },
      };
    }
    return {
      write: { ticket: outcome.ticket, audit: outcome.audit, events: outcome.events },
      result: { kind: 'recorded', ticket: outcome.ticket, selfServed: outcome.selfServed },
    };
  });
}
