import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { IncidentRegistry } from '../../shared/adapters/incident-registry';
import { IntegrationLedger } from '../../shared/adapters/integration-ledger';
import { RelatedTickets } from '../../shared/adapters/related-tickets';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { type DomainEvent, DomainEventSchema } from '../../shared/domain';
import { addMessageAsAgent } from '../../shared/use-cases/agent-work';
import { applyIntegrations } from '../../shared/use-cases/apply-integrations';
import { fanOutIncident } from '../../shared/use-cases/incident-fan-out';
import { openIncidentForTickets } from '../../shared/use-cases/incident-links';
import { intakeRequest } from '../../shared/use-cases/intake';
import { transitionTicket } from '../../shared/use-cases/transition';
import { freshTable, outboxEvents } from '../support/dynamodb';

// The fan-out against DynamoDB Local with more linked tickets than one page: what the notifications
// consumer does with an incident's update and resolution, page after page, and nothing more when the
// same events come again. What it announces is what its writes put in the table's outbox.

const T0 = new Date('2026-02-02T09:00:00.000Z');
const LINKED = 60;
const lead = { kind: 'agent' as const, id: 'lead@example.com' };
const all = { queues: 'all' as const, approverGroups: [] };

describe('an incident’s fan-out against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let registry: IncidentRegistry;
  let now = T0;
  const clock = { now: () => now };
  const ports = () => ({
    tickets,
    incidents: registry,
    clock,
    accounts: new AccountDirectory(table.db, table.tableName),
    config: workflowConfig,
  });
  const seen = new Set<string>();
  /** Outbox events not handed to the test before, as the bus would deliver them. */
  const fresh = async (): Promise<DomainEvent[]> => {
    const out = (await outboxEvents(table)).filter((e) => !seen.has(e.eventId));
    for (const e of out) seen.add(e.eventId);
    return out.map((e) => DomainEventSchema.parse({ type: e.type, detail: e.detail }));
  };
  /** Everything the fan-out announced besides its own next pages (the relayed replies, the resolutions). */
  let announced: DomainEvent[] = [];
  /** The fan-out's next pages, as handed on. */
  let handedOn: DomainEvent[] = [];
  /** Delivers events to the consumer until it asks for nothing more (each page hands on the next). */
  const deliverAll = async (events: DomainEvent[]) => {
    const reached: number[] = [];
    announced = [];
    handedOn = [];
    let queue = events;
    while (queue.length > 0) {
      for (const e of queue) {
        const r = await fanOutIncident(e, ports());
        if (r.kind === 'fanned_out') reached.push(r.reached);
      }
      const next = await fresh();
      announced.push(...next.filter((e) => e.type !== 'incident.fan_out'));
      queue = next.filter((e) => e.type === 'incident.fan_out');
      handedOn.push(...queue);
    }
    return reached;
  };

  let incidentId = '';
  const linkedIds: string[] = [];

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    registry = new IncidentRegistry(table.db, table.tableName);
    const refs: string[] = [];
    for (let i = 0; i < LINKED; i++) {
      const r = await intakeRequest(
        {
          draft: {
            channel: 'webhook',
            source: 'demo',
            subject: `Sign-in fails ${i}`,
            body: 'It spins.',
            requester: { email: `user${i}@example.org` },
            fields: {},
            tags: [],
          },
          dedupe: { channel: 'webhook', key: `demo#fan-${i}` },
          actor: { kind: 'integration', id: 'webhook:demo' },
        },
        ports(),
      );
      if (r.kind !== 'accepted') throw new Error('not accepted');
      refs.push(r.reference);
      linkedIds.push(r.ticketId);
    }
    const opened = await openIncidentForTickets(
      {
        title: 'Sign-in outage',
        tickets: refs,
        requester: { email: 'lead@example.com' },
        actor: lead,
        scope: all,
      },
      ports(),
    );
    incidentId = opened.incident.id;
    expect(opened.results.filter((r) => r.outcome === 'linked')).toHaveLength(LINKED);
    await fresh();
  });
  afterAll(async () => {
    await table.drop();
  });

  it('relays one update onto every linked ticket in pages of 25, once, however often it is delivered', async () => {
    now = new Date(T0.getTime() + 60_000);
    const incident = await tickets.get(incidentId);
    const posted = await addMessageAsAgent(
      {
        ticketId: incidentId,
        expectedVersion: incident?.version ?? 0,
        actor: lead,
        scope: all,
        visibility: 'public',
        body: 'A fix is rolling out.',
        author: { email: 'lead@example.com' },
      },
      ports(),
    );
    expect(posted.result.kind).toBe('changed');
    const first = await fresh();
    expect(await deliverAll(first)).toEqual([25, 25, 10]);
    const relays = announced;
    const pages = handedOn;
    expect(relays.filter((e) => e.type === 'ticket.message_added' && e.detail.deliver)).toHaveLength(LINKED);

    // Delivered again, every event: nothing is written or announced.
    expect(await deliverAll([...first, ...pages, ...relays])).toEqual([0, 0, 0]);
    expect(announced).toEqual([]);
    for (const id of linkedIds.slice(0, 5)) {
      const h = await tickets.history(id);
      expect(h?.messages.filter((m) => m.body === 'A fix is rolling out.')).toHaveLength(1);
    }
    expect((await tickets.get(incidentId))?.incident?.firstUpdateAt).toBe(now.toISOString());
    // The fan-out's bookkeeping does not make the lead's If-Match stale.
    expect((await tickets.get(incidentId))?.contentVersion).toBe(
      posted.result.kind === 'changed' ? posted.result.ticket.version : -1,
    );
  });

  it('resolves every linked open ticket with the incident’s note and takes the incident off the open ones', async () => {
    now = new Date(T0.getTime() + 120_000);
    for (const to of ['in_progress', 'resolved'] as const) {
      const v = (await tickets.get(incidentId))?.version ?? 0;
      const moved = await transitionTicket(
        { ticketId: incidentId, to, reason: 'Pool restarted.', expectedVersion: v, actor: lead, scope: all },
        ports(),
      );
      expect(moved.kind).toBe('changed');
    }
    const reached = await deliverAll(await fresh());
    expect(reached).toEqual([25, 25, 10]);
    for (const id of linkedIds) {
      const h = await tickets.history(id);
      expect(h?.ticket.state).toBe('resolved');
      expect(h?.audit.at(-1)?.reason).toBe(
        'Resolved with incident ' +
          (await tickets.get(incidentId))?.reference +
          ' (Sign-in outage): Pool restarted.',
      );
    }
    expect((await registry.open()).map((i) => i.ticketId)).not.toContain(incidentId);

    // Reopened, it takes new tickets at intake again.
    now = new Date(T0.getTime() + 180_000);
    const v = (await tickets.get(incidentId))?.version ?? 0;
    await transitionTicket(
      { ticketId: incidentId, to: 'in_progress', expectedVersion: v, actor: lead, scope: all },
      ports(),
    );
    await deliverAll(await fresh());
    expect((await registry.open()).map((i) => i.ticketId)).toContain(incidentId);
  });

  it('makes the major-incident rule open an incident whose rule is the affected accounts, open to intake', async () => {
    const result = await applyIntegrations(
      {
        type: 'product.incident_opened',
        detail: {
          incidentId: 'inc-77',
          severity: 'sev1',
          title: 'API down',
          components: ['api'],
          accountIds: ['acct-a', 'acct-b'],
          startedAt: '2026-02-02T08:00:00Z',
        },
      },
      {
        ...ports(),
        related: new RelatedTickets(table.db, table.tableName),
        ledger: new IntegrationLedger(table.db, table.tableName),
      },
    );
    expect(result.kind).toBe('handled');
    const opened = result.kind === 'handled' ? result.rules[0]?.ticket : undefined;
    const t = await tickets.get(String(opened?.ticketId));
    expect(t).toMatchObject({ kind: 'incident', incident: { rule: { accountIds: ['acct-a', 'acct-b'] } } });
    expect((await registry.open()).map((i) => i.ticketId)).toContain(t?.id);
  });
});
