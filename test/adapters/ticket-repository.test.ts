import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { formatReference, newId, openTicket, transition } from '../../shared/domain';
import { ConcurrentUpdateError } from '../../shared/use-cases/ports';
import { freshTable } from '../support/dynamodb';

const now = new Date('2026-11-23T10:00:00.000Z');

function opened(
  reference: string,
  fields: Record<string, string> = { invoiceId: 'INV-1', customerId: 'C-1' },
) {
  const result = openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      externalId: 'x',
      subject: 'Question about invoice INV-1',
      body: 'hello',
      requester: { email: 'dana@bigcorp.example' },
      account: { id: 'acct-1', tier: 'enterprise' },
      requestType: 'billing_dispute',
      fields,
      tags: [],
    },
    {
      config: workflowConfig,
      now,
      reference,
      newId: () => newId(now),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!result.ok) throw result.error;
  return result;
}

describe('TicketRepository against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let repo: TicketRepository;

  beforeAll(async () => {
    table = await freshTable();
    repo = new TicketRepository(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('counts references up from 1 without gaps under concurrency', async () => {
    const numbers = await Promise.all(Array.from({ length: 25 }, () => repo.nextReferenceNumber()));
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('writes ticket, first message, audit trail, reference and dedupe key together', async () => {
    const t = opened('FD-100');
    const outcome = await repo.create({ ...t, dedupe: { channel: 'webhook', key: 'demo#a', expiresAt: 1 } });
    expect(outcome).toEqual({ kind: 'created' });

    const history = await repo.history(t.ticket.id);
    expect(history?.ticket).toEqual(t.ticket);
    expect(history?.messages).toEqual([t.message]);
    expect(history?.audit).toEqual(t.audit);
    expect(await repo.ticketIdForReference('FD-100')).toBe(t.ticket.id);
    expect(await repo.findDuplicate({ channel: 'webhook', key: 'demo#a' })).toEqual({
      kind: 'duplicate',
      ticketId: t.ticket.id,
      reference: 'FD-100',
    });
  });

  it('answers a second create with the same dedupe key as a duplicate and writes none of it', async () => {
    const first = opened('FD-200');
    const second = opened('FD-201');
    const dedupe = { channel: 'webhook', key: 'demo#b', expiresAt: 1 };
    await repo.create({ ...first, dedupe });
    expect(await repo.create({ ...second, dedupe })).toEqual({
      kind: 'duplicate',
      ticketId: first.ticket.id,
      reference: 'FD-200',
    });
    expect(await repo.history(second.ticket.id)).toBeUndefined();
    expect(await repo.ticketIdForReference('FD-201')).toBeUndefined();
  });

  it('lets exactly one of many concurrent creates with one dedupe key win', async () => {
    const dedupe = { channel: 'webhook', key: 'demo#race', expiresAt: 1 };
    const attempts = Array.from({ length: 8 }, (_, i) => opened(formatReference(300 + i)));
    const outcomes = await Promise.all(attempts.map((a) => repo.create({ ...a, dedupe })));
    const created = outcomes.filter((o) => o.kind === 'created');
    expect(created).toHaveLength(1);
    const winner = await repo.findDuplicate(dedupe);
    for (const o of outcomes) {
      if (o.kind === 'duplicate')
        expect(o.ticketId).toBe(winner?.kind === 'duplicate' ? winner.ticketId : '');
    }
  });

  it('refuses an update from a stale version (optimistic concurrency)', async () => {
    const t = opened('FD-400');
    await repo.create({ ...t, dedupe: { channel: 'webhook', key: 'demo#c', expiresAt: 1 } });
    const moved = transition(t.ticket, 'in_progress', {
      actor: { kind: 'agent', id: 'agent@example.com' },
      at: new Date('2026-11-23T11:00:00.000Z'),
      nextSeq: t.audit.length + 1,
      newId: () => newId(now),
    });
    if (!moved.ok) throw moved.error;
    await repo.append({ ticket: moved.ticket, expectedVersion: 1, audit: [moved.audit] });
    expect((await repo.get(t.ticket.id))?.state).toBe('in_progress');
    await expect(
      repo.append({ ticket: moved.ticket, expectedVersion: 1, audit: [moved.audit] }),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    const history = await repo.history(t.ticket.id);
    expect(history?.ticket.version).toBe(2);
    expect(history?.audit.map((a) => a.action)).toEqual([
      'ticket.created',
      'ticket.triaged',
      'ticket.state_changed',
    ]);
  });

  it('lists through the narrow indexes (keys and filter attributes), reading whole tickets in index order', async () => {
    const a = opened('FD-500');
    const b = opened('FD-501');
    const requester = { email: 'narrow@bigcorp.example' };
    const first = { ...a.ticket, requester, createdAt: '2026-11-23T10:00:01.000Z' };
    const second = { ...b.ticket, requester, createdAt: '2026-11-23T10:00:02.000Z' };
    await repo.create({ ...a, ticket: first, dedupe: { channel: 'webhook', key: 'demo#n1', expiresAt: 1 } });
    await repo.create({ ...b, ticket: second, dedupe: { channel: 'webhook', key: 'demo#n2', expiresAt: 1 } });

    const mine = await repo.listByRequester(requester.email, { limit: 10 });
    expect(mine.tickets).toEqual([second, first]); // newest first, each one whole
    const page = await repo.listQueue(first.queue, first.state, { limit: 1 });
    expect(page.tickets).toHaveLength(1);
    expect(page.tickets[0]?.subject).toBe(first.subject);
    expect(page.cursor).toBeDefined();

    // The SLA risk the queue statistics read moves with the ticket's targets.
    const before = await repo.queueStats(first.queue, first.state);
    const breached = {
      ...first,
      version: 2,
      sla: first.sla && {
        ...first.sla,
        targets: first.sla.targets.map((t, i) => ({
          ...t,
          status: i === 0 ? ('breached' as const) : t.status,
        })),
      },
    };
    await repo.append({ ticket: breached, expectedVersion: 1, audit: [] });
    const after = await repo.queueStats(first.queue, first.state);
    expect(after).toEqual({ ...before, breached: before.breached + 1 });

    const ids = await repo.ticketIdsCreated(first.queue, first.state, {
      from: new Date('2026-11-23T10:00:01.500Z'),
      to: new Date('2026-11-23T10:00:03.000Z'),
    });
    expect(ids).toContain(second.id);
    expect(ids).not.toContain(first.id);
  });
});
