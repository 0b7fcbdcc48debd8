import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { AuditEventSchema, DomainEventSchema, type Ticket } from '../../shared/domain';
import { applyMacro, renderMacroReply, tagsAfter } from '../../shared/domain/macros';
import { aTicket, ids, T0 } from './builders';

const AGENT = { kind: 'agent', id: 'agent@example.com' } as const;
const ctx = () => ({ actor: AGENT, agentEmail: 'agent@example.com', at: T0, newId: ids() });
type Macro = (typeof workflowConfig.macros)[string];
const macro = (m: Partial<Macro> & Pick<Macro, 'actions'>): Macro => ({ title: 'A macro', ...m });
const apply = (ticket: Ticket, m: Macro, id = 'test-macro') =>
  applyMacro(ticket, id, m, workflowConfig, ctx());

describe('a macro applied to a ticket', () => {
  it('writes its reply and every action as one change: one version step, the macro named in each audit entry', () => {
    const ticket = aTicket({ state: 'in_progress', version: 4, auditSeq: 6, tags: ['vip'] });
    const out = apply(
      ticket,
      macro({
        title: 'Ask for a screenshot',
        reply: '{{greeting}} please send a screenshot of {{reference}} ({{priority}}).',
        visibility: 'public',
        actions: { state: 'waiting_on_customer', priority: 'high', tags: { add: ['screenshot-asked'] } },
      }),
    );
    if (!out.ok) throw out.error;
    expect(out.ticket).toMatchObject({
      version: 5,
      state: 'waiting_on_customer',
      priority: 'high',
      tags: ['vip', 'screenshot-asked'],
      blockedOn: 'customer',
    });
    expect(out.audit.map((a) => [a.seq, a.action])).toEqual([
      [7, 'macro.applied'],
      [8, 'ticket.updated'],
      [9, 'message.added'],
      [10, 'ticket.state_changed'],
    ]);
    expect(out.ticket.auditSeq).toBe(10);
    for (const a of out.audit) expect(AuditEventSchema.parse(a)).toEqual(a);
    expect(out.audit[0]).toMatchObject({ after: { macro: 'test-macro', title: 'Ask for a screenshot' } });
    for (const a of out.audit.slice(1)) expect(a.reason).toContain('test-macro');
    expect(out.reply).toEqual({
      visibility: 'public',
      body: 'Hello Dana, please send a screenshot of FD-7 (high).',
    });
    expect(out.messages).toEqual([
      expect.objectContaining({ visibility: 'public', direction: 'outbound', body: out.reply?.body }),
    ]);
    expect(out.events.map((e) => e.type).sort()).toEqual([
      'ticket.message_added',
      'ticket.priority_changed',
      'ticket.state_changed',
    ]);
    for (const e of out.events) expect(DomainEventSchema.parse(e).detail.version).toBe(5);
    expect(out.changes.map((c) => c.action)).toEqual([
      'ticket.updated',
      'message.added',
      'ticket.state_changed',
    ]);
  });

  it('is refused as a whole, naming the action and the rule, when one action is not allowed', () => {
    const out = apply(aTicket({ state: 'new' }), macro({ actions: { state: 'resolved', priority: 'high' } }));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error).toMatchObject({ code: 'MACRO.REFUSED', action: 'state', rule: 'state-table' });
    expect(out.error.message).toContain('cannot move from new to resolved');
  });

  it('names a transition guard, a handoff rule and a field check as the rule', () => {
    const guarded = apply(
      aTicket({ state: 'in_progress', pendingApprovals: ['01KAAAAAAAAAAAAAAAAAAAAAAA'] }),
      macro({ actions: { state: 'resolved' } }),
    );
    expect(guarded).toMatchObject({ ok: false, error: { action: 'state', rule: 'approvals-decided' } });
    const handoff = apply(aTicket({ state: 'in_progress' }), macro({ actions: { queue: 'engineering' } }));
    expect(handoff).toMatchObject({
      ok: false,
      error: { action: 'queue', rule: 'engineering-needs-validated-bug' },
    });
    const fields = apply(
      aTicket({ requestType: 'access_request', state: 'in_progress' }),
      macro({ actions: { fields: { riskLevel: 'extreme' } } }),
    );
    expect(fields).toMatchObject({ ok: false, error: { action: 'update', rule: 'fields-valid' } });
  });

  it('applies its tags before its queue, so a handoff rule that needs them lets the ticket through', () => {
    const bug = aTicket({
      requestType: 'bug_report',
      state: 'in_progress',
      fields: { reproductionSteps: 'Click export', environment: 'Firefox 140' },
    });
    const out = apply(bug, workflowConfig.macros['validated-bug-to-engineering'] as Macro);
    if (!out.ok) throw out.error;
    expect(out.ticket).toMatchObject({ queue: 'engineering', tags: ['validated'], version: 2 });
    expect(out.reply).toEqual({
      visibility: 'internal',
      body: 'Validated by agent@example.com; handed to engineering (normal).',
    });
    // An internal note: announced, never mailed.
    expect(out.events).toContainEqual(
      expect.objectContaining({
        type: 'ticket.message_added',
        detail: expect.objectContaining({ deliver: false }),
      }),
    );
  });

  it('leaves out actions that change nothing, and is refused when nothing at all would change', () => {
    const there = aTicket({ state: 'in_progress', tags: ['vip'], priority: 'high' });
    const partly = apply(
      there,
      macro({ actions: { state: 'in_progress', tags: { add: ['vip'] }, priority: 'urgent' } }),
    );
    if (!partly.ok) throw partly.error;
    expect(partly.changes).toEqual([
      { action: 'ticket.updated', before: { priority: 'high' }, after: { priority: 'urgent' } },
    ]);
    const none = apply(there, macro({ actions: { state: 'in_progress', tags: { add: ['vip'] } } }));
    expect(none).toMatchObject({ ok: false, error: { rule: 'nothing-changed' } });
  });

  it('answers before it resolves: the reply is written while the ticket is still open', () => {
    const out = apply(
      aTicket({ state: 'in_progress' }),
      workflowConfig.macros['password-reset-resolved'] as Macro,
      'password-reset-resolved',
    );
    if (!out.ok) throw out.error;
    expect(out.ticket.state).toBe('resolved');
    expect(out.audit.map((a) => a.action)).toEqual([
      'macro.applied',
      'ticket.updated',
      'message.added',
      'ticket.state_changed',
    ]);
  });

  it('does not touch a closed ticket', () => {
    const out = apply(
      aTicket({ state: 'closed' }),
      macro({ reply: 'Hi', visibility: 'public', actions: {} }),
    );
    expect(out).toMatchObject({ ok: false, error: { action: 'reply', rule: 'ticket-open' } });
  });
});

describe('a macro reply', () => {
  it('fills the mail placeholders, the ticket’s fields and the agent; unknown ones are left empty', () => {
    const ticket = aTicket({
      requester: { email: 'x@example.com' },
      requestType: 'billing_dispute',
      queue: 'billing',
      fields: { invoiceId: 'INV-9' },
    });
    expect(
      renderMacroReply(
        '{{greeting}} {{requestTypeLabel}} {{fields.invoiceId}} in {{queue}} by {{agentEmail}}{{nope}}.',
        ticket,
        workflowConfig,
        'a@example.com',
      ),
    ).toBe('Hello, Billing dispute INV-9 in Billing by a@example.com.');
  });
});

describe('tags after a macro', () => {
  it('adds and removes, keeping the rest', () => {
    expect(tagsAfter({ tags: ['a', 'b'] }, { add: ['c'], remove: ['a'] })).toEqual(['b', 'c']);
  });
});
