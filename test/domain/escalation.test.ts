import { describe, expect, it } from 'vitest';
import { type WorkflowConfig, workflowConfig } from '../../shared/config';
import {
  type AcknowledgeOutcome,
  type Actor,
  AuditEventSchema,
  acknowledgeEscalation,
  causeKey,
  DomainEventSchema,
  type EscalationCause,
  type EscalationOutcome,
  escalate,
  escalationDueAt,
  overdueEscalation,
  type Ticket,
  TicketSchema,
} from '../../shared/domain';
import { aTicket, ids, T0 } from './builders';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const iso = (minutes: number) => at(minutes).toISOString();

const CLOCK: Actor = { kind: 'system', id: 'sla-clock' };
const LEAD: Actor = { kind: 'agent', id: 'lead-1' };
const ENTERPRISE = { id: 'acct-bigcorp', tier: 'enterprise' };

const warning: EscalationCause = { kind: 'sla.warning', target: 'firstResponse' };
const breach: EscalationCause = { kind: 'sla.breached', target: 'firstResponse' };

/** Urgent enterprise tickets skip the frontline (routing), so they sit with specialists. */
const urgentEnterprise = (overrides: Partial<Ticket> = {}) =>
  aTicket({
    priority: 'urgent',
    account: ENTERPRISE,
    queue: 'specialists',
    assignee: 'agent-7',
    state: 'in_progress',
    auditSeq: 3,
    ...overrides,
  });

function run(
  ticket: Ticket,
  cause: EscalationCause,
  minutes = 0,
  config: Pick<WorkflowConfig, 'escalationPaths' | 'queues'> = workflowConfig,
  actor: Actor = CLOCK,
): EscalationOutcome {
  return escalate(ticket, cause, config, { actor, at: at(minutes), newId: ids(at(minutes)) });
}

function escalated(outcome: EscalationOutcome) {
  if (!outcome.ok) throw new Error(`expected an escalation, got ${outcome.code}: ${outcome.reason}`);
  return outcome;
}

function acknowledged(outcome: AcknowledgeOutcome) {
  if (!outcome.ok) throw new Error(`expected an acknowledgement, got: ${outcome.reason}`);
  return outcome;
}

describe('causeKey', () => {
  it('is one key per SLA target and kind, per path step, and per moment for manual escalations', () => {
    expect(causeKey(warning, at(0))).toBe('sla.warning:firstResponse');
    expect(causeKey({ kind: 'sla.breached', target: 'resolution' }, at(5))).toBe('sla.breached:resolution');
    expect(causeKey({ kind: 'ticket.created' }, at(0))).toBe('ticket.created');
    expect(causeKey({ kind: 'unacknowledged', path: 'sla-breach', step: 2 }, at(0))).toBe(
      'unacknowledged:sla-breach:2',
    );
    expect(causeKey({ kind: 'manual', reason: 'CEO asked' }, at(1))).toBe(`manual:${iso(1)}`);
    expect(causeKey({ kind: 'manual', reason: 'CEO asked' }, at(2))).not.toBe(
      causeKey({ kind: 'manual', reason: 'CEO asked' }, at(1)),
    );
  });
});

