/**
 * The acknowledgement's suggested help articles (issue 18): up to three published external articles for
 * the ticket's subject and description, each with its page and a signed "this solved it" link, as the
 * `{{suggestedArticles}}` placeholder (a blank line and the list, or empty when nothing matches).
 */
import { RELEVANT_SCORE, SOLVED_LINK_DAYS } from '../domain/deflection';
import type { Ticket } from '../domain/ticket';
import { suggestArticles } from './articles';
import type { ArticleSearchPort, CustomerLinks } from './ports';

/** At most this many articles in one acknowledgement. */
export const MAIL_SUGGESTIONS = 3;

export async function suggestedArticlesText(
  ticket: Pick<Ticket, 'id' | 'subject' | 'requestType'>,
  description: string,
  ports: {
    readonly search: ArticleSearchPort;
    readonly links: Pick<CustomerLinks, 'articleSolved' | 'helpArticle'>;
  },
  now: Date,
): Promise<string> {
  const hits = (
    await suggestArticles(
      `${ticket.subject} ${description}`,
      { audience: 'external', requestType: ticket.requestType, limit: MAIL_SUGGESTIONS },
      ports,
    )
  ).filter((hit) => hit.score >= RELEVANT_SCORE);
  if (hits.length === 0) return '';
  const expiresAt = Math.floor(now.getTime() / 1000) + SOLVED_LINK_DAYS * 86_400;
  const lines = ['', '', 'These help articles may already answer your question:'];
  for (const hit of hits) {
    lines.push(`  - ${hit.title}: ${await ports.links.helpArticle(hit.slug)}`);
    lines.push(
      `    This solved it: ${await ports.links.articleSolved({ ticketId: ticket.id, slug: hit.slug, expiresAt })}`,
    );
  }
  lines.push('If one of them solves your problem, its "This solved it" link resolves your request for you.');
  return lines.join('\n');
}
