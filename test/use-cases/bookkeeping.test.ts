import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import {
  type Actor,
  type DomainEvent,
  messageAddedEvent,
  newId,
  openTicket,
  receiveCustomerMessage,
  type Ticket,
  ticketCreatedEvent,
} from '../../shared/domain';
import { customerLinks } from '../../shared/http/customer-links';
import { addMessageAsAgent, updateAsAgent } from '../../shared/use-cases/agent-work';
import type { Clock } from '../../shared/use-cases/ports';
import { sendNotification } from '../../shared/use-cases/send-notification';
import { changeTicket } from '../../shared/use-cases/ticket-change';
import { transitionTicket } from '../../shared/use-cases/transition';
import { freshTable } from '../support/dynamodb';

// Against DynamoDB Local: the system's bookkeeping (a mail recorded as sent) between an agent's read and
// their write never makes the write stale, while a change by another agent or the customer does.

const T0 = new Date('2026-11-23T10:00:00.000Z');
/** Two agents who work every queue (queue isolation is test/local/rbac.test.ts's business). */
const everyQueue = { queues: 'all' as const, approverGroups: [] as string[] };
const SAM = { actor: { kind: 'agent', id: 'sam@support.example' } as Actor, scope: everyQueue };
const KIM = { actor: { kind: 'agent', id: 'kim@support.example' } as Actor, scope: everyQueue };

class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
}

