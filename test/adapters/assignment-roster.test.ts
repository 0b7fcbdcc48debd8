import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentRoster } from '../../shared/adapters/agent-roster';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { defaultWorkflow, parseWorkflowConfig } from '../../shared/config';
import { formatReference, newId, openTicket, type Ticket } from '../../shared/domain';
import { assignAfterTicketChange } from '../../shared/use-cases/assignment';
import { freshTable } from '../support/dynamodb';

// Automatic assignment against DynamoDB Local (issue 17): the agent's load and the ticket's assignment are
// one transaction conditioned on the agent's room, so tickets arriving together never push an agent over
// capacity; a resolved ticket frees its place and the oldest waiting ticket takes it.

const now = new Date('2026-11-23T10:00:00.000Z');
const clock = { now: () => now };
const config = parseWorkflowConfig({
  ...defaultWorkflow,
  queues: {
    ...defaultWorkflow.queues,
    frontline: { ...defaultWorkflow.queues.frontline, assignment: { strategy: 'capacity', capacity: 2 } },
  },
});

describe('the agent roster and automatic assignment against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let agents: AgentRoster;
  let ports: { tickets: TicketRepository; agents: AgentRoster; clock: typeof clock; config: typeof config };
  let n = 0;

  /** A new general question (frontline), written as intake writes it; `minutes` after `now` for its age. */
  async function arrive(minutes: number): Promise<Ticket> {
    n++;
    const at = new Date(now.getTime() + minutes * 60_000);
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        externalId: `a-${n}`,
        subject: `Question ${n}`,
        body: 'How do I export my data?',
        requester: { email: `casey${n}@customer.example` },
        requestType: 'general_question',
        fields: {},
        tags: [],
      },
      {
        config,
        now: at,
        reference: formatReference(n),
        newId: () => newId(at),
        actor: { kind: 'integration', id: 'test' },
      },
    );
    if (!opened.ok) throw opened.error;
    await tickets.create({ ...opened, dedupe: { channel: 'webhook', key: `demo#${n}`, expiresAt: 1 } });
    return opened.ticket;
  }

  const available = (id: string, availability: 'available' | 'away' = 'available') =>
    agents.save({
      id,
      availability,
      skills: { requestTypes: [], languages: [] },
      queues: ['frontline'],
      at: now.toISOString(),
    });

  // A table per test: one test's waiting tickets are not the next one's.
  beforeEach(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    agents = new AgentRoster(table.db, table.tableName);
    ports = { tickets, agents, clock, config };
  });
  afterEach(async () => {
    await table.drop();
  });

  it('lets only as many concurrent assignments to one agent land as their capacity', async () => {
    await available('solo@example.com');
    const arrived = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => arrive(i)));
    const outcomes = await Promise.all(
      arrived.map((t) =>
        agents.assign({
          change: {
            ticket: { ...t, assignee: 'solo@example.com', version: t.version + 1 },
            expectedVersion: t.version,
            audit: [],
          },
          agent: 'solo@example.com',
          queue: 'frontline',
          capacity: 2,
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'assigned')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'agent_refused')).toHaveLength(4);
    expect((await agents.get('solo@example.com'))?.tickets).toHaveLength(2);
  });

  it('gives six tickets arriving together two each to two agents, two wait; a resolved one frees a place for the oldest', async () => {
    await available('ana@example.com');
    await available('bo@example.com');
    await available('cy@example.com', 'away');
    const arrived = await Promise.all([10, 11, 12, 13, 14, 15].map((i) => arrive(i)));
    await Promise.all(arrived.map((t) => assignAfterTicketChange(t.id, ports)));

    const held = async (id: string) => (await agents.get(id))?.tickets ?? [];
    expect(await held('ana@example.com')).toHaveLength(2);
    expect(await held('bo@example.com')).toHaveLength(2);
    expect(await held('cy@example.com')).toEqual([]);
    const now1 = await Promise.all(arrived.map(async (t) => (await tickets.get(t.id)) as Ticket));
    const waiting = now1.filter((t) => t.assignee === null);
    expect(waiting).toHaveLength(2);
    // The oldest arrivals went first.
    expect(waiting.map((t) => t.reference).sort()).toEqual(
      [...now1]
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .slice(4)
        .map((t) => t.reference)
        .sort(),
    );
    const history = await tickets.history(now1.find((t) => t.assignee === 'ana@example.com')?.id ?? '');
    expect(history?.audit.find((a) => a.action === 'ticket.assigned')).toMatchObject({
      action: 'ticket.assigned',
      actor: { kind: 'system', id: 'assignment:capacity' },
      after: { assignee: 'ana@example.com', strategy: 'capacity' },
    });

    // Ana resolves one of hers: her place goes to the oldest waiting ticket.
    const hers = now1.find((t) => t.assignee === 'ana@example.com') as Ticket;
    const resolved: Ticket = { ...hers, state: 'resolved', version: hers.version + 1 };
    await tickets.append({ ticket: resolved, expectedVersion: hers.version, audit: [] });
    const assigned = await assignAfterTicketChange(hers.id, ports);
    const oldestWaiting = waiting.sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0] as Ticket;
    expect(assigned).toEqual([
      expect.objectContaining({ ticketId: oldestWaiting.id, agent: 'ana@example.com', strategy: 'capacity' }),
    ]);
    expect(await held('ana@example.com')).toHaveLength(2);
    expect(await held('ana@example.com')).not.toContain(hers.id);

    // Asked again about the same ticket: nothing moves (idempotent).
    expect(await assignAfterTicketChange(hers.id, ports)).toEqual([]);
    expect(await held('ana@example.com')).toHaveLength(2);

    // Bo lets one of his go: it goes to someone else with room (Di), not straight back to him.
    await available('di@example.com');
    const his = (await tickets.get((await held('bo@example.com'))[0] ?? '')) as Ticket;
    await tickets.append({
      ticket: { ...his, assignee: null, version: his.version + 1 },
      expectedVersion: his.version,
      audit: [],
    });
    const after = await assignAfterTicketChange(his.id, ports);
    expect(after.find((a) => a.ticketId === his.id)?.agent).toBe('di@example.com');
  });
});
