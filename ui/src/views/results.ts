/**
 * The per-ticket results of an action on many tickets (bulk actions, linking to an incident): each ticket
 * with what became of it, and for a refusal the rule that refused it and why. Nothing is summed away.
 */
import { h } from '../dom';

export interface TicketResult {
  ticket: string;
  reference?: string;
  outcome: string;
  rule?: string;
  message?: string;
}

const REFUSED = new Set(['refused', 'not_found']);

/** A heading, a count line ("3 applied, 1 refused") and one item per ticket. */
export function resultList(title: string, results: TicketResult[]): HTMLElement {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  const tally = [...counts].map(([outcome, n]) => `${n} ${outcome.replace(/_/g, ' ')}`).join(', ');
  return h(
    'section',
    { class: 'results', 'aria-label': title, 'data-testid': 'results' },
    h('h2', {}, title),
    h('p', { class: 'results-tally' }, tally || 'No tickets.'),
    h(
      'ul',
      { class: 'result-list' },
      results.map((r) => {
        const ref = r.reference ?? r.ticket;
        const refused = REFUSED.has(r.outcome);
        return h(
          'li',
          { 'data-ticket': ref, 'data-outcome': r.outcome },
          h('a', { href: `#/tickets/${encodeURIComponent(ref)}` }, ref),
          ' ',
          h(
            'span',
            { class: `badge ${refused ? 'badge-breached' : 'badge-ok'}` },
            r.outcome.replace(/_/g, ' '),
          ),
          refused || r.message
            ? h(
                'span',
                { class: 'result-why' },
                r.rule ? ` rule ${r.rule}` : '',
                r.message ? `: ${r.message}` : '',
              )
            : null,
        );
      }),
    ),
  );
}