describe('an agent write after system bookkeeping, against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  const clock = new FakeClock(T0.getTime());
  let n = 0;

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  const tick = () => {
    clock.t += 60_000;
  };

  async function aTicket(): Promise<Ticket> {
    n += 1;
    const reference = `FD-${n}`;
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        externalId: reference,
        subject: 'How do I export my data?',
        body: 'Looking for a CSV.',
        requester: { email: `casey${n}@customer.example`, name: 'Casey' },
        requestType: 'general_question',
        fields: {},
        tags: [],
      },
      {
        config: workflowConfig,
        now: clock.now(),
        reference,
        newId: () => newId(clock.now()),
        actor: { kind: 'integration', id: 'demo' },
      },
    );
    if (!opened.ok) throw opened.error;
    await tickets.create({ ...opened, dedupe: { channel: 'test', key: reference, expiresAt: 1 } });
    return opened.ticket;
  }

  /** The notifier (send-notification) with a mailer that accepts everything: records `mail.sent`. */
  const mailed = async (event: DomainEvent) => {
    tick();
    const result = await sendNotification(event, {
      tickets,
      mailer: { send: async () => `${newId(clock.now())}@mail.example` },
      once: (_key, send) => send(),
      clock,
      config: workflowConfig,
      supportAddress: 'support@example.com',
      links: customerLinks({
        secret: async () => 'test-link-secret',
        publicBaseUrl: 'https://help.example.com',
      }),
    });
    expect(result.kind).toBe('sent');
  };

  const agentPorts = () => ({ tickets, clock, config: workflowConfig });

  const reply = async (ticketId: string, expectedVersion: number) => {
    tick();
    const { result, message } = await addMessageAsAgent(
      {
        ticketId,
        expectedVersion,
        ...SAM,
        visibility: 'public',
        body: 'Settings → Export gives you a CSV.',
        author: { email: SAM.actor.id },
      },
      agentPorts(),
    );
    if (result.kind !== 'changed' || !message) throw new Error(`reply: ${JSON.stringify(result)}`);
    return { ticket: result.ticket, message };
  };

  const move = (ticketId: string, expectedVersion: number, tickets_ = tickets) => {
    tick();
    return transitionTicket(
      { ticketId, to: 'in_progress', expectedVersion, ...SAM },
      { tickets: tickets_, clock },
    );
  };

  it('transitions with the version the reply answered after the acknowledgement and the reply were mailed', async () => {
    const opened = await aTicket();
    const read = (await tickets.get(opened.id)) as Ticket;
    await mailed(ticketCreatedEvent(opened));
    const replied = await reply(opened.id, read.version);
    expect(replied.ticket.contentVersion).toBe(replied.ticket.version);
    await mailed(messageAddedEvent(replied.ticket, replied.message, true));
    expect((await tickets.get(opened.id))?.version).toBe(replied.ticket.version + 1);

    const moved = await move(opened.id, replied.ticket.version);

    expect(moved).toMatchObject({ kind: 'changed', ticket: { state: 'in_progress' } });
    const history = await tickets.history(opened.id);
    expect(history?.ticket).toMatchObject({ state: 'in_progress', version: 5, contentVersion: 5 });
    expect(history?.audit.map((a) => a.action)).toEqual([
      'ticket.created',
      'ticket.triaged',
      'mail.sent',
      'message.added',
      'mail.sent',
      'ticket.state_changed',
    ]);
    expect(history?.messages.map((m) => m.template ?? m.author.kind)).toEqual([
      'customer',
      'acknowledgement',
      'agent',
    ]);
  });

  it('answers stale with the real version when another agent changed the ticket since the read', async () => {
    const opened = await aTicket();
    await mailed(ticketCreatedEvent(opened));
    tick();
    const tagged = await updateAsAgent(
      {
        ticketId: opened.id,
        expectedVersion: opened.version,
        ...KIM,
        change: { tags: ['vip'] },
      },
      agentPorts(),
    );
    expect(tagged.kind).toBe('changed');

    expect(await move(opened.id, opened.version)).toEqual({ kind: 'stale', currentVersion: 3 });
    expect((await tickets.get(opened.id))?.state).toBe('new');
  });

  it('answers stale when the customer wrote since the read, even with a mail recorded after it', async () => {
    const opened = await aTicket();
    tick();
    await changeTicket(opened.id, tickets, (history) => {
      if (!history) throw new Error('missing');
      const at = clock.now();
      const message = {
        id: newId(at),
        ticketId: opened.id,
        direction: 'inbound' as const,
        visibility: 'public' as const,
        channel: 'email' as const,
        author: { kind: 'customer' as const, email: opened.requester.email },
        body: 'Also: can I export attachments?',
        attachments: [],
        createdAt: at.toISOString(),
      };
      const effect = receiveCustomerMessage(history.ticket, message, {}, workflowConfig, {
        actor: { kind: 'customer', id: opened.requester.email },
        at,
        newId: () => newId(at),
      });
      if (effect.kind !== 'appended') throw new Error(effect.kind);
      return { write: { ticket: effect.ticket, audit: effect.audit }, result: undefined };
    });
    await mailed(ticketCreatedEvent(opened));

    expect(await move(opened.id, opened.version)).toEqual({ kind: 'stale', currentVersion: 3 });
    expect(await move(opened.id, 2)).toMatchObject({ kind: 'changed', ticket: { version: 4 } });
  });

  it('decides again when a mail is recorded between its read and its write, and keeps the record', async () => {
    const opened = await aTicket();
    let appends = 0;
    const racing = {
      get: (id: string) => tickets.get(id),
      append: async (input: Parameters<TicketRepository['append']>[0]) => {
        appends += 1;
        if (appends === 1) await mailed(ticketCreatedEvent(opened));
        return tickets.append(input);
      },
    };

    const moved = await move(opened.id, opened.version, racing as unknown as TicketRepository);

    expect(appends).toBe(2);
    expect(moved).toMatchObject({ kind: 'changed', ticket: { version: 3, contentVersion: 3 } });
    const history = await tickets.history(opened.id);
    expect(history?.audit.map((a) => a.action)).toEqual([
      'ticket.created',
      'ticket.triaged',
      'mail.sent',
      'ticket.state_changed',
    ]);
  });

  it('answers stale when a person changes the ticket between its read and its write', async () => {
    const opened = await aTicket();
    const racing = {
      get: (id: string) => tickets.get(id),
      append: async (input: Parameters<TicketRepository['append']>[0]) => {
        if (input.audit.some((a) => a.action === 'ticket.state_changed')) {
          const current = (await tickets.get(opened.id)) as Ticket;
          if (current.version === opened.version) {
            tick();
            await updateAsAgent(
              {
                ticketId: opened.id,
                expectedVersion: current.version,
                ...KIM,
                change: { tags: ['vip'] },
              },
              agentPorts(),
            );
          }
        }
        return tickets.append(input);
      },
    };

    expect(await move(opened.id, opened.version, racing as unknown as TicketRepository)).toEqual({
      kind: 'stale',
      currentVersion: 2,
    });
    expect(await tickets.get(opened.id)).toMatchObject({ state: 'new', tags: ['vip'] });
  });
});
