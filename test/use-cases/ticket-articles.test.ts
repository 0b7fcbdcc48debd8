import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIndex, searchIndex } from '../../shared/adapters/article-search';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type TicketScope } from '../../shared/domain';
import type { ArticleHit, ArticleSearchPort, TicketHistory } from '../../shared/use-cases/ports';
import { suggestArticlesForTicket, ticketText } from '../../shared/use-cases/ticket-articles';
import { nastyText } from '../property/arbitraries';
import { anArticle, fixedArticleSearch } from '../support/articles';

// Suggested articles on a ticket (issue 18): external and internal apart, about the ticket's request type
// first, for its subject and first customer message, and only for someone who may read the ticket.

const T0 = new Date('2026-06-01T09:00:00.000Z');
const BILLING: TicketScope = { queues: ['billing'], approverGroups: [] };
const FRONTLINE: TicketScope = { queues: ['frontline'], approverGroups: [] };

function aHistory(): TicketHistory {
  const opened = openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      subject: 'Card charged twice',
      body: 'Our card was charged twice for invoice INV-1.',
      requester: { email: 'kim@shop.example', name: 'Kim' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-1', customerId: 'C-1' },
      tags: [],
    },
    {
      config: workflowConfig,
      now: T0,
      reference: 'FD-7',
      newId: () => newId(T0),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!opened.ok) throw opened.error;
  return { ticket: opened.ticket, messages: [opened.message], audit: [] };
}

const hit = (slug: string, audience: ArticleHit['audience'], requestTypes: string[]): ArticleHit => ({
  slug,
  title: slug,
  audience,
  score: 1,
  requestTypes,
});

function portsFor(history: TicketHistory, search: ArticleSearchPort) {
  return {
    tickets: {
      history: async (id: string) => (id === history.ticket.id ? history : undefined),
      ticketIdForReference: async (ref: string) =>
        ref === history.ticket.reference ? history.ticket.id : undefined,
    },
    approvals: { forTicket: async () => [] },
    clock: { now: () => T0 },
    config: workflowConfig,
    search,
  };
}

describe('suggested articles on a ticket', () => {
  it('reads the ticket’s subject and its first customer message, nothing the team wrote', () => {
    const history = aHistory();
    const note = {
      ...history.messages[0],
      direction: 'outbound',
      visibility: 'internal',
      body: 'refund done',
    } as TicketHistory['messages'][number];
    expect(ticketText({ ...history, messages: [note, ...history.messages] })).toBe(
      'Card charged twice\nOur card was charged twice for invoice INV-1.',
    );
  });

  it('answers external and internal articles apart, those about the ticket’s request type first, at most three each', async () => {
    const history = aHistory();
    const search = fixedArticleSearch([
      hit('other-topic', 'external', ['access_request']),
      hit('charged-twice', 'external', ['billing_dispute']),
      hit('refund-checklist', 'internal', ['billing_dispute']),
      hit('general-a', 'external', []),
      hit('general-b', 'external', []),
      hit('general-c', 'external', []),
    ]);
    const result = await suggestArticlesForTicket(
      { idOrReference: 'FD-7', scope: BILLING },
      portsFor(history, search),
    );
    if (result.kind !== 'found') throw new Error(result.kind);
    expect(result.external.map((h) => h.slug)).toEqual(['charged-twice', 'general-a', 'general-b']);
    expect(result.internal.map((h) => h.slug)).toEqual(['refund-checklist']);
  });

  it('refuses a caller outside the ticket’s queue before searching, and says when there is no such ticket', async () => {
    const history = aHistory();
    const search = fixedArticleSearch([hit('charged-twice', 'external', [])]);
    const ports = portsFor(history, search);
    const refused = await suggestArticlesForTicket({ idOrReference: 'FD-7', scope: FRONTLINE }, ports);
    expect(refused.kind).toBe('forbidden');
    expect(search.calls).toBe(0);
    expect((await suggestArticlesForTicket({ idOrReference: 'FD-99', scope: BILLING }, ports)).kind).toBe(
      'not_found',
    );
    expect((await suggestArticlesForTicket({ idOrReference: 'nope', scope: BILLING }, ports)).kind).toBe(
      'invalid_id',
    );
  });

  it('for any subject and message a customer sends, suggests at most three published articles of each audience, none twice', async () => {
    const index = buildIndex([
      anArticle({ slug: 'charged-twice', title: 'Charged twice', requestTypes: ['billing_dispute'] }),
      anArticle({ slug: 'refund-policy', title: 'Refund policy', audience: 'internal', requestTypes: [] }),
      anArticle({ slug: 'card-draft', title: 'Card draft', status: 'draft' }),
      ...['a', 'b', 'c', 'd'].map((n) =>
        anArticle({ slug: `card-${n}`, title: `Card ${n}`, requestTypes: [] }),
      ),
    ]);
    const search: ArticleSearchPort = { search: async (q, o) => searchIndex(index, q, o) };
    const words = fc.constantFrom('card', 'charged', 'twice', 'refund', 'policy', 'draft', 'pasword');
    const text = fc.oneof(
      nastyText,
      fc.array(words, { maxLength: 6 }).map((w) => w.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(text, text, async (subject, body) => {
        const history = aHistory();
        const [first] = history.messages;
        if (!first) throw new Error('no first message');
        const changed = {
          ...history,
          ticket: { ...history.ticket, subject },
          messages: [{ ...first, body }],
        };
        const result = await suggestArticlesForTicket(
          { idOrReference: 'FD-7', scope: BILLING },
          portsFor(changed, search),
        );
        if (result.kind !== 'found') throw new Error(result.kind);
        for (const audience of ['external', 'internal'] as const) {
          const slugs = result[audience].map((h) => h.slug);
          expect(slugs.length).toBeLessThanOrEqual(3);
          expect(new Set(slugs).size).toBe(slugs.length);
          expect(result[audience].every((h) => h.audience === audience)).toBe(true);
          expect(slugs).not.toContain('card-draft');
        }
      }),
      { numRuns: 200 },
    );
  });
});