describe('escalate on the urgent-enterprise path', () => {
  const ticket = urgentEnterprise();
  const first = escalated(run(ticket, warning, 0));

  it('takes step 1 on the first SLA warning: the escalation desk (tier 2), acknowledged within 15 min', () => {
    expect(first.ticket).toMatchObject({
      queue: 'escalation_desk',
      assignee: null,
      version: 2,
      auditSeq: 4,
      updatedAt: iso(0),
      escalation: {
        path: 'urgent-enterprise',
        step: 1,
        queue: 'escalation_desk',
        tier: 2,
        escalatedAt: iso(0),
        acknowledgeBy: iso(15),
        causes: ['sla.warning:firstResponse'],
      },
    });
    expect(() => TicketSchema.parse(first.ticket)).not.toThrow();
    expect(ticket.queue).toBe('specialists'); // the input is not mutated
  });

  it('announces ticket.escalated to the support leads', () => {
    expect(first.event).toEqual({
      type: 'ticket.escalated',
      detail: {
        ticketId: ticket.id,
        version: 2,
        occurredAt: iso(0),
        reference: 'FD-7',
        path: 'urgent-enterprise',
        step: 1,
        cause: 'sla.warning:firstResponse',
        fromQueue: 'specialists',
        toQueue: 'escalation_desk',
        tier: 2,
        notify: 'support-leads@example.com',
        acknowledgeBy: iso(15),
      },
    });
    expect(() => DomainEventSchema.parse(first.event)).not.toThrow();
  });

  it('writes a ticket.escalated audit entry with before, after and the reason', () => {
    expect(first.audit).toMatchObject({
      ticketId: ticket.id,
      seq: 4,
      at: iso(0),
      actor: CLOCK,
      action: 'ticket.escalated',
      before: { queue: 'specialists', tier: 2, step: 0 },
      after: {
        queue: 'escalation_desk',
        tier: 2,
        path: 'urgent-enterprise',
        step: 1,
        cause: 'sla.warning:firstResponse',
        acknowledgeBy: iso(15),
      },
      reason: 'SLA warning on firstResponse',
    });
    expect(() => AuditEventSchema.parse(first.audit)).not.toThrow();
  });

  it('escalates once per cause (a redelivered warning is refused)', () => {
    const again = run(first.ticket, warning, 1);
    expect(again).toEqual({
      ok: false,
      code: 'repeated',
      reason: 'FD-7 was escalated for sla.warning:firstResponse already',
    });
  });

  const second = escalated(run(first.ticket, breach, 10));

  it('takes step 2 on the breach: engineering (tier 3), the last step, so nothing to acknowledge by', () => {
    expect(second.ticket).toMatchObject({
      queue: 'engineering',
      version: 3,
      auditSeq: 5,
      escalation: {
        path: 'urgent-enterprise',
        step: 2,
        queue: 'engineering',
        tier: 3,
        escalatedAt: iso(10),
        acknowledgeBy: null,
        causes: ['sla.warning:firstResponse', 'sla.breached:firstResponse'],
      },
    });
    expect(second.event.detail).toMatchObject({
      step: 2,
      fromQueue: 'escalation_desk',
      toQueue: 'engineering',
      tier: 3,
      notify: 'engineering@example.com',
      acknowledgeBy: null,
      cause: 'sla.breached:firstResponse',
    });
    expect(second.audit).toMatchObject({
      seq: 5,
      before: { queue: 'escalation_desk', tier: 2, step: 1 },
      after: { queue: 'engineering', tier: 3, step: 2, acknowledgeBy: null },
      reason: 'SLA breached on firstResponse',
    });
    expect(escalationDueAt(second.ticket)).toBeNull();
  });

  it('has nowhere left to go after the last step', () => {
    expect(run(second.ticket, { kind: 'sla.breached', target: 'resolution' }, 200)).toEqual({
      ok: false,
      code: 'exhausted',
      reason: 'FD-7 is at the end of escalation path urgent-enterprise',
    });
  });
});

describe('escalation never hands a ticket down', () => {
  it('skips steps below the tier the ticket is at', () => {
    // In engineering (tier 3): the sla-breach path's desk step (tier 2) would be a step down.
    const inEngineering = aTicket({ state: 'in_progress', queue: 'engineering', assignee: 'eng-1' });
    expect(run(inEngineering, { kind: 'sla.breached', target: 'resolution' })).toMatchObject({
      ok: false,
      code: 'exhausted',
    });
  });
});

describe('escalate a standard ticket', () => {
  const ticket = aTicket({ state: 'in_progress', assignee: 'agent-2' });

  it('does not escalate on a warning (no path takes it)', () => {
    expect(run(ticket, warning)).toEqual({
      ok: false,
      code: 'no_path',
      reason: 'no escalation path takes SLA warning on firstResponse',
    });
  });

  it('goes up the sla-breach path on a breach', () => {
    const outcome = escalated(run(ticket, { kind: 'sla.breached', target: 'resolution' }));
    expect(outcome.ticket).toMatchObject({
      queue: 'escalation_desk',
      assignee: null,
      escalation: {
        path: 'sla-breach',
        step: 1,
        tier: 2,
        acknowledgeBy: iso(30),
        causes: ['sla.breached:resolution'],
      },
    });
    expect(outcome.event.detail).toMatchObject({
      fromQueue: 'frontline',
      toQueue: 'escalation_desk',
      notify: 'support-leads@example.com',
    });
    expect(outcome.audit.before).toEqual({ queue: 'frontline', tier: 1, step: 0 });
  });

  it('skips a step whose queue already owns the ticket', () => {
    const atDesk = aTicket({ state: 'in_progress', queue: 'escalation_desk' });
    const outcome = escalated(run(atDesk, breach));
    expect(outcome.ticket.queue).toBe('engineering');
    expect(outcome.ticket.escalation).toMatchObject({
      path: 'sla-breach',
      step: 2,
      tier: 3,
      acknowledgeBy: null,
    });
    expect(outcome.event.detail).toMatchObject({
      step: 2,
      fromQueue: 'escalation_desk',
      toQueue: 'engineering',
    });
  });

  it('skips a later step into the queue the previous step reached, and then has no next step to wait for', () => {
    const config = {
      ...workflowConfig,
      escalationPaths: {
        'sla-breach': {
          description: 'Twice the desk, then engineering.',
          triggers: [{ on: 'sla.breached' as const }],
          steps: [
            { queue: 'escalation_desk', acknowledgeWithinMinutes: 30 },
            { queue: 'escalation_desk', acknowledgeWithinMinutes: 30 },
          ],
        },
      },
    };
    const outcome = escalated(run(ticket, breach, 0, config));
    expect(outcome.ticket.escalation).toMatchObject({ step: 1, acknowledgeBy: null });
    expect(run(outcome.ticket, { kind: 'sla.breached', target: 'resolution' }, 5, config)).toMatchObject({
      ok: false,
      code: 'exhausted',
    });
  });
});

