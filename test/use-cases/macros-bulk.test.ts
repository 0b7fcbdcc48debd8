import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MacroUsage } from '../../shared/adapters/macro-usage';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket, transition, updateTicket } from '../../shared/domain';
import { applyBulkAction } from '../../shared/use-cases/bulk-actions';
import { applyMacroAsAgent, listMacros } from '../../shared/use-cases/macros';
import type { Clock, TicketRepositoryPort } from '../../shared/use-cases/ports';
import { freshTable, outboxEvents } from '../support/dynamodb';
import { storedIncident } from '../support/incidents';

// Macros and bulk actions (issue 17) against DynamoDB Local: a macro is one transaction whose events all
// announce its one version, counted once applied and never when refused; a bulk action decides a ticket
// that changed under it again, keeping the other change.

const T0 = new Date('2026-06-01T09:00:00.000Z');
const clock: Clock = { now: () => T0 };
const AGENT = { kind: 'agent', id: 'agent@example.com' } as const;
const ALL = { queues: 'all', approverGroups: [] } as const;

describe('macros and bulk actions against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let usage: MacroUsage;
  const ports = () => ({ tickets, usage, clock, config: workflowConfig });

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    usage = new MacroUsage(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  let n = 0;
  /** A general question in frontline, moved to in_progress. */
  async function aTicket(): Promise<Ticket> {
    const reference = `FD-${++n}`;
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        subject: 'Export fails',
        body: 'The export never finishes',
        requester: { email: 'dana@bigcorp.example', name: 'Dana' },
        requestType: 'general_question',
        fields: {},
        tags: [],
      },
      {
        config: workflowConfig,
        now: T0,
        reference,
        newId: () => newId(T0),
        actor: { kind: 'integration', id: 'test' },
      },
    );
    if (!opened.ok) throw opened.error;
    await tickets.create({ ...opened, dedupe: { channel: 'test', key: reference, expiresAt: 1 } });
    const moved = transition(opened.ticket, 'in_progress', {
      actor: AGENT,
      at: T0,
      nextSeq: opened.ticket.auditSeq + 1,
      newId: () => newId(T0),
    });
    if (!moved.ok) throw moved.error;
    await tickets.append({
      ticket: moved.ticket,
      expectedVersion: opened.ticket.version,
      audit: [moved.audit],
    });
    return moved.ticket;
  }

  it('a macro is one write: one version step, its events announcing that version, its use counted', async () => {
    const ticket = await aTicket();
    const before = (await outboxEvents(table)).length;
    const result = await applyMacroAsAgent(
      {
        ticketId: ticket.id,
        macroId: 'ask-for-screenshot',
        expectedVersion: ticket.version,
        actor: AGENT,
        agentEmail: AGENT.id,
        scope: ALL,
      },
      ports(),
    );
    expect(result).toMatchObject({ kind: 'changed', ticket: { version: ticket.version + 1 } });
    const events = (await outboxEvents(table)).slice(before);
    expect(events.map((e) => e.type).sort()).toEqual(['ticket.message_added', 'ticket.state_changed']);
    for (const e of events) expect(e.detail.version).toBe(ticket.version + 1);
    const history = await tickets.history(ticket.id);
    expect(history?.ticket).toMatchObject({ version: ticket.version + 1, state: 'waiting_on_customer' });
    expect(history?.messages.filter((m) => m.author.kind === 'agent')).toHaveLength(1);
    expect((await listMacros(ports())).find((m) => m.id === 'ask-for-screenshot')?.uses).toBe(1);
  });

  it('a refused macro writes nothing and is not counted', async () => {
    const ticket = await aTicket();
    const result = await applyMacroAsAgent(
      {
        ticketId: ticket.id,
        macroId: 'validated-bug-to-engineering',
        expectedVersion: ticket.version,
        actor: AGENT,
        agentEmail: AGENT.id,
        scope: ALL,
      },
      ports(),
    );
    expect(result).toMatchObject({
      kind: 'refused',
      error: { action: 'queue', rule: 'engineering-needs-validated-bug' },
    });
    expect((await tickets.get(ticket.id))?.version).toBe(ticket.version);
    expect(await usage.counts()).not.toHaveProperty('validated-bug-to-engineering');
  });

  it('a macro that closes an incident is refused while a ticket it affects is open, and writes nothing', async () => {
    const [incident, linked] = [await aTicket(), await aTicket()];
    await storedIncident(tickets, incident.id, [linked.id], T0);
    const stored = await tickets.get(incident.id);
    if (!stored) throw new Error('no incident');
    const resolved = transition(stored, 'resolved', {
      actor: AGENT,
      at: T0,
      nextSeq: stored.auditSeq + 1,
      newId: () => newId(T0),
      reason: 'fixed',
    });
    if (!resolved.ok) throw resolved.error;
    await tickets.append({
      ticket: resolved.ticket,
      expectedVersion: stored.version,
      audit: [resolved.audit],
    });
    const config = {
      ...workflowConfig,
      macros: { ...workflowConfig.macros, 'close-it': { title: 'Close', actions: { state: 'closed' } } },
    } as typeof workflowConfig;
    const request = {
      ticketId: incident.id,
      macroId: 'close-it',
      expectedVersion: resolved.ticket.version,
      actor: AGENT,
      agentEmail: AGENT.id,
      scope: ALL,
    };
    const result = await applyMacroAsAgent(request, { ...ports(), config });
    expect(result).toMatchObject({
      kind: 'refused',
      error: { action: 'state', rule: 'incident-links-resolved' },
    });
    expect(String((result as { error: Error }).error.message)).toContain(linked.reference);
    expect((await tickets.get(incident.id))?.version).toBe(resolved.ticket.version);
  });

  it('a bulk action decides a ticket changed under it again, keeping the other change', async () => {
    const ticket = await aTicket();
    let interfered = false;
    // Another agent sets the priority between the bulk action's read and its write.
    const racing: Pick<TicketRepositoryPort, 'get' | 'append' | 'ticketIdForReference'> = {
      get: (id) => tickets.get(id),
      ticketIdForReference: (ref) => tickets.ticketIdForReference(ref),
      append: async (write) => {
        if (!interfered) {
          interfered = true;
          const current = (await tickets.get(ticket.id)) as Ticket;
          const other = updateTicket(current, { priority: 'urgent' }, workflowConfig, {
            actor: { kind: 'agent', id: 'other@example.com' },
            at: T0,
            newId: () => newId(T0),
          });
          if (!other.ok) throw other.error;
          await tickets.append({
            ticket: other.ticket,
            expectedVersion: current.version,
            audit: [other.audit],
          });
        }
        return tickets.append(write);
      },
    };
    const results = await applyBulkAction(
      {
        tickets: [ticket.reference],
        action: { action: 'tag', add: ['outage'] },
        actor: AGENT,
        scope: ALL,
        mayReassign: false,
      },
      { tickets: racing, clock, config: workflowConfig },
    );
    expect(results).toEqual([
      {
        ticket: ticket.reference,
        outcome: 'applied',
        reference: ticket.reference,
        version: ticket.version + 2,
      },
    ]);
    expect(await tickets.get(ticket.id)).toMatchObject({ priority: 'urgent', tags: ['outage'] });
  });
});
