import { describe, expect, it } from 'vitest';
import type { AssignmentSpec } from '../../shared/config';
import { parseWorkflowConfig, workflowConfig } from '../../shared/config';
import {
  type AgentProfile,
  AuditEventSchema,
  assignAutomatically,
  awaitsAssignment,
  DomainEventSchema,
  handBack,
  handOff,
  ineligibility,
  loadHolder,
  rankAgents,
  type Ticket,
  waitingOrder,
} from '../../shared/domain';
import { withChange } from '../config/helpers';
import { aTicket, ids, T0 } from './builders';

const ROUND_ROBIN: AssignmentSpec = { strategy: 'round_robin', awayHandsBack: false };
const LOAD_BALANCED: AssignmentSpec = { strategy: 'load_balanced', awayHandsBack: false };
const CAPACITY_2: AssignmentSpec = { strategy: 'capacity', capacity: 2, awayHandsBack: false };
const ticketIds = (n: number) => Array.from({ length: n }, (_, i) => `01K0000000000000000000000${i}`);

function agent(id: string, overrides: Partial<AgentProfile> = {}): AgentProfile {
  return {
    id,
    availability: 'available',
    skills: { requestTypes: [], languages: [] },
    queues: ['frontline'],
    tickets: [],
    lastAssigned: {},
    updatedAt: T0.toISOString(),
    ...overrides,
  };
}

const ranked = (ticket: Ticket, spec: AssignmentSpec, agents: AgentProfile[]) =>
  rankAgents(ticket, spec, agents).map((a) => a.id);

describe('picking an agent', () => {
  it('round robin gives the ticket to the agent assigned from this queue longest ago, never-assigned first', () => {
    const agents = [
      agent('ana@x', { lastAssigned: { frontline: '2025-03-04T09:00:00.000Z' } }),
      agent('bo@x', { lastAssigned: { frontline: '2025-03-04T08:00:00.000Z' } }),
      agent('cy@x', { lastAssigned: { billing: '2025-03-04T09:10:00.000Z' } }),
    ];
    expect(ranked(aTicket(), ROUND_ROBIN, agents)).toEqual(['cy@x', 'bo@x', 'ana@x']);
  });

  it('round robin goes around: each agent once before anyone twice', () => {
    let agents = [agent('ana@x'), agent('bo@x'), agent('cy@x')];
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const first = rankAgents(aTicket(), ROUND_ROBIN, agents)[0];
      if (!first) throw new Error('nobody ranked');
      order.push(first.id);
      const at = new Date(T0.getTime() + i * 1000).toISOString();
      agents = agents.map((a) => (a.id === first.id ? { ...a, lastAssigned: { frontline: at } } : a));
    }
    expect(order).toEqual(['ana@x', 'bo@x', 'cy@x', 'ana@x', 'bo@x', 'cy@x']);
  });

  it('load balanced gives the ticket to the agent with the fewest open tickets', () => {
    const [a, b, c] = ticketIds(3);
    const agents = [
      agent('ana@x', { tickets: [a ?? '', b ?? ''] }),
      agent('bo@x', { tickets: [c ?? ''] }),
      agent('cy@x', { tickets: [] }),
    ];
    expect(ranked(aTicket(), LOAD_BALANCED, agents)).toEqual(['cy@x', 'bo@x', 'ana@x']);
  });

  it('capacity leaves out agents at their capacity and prefers the least loaded', () => {
    const [a, b, c] = ticketIds(3);
    const agents = [agent('ana@x', { tickets: [a ?? '', b ?? ''] }), agent('bo@x', { tickets: [c ?? ''] })];
    expect(ranked(aTicket(), CAPACITY_2, agents)).toEqual(['bo@x']);
    expect(ineligibility(agents[0] as AgentProfile, 'frontline', CAPACITY_2)).toBe('at-capacity');
  });

  it('never picks an away agent or one outside the ticket’s queue', () => {
    const agents = [agent('ana@x', { availability: 'away' }), agent('bo@x', { queues: ['billing'] })];
    expect(ranked(aTicket(), LOAD_BALANCED, agents)).toEqual([]);
    expect(ineligibility(agents[0] as AgentProfile, 'frontline', LOAD_BALANCED)).toBe('away');
    expect(ineligibility(agents[1] as AgentProfile, 'frontline', LOAD_BALANCED)).toBe('not-in-queue');
  });

  it('prefers an agent whose skills match the request type and language, whatever the strategy says', () => {
    const [a] = ticketIds(1);
    const agents = [
      agent('ana@x'),
      agent('bo@x', { skills: { requestTypes: ['bug_report'], languages: [] }, tickets: [a ?? ''] }),
      agent('cy@x', { skills: { requestTypes: ['bug_report'], languages: ['de'] }, tickets: [a ?? ''] }),
    ];
    const bug = aTicket({ requestType: 'bug_report', language: 'DE' });
    expect(ranked(bug, LOAD_BALANCED, agents)).toEqual(['cy@x', 'bo@x', 'ana@x']);
    expect(ranked(aTicket(), LOAD_BALANCED, agents)).toEqual(['ana@x', 'bo@x', 'cy@x']);
  });
});

