import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTOMATION_ACTOR,
  type AuditEvent,
  addInto,
  agingBuckets,
  approvalIncrements,
  auditAction,
  auditIncrement,
  countsInFlowMetrics,
  csatIncrement,
  driverOf,
  emptyAggregate,
  flowNumbers,
  type MetricIncrement,
  percentile,
  type Ticket,
  ticketIncrements,
  totals,
  transition,
} from '../../shared/domain';
import { aTicket, ids, T0 } from './builders';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const AGENT = { kind: 'agent', id: 'agent@example.com' } as const;

describe('what one ticket change adds', () => {
  it('a new ticket: created in its queue and request type, and its driver', () => {
    const t = aTicket({
      subject: 'Password reset link expired [FD-7] #123',
      requestType: 'general_question',
    });
    const { increments, drivers } = ticketIncrements(undefined, t);
    expect(increments).toEqual([
      {
        key: { day: '2025-03-04', queue: 'frontline', requestType: 'general_question' },
        counters: { created: 1 },
      },
    ]);
    expect(drivers[0]).toMatchObject({
      driver: 'general_question#expired-link-password-reset',
      label: 'expired link password reset',
    });
  });

  it('resolved with its resolution time, reopened, closed; blocked time when a block ends', () => {
    const open = aTicket({ state: 'in_progress' });
    const waiting = {
      ...open,
      state: 'waiting_on_customer' as const,
      blockedOn: 'customer' as const,
      version: 2,
    };
    const back = {
      ...waiting,
      state: 'in_progress' as const,
      blockedOn: null,
      timeBlockedSeconds: { customer: 7200 },
      version: 3,
      updatedAt: at(5).toISOString(),
    };
    const resolved = { ...back, state: 'resolved' as const, version: 4, updatedAt: at(30).toISOString() };
    const reopened = {
      ...resolved,
      state: 'in_progress' as const,
      version: 5,
      updatedAt: at(40).toISOString(),
    };
    expect(ticketIncrements(waiting, back).increments).toEqual([
      {
        key: { day: '2025-03-04', queue: 'frontline', requestType: 'general_question' },
        counters: { blockedSeconds_customer: 7200 },
      },
    ]);
    expect(ticketIncrements(back, resolved).increments).toEqual([
      {
        key: { day: '2025-03-05', queue: 'frontline', requestType: 'general_question' },
        counters: { resolved: 1 },
        resolutionHours: [30],
      },
    ]);
    expect(ticketIncrements(resolved, reopened).increments[0]?.counters).toEqual({ reopened: 1 });
    // The same image twice (a redelivery with nothing new) adds nothing.
    expect(ticketIncrements(resolved, resolved).increments).toEqual([]);
  });

  it('SLA met (first response time) or breached once, and escalations by tier', () => {
    const base = aTicket({
      sla: {
        policy: 'standard/normal',
        evaluatedAt: T0.toISOString(),
        targets: [
          {
            target: 'firstResponse',
            status: 'running',
            dueAt: at(8).toISOString(),
            warnAt: at(6).toISOString(),
          },
        ],
      },
    });
    const sla = base.sla as NonNullable<Ticket['sla']>;
    const target = sla.targets[0] as NonNullable<Ticket['sla']>['targets'][number];
    const met: Ticket = {
      ...base,
      sla: { ...sla, targets: [{ ...target, status: 'met', metAt: at(1.5).toISOString() }] },
    };
    expect(ticketIncrements(base, met).increments).toEqual([
      {
        key: { day: '2025-03-04', queue: 'frontline', requestType: 'general_question' },
        counters: { slaMet_firstResponse: 1, slaMet: 1 },
        firstResponseMinutes: [90],
      },
    ]);
    expect(ticketIncrements(met, { ...met, version: 9 }).increments).toEqual([]);
    const escalated: Ticket = {
      ...met,
      escalation: {
        path: 'sla-breach',
        step: 1,
        queue: 'escalation_desk',
        tier: 2,
        escalatedAt: at(2).toISOString(),
        acknowledgeBy: null,
        causes: [],
      },
    };
    expect(ticketIncrements(met, escalated).increments[0]?.counters).toEqual({
      escalations_tier2: 1,
      escalations: 1,
    });
  });

  it('credits asked and approved, with amounts per currency; CSAT answers', () => {
    const t = aTicket();
    const approval = {
      id: t.id,
      ticketId: t.id,
      reference: t.reference,
      kind: 'credit' as const,
      policy: 'finance-credits',
      group: 'finance',
      notify: 'f@x.example',
      amount: { value: 750, currency: 'EUR' },
      summary: 's',
      requestedBy: 'a',
      requestedAt: T0.toISOString(),
      approvalsRequired: 1,
      votes: [],
      state: 'pending' as const,
      remindAt: null,
      expireAt: null,
      version: 1,
    };
    expect(approvalIncrements(undefined, approval, t)[0]?.counters).toEqual({
      creditsRequested: 1,
      creditsRequestedAmount_EUR: 750,
    });
    const approved = { ...approval, state: 'approved' as const, decidedAt: at(2).toISOString(), version: 2 };
    expect(approvalIncrements(approval, approved, t)[0]?.counters).toEqual({
      creditsApproved: 1,
      creditsApprovedAmount_EUR: 750,
    });
    expect(approvalIncrements(approved, { ...approved, version: 3 }, t)).toEqual([]);
    expect(csatIncrement(4, at(1).toISOString(), t).counters).toEqual({
      csatCount: 1,
      csatSum: 4,
      csat_4: 1,
    });
  });
});

