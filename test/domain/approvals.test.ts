import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  type Approval,
  ApprovalSchema,
  type Approver,
  AuditEventSchema,
  approvalPolicyFor,
  DomainEventSchema,
  decideApproval,
  decidedEvent,
  expireApproval,
  nextApprovalStep,
  remindApproval,
  requestApproval,
  type Ticket,
  transition,
} from '../../shared/domain';
import { aTicket, ids, T0 } from './builders';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const AGENT = { kind: 'agent', id: 'agent@example.com' } as const;
const finance: Approver = {
  id: 'finance@example.com',
  email: 'finance@example.com',
  groups: ['approver-finance'],
};

const dispute = (overrides: Partial<Ticket> = {}) =>
  aTicket({
    requestType: 'billing_dispute',
    queue: 'billing',
    state: 'in_progress',
    requester: { email: 'dana@bigcorp.example', name: 'Dana' },
    auditSeq: 4,
    version: 3,
    ...overrides,
  });

function ask(ticket: Ticket, value: number, currency = 'EUR', minutes = 0) {
  const outcome = requestApproval(
    ticket,
    { kind: 'credit', amount: { value, currency }, summary: `credit ${value} ${currency} for the outage` },
    workflowConfig,
    { actor: AGENT, at: at(minutes), newId: ids(at(minutes)) },
  );
  if (!outcome.ok) throw outcome.error;
  return outcome;
}

function decide(
  approval: Approval,
  ticket: Ticket,
  approver: Approver,
  decision: 'approve' | 'reject',
  minutes = 10,
) {
  return decideApproval(approval, ticket, { decision, reason: 'checked the invoice' }, approver, {
    at: at(minutes),
    newId: ids(at(minutes)),
  });
}

describe('approval policies', () => {
  it('finance approves credits above the threshold of their currency', () => {
    const choice = approvalPolicyFor(
      { kind: 'credit', amount: { value: 750, currency: 'EUR' } },
      dispute(),
      workflowConfig,
    );
    expect(choice).toMatchObject({ required: true, id: 'finance-credits', policy: { group: 'finance' } });
  });

  it('a credit at or below the threshold needs no approval, and says why', () => {
    const choice = approvalPolicyFor(
      { kind: 'credit', amount: { value: 500, currency: 'EUR' } },
      dispute(),
      workflowConfig,
    );
    expect(choice).toEqual({
      required: false,
      id: 'finance-credits',
      reason: '500 EUR is within the 500 EUR threshold of finance-credits',
    });
  });

  it('a currency without a threshold always needs approval', () => {
    const choice = approvalPolicyFor(
      { kind: 'credit', amount: { value: 1, currency: 'JPY' } },
      dispute(),
      workflowConfig,
    );
    expect(choice.required).toBe(true);
  });

  it('kinds without amounts go to their group; access needs two approvers', () => {
    const access = approvalPolicyFor({ kind: 'access' }, dispute(), workflowConfig);
    expect(access).toMatchObject({ required: true, policy: { group: 'security', approvalsRequired: 2 } });
  });
});

