import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { IntegrationLedger } from '../../shared/adapters/integration-ledger';
import { RelatedTickets } from '../../shared/adapters/related-tickets';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import type { Account } from '../../shared/domain';
import { type ApplyIntegrationsPorts, applyIntegrations } from '../../shared/use-cases/apply-integrations';
import { intakeRequest } from '../../shared/use-cases/intake';
import { freshTable, outboxEvents } from '../support/dynamodb';

// The use case against DynamoDB Local (real conditional writes, transactions and indexes); what it
// announces is what its writes put in the table's outbox.

const T0 = new Date('2026-01-05T10:00:00.000Z');

const accounts: Account[] = [
  { id: 'acct-smallshop', name: 'Small Shop', tier: 'smb', status: 'active', domains: ['smallshop.example'] },
  { id: 'acct-bigcorp', name: 'BigCorp', tier: 'enterprise', status: 'active', domains: ['bigcorp.example'] },
  { id: 'acct-other', name: 'Other', tier: 'smb', status: 'active', domains: ['other.example'] },
  { id: 'acct-media', name: 'Media', tier: 'enterprise', status: 'active', domains: ['media.example'] },
  { id: 'acct-quiet', name: 'Quiet', tier: 'smb', status: 'active', domains: ['quiet.example'] },
];

const cancellation = (over: Record<string, unknown> = {}) => ({
  type: 'billing.subscription_cancelled',
  detail: {
    accountId: 'acct-smallshop',
    subscriptionId: 'sub-1',
    cancelledAt: '2026-01-05T09:00:00Z',
    contact: { email: 'owner@smallshop.example', name: 'Sam' },
    ...over,
  },
});