describe('waiting tickets', () => {
  it('are served most urgent first, then oldest', () => {
    const at = (min: number) => new Date(T0.getTime() + min * 60_000).toISOString();
    const tickets = [
      aTicket({ reference: 'FD-1', priority: 'normal', createdAt: at(1) }),
      aTicket({ reference: 'FD-2', priority: 'urgent', createdAt: at(5) }),
      aTicket({ reference: 'FD-3', priority: 'normal', createdAt: at(0) }),
      aTicket({ reference: 'FD-4', priority: 'high', createdAt: at(2) }),
    ];
    expect(waitingOrder(tickets).map((t) => t.reference)).toEqual(['FD-2', 'FD-4', 'FD-3', 'FD-1']);
  });

  it('are the open, unassigned tickets of a queue that assigns automatically', () => {
    const config = parseWorkflowConfig(
      withChange(['queues', 'frontline', 'assignment'], { strategy: 'capacity', capacity: 2 }),
    );
    expect(awaitsAssignment(aTicket(), config)).toBe(true);
    expect(awaitsAssignment(aTicket({ assignee: 'ana@x' }), config)).toBe(false);
    expect(awaitsAssignment(aTicket({ state: 'resolved' }), config)).toBe(false);
    expect(awaitsAssignment(aTicket({ queue: 'billing' }), config)).toBe(false);
  });

  it('count for their assignee while open and for nobody once resolved or closed', () => {
    expect(loadHolder(aTicket({ assignee: 'ana@x', state: 'waiting_on_customer' }))).toBe('ana@x');
    expect(loadHolder(aTicket({ assignee: 'ana@x', state: 'resolved' }))).toBeNull();
    expect(loadHolder(aTicket({ assignee: null }))).toBeNull();
  });
});

describe('the assignment change', () => {
  it('is an audit entry naming the strategy and a ticket.assigned event', () => {
    const ticket = aTicket({ version: 3, auditSeq: 2 });
    const out = assignAutomatically(ticket, agent('ana@x', { tickets: ticketIds(1) }), CAPACITY_2, {
      at: T0,
      newId: ids(),
    });
    expect(out.ticket).toMatchObject({ assignee: 'ana@x', version: 4, auditSeq: 3 });
    expect(AuditEventSchema.parse(out.audit)).toMatchObject({
      actor: { kind: 'system', id: 'assignment:capacity' },
      action: 'ticket.assigned',
      before: { assignee: null },
      after: { assignee: 'ana@x', strategy: 'capacity' },
    });
    expect(out.audit.reason).toContain('1 of 2 open tickets');
    expect(DomainEventSchema.parse(out.event)).toMatchObject({
      type: 'ticket.assigned',
      detail: { ticketId: ticket.id, version: 4, from: null, to: 'ana@x', queue: 'frontline' },
    });
  });

  it('hands an away agent’s ticket back to the queue, unassigned and audited', () => {
    const out = handBack(aTicket({ assignee: 'ana@x' }), { at: T0, newId: ids() });
    expect(out.ticket.assignee).toBeNull();
    expect(out.audit).toMatchObject({
      actor: { id: 'assignment:away' },
      before: { assignee: 'ana@x' },
      after: { assignee: null, handedBack: true },
    });
    expect(out.event.detail).toMatchObject({ from: 'ana@x', to: null });
  });
});

describe('a handoff into a queue', () => {
  const ctx = {
    actor: { kind: 'agent' as const, id: 'ana@x' },
    at: T0,
    reason: 'needs billing',
    newId: ids(),
  };

  it('that assigns automatically leaves the ticket unassigned for its assigner, announced as ticket.handed_off', () => {
    const config = parseWorkflowConfig(
      withChange(['queues', 'billing', 'assignment'], { strategy: 'round_robin' }),
    );
    const out = handOff(aTicket({ assignee: 'ana@x' }), 'billing', config, ctx);
    if (!out.ok) throw out.error;
    expect(out.ticket).toMatchObject({ queue: 'billing', assignee: null });
    expect(out.audit).toMatchObject({
      before: { assignee: 'ana@x' },
      after: { queue: 'billing', assignee: null },
    });
    expect(DomainEventSchema.parse(out.event)).toMatchObject({
      type: 'ticket.handed_off',
      detail: { fromQueue: 'frontline', toQueue: 'billing', assigneeBefore: 'ana@x' },
    });
  });

  it('that is manual keeps its assignee, as before', () => {
    const out = handOff(aTicket({ assignee: 'ana@x' }), 'billing', workflowConfig, ctx);
    if (!out.ok) throw out.error;
    expect(out.ticket.assignee).toBe('ana@x');
    expect(out.audit.after).not.toHaveProperty('assignee');
  });
});
