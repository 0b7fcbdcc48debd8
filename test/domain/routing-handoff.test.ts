import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { handOff, newId, triage } from '../../shared/domain';
import { aDraft, aTicket, T0 } from './builders';

const ctx = {
  actor: { kind: 'agent' as const, id: 'agent@example.com' },
  at: T0,
  reason: 'needs a fix',
  newId: () => newId(T0),
};

describe('routing after triage', () => {
  it('gives past-due accounts to billing whatever they ask', () => {
    const r = triage(
      aDraft({
        requestType: 'general_question',
        subject: 'How do I export?',
        account: { id: 'a', tier: 'smb', status: 'past_due' },
        fields: {},
      }),
      workflowConfig,
    );
    expect(r.queue).toBe('billing');
    expect(r.matchedRules).toContain('blocked-accounts-to-billing');
  });

  it('sends urgent enterprise requests to specialists, and leaves the seed invoice rule alone', () => {
    const outage = triage(
      aDraft({
        requestType: 'general_question',
        subject: 'Dashboard is down',
        account: { id: 'a', tier: 'enterprise' },
        fields: {},
      }),
      workflowConfig,
    );
    expect(outage).toMatchObject({ priority: 'urgent', queue: 'specialists' });
    const invoice = triage(aDraft(), workflowConfig);
    expect(invoice).toMatchObject({ priority: 'high', queue: 'billing' });
  });
});

describe('handoffs', () => {
  const bug = (overrides = {}) =>
    aTicket({
      requestType: 'bug_report',
      queue: 'frontline',
      state: 'in_progress',
      fields: { reproductionSteps: '1. click', environment: 'prod' },
      tags: ['validated'],
      auditSeq: 3,
      ...overrides,
    });

  it('hands a validated bug to engineering, recording from, to, reason and who', () => {
    const r = handOff(bug(), 'engineering', workflowConfig, ctx);
    if (!r.ok) throw r.error;
    expect(r.ticket).toMatchObject({ queue: 'engineering', version: 2, auditSeq: 4 });
    expect(r.audit).toMatchObject({
      action: 'ticket.handed_off',
      actor: ctx.actor,
      before: { queue: 'frontline' },
      after: { queue: 'engineering', tier: 3 },
      reason: 'needs a fix',
    });
  });

  it('refuses an unvalidated bug, naming the rule and the failed precondition', () => {
    const r = handOff(bug({ tags: [] }), 'engineering', workflowConfig, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('TICKET.HANDOFF_REFUSED');
    expect(r.error.rule).toBe('engineering-needs-validated-bug');
    expect(r.error.message).toMatch(/needs tags equals validated/);
  });

  it('refuses an unknown queue, the current queue and a closed ticket', () => {
    expect(handOff(bug(), 'nowhere', workflowConfig, ctx)).toMatchObject({ ok: false });
    expect(handOff(bug(), 'frontline', workflowConfig, ctx)).toMatchObject({ ok: false });
    expect(handOff(bug({ state: 'closed' }), 'specialists', workflowConfig, ctx)).toMatchObject({
      ok: false,
    });
  });

  it('lets a handoff without rules for its target through', () => {
    expect(handOff(bug(), 'specialists', workflowConfig, ctx).ok).toBe(true);
  });
});
