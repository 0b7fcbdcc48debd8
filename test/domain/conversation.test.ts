import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  type Message,
  newId,
  receiveCustomerMessage,
  supplyContext,
  type Ticket,
  transition,
} from '../../shared/domain';
import { aTicket, T0 } from './builders';

const ctx = {
  actor: { kind: 'customer' as const, id: 'dana@bigcorp.example' },
  at: new Date(T0.getTime() + 3_600_000),
  newId: () => newId(T0),
};
const billing = (overrides: Partial<Ticket> = {}) =>
  aTicket({
    requestType: 'billing_dispute',
    queue: 'billing',
    state: 'needs_info',
    blockedOn: 'customer',
    blockedSince: T0.toISOString(),
    fields: { invoiceId: 'INV-1' },
    missingFields: ['customerId'],
    auditSeq: 2,
    ...overrides,
  });
const reply = (ticket: Ticket): Message => ({
  id: newId(T0),
  ticketId: ticket.id,
  direction: 'inbound',
  visibility: 'public',
  channel: 'email',
  author: { kind: 'customer', email: ticket.requester.email },
  body: 'thanks',
  attachments: [],
  createdAt: ctx.at.toISOString(),
});

describe('supplying required context', () => {
  it('fills the missing field and moves a needs_info ticket to in_progress by itself', () => {
    const r = supplyContext(billing(), { customerId: 'C-9' }, workflowConfig, ctx);
    if (!r.ok) throw new Error('refused');
    expect(r.ticket).toMatchObject({
      state: 'in_progress',
      missingFields: [],
      fields: { invoiceId: 'INV-1', customerId: 'C-9' },
    });
    expect(r.audit.map((a) => [a.action, a.seq])).toEqual([
      ['ticket.context_supplied', 3],
      ['ticket.state_changed', 4],
    ]);
    expect(r.events).toEqual([
      expect.objectContaining({
        type: 'ticket.state_changed',
        detail: expect.objectContaining({ from: 'needs_info', to: 'in_progress' }),
      }),
    ]);
  });

  it('records the hour spent waiting on the customer', () => {
    const r = supplyContext(billing(), { customerId: 'C-9' }, workflowConfig, ctx);
    if (!r.ok) throw new Error('refused');
    expect(r.ticket.timeBlockedSeconds).toEqual({ customer: 3600 });
    expect(r.ticket.blockedSince).toBeNull();
  });

  it('stays in needs_info while other required fields are still missing', () => {
    const r = supplyContext(
      billing({ fields: {}, missingFields: ['invoiceId', 'customerId'] }),
      { customerId: 'C-9' },
      workflowConfig,
      ctx,
    );
    if (!r.ok) throw new Error('refused');
    expect(r.ticket).toMatchObject({ state: 'needs_info', missingFields: ['invoiceId'] });
  });

  it("refuses a value outside a field's allowed values, naming the field", () => {
    const access = aTicket({
      requestType: 'access_request',
      state: 'needs_info',
      missingFields: ['riskLevel'],
      fields: { system: 'vpn' },
    });
    const r = supplyContext(access, { riskLevel: 'medium' }, workflowConfig, ctx);
    expect(r).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'fields.riskLevel' })] });
  });

  it('changes nothing when the same values are supplied again', () => {
    const once = supplyContext(billing(), { customerId: 'C-9' }, workflowConfig, ctx);
    if (!once.ok) throw new Error('refused');
    const twice = supplyContext(once.ticket, { customerId: 'C-9' }, workflowConfig, ctx);
    expect(twice).toMatchObject({ ok: true, supplied: [], audit: [] });
  });
});

describe('a customer message on an existing ticket', () => {
  it('reopens a resolved ticket', () => {
    const t = aTicket({ state: 'resolved', auditSeq: 5 });
    const r = receiveCustomerMessage(t, reply(t), {}, workflowConfig, ctx);
    expect(r.kind).toBe('appended');
    if (r.kind !== 'appended') return;
    expect(r.ticket.state).toBe('in_progress');
    expect(r.audit.map((a) => a.action)).toEqual(['ticket.message_added', 'ticket.state_changed']);
    expect(r.events.map((e) => e.type)).toEqual(['ticket.message_added', 'ticket.state_changed']);
  });

  it('hands a waiting_on_customer ticket back to the team', () => {
    const t = aTicket({
      state: 'waiting_on_customer',
      blockedOn: 'customer',
      blockedSince: T0.toISOString(),
    });
    const r = receiveCustomerMessage(t, reply(t), {}, workflowConfig, ctx);
    expect(r.kind === 'appended' && r.ticket.state).toBe('in_progress');
  });

  it('fills missing context from the reply and moves the ticket on', () => {
    const t = billing();
    const r = receiveCustomerMessage(t, reply(t), { customerId: 'C-1' }, workflowConfig, ctx);
    expect(r.kind === 'appended' && r.ticket).toMatchObject({ state: 'in_progress', missingFields: [] });
  });

  it('asks for a follow-up ticket instead of touching a closed one', () => {
    const t = aTicket({ state: 'closed' });
    expect(receiveCustomerMessage(t, reply(t), {}, workflowConfig, ctx)).toEqual({ kind: 'follow_up' });
  });

  it('keeps the ticket in progress when an in-progress ticket gets a reply', () => {
    const t = aTicket({ state: 'in_progress' });
    const r = receiveCustomerMessage(t, reply(t), {}, workflowConfig, ctx);
    expect(r.kind === 'appended' && r.ticket.state).toBe('in_progress');
    expect(r.kind === 'appended' && r.ticket.version).toBe(t.version + 1);
  });
});

describe('the blocked-time clock across transitions', () => {
  it('adds up time per kind of block', () => {
    let t = aTicket({ state: 'in_progress' });
    const step = (to: Ticket['state'], minutes: number) => {
      const r = transition(t, to, {
        ...ctx,
        actor: { kind: 'agent', id: 'a' },
        at: new Date(T0.getTime() + minutes * 60_000),
        nextSeq: t.auditSeq + 1,
      });
      if (!r.ok) throw r.error;
      t = r.ticket;
    };
    step('waiting_on_team', 0);
    step('in_progress', 30);
    step('waiting_on_customer', 40);
    step('in_progress', 100);
    expect(t.timeBlockedSeconds).toEqual({ team: 1800, customer: 3600 });
  });
});
