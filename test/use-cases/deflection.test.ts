import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleSearchIndex } from '../../shared/adapters/article-search';
import { ArticleStore } from '../../shared/adapters/article-store';
import { DeflectionLedger } from '../../shared/adapters/deflection-ledger';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import {
  type DomainEvent,
  InvalidInputError,
  newId,
  openTicket,
  type Ticket,
  ticketCreatedEvent,
} from '../../shared/domain';
import { type Article, writeArticle } from '../../shared/domain/articles';
import { customerLinks } from '../../shared/http/customer-links';
import { verifyArticleSolvedLink } from '../../shared/http/deflection-link';
import { recordDeflection, solveWithArticle } from '../../shared/use-cases/deflection';
import { projectChange } from '../../shared/use-cases/metrics';
import type { OutgoingMail } from '../../shared/use-cases/ports';
import { sendNotification } from '../../shared/use-cases/send-notification';
import { freshTable, outboxEvents } from '../support/dynamodb';

// Tier 0 against DynamoDB Local: a deflection is stored once per form id and counted; the acknowledgement
// of a matching ticket suggests the article with a signed "this solved it" link, and that link resolves
// the ticket as self-served once (audit, events in the same write's outbox).

const SECRET = 'test-link-secret';
const NOW = new Date('2026-05-04T09:00:00.000Z');
const clock = { now: () => NOW };

function anArticle(slug: string, title: string, body: string, audience: Article['audience'] = 'external') {
  return writeArticle(
    slug,
    { title, body, audience, requestTypes: [], tags: [], locale: 'en', status: 'published' },
    undefined,
    'lead@example.com',
    NOW,
  );
}

describe('deflection against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let articles: ArticleStore;
  let ledger: DeflectionLedger;
  const sent: OutgoingMail[] = [];
  const links = customerLinks({ secret: async () => SECRET, publicBaseUrl: 'https://help.example.com/' });
  const deflectionPorts = () => ({
    ledger,
    articles,
    clock,
    queueOf: (rt: string) => workflowConfig.requestTypes[rt]?.defaultQueue,
  });
  const notify = (event: DomainEvent) =>
    sendNotification(event, {
      tickets,
      mailer: {
        send: async (mail) => {
          sent.push(mail);
          return `${newId(NOW)}@test`;
        },
      },
      once: (_key, send) => send(),
      clock,
      config: workflowConfig,
      supportAddress: 'support@example.com',
      links,
      search: new ArticleSearchIndex(articles),
    });

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    articles = new ArticleStore(table.db, table.tableName);
    ledger = new DeflectionLedger(table.db, table.tableName);
    await articles.put(
      anArticle('reset-your-password', 'Reset your password', 'Forgot your password? Use the reset link.'),
      undefined,
    );
    await articles.put(anArticle('vpn-internal', 'VPN runbook', 'Internal only', 'internal'), undefined);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('stores a deflection once per form id and counts it in the request type’s queue', async () => {
    const input = {
      id: '3b241101-e2bb-4255-8caf-4136c566a962',
      query: 'reset my password',
      slug: 'reset-your-password',
      requestType: 'general_question',
    };
    const first = await recordDeflection(input, deflectionPorts());
    const again = await recordDeflection(input, deflectionPorts());
    expect(first.recorded).toBe(true);
    expect(again.recorded).toBe(false);
    const projected = await projectChange(
      {
        id: 'r1',
        eventName: 'INSERT',
        newImage: { entity: 'deflection', pk: 'x', sk: 'y', ...first.deflection },
      },
      { tickets },
    );
    expect(projected.increments).toEqual([
      {
        key: {
          day: '2026-05-04',
          queue: workflowConfig.requestTypes.general_question?.defaultQueue,
          requestType: 'general_question',
        },
        counters: { deflections: 1 },
      },
    ]);
  });

  it('refuses an unknown request type and an article customers cannot see, naming the field', async () => {
    const refused = (input: { slug: string; requestType: string }) =>
      recordDeflection({ query: 'vpn', ...input }, deflectionPorts()).then(
        () => [],
        (e: unknown) => (e instanceof InvalidInputError ? e.issues.map((i) => i.path) : ['other']),
      );
    expect(await refused({ slug: 'reset-your-password', requestType: 'no_such_type' })).toEqual([
      'requestType',
    ]);
    expect(await refused({ slug: 'vpn-internal', requestType: 'general_question' })).toEqual(['slug']);
  });

  async function aTicket(subject: string, body: string): Promise<Ticket> {
    const opened = openTicket(
      {
        channel: 'form',
        source: 'form',
        subject,
        body,
        requester: { email: 'dana@bigcorp.example', name: 'Dana' },
        requestType: 'general_question',
        fields: {},
        tags: [],
      },
      {
        config: workflowConfig,
        now: NOW,
        reference: `FD-${Math.floor(Math.random() * 1e6)}`,
        newId: () => newId(NOW),
        actor: { kind: 'customer', id: 'dana@bigcorp.example' },
      },
    );
    if (!opened.ok) throw opened.error;
    await tickets.create({
      ...opened,
      dedupe: { channel: 'test', key: opened.ticket.reference, expiresAt: 1 },
    });
    return opened.ticket;
  }

  it('suggests the matching article in the acknowledgement; its "this solved it" link resolves the ticket once', async () => {
    const ticket = await aTicket('Cannot log in', 'I forgot my password and need to reset it');
    await notify(ticketCreatedEvent(ticket));
    const mail = sent.at(-1);
    expect(mail?.text).toContain(
      'Reset your password: https://help.example.com/help/reset-your-password?from=mail',
    );
    expect(mail?.text).not.toContain('VPN runbook');
    const token = /https:\/\/help\.example\.com\/kb\/solved\/([\w.-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    const check = verifyArticleSolvedLink(SECRET, token, NOW);
    if (!check.ok) throw new Error(`link refused: ${check.reason}`);
    expect(check.link.slug).toBe('reset-your-password');

    const first = await solveWithArticle(check.link, { tickets, clock });
    expect(first).toMatchObject({ kind: 'recorded', selfServed: true, ticket: { state: 'resolved' } });
    const again = await solveWithArticle(check.link, { tickets, clock });
    expect(again).toMatchObject({ kind: 'already_recorded', selfServed: true });

    const history = await tickets.history(ticket.id);
    expect(history?.audit.filter((a) => a.action === 'article.solved')).toHaveLength(1);
    const events = (await outboxEvents(table)).filter((e) => e.detail.ticketId === ticket.id);
    expect(
      events.filter((e) => e.type === 'ticket.state_changed').map((e) => [e.detail.to, e.detail.cause]),
    ).toEqual([
      ['in_progress', 'self_service'],
      ['resolved', 'self_service'],
    ]);
  });

  it('leaves the placeholder empty when no article matches', async () => {
    const ticket = await aTicket('Quarterly invoice copy', 'Please send the PDF of March');
    await notify(ticketCreatedEvent(ticket));
    expect(sent.at(-1)?.text).not.toContain('help articles');
  });
});