describe('what one audit entry adds (the back half of the lifecycle)', () => {
  const t = aTicket({ queue: 'billing', requestType: 'billing_dispute' });
  const cell = { day: '2025-03-06', queue: 'billing', requestType: 'billing_dispute' };
  const clockEntry = (action: string): AuditEvent => ({
    id: t.id,
    ticketId: t.id,
    seq: 3,
    at: at(48).toISOString(),
    actor: AUTOMATION_ACTOR,
    action,
    before: null,
    after: { since: T0.toISOString(), dueAt: at(48).toISOString(), round: 1 },
  });

  it("counts the reminders, status updates and follow-ups the clock sent, and its 'no reply' resolutions", () => {
    const counted = (action: Parameters<typeof auditAction>[0]) =>
      auditIncrement(clockEntry(auditAction(action)), t);
    expect(counted('reminder')).toEqual({ key: cell, counters: { remindersSent: 1 } });
    expect(counted('status_update')).toEqual({ key: cell, counters: { statusUpdatesSent: 1 } });
    expect(counted('follow_up')).toEqual({ key: cell, counters: { followUpsSent: 1 } });
    expect(counted('auto_resolved')).toEqual({ key: cell, counters: { resolvedNoReply: 1 } });
    // Internal notices count nothing here (the team's, not the customer's), nor does any other entry.
    expect(counted('team_nudge')).toBeUndefined();
    expect(counted('idle')).toBeUndefined();
    expect(countsInFlowMetrics(clockEntry('ticket.updated'))).toBe(false);
  });

  it('splits closings by who closed (the clock, the customer, an agent with a note, a merge), with the time to close', () => {
    const resolved = aTicket({ ...t, state: 'resolved', version: 4, auditSeq: 3 });
    const close = (ctx: Omit<Parameters<typeof transition>[2], 'at' | 'nextSeq' | 'newId'>) => {
      const moved = transition(resolved, 'closed', { ...ctx, at: at(30), nextSeq: 4, newId: ids(at(30)) });
      if (!moved.ok) throw moved.error;
      return auditIncrement(moved.audit, resolved);
    };
    const day2 = { ...cell, day: '2025-03-05' };
    expect(close({ actor: AUTOMATION_ACTOR, quietDays: 4, closeAfterQuietDays: 4 })).toEqual({
      key: day2,
      counters: { closedBy_automation: 1 },
      closeHours: [30],
    });
    expect(
      close({ actor: { kind: 'customer', id: 'dana@bigcorp.example' }, customerConfirmed: true })?.counters,
    ).toEqual({ closedBy_customer: 1 });
    expect(close({ actor: AGENT, reason: 'credit note CN-7 sent, customer informed' })?.counters).toEqual({
      closedBy_agent: 1,
    });
    // A merged duplicate is closed too, but its time to close says nothing about the work: no sample.
    const merged: AuditEvent = {
      ...clockEntry('ticket.merged'),
      actor: AGENT,
      before: { state: 'in_progress' },
      after: { state: 'closed', into: 'FD-9' },
    };
    expect(auditIncrement(merged, t)).toEqual({ key: cell, counters: { closedBy_merge: 1 } });
    // The survivor's entry of the same merge, and a move that is not a closing, count nothing.
    const survivor: AuditEvent = { ...merged, before: null, after: { absorbed: 'FD-7' } };
    const reopened: AuditEvent = {
      ...clockEntry('ticket.state_changed'),
      before: { state: 'resolved' },
      after: { state: 'in_progress' },
    };
    expect(auditIncrement(survivor, t)).toBeUndefined();
    expect(auditIncrement(reopened, t)).toBeUndefined();
  });

  it('the dashboard numbers: closures by who closed and time to close p50/p90, what the clock sent', () => {
    const a = emptyAggregate();
    for (const h of [10, 20, 30, 40]) addInto(a, { counters: { closedBy_automation: 1 }, closeHours: [h] });
    addInto(a, {
      counters: { closedBy_customer: 2, closedBy_agent: 1, closedBy_merge: 1 },
      closeHours: [50],
    });
    addInto(a, {
      counters: { remindersSent: 3, statusUpdatesSent: 2, followUpsSent: 1, resolvedNoReply: 1 },
    });
    expect(flowNumbers(a)).toMatchObject({
      closures: { auto: 4, confirmed: 2, agent: 1, merged: 1, other: 0 },
      timeToClose: { count: 5, p50Hours: 30, p90Hours: 50 },
      automation: { remindersSent: 3, statusUpdatesSent: 2, followUpsSent: 1, resolvedNoReply: 1 },
    });
  });
});

