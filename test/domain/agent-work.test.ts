import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  addAgentMessage,
  assignTicket,
  DomainEventSchema,
  mergeTickets,
  type Ticket,
  updateTicket,
} from '../../shared/domain';
import { aTicket, ids, T0 } from './builders';

const AGENT = { kind: 'agent', id: 'agent@example.com' } as const;
const ctx = (actor: { kind: 'agent'; id: string } = AGENT) => ({ actor, at: T0, newId: ids() });

describe('replies and notes', () => {
  it('a public reply is an outbound message the notifier delivers; a note is internal and stays', () => {
    const reply = addAgentMessage(
      aTicket(),
      { visibility: 'public', body: 'On it', author: { email: 'agent@example.com' } },
      ctx(),
    );
    if (!reply.ok) throw reply.error;
    expect(reply.message).toMatchObject({
      direction: 'outbound',
      visibility: 'public',
      author: { kind: 'agent' },
    });
    expect(DomainEventSchema.parse(reply.event)).toMatchObject({
      detail: { deliver: true, authorKind: 'agent' },
    });
    expect(reply.ticket).toMatchObject({ version: 2, auditSeq: 1 });
    expect(reply.audit).toMatchObject({ action: 'message.added', after: { kind: 'reply' } });

    const note = addAgentMessage(aTicket(), { visibility: 'internal', body: 'VIP', author: {} }, ctx());
    if (!note.ok) throw note.error;
    expect(note.event.detail.deliver).toBe(false);
  });

  it('a closed ticket takes no reply', () => {
    expect(
      addAgentMessage(aTicket({ state: 'closed' }), { visibility: 'public', body: 'x', author: {} }, ctx()),
    ).toMatchObject({
      ok: false,
      error: { rule: 'ticket-open' },
    });
  });
});

describe('assignment', () => {
  it('an agent takes an unassigned ticket and lets it go', () => {
    const taken = assignTicket(aTicket(), 'Agent@Example.com', { ...ctx(), mayReassign: false });
    if (!taken.ok) throw taken.error;
    expect(taken.ticket.assignee).toBe('agent@example.com');
    expect(DomainEventSchema.parse(taken.event)).toMatchObject({
      type: 'ticket.assigned',
      detail: { from: null, to: 'agent@example.com' },
    });
    const released = assignTicket(taken.ticket, null, { ...ctx(), mayReassign: false });
    expect(released).toMatchObject({ ok: true, ticket: { assignee: null } });
  });

  it('giving a ticket to someone else, or taking it from them, is for leads (rule reassign-lead)', () => {
    const other = assignTicket(aTicket(), 'agent2@example.com', { ...ctx(), mayReassign: false });
    expect(other).toMatchObject({ ok: false, error: { rule: 'reassign-lead', kind: 'forbidden' } });
    const steal = assignTicket(aTicket({ assignee: 'agent2@example.com' }), 'agent@example.com', {
      ...ctx(),
      mayReassign: false,
    });
    expect(steal).toMatchObject({ ok: false, error: { rule: 'reassign-lead' } });
    const lead = assignTicket(aTicket({ assignee: 'agent2@example.com' }), 'agent@example.com', {
      ...ctx({ kind: 'agent', id: 'lead@example.com' }),
      mayReassign: true,
    });
    expect(lead).toMatchObject({
      ok: true,
      audit: { before: { assignee: 'agent2@example.com' }, after: { assignee: 'agent@example.com' } },
    });
  });

  it('assigning to whoever already has it changes nothing', () => {
    expect(
      assignTicket(aTicket({ assignee: 'agent@example.com' }), 'agent@example.com', {
        ...ctx(),
        mayReassign: true,
      }),
    ).toMatchObject({
      ok: false,
      error: { rule: 'nothing-changed' },
    });
  });
});