describe('asking for an approval', () => {
  it('blocks the ticket on the approval and announces the request', () => {
    const { ticket, approval, audit, event } = ask(dispute(), 750);
    expect(ApprovalSchema.parse(approval)).toMatchObject({
      state: 'pending',
      policy: 'finance-credits',
      group: 'finance',
      requestedBy: 'agent@example.com',
      remindAt: at(240).toISOString(),
      expireAt: at(24 * 60).toISOString(),
    });
    expect(ticket).toMatchObject({
      blockedOn: 'approval',
      blockedSince: at(0).toISOString(),
      pendingApprovals: [approval.id],
      version: 4,
      auditSeq: 5,
    });
    expect(AuditEventSchema.parse(audit)).toMatchObject({
      action: 'approval.requested',
      seq: 5,
      actor: AGENT,
      before: { blockedOn: null },
      after: { policy: 'finance-credits', amount: { value: 750, currency: 'EUR' }, blockedOn: 'approval' },
    });
    expect(DomainEventSchema.parse(event)).toMatchObject({
      type: 'approval.requested',
      detail: { round: 'initial', notify: 'finance@example.com', approvalId: approval.id },
    });
  });

  it('under the threshold: recorded as not required, nothing blocks, nothing announced', () => {
    const outcome = ask(dispute(), 100);
    expect(outcome.approval.state).toBe('not_required');
    expect(outcome.ticket.blockedOn).toBeNull();
    expect(outcome.ticket.pendingApprovals).toEqual([]);
    expect(outcome.audit.action).toBe('approval.not_required');
    expect(outcome.event).toBeUndefined();
  });

  it('refuses a credit without an amount, and approvals on resolved tickets, naming the rule', () => {
    const noAmount = requestApproval(dispute(), { kind: 'credit', summary: 'x' }, workflowConfig, {
      actor: AGENT,
      at: T0,
      newId: ids(),
    });
    expect(noAmount).toMatchObject({ ok: false, error: { rule: 'amount-required', kind: 'invalid' } });
    const resolved = requestApproval(
      dispute({ state: 'resolved' }),
      { kind: 'access', summary: 'x' },
      workflowConfig,
      {
        actor: AGENT,
        at: T0,
        newId: ids(),
      },
    );
    expect(resolved).toMatchObject({ ok: false, error: { rule: 'ticket-open' } });
  });

  it('a blocked ticket cannot be resolved until the approval is decided', () => {
    const { ticket } = ask(dispute(), 750);
    const refused = transition(ticket, 'resolved', { actor: AGENT, at: at(1), nextSeq: 6, newId: ids() });
    expect(refused).toMatchObject({ ok: false, error: { guard: 'approvals-decided' } });
  });

  it('waiting on the customer while an approval is pending counts as customer time, then approval again', () => {
    const { ticket } = ask(dispute(), 750);
    const waiting = transition(ticket, 'waiting_on_customer', {
      actor: AGENT,
      at: at(30),
      nextSeq: 6,
      newId: ids(),
    });
    if (!waiting.ok) throw waiting.error;
    expect(waiting.ticket.blockedOn).toBe('customer');
    expect(waiting.ticket.timeBlockedSeconds.approval).toBe(30 * 60);
    const back = transition(waiting.ticket, 'in_progress', {
      actor: AGENT,
      at: at(40),
      nextSeq: 7,
      newId: ids(),
    });
    if (!back.ok) throw back.error;
    expect(back.ticket.blockedOn).toBe('approval');
  });
});

describe('separation of duties', () => {
  const { ticket, approval } = ask(dispute(), 750);

  it.each([
    [
      'a non-member of the group',
      { id: 'security@example.com', email: 'security@example.com', groups: ['approver-security'] },
      'approver-group',
    ],
    [
      'the agent who asked, even in the group',
      { id: 'agent@example.com', email: 'agent@example.com', groups: ['agent', 'approver-finance'] },
      'not-own-request',
    ],
    [
      'the customer, even in the group',
      { id: 'x', email: 'dana@bigcorp.example', groups: ['approver-finance'] },
      'not-the-customer',
    ],
  ] as const)('refuses %s (rule %s)', (_who, approver, rule) => {
    const outcome = decide(approval, ticket, approver, 'approve');
    expect(outcome).toMatchObject({ ok: false, error: { rule, kind: 'forbidden' } });
    if (!outcome.ok) expect(outcome.error.message).toContain(rule);
  });

  it('an approver approves with a reason: decided, ticket unblocked, blocked time kept, audit before/after', () => {
    const outcome = decide(approval, ticket, finance, 'approve', 90);
    if (!outcome.ok) throw outcome.error;
    expect(outcome.decided).toBe(true);
    expect(outcome.approval).toMatchObject({
      state: 'approved',
      decidedAt: at(90).toISOString(),
      reason: 'checked the invoice',
      votes: [{ by: 'finance@example.com', decision: 'approve' }],
      remindAt: null,
      expireAt: null,
      version: 2,
    });
    expect(outcome.ticket).toMatchObject({
      blockedOn: null,
      pendingApprovals: [],
      timeBlockedSeconds: { approval: 90 * 60 },
    });
    expect(outcome.audit).toMatchObject({
      action: 'approval.decided',
      actor: { kind: 'agent', id: 'finance@example.com' },
      reason: 'checked the invoice',
      before: { state: 'pending', blockedOn: 'approval', amount: { value: 750, currency: 'EUR' } },
      after: {
        state: 'approved',
        policy: 'finance-credits',
        requestedBy: 'agent@example.com',
        blockedOn: null,
      },
    });
    expect(DomainEventSchema.parse(decidedEvent(outcome.ticket, outcome.approval))).toMatchObject({
      detail: { outcome: 'approved', decidedBy: ['finance@example.com'], reason: 'checked the invoice' },
    });
  });

  it('a decided approval cannot be decided again (conflict)', () => {
    const first = decide(approval, ticket, finance, 'reject');
    if (!first.ok) throw first.error;
    expect(first.approval.state).toBe('rejected');
    const again = decide(
      first.approval,
      first.ticket,
      { ...finance, id: 'f2', email: 'f2@example.com' },
      'approve',
    );
    expect(again).toMatchObject({ ok: false, error: { rule: 'approval-pending', kind: 'conflict' } });
  });

  it('two approvals needed: one vote keeps it pending and blocked, the same approver cannot vote twice', () => {
    const asked = requestApproval(
      dispute(),
      { kind: 'access', summary: 'admin access for the export' },
      workflowConfig,
      {
        actor: AGENT,
        at: T0,
        newId: ids(),
      },
    );
    if (!asked.ok) throw asked.error;
    const sec1: Approver = {
      id: 'security@example.com',
      email: 'security@example.com',
      groups: ['approver-security'],
    };
    const sec2: Approver = {
      id: 'security2@example.com',
      email: 'security2@example.com',
      groups: ['approver-security'],
    };
    const first = decide(asked.approval, asked.ticket, sec1, 'approve');
    if (!first.ok) throw first.error;
    expect(first).toMatchObject({
      decided: false,
      approval: { state: 'pending' },
      ticket: { blockedOn: 'approval' },
    });
    expect(first.audit.action).toBe('approval.voted');
    expect(decide(first.approval, first.ticket, sec1, 'approve')).toMatchObject({
      ok: false,
      error: { rule: 'one-vote-each' },
    });
    const second = decide(first.approval, first.ticket, sec2, 'approve');
    if (!second.ok) throw second.error;
    expect(second).toMatchObject({
      decided: true,
      approval: { state: 'approved' },
      ticket: { blockedOn: null },
    });
  });
});