describe('escalate a new ticket by rule (ticket.created)', () => {
  const created: EscalationCause = { kind: 'ticket.created' };

  it('brings engineering in at once for an enterprise security report', () => {
    const report = aTicket({ account: ENTERPRISE, tags: ['enterprise', 'security'], queue: 'security' });
    const outcome = escalated(run(report, created));
    expect(outcome.ticket.queue).toBe('engineering');
    expect(outcome.ticket.escalation).toMatchObject({
      path: 'enterprise-security',
      step: 1,
      tier: 3,
      acknowledgeBy: null,
      causes: ['ticket.created'],
    });
    expect(outcome.event.detail).toMatchObject({ notify: 'engineering@example.com', fromQueue: 'security' });
    expect(outcome.audit.reason).toBe('an escalation rule matched the new ticket');
  });

  it('does nothing for a security report without an enterprise account, or an enterprise ticket not about security', () => {
    const standardReport = aTicket({ tags: ['security'], queue: 'security' });
    const otherTier = aTicket({ tags: ['security'], account: { id: 'acct-s', tier: 'startup' } });
    const enterpriseQuestion = aTicket({ account: ENTERPRISE, tags: ['enterprise'], priority: 'urgent' });
    for (const ticket of [standardReport, otherTier, enterpriseQuestion]) {
      expect(run(ticket, created)).toMatchObject({ ok: false, code: 'no_path' });
    }
  });
});

describe('manual escalation', () => {
  const manual = (reason: string): EscalationCause => ({ kind: 'manual', reason });

  it('takes the first path with a manual trigger, and each one is its own cause', () => {
    const ticket = aTicket({ state: 'in_progress' });
    const first = escalated(run(ticket, manual('the customer is blocked'), 0, workflowConfig, LEAD));
    expect(first.ticket.escalation).toMatchObject({
      path: 'sla-breach',
      step: 1,
      queue: 'escalation_desk',
      causes: [`manual:${iso(0)}`],
    });
    expect(first.audit).toMatchObject({
      actor: LEAD,
      reason: 'escalated by an agent: the customer is blocked',
    });
    const second = escalated(run(first.ticket, manual('still blocked'), 3, workflowConfig, LEAD));
    expect(second.ticket.escalation).toMatchObject({
      step: 2,
      queue: 'engineering',
      causes: [`manual:${iso(0)}`, `manual:${iso(3)}`],
    });
    // The same request delivered twice (same moment) escalates once.
    expect(run(first.ticket, manual('the customer is blocked'), 0)).toMatchObject({
      ok: false,
      code: 'repeated',
    });
  });

  it('moves a ticket on along the path it is on, even one without a manual trigger', () => {
    const onPath = escalated(run(urgentEnterprise(), warning)).ticket;
    const outcome = escalated(run(onPath, manual('needs engineering now'), 2, workflowConfig, LEAD));
    expect(outcome.ticket.escalation).toMatchObject({
      path: 'urgent-enterprise',
      step: 2,
      queue: 'engineering',
    });
  });

  it('is refused when no path takes manual escalations', () => {
    const config = {
      ...workflowConfig,
      escalationPaths: { 'urgent-enterprise': workflowConfig.escalationPaths['urgent-enterprise'] },
    } as WorkflowConfig;
    expect(run(aTicket(), manual('help'), 0, config)).toEqual({
      ok: false,
      code: 'no_path',
      reason: 'no escalation path takes escalated by an agent: help',
    });
  });
});