describe('applyIntegrations against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let directory: AccountDirectory;
  let ports: ApplyIntegrationsPorts;
  const published = () => outboxEvents(table);
  let now = T0;

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    directory = new AccountDirectory(table.db, table.tableName);
    ports = {
      tickets,
      accounts: directory,
      related: new RelatedTickets(table.db, table.tableName),
      ledger: new IntegrationLedger(table.db, table.tableName),
      clock: { now: () => now },
      config: workflowConfig,
    };
    for (const a of accounts) await directory.upsert(a, T0);
  });
  afterAll(async () => {
    await table.drop();
  });

  const later = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  const requesterTickets = async (email: string) =>
    (await tickets.listByRequester(email, { limit: 50 })).tickets;
  const webhookTicket = async (id: string, email: string, account?: string) => {
    const result = await intakeRequest(
      {
        draft: {
          channel: 'webhook',
          source: 'demo',
          externalId: id,
          subject: `Question ${id}`,
          body: 'hello',
          requester: { email },
          ...(account ? { account: { id: account } } : {}),
          fields: {},
          tags: [],
        },
        dedupe: { channel: 'webhook', key: `demo#${id}` },
        actor: { kind: 'integration', id: 'webhook:demo' },
      },
      {
        tickets,
        accounts: directory,
        clock: { now: () => now },
        config: workflowConfig,
      },
    );
    if (result.kind !== 'accepted') throw new Error(JSON.stringify(result));
    return result.ticketId;
  };

  it('tags and cancels the account, opens one proactive ticket and writes one proactive mail; a redelivery does nothing more', async () => {
    const before = (await published()).length;
    const first = await applyIntegrations(cancellation(), ports);
    expect(first).toMatchObject({
      kind: 'handled',
      businessKey: 'sub-1@2026-01-05T09:00:00Z',
      rules: [
        {
          rule: 'subscription-cancelled',
          kind: 'applied',
          account: 'changed',
          mail: 'written',
          announced: 2,
        },
      ],
    });
    expect(await directory.get('acct-smallshop')).toMatchObject({
      status: 'cancelled',
      tags: ['subscription-cancelled'],
    });
    expect(await directory.changes('acct-smallshop')).toEqual([
      {
        at: T0.toISOString(),
        by: 'integration:subscription-cancelled',
        cause: 'subscription-cancelled:sub-1@2026-01-05T09:00:00Z',
        eventType: 'billing.subscription_cancelled',
        before: { status: 'active', tags: [] },
        after: { status: 'cancelled', tags: ['subscription-cancelled'] },
      },
    ]);

    const [ticket, ...others] = await requesterTickets('owner@smallshop.example');
    expect(others).toEqual([]);
    expect(ticket).toMatchObject({
      channel: 'event',
      source: 'billing.subscription_cancelled',
      requestType: 'cancellation',
      queue: 'billing',
      account: { id: 'acct-smallshop', tier: 'smb', status: 'cancelled' },
      version: 2,
    });
    const history = await tickets.history(ticket?.id ?? '');
    // (Sorted: both were written at the same fixed clock time.)
    expect(history?.messages.map((m) => [m.direction, m.visibility, m.author.kind]).sort()).toEqual([
      ['inbound', 'internal', 'integration'],
      ['outbound', 'public', 'integration'],
    ]);
    const announced = (await published()).slice(before);
    expect(announced.map((e) => [e.type, e.detail.version])).toEqual([
      ['ticket.created', 1],
      ['ticket.message_added', 2],
    ]);
    expect(announced[1]?.detail).toMatchObject({
      deliver: true,
      authorKind: 'integration',
      visibility: 'public',
    });

    // The same fact again, as EventBridge would deliver it a second time (or billing would put it twice).
    later(5);
    const again = await applyIntegrations(cancellation(), ports);
    expect(again).toMatchObject({
      rules: [{ rule: 'subscription-cancelled', kind: 'already_applied', announced: 0 }],
    });
    expect(await published()).toHaveLength(before + 2);
    expect(await requesterTickets('owner@smallshop.example')).toHaveLength(1);
    expect((await tickets.get(ticket?.id ?? ''))?.version).toBe(2);
    expect(await directory.changes('acct-smallshop')).toHaveLength(1);
  });

  it('treats a new cancellation of the same subscription (cancelled again later) as a new fact', async () => {
    await directory.upsert({ ...accounts[0], status: 'active', tags: [] } as Account, now);
    const result = await applyIntegrations(cancellation({ cancelledAt: '2026-02-01T09:00:00Z' }), ports);
    expect(result).toMatchObject({ rules: [{ kind: 'applied', account: 'changed' }] });
    expect(await requesterTickets('owner@smallshop.example')).toHaveLength(2);
  });

  it('a delivery cut off before the fact was recorded is redone without writing or announcing anything twice', async () => {
    const fact = cancellation({
      accountId: 'acct-other',
      subscriptionId: 'sub-2',
      contact: { email: 'boss@other.example' },
    });
    const ledger = new IntegrationLedger(table.db, table.tableName);
    const cutOff = {
      ...ports,
      ledger: {
        applied: ledger.applied.bind(ledger),
        markApplied: async () => {
          throw new Error('the function timed out');
        },
      },
    };
    await expect(applyIntegrations(fact, cutOff)).rejects.toThrow('the function timed out');
    const [ticket] = await requesterTickets('boss@other.example');
    expect(ticket?.version).toBe(2);
    // Its events were committed with its writes, so they are on their way already. (The ticket is new,
    // so its id alone picks them out: outbox items of one clock instant have no order between tickets.)
    const mine = (await published()).filter((e) => e.detail.ticketId === ticket?.id);
    expect(mine.map((e) => [e.type, e.detail.ticketId, e.detail.version])).toEqual([
      ['ticket.created', ticket?.id, 1],
      ['ticket.message_added', ticket?.id, 2],
    ]);

    const retried = await applyIntegrations(fact, ports);
    expect(retried).toMatchObject({
      rules: [
        {
          kind: 'applied',
          account: 'unchanged',
          ticket: { created: false },
          mail: 'already_written',
          announced: 0,
        },
      ],
    });
    expect((await published()).filter((e) => e.detail.ticketId === ticket?.id)).toHaveLength(2);
    expect(await requesterTickets('boss@other.example')).toHaveLength(1);
    const history = await tickets.history(ticket?.id ?? '');
    expect(history?.messages).toHaveLength(2);
    expect(history?.ticket.version).toBe(2);

    // Now recorded as applied: a third delivery announces nothing.
    const third = await applyIntegrations(fact, ports);
    expect(third).toMatchObject({ rules: [{ kind: 'already_applied', announced: 0 }] });
  });

  it('handles two deliveries of one fact at the same moment as one', async () => {
    const fact = {
      type: 'billing.payment_failed',
      detail: {
        accountId: 'acct-bigcorp',
        invoiceId: 'INV-7',
        amount: { value: 120, currency: 'EUR' },
        attempt: 1,
        failedAt: '2026-01-05T09:30:00Z',
        contact: { email: 'ap@bigcorp.example' },
      },
    };
    await Promise.all([applyIntegrations(fact, ports), applyIntegrations(fact, ports)]);
    const list = await requesterTickets('ap@bigcorp.example');
    expect(list).toHaveLength(1);
    const history = await tickets.history(list[0]?.id ?? '');
    expect(history?.messages.filter((m) => m.direction === 'outbound')).toHaveLength(1);
    expect(history?.ticket).toMatchObject({
      requestType: 'account_change',
      queue: 'billing',
      tags: expect.arrayContaining(['payment-failed']),
    });
    expect(await directory.get('acct-bigcorp')).toMatchObject({
      status: 'past_due',
      tags: ['payment-failed'],
    });
    expect(await directory.changes('acct-bigcorp')).toHaveLength(1);
  });

  it('links the proactive ticket with the contact’s other open tickets, both ways, once', async () => {
    const open = await webhookTicket('q-open', 'dana@smallshop.example');
    const resolvedId = await webhookTicket('q-done', 'dana@smallshop.example');
    const resolved = await tickets.get(resolvedId);
    if (!resolved) throw new Error('no ticket');
    await tickets.append({
      ticket: { ...resolved, state: 'resolved', version: resolved.version + 1 },
      expectedVersion: resolved.version,
      audit: [],
    });
    later(1);
    const fact = cancellation({ subscriptionId: 'sub-3', contact: { email: 'dana@smallshop.example' } });
    const result = await applyIntegrations(fact, ports);
    const openRef = (await tickets.get(open))?.reference;
    expect(result).toMatchObject({ rules: [{ linked: [openRef] }] });

    const proactive = (await requesterTickets('dana@smallshop.example')).find((t) => t.channel === 'event');
    expect(proactive?.links).toEqual([
      expect.objectContaining({
        ticketId: open,
        relation: 'related',
        by: 'integration:subscription-cancelled',
      }),
    ]);
    const other = await tickets.history(open);
    expect(other?.ticket.links).toEqual([
      expect.objectContaining({ ticketId: proactive?.id, reference: proactive?.reference }),
    ]);
    expect(other?.audit.filter((a) => a.action === 'ticket.linked')).toHaveLength(1);
    expect((await tickets.get(resolvedId))?.links).toEqual([]);
  });

  it('opens one urgent engineering ticket for a sev1 incident and links the affected accounts’ open tickets only', async () => {
    const affected = await webhookTicket('checkout-slow', 'ops@media.example', 'acct-media');
    const unaffected = await webhookTicket('other-question', 'x@quiet.example', 'acct-quiet');
    const fact = {
      type: 'product.incident_opened',
      detail: {
        incidentId: 'inc-1',
        title: 'Checkout errors',
        severity: 'sev1',
        startedAt: '2026-01-05T10:00:00Z',
        components: ['checkout'],
        accountIds: ['acct-media'],
      },
    };
    const result = await applyIntegrations(fact, ports);
    expect(result).toMatchObject({
      rules: [{ rule: 'major-incident', kind: 'applied', ticket: { created: true } }],
    });
    const [incident, ...more] = await requesterTickets('incidents@example.com');
    expect(more).toEqual([]);
    expect(incident).toMatchObject({
      priority: 'urgent',
      queue: 'engineering',
      requestType: 'bug_report',
      state: 'new',
    });
    expect(incident?.links.map((l) => l.ticketId)).toEqual([affected]);
    expect((await tickets.get(affected))?.links.map((l) => l.ticketId)).toEqual([incident?.id]);
    expect((await tickets.get(unaffected))?.links).toEqual([]);

    await applyIntegrations(fact, ports);
    expect(await requesterTickets('incidents@example.com')).toHaveLength(1);
  });

  it('ignores a sev3 incident: no rule matches, nothing is written or announced', async () => {
    const before = (await published()).length;
    const result = await applyIntegrations(
      {
        type: 'product.incident_opened',
        detail: {
          incidentId: 'inc-2',
          title: 'Slow',
          severity: 'sev3',
          startedAt: '2026-01-05T10:00:00Z',
          components: [],
        },
      },
      ports,
    );
    expect(result).toMatchObject({ rules: [{ rule: 'major-incident', kind: 'not_matched' }] });
    expect(await published()).toHaveLength(before);
  });

  it('skips the account actions for an account the directory does not know, and still opens the ticket and mails', async () => {
    const fact = cancellation({
      accountId: 'acct-unknown',
      subscriptionId: 'sub-9',
      contact: { email: 'who@unknown.example' },
    });
    const result = await applyIntegrations(fact, ports);
    expect(result).toMatchObject({
      rules: [{ account: 'unknown_account', mail: 'written', ticket: { created: true } }],
    });
    expect(await directory.get('acct-unknown')).toBeUndefined();
    expect(await requesterTickets('who@unknown.example')).toEqual([
      expect.objectContaining({ account: { id: 'acct-unknown' } }),
    ]);
  });

  it('reports an event that does not match its schema, and writes nothing', async () => {
    const before = (await published()).length;
    const result = await applyIntegrations(
      {
        type: 'billing.subscription_cancelled',
        detail: { accountId: 'acct-smallshop', contact: { email: 'nope' } },
      },
      ports,
    );
    expect(result).toEqual({
      kind: 'invalid',
      issues: [
        { path: 'detail.subscriptionId', message: expect.any(String) },
        { path: 'detail.cancelledAt', message: expect.any(String) },
        { path: 'detail.contact.email', message: 'must be an email address' },
      ],
    });
    expect(await published()).toHaveLength(before);
  });
});