describe('priority, tags and fields', () => {
  const dispute = (overrides: Partial<Ticket> = {}) =>
    aTicket({
      requestType: 'billing_dispute',
      state: 'needs_info',
      fields: { invoiceId: 'INV-1' },
      missingFields: ['customerId'],
      ...overrides,
    });

  it('a priority change is audited and announced', () => {
    const out = updateTicket(aTicket(), { priority: 'urgent' }, workflowConfig, ctx());
    if (!out.ok) throw out.error;
    expect(out.audit).toMatchObject({
      action: 'ticket.updated',
      before: { priority: 'normal' },
      after: { priority: 'urgent' },
    });
    expect(DomainEventSchema.parse(out.event)).toMatchObject({
      type: 'ticket.priority_changed',
      detail: { from: 'normal', to: 'urgent' },
    });
  });

  it('supplying the missing field recomputes missingFields; an invalid enum value is refused naming the field', () => {
    const out = updateTicket(dispute(), { fields: { customerId: 'C-9' } }, workflowConfig, ctx());
    if (!out.ok) throw out.error;
    expect(out.ticket).toMatchObject({
      missingFields: [],
      fields: { invoiceId: 'INV-1', customerId: 'C-9' },
    });
    expect(out.event).toBeUndefined();
    const bad = updateTicket(
      aTicket({ requestType: 'access_request' }),
      { fields: { riskLevel: 'apocalyptic' } },
      workflowConfig,
      ctx(),
    );
    expect(bad).toMatchObject({
      ok: false,
      error: { rule: 'fields-valid', issues: [{ path: 'fields.riskLevel' }] },
    });
  });

  it('the same values again are refused as nothing to change; tags are kept as a set', () => {
    expect(
      updateTicket(aTicket({ tags: ['vip'] }), { tags: ['vip'], priority: 'normal' }, workflowConfig, ctx()),
    ).toMatchObject({
      ok: false,
      error: { rule: 'nothing-changed' },
    });
    expect(
      updateTicket(aTicket(), { tags: ['vip', 'vip', 'churn-risk'] }, workflowConfig, ctx()),
    ).toMatchObject({
      ticket: { tags: ['vip', 'churn-risk'] },
    });
  });
});

describe('merging duplicates', () => {
  it('closes the duplicate as duplicate_of the survivor, which links back; blocked time is kept', () => {
    const duplicate = aTicket({
      reference: 'FD-8',
      state: 'waiting_on_customer',
      blockedOn: 'customer',
      blockedSince: new Date(T0.getTime() - 60_000).toISOString(),
    });
    const survivor = aTicket({ reference: 'FD-7', state: 'in_progress' });
    const out = mergeTickets(duplicate, survivor, { ...ctx(), reason: 'same outage' });
    if (!out.ok) throw out.error;
    expect(out.duplicate.ticket).toMatchObject({
      state: 'closed',
      blockedOn: null,
      timeBlockedSeconds: { customer: 60 },
      links: [{ ticketId: survivor.id, reference: 'FD-7', relation: 'duplicate_of' }],
    });
    expect(out.survivor.ticket.links).toEqual([
      expect.objectContaining({ reference: 'FD-8', relation: 'duplicated_by' }),
    ]);
    expect(out.duplicate.audit).toMatchObject({
      action: 'ticket.merged',
      reason: 'same outage',
      after: { into: 'FD-7' },
    });
  });

  it('refuses merging into itself, into a closed ticket, or a ticket with approvals pending', () => {
    const t = aTicket();
    expect(mergeTickets(t, t, ctx())).toMatchObject({ ok: false, error: { rule: 'merge-target' } });
    expect(mergeTickets(aTicket(), aTicket({ state: 'closed' }), ctx())).toMatchObject({
      ok: false,
      error: { rule: 'merge-target' },
    });
    expect(mergeTickets(aTicket({ pendingApprovals: ['x'] }), aTicket(), ctx())).toMatchObject({
      ok: false,
      error: { rule: 'approvals-decided' },
    });
  });
});