describe('reading aggregates', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });

  it('rates at a glance: reopen rate, SLA attainment, CSAT average', () => {
    const a = addInto(emptyAggregate(), {
      counters: { resolved: 4, reopened: 1, slaMet: 3, slaBreached: 1, csatCount: 2, csatSum: 9 },
    });
    expect(totals(a)).toMatchObject({ reopenRate: 0.25, slaAttainment: 0.75, csatAverage: 4.5 });
  });

  it('aging buckets of open tickets', () => {
    const now = at(24 * 40);
    const created = [at(24 * 40 - 1), at(24 * 38), at(24 * 35), at(24 * 20), at(0)].map((d) =>
      d.toISOString(),
    );
    expect(agingBuckets(created, now)).toEqual({ lt1d: 1, d1to3: 1, d3to7: 1, d7to30: 1, gt30d: 1 });
  });

  it('drivers ignore references, ids, numbers and word order', () => {
    expect(driverOf({ requestType: 'x', subject: 'Invoice INV-501 charged twice' }).label).toBe(
      'charged invoice twice',
    );
    expect(driverOf({ requestType: 'x', subject: 'Re: charged twice for invoice INV-77 [FD-9]' }).label).toBe(
      'charged invoice twice',
    );
  });

  it('keeps any subject’s driver key within DynamoDB’s 1,024-byte sort key (long words, astral letters)', () => {
    const longest = '𝒜'.repeat(998);
    expect(driverOf({ requestType: 'x', subject: longest }).label).toBe('𝒜'.repeat(32));
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 998 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        (subject, requestType) => {
          const { driver } = driverOf({ requestType, subject });
          expect(Buffer.byteLength(`DRIVER#${driver}`, 'utf8')).toBeLessThanOrEqual(1024);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** A small deterministic generator (mulberry32) so the replay is the same every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('replaying a generated history', () => {
  it('every number the dashboard shows equals a direct computation over the tickets and their audit', () => {
    const random = prng(42);
    const queues = ['frontline', 'billing', 'specialists'];
    const types = ['general_question', 'billing_dispute', 'bug_report'];
    const increments: MetricIncrement[] = [];
    const finals: Array<{ ticket: Ticket; audit: AuditEvent[] }> = [];
    for (let i = 0; i < 300; i++) {
      const created = at(Math.floor(random() * 24 * 20));
      let ticket = aTicket({
        id: `01JQ${String(i).padStart(22, '0')}`.replace(/[ILOU]/g, '0'),
        reference: `FD-${i + 1}`,
        queue: queues[i % 3] as string,
        requestType: types[Math.floor(random() * 3)] as string,
        createdAt: created.toISOString(),
        updatedAt: created.toISOString(),
      });
      const audit: AuditEvent[] = [];
      increments.push(...ticketIncrements(undefined, ticket).increments);
      let clock = created.getTime();
      const path: Array<Ticket['state']> = ['in_progress'];
      if (random() < 0.4) path.push('waiting_on_customer', 'in_progress');
      if (random() < 0.7) path.push('resolved');
      if (path.at(-1) === 'resolved' && random() < 0.3) path.push('in_progress', 'resolved');
      if (path.at(-1) === 'resolved' && random() < 0.5) path.push('closed');
      // Who closes, if it closes: the clock after the quiet days, the customer, or an agent with a note.
      const closer = [
        { actor: AUTOMATION_ACTOR, quietDays: 4, closeAfterQuietDays: 4 },
        { actor: { kind: 'customer', id: ticket.requester.email } as const, customerConfirmed: true },
        { actor: AGENT, reason: 'fixed in release 4.2, customer told' },
      ][i % 3];
      for (const to of path) {
        clock += Math.floor(random() * 30 * HOUR) + 60_000;
        const moved = transition(ticket, to, {
          actor: AGENT,
          customerConfirmed: true,
          ...(to === 'closed' ? closer : {}),
          at: new Date(clock),
          nextSeq: ticket.auditSeq + 1,
          newId: ids(new Date(clock)),
        });
        if (!moved.ok) throw moved.error;
        increments.push(...ticketIncrements(ticket, moved.ticket).increments);
        const counted = auditIncrement(moved.audit, moved.ticket);
        if (counted) increments.push(counted);
        audit.push(moved.audit);
        ticket = moved.ticket;
      }
      finals.push({ ticket, audit });
    }

    const projected = emptyAggregate();
    for (const inc of increments) addInto(projected, inc);
    const shown = flowNumbers(projected);

    const moves = finals.flatMap(({ ticket, audit }) => audit.map((a) => ({ ticket, a })));
    const to = (state: string) => moves.filter(({ a }) => a.after?.state === state);
    const resolutionHours = to('resolved').map(
      ({ ticket, a }) => Math.round(((Date.parse(a.at) - Date.parse(ticket.createdAt)) / HOUR) * 100) / 100,
    );
    const blocked = finals.reduce((s, f) => s + (f.ticket.timeBlockedSeconds.customer ?? 0), 0);
    expect(shown.created).toBe(finals.length);
    expect(shown.resolved).toBe(to('resolved').length);
    expect(shown.reopened).toBe(
      moves.filter(({ a }) => a.before?.state === 'resolved' && a.after?.state === 'in_progress').length,
    );
    expect(shown.closed).toBe(to('closed').length);
    const closedBy = (kind: string) => to('closed').filter(({ a }) => a.actor.kind === kind).length;
    expect(shown.closures).toEqual({
      auto: closedBy('system'),
      confirmed: closedBy('customer'),
      agent: closedBy('agent'),
      merged: 0,
      other: 0,
    });
    expect(shown.closures.auto + shown.closures.confirmed + shown.closures.agent).toBe(shown.closed);
    expect(Math.min(shown.closures.auto, shown.closures.confirmed, shown.closures.agent)).toBeGreaterThan(5);
    const closeHours = to('closed').map(
      ({ ticket, a }) => Math.round(((Date.parse(a.at) - Date.parse(ticket.createdAt)) / HOUR) * 100) / 100,
    );
    expect(shown.timeToClose).toEqual({
      count: closeHours.length,
      p50Hours: percentile(closeHours, 50),
      p90Hours: percentile(closeHours, 90),
    });
    expect(shown.resolution.count).toBe(resolutionHours.length);
    expect(shown.resolution.p50Hours).toBe(percentile(resolutionHours, 50));
    expect(shown.resolution.p90Hours).toBe(percentile(resolutionHours, 90));
    expect(shown.blockedHours.customer).toBe(Math.round((blocked / 3600) * 100) / 100);
    expect(shown.resolved).toBeGreaterThan(100);
    expect(shown.reopened).toBeGreaterThan(10);

    // Per day and per queue too: the cells add up to the direct counts.
    for (const queue of queues) {
      const cells = emptyAggregate();
      for (const inc of increments.filter((x) => x.key.queue === queue)) addInto(cells, inc);
      expect(flowNumbers(cells).created).toBe(finals.filter((f) => f.ticket.queue === queue).length);
    }
    const day = '2025-03-10';
    const dayCells = emptyAggregate();
    for (const inc of increments.filter((x) => x.key.day === day)) addInto(dayCells, inc);
    expect(flowNumbers(dayCells).resolved).toBe(
      to('resolved').filter(({ a }) => a.at.startsWith(day)).length,
    );
    expect(flowNumbers(dayCells).created).toBe(
      finals.filter((f) => f.ticket.createdAt.startsWith(day)).length,
    );
  });
});