describe('an unacknowledged escalation step', () => {
  const onStep1 = escalated(run(urgentEnterprise(), warning, 0)).ticket; // acknowledge by minute 15

  it('is due at its acknowledge-by time and not before', () => {
    expect(escalationDueAt(onStep1)).toBe(iso(15));
    expect(overdueEscalation(onStep1, at(14.99))).toBeUndefined();
    expect(overdueEscalation(onStep1, at(15))).toEqual({
      kind: 'unacknowledged',
      path: 'urgent-enterprise',
      step: 1,
    });
  });

  it('moves the ticket to the next step once overdue', () => {
    const cause = overdueEscalation(onStep1, at(16));
    if (!cause) throw new Error('expected the step to be overdue');
    const outcome = escalated(run(onStep1, cause, 16));
    expect(outcome.ticket.escalation).toMatchObject({
      path: 'urgent-enterprise',
      step: 2,
      queue: 'engineering',
      tier: 3,
      acknowledgeBy: null,
      causes: ['sla.warning:firstResponse', 'unacknowledged:urgent-enterprise:1'],
    });
    expect(outcome.audit.reason).toBe('step 1 of urgent-enterprise was not acknowledged in time');
    // The last step waits for nobody.
    expect(overdueEscalation(outcome.ticket, at(24 * 60))).toBeUndefined();
  });

  it('does not move a ticket on for a step it already left', () => {
    const onStep2 = escalated(run(onStep1, breach, 5)).ticket;
    const stale: EscalationCause = { kind: 'unacknowledged', path: 'urgent-enterprise', step: 1 };
    expect(run(onStep2, stale, 16)).toMatchObject({ ok: false });
    expect(onStep2.escalation?.step).toBe(2);
  });

  it('is never overdue once acknowledged', () => {
    const taken = acknowledged(
      acknowledgeEscalation(onStep1, { actor: LEAD, at: at(5), newId: ids(at(5)) }),
    ).ticket;
    expect(escalationDueAt(taken)).toBeNull();
    expect(overdueEscalation(taken, at(15))).toBeUndefined();
    expect(overdueEscalation(taken, at(7 * 24 * 60))).toBeUndefined();
  });

  it('is not due once the ticket is resolved or closed', () => {
    for (const state of ['resolved', 'closed'] as const) {
      const done = { ...onStep1, state };
      expect(escalationDueAt(done)).toBeNull();
      expect(overdueEscalation(done, at(60))).toBeUndefined();
    }
    expect(escalationDueAt(aTicket())).toBeNull();
  });
});

describe('acknowledgeEscalation', () => {
  const onStep1 = escalated(run(urgentEnterprise(), warning, 0)).ticket;

  it('records who took it and when, stops the step from moving on and writes an audit entry', () => {
    const outcome = acknowledged(
      acknowledgeEscalation(onStep1, { actor: LEAD, at: at(4), newId: ids(at(4)) }),
    );
    expect(outcome.ticket).toMatchObject({
      version: onStep1.version + 1,
      auditSeq: onStep1.auditSeq + 1,
      updatedAt: iso(4),
      queue: 'escalation_desk',
      escalation: {
        path: 'urgent-enterprise',
        step: 1,
        acknowledgeBy: null,
        acknowledgedAt: iso(4),
        acknowledgedBy: 'lead-1',
        causes: ['sla.warning:firstResponse'],
      },
    });
    expect(outcome.audit).toMatchObject({
      seq: onStep1.auditSeq + 1,
      at: iso(4),
      actor: LEAD,
      action: 'escalation.acknowledged',
      before: { path: 'urgent-enterprise', step: 1, acknowledgeBy: iso(15) },
      after: { acknowledgedBy: 'lead-1' },
    });
    expect(() => AuditEventSchema.parse(outcome.audit)).not.toThrow();
    expect(() => TicketSchema.parse(outcome.ticket)).not.toThrow();
  });

  it('is refused the second time, saying who took it', () => {
    const once = acknowledged(acknowledgeEscalation(onStep1, { actor: LEAD, at: at(4), newId: ids(at(4)) }));
    expect(
      acknowledgeEscalation(once.ticket, {
        actor: { kind: 'agent', id: 'lead-2' },
        at: at(6),
        newId: ids(at(6)),
      }),
    ).toEqual({ ok: false, reason: `step 1 was acknowledged by lead-1 at ${iso(4)}` });
  });

  it('is refused for a ticket that is not escalated', () => {
    expect(acknowledgeEscalation(aTicket(), { actor: LEAD, at: at(1), newId: ids(at(1)) })).toEqual({
      ok: false,
      reason: 'FD-7 is not escalated',
    });
  });

  it('lets a later cause move the ticket on, with a fresh window to acknowledge', () => {
    const taken = acknowledged(acknowledgeEscalation(onStep1, { actor: LEAD, at: at(4), newId: ids(at(4)) }));
    const next = escalated(run(taken.ticket, breach, 30));
    expect(next.ticket.escalation?.acknowledgedAt).toBeUndefined();
    expect(next.ticket.escalation?.acknowledgedBy).toBeUndefined();
    expect(next.ticket.escalation).toMatchObject({ step: 2, queue: 'engineering' });
  });
});

describe('resolved and closed tickets', () => {
  it('are not escalated', () => {
    for (const state of ['resolved', 'closed'] as const) {
      const ticket = urgentEnterprise({ state });
      for (const cause of [warning, breach, { kind: 'manual', reason: 'x' } as const]) {
        expect(run(ticket, cause)).toEqual({ ok: false, code: 'closed', reason: `FD-7 is ${state}` });
      }
    }
  });
});