describe('the approval workflow’s looks', () => {
  const { ticket, approval } = ask(dispute(), 750);

  it('waits until the reminder, then reminds once, then waits until expiry', () => {
    expect(nextApprovalStep(approval, at(1))).toEqual({ action: 'await', until: at(240).toISOString() });
    expect(nextApprovalStep(approval, at(240))).toEqual({ action: 'remind' });
    const reminded = remindApproval(approval, ticket, { at: at(240), newId: ids() });
    if (!reminded.ok) throw new Error(reminded.reason);
    expect(reminded.event).toMatchObject({ type: 'approval.requested', detail: { round: 'reminder' } });
    expect(reminded.audit.action).toBe('approval.reminded');
    expect(nextApprovalStep(reminded.approval, at(241))).toEqual({
      action: 'await',
      until: at(1440).toISOString(),
    });
    expect(remindApproval(reminded.approval, reminded.ticket, { at: at(242), newId: ids() }).ok).toBe(false);
  });

  it('on expiry the credit policy escalates once to finance leads, then rejects', () => {
    expect(nextApprovalStep(approval, at(1440))).toEqual({ action: 'expire' });
    const escalated = expireApproval(approval, ticket, workflowConfig, { at: at(1440), newId: ids() });
    if (!escalated.ok) throw new Error(escalated.reason);
    expect(escalated.approval).toMatchObject({
      state: 'pending',
      group: 'finance-leads',
      expireAt: at(2880).toISOString(),
    });
    expect(escalated.event).toMatchObject({
      detail: { round: 'escalated', notify: 'finance-leads@example.com' },
    });
    expect(escalated.ticket.blockedOn).toBe('approval');
    const expired = expireApproval(escalated.approval, escalated.ticket, workflowConfig, {
      at: at(2880),
      newId: ids(),
    });
    if (!expired.ok) throw new Error(expired.reason);
    expect(expired.approval.state).toBe('expired');
    expect(expired.ticket).toMatchObject({ blockedOn: null, pendingApprovals: [] });
    expect(expired.event).toMatchObject({
      type: 'approval.decided',
      detail: { outcome: 'expired', decidedBy: ['system'] },
    });
    expect(expired.audit).toMatchObject({ action: 'approval.expired', actor: { kind: 'system' } });
  });

  it('a reject-on-expiry policy rejects at once', () => {
    const refund = requestApproval(
      dispute(),
      { kind: 'refund', amount: { value: 900, currency: 'EUR' }, summary: 'refund' },
      workflowConfig,
      {
        actor: AGENT,
        at: T0,
        newId: ids(),
      },
    );
    if (!refund.ok) throw refund.error;
    const expired = expireApproval(refund.approval, refund.ticket, workflowConfig, {
      at: at(48 * 60),
      newId: ids(),
    });
    expect(expired).toMatchObject({ ok: true, approval: { state: 'expired' } });
  });

  it('a decided approval only has its decision to announce', () => {
    const decided = decide(approval, ticket, finance, 'approve');
    if (!decided.ok) throw decided.error;
    expect(nextApprovalStep(decided.approval, at(5000))).toEqual({ action: 'announce_decision' });
  });
});
