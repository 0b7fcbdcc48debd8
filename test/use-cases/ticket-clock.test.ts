import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { DynamoPersonalData } from '../../shared/adapters/personal-data';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { WakeUpStore } from '../../shared/adapters/wake-up-store';
import { workflowConfig } from '../../shared/config';
import { intakeRequest } from '../../shared/use-cases/intake';
import type { WakeUpScheduler } from '../../shared/use-cases/ports';
import { runTicketClock, type TicketClockPorts } from '../../shared/use-cases/ticket-clock';
import { transitionTicket } from '../../shared/use-cases/transition';
import { freshTable, outboxEvents } from '../support/dynamodb';

// The ticket clock against DynamoDB Local (real conditional writes and the outbox), with the scheduler
// port recorded: what it asks the scheduler for is the contract with EventBridge Scheduler.

// Tuesday 10:00 in Berlin; tickets without an enterprise account run on Berlin business hours.
const T0 = new Date('2026-03-03T09:00:00.000Z');
const HOUR = 3_600_000;

describe('runTicketClock against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let store: WakeUpStore;
  let now = T0;
  const asked: Array<{ ticketId: string; at: string }> = [];
  const wakeUps: WakeUpScheduler = {
    schedule: async (ticketId, at) => {
      asked.push({ ticketId, at: at.toISOString() });
    },
  };
  let ports: TicketClockPorts;
  const erased: string[] = [];

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    store = new WakeUpStore(table.db, table.tableName);
    ports = {
      tickets,
      store,
      wakeUps,
      clock: { now: () => now },
      config: workflowConfig,
      personalData: new DynamoPersonalData(table.db, table.tableName),
      objects: {
        erase: async (keys) => {
          erased.push(...keys);
          return keys.length;
        },
      },
    };
  });
  afterAll(async () => {
    await table.drop();
  });

  const open = async (key: string) => {
    const result = await intakeRequest(
      {
        draft: {
          channel: 'webhook',
          source: 'demo',
          externalId: key,
          subject: `Question ${key}`,
          body: 'hello',
          requester: { email: `${key}@customer.example` },
          fields: {},
          tags: [],
        },
        dedupe: { channel: 'webhook', key: `demo#${key}` },
        actor: { kind: 'integration', id: 'webhook:demo' },
      },
      {
        tickets,
        accounts: new AccountDirectory(table.db, table.tableName),
        clock: { now: () => now },
        config: workflowConfig,
      },
    );
    if (result.kind !== 'accepted') throw new Error(JSON.stringify(result));
    return result.ticketId;
  };
  const mine = (id: string) => asked.filter((a) => a.ticketId === id).map((a) => a.at);

  it('sets a new ticket’s one wake-up at its earliest due moment, and asks the scheduler once however often it looks', async () => {
    const id = await open('first');
    const first = await runTicketClock(id, ports);
    const ticket = await tickets.get(id);
    const warnAt = ticket?.sla?.targets
      .map((t) => t.warnAt)
      .filter((t): t is string => t !== null)
      .toSorted()[0];
    expect(first).toMatchObject({ kind: 'looked', acted: [], scheduled: 'set', wakeAt: warnAt });
    expect(await runTicketClock(id, ports)).toMatchObject({ scheduled: 'unchanged' });
    expect(mine(id)).toEqual([warnAt]);
    expect((await store.get(id))?.wakeAt).toBe(warnAt);
  });

  it('acts on what is due when its wake-up fires, announces it through the outbox, and sets the next one', async () => {
    const id = await open('due');
    await runTicketClock(id, ports);
    const [wakeAt] = mine(id);
    now = new Date(Date.parse(wakeAt ?? '') + 1000);
    const woke = await runTicketClock(id, ports, { fired: wakeAt });
    expect(woke).toMatchObject({ kind: 'looked', acted: ['sla.warned'], scheduled: 'set' });
    const next = mine(id).at(-1) ?? '';
    expect(next > (wakeAt ?? '')).toBe(true);
    const announced = (await outboxEvents(table)).filter((e) => e.detail.ticketId === id).map((e) => e.type);
    expect(announced).toEqual(['ticket.created', 'sla.warning']);
    // The same wake-up delivered again finds nothing due and writes nothing.
    const again = await runTicketClock(id, ports, { fired: wakeAt });
    expect(again).toMatchObject({ acted: [], scheduled: 'unchanged' });
    expect((await outboxEvents(table)).filter((e) => e.detail.ticketId === id)).toHaveLength(2);
  });

  it('reschedules when the spent wake-up is the one on record (a wake-up that came a little early)', async () => {
    const id = await open('early');
    await runTicketClock(id, ports);
    const [wakeAt] = mine(id);
    now = new Date(Date.parse(wakeAt ?? '') - 500);
    expect(await runTicketClock(id, ports, { fired: wakeAt })).toMatchObject({
      acted: [],
      scheduled: 'set',
      wakeAt,
    });
    expect(mine(id)).toEqual([wakeAt, wakeAt]);
  });

  it('sets the wake-up again when the message comes back: the look before may have died after recording it, before scheduling it', async () => {
    const id = await open('died');
    const ticket = await tickets.get(id);
    // The look that died: its wake-up is on record, the scheduler never heard of it.
    const decided = await runTicketClock(id, { ...ports, wakeUps: { schedule: async () => {} } });
    expect(decided).toMatchObject({ scheduled: 'set' });
    expect((await store.get(id))?.version).toBe(ticket?.version);
    expect(mine(id)).toEqual([]);
    // A first delivery of another change trusts the record; the dead look's own message, delivered again, does not.
    expect(await runTicketClock(id, ports)).toMatchObject({ scheduled: 'unchanged' });
    expect(mine(id)).toEqual([]);
    expect(await runTicketClock(id, ports, { redelivered: true })).toMatchObject({ scheduled: 'set' });
    expect(mine(id)).toEqual([decided.kind === 'looked' ? decided.wakeAt : 'none']);
  });

  it('never lets a look at an older version of the ticket replace the wake-up a newer one set', async () => {
    const id = await open('race');
    now = new Date(now.getTime() + HOUR);
    const ticket = await tickets.get(id);
    await store.claim(id, {
      wakeAt: new Date(now.getTime() + 10 * HOUR).toISOString(),
      version: (ticket?.version ?? 1) + 5,
      updatedAt: now.toISOString(),
    });
    expect(await runTicketClock(id, ports)).toMatchObject({ scheduled: 'superseded' });
    expect(mine(id)).toEqual([]);
  });

  it('closes a resolved ticket after the quiet days and then has nothing left to wake up for', async () => {
    const id = await open('closing');
    for (const to of ['in_progress', 'resolved'] as const) {
      const version = (await tickets.get(id))?.version ?? 0;
      const moved = await transitionTicket(
        {
          ticketId: id,
          to,
          expectedVersion: version,
          actor: { kind: 'agent', id: 'lead@example.com' },
          scope: { queues: 'all', approverGroups: [] },
        },
        { tickets, clock: { now: () => now } },
      );
      expect(moved).toMatchObject({ kind: 'changed' });
    }
    await runTicketClock(id, ports);
    now = new Date(now.getTime() + 5 * 24 * HOUR);
    const closed = await runTicketClock(id, ports);
    // Closed: its only wake-up left is its retention (general questions: 730 days after closing).
    expect(closed).toMatchObject({
      acted: ['ticket.state_changed', 'automation.auto_closed'],
      scheduled: 'set',
      wakeAt: new Date(now.getTime() + 730 * 24 * HOUR).toISOString(),
    });
    expect((await tickets.get(id))?.state).toBe('closed');

    // Retention: past it, the bodies and the requester go, the ticket stays closed, nothing left to wake for.
    now = new Date(now.getTime() + 731 * 24 * HOUR);
    const purged = await runTicketClock(id, ports, {
      fired: closed.kind === 'looked' ? (closed.wakeAt ?? '') : '',
    });
    expect(purged).toMatchObject({ acted: ['ticket.purged'], scheduled: 'none' });
    const history = await tickets.history(id);
    expect(history?.ticket).toMatchObject({
      state: 'closed',
      subject: '[erased]',
      requester: { email: `expired-${id.toLowerCase()}@erased.invalid`, name: 'Erased requester' },
    });
    expect(history?.messages.map((m) => m.body)).toEqual(history?.messages.map(() => '[erased]'));
    expect(JSON.stringify(history)).not.toContain('closing@customer.example');
    expect(history?.audit.at(-1)).toMatchObject({ action: 'ticket.purged', actor: { id: 'retention' } });
    // Once is enough: a second look purges nothing more.
    expect(await runTicketClock(id, ports)).toMatchObject({ acted: [], scheduled: 'none' });
  });
});
