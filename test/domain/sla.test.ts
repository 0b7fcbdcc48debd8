import { describe, expect, it } from 'vitest';
import { type WorkflowConfig, workflowConfig } from '../../shared/config';
import {
  ALWAYS_OPEN,
  type AuditEvent,
  AuditEventSchema,
  DomainEventSchema,
  type Message,
  openingSla,
  recordSla,
  responseMoments,
  slaPolicyFor,
  stateHistory,
  type Ticket,
  TicketSchema,
  type TicketSlaTarget,
  UnknownSlaPolicyError,
} from '../../shared/domain';
import { aMessage, aStateChange, aTicket, ids, T0 } from './builders';

const MINUTE = 60_000;
/** T0 (2025-03-04T09:30:00Z, a Tuesday) plus some minutes. */
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);
const iso = (minutes: number) => at(minutes).toISOString();

const ENTERPRISE = { id: 'acct-bigcorp', tier: 'enterprise' };

/** enterprise/urgent: 24x7, first response 30 min (warns at 22.5), resolution 240 min (warns at 180). */
const urgentEnterprise = (overrides: Partial<Ticket> = {}) =>
  aTicket({ priority: 'urgent', account: ENTERPRISE, state: 'in_progress', ...overrides });

const FIRST_DUE = '2025-03-04T10:00:00.000Z';
const FIRST_WARN = '2025-03-04T09:52:30.000Z';
const RESOLUTION_DUE = '2025-03-04T13:30:00.000Z';
const RESOLUTION_WARN = '2025-03-04T12:30:00.000Z';

function record(
  ticket: Ticket,
  now: Date,
  more: { audit?: readonly AuditEvent[]; messages?: readonly Message[]; config?: WorkflowConfig } = {},
) {
  return recordSla({
    ticket,
    audit: more.audit ?? [],
    messages: more.messages ?? [],
    config: more.config ?? workflowConfig,
    now,
    newId: ids(now),
  });
}

function target(ticket: Ticket, name: TicketSlaTarget['target']): TicketSlaTarget {
  const found = ticket.sla?.targets.find((t) => t.target === name);
  if (!found) throw new Error(`no ${name} target on ${JSON.stringify(ticket.sla)}`);
  return found;
}

describe('slaPolicyFor', () => {
  it('puts enterprise accounts on the enterprise policy, around the clock', () => {
    const resolved = slaPolicyFor(urgentEnterprise(), workflowConfig);
    expect(resolved.id).toBe('enterprise/urgent');
    expect(resolved.policy).toEqual({
      firstResponseMinutes: 30,
      nextResponseMinutes: 60,
      resolutionMinutes: 240,
      warnAtShare: 0.75,
      calendar: '24x7',
      pauseStates: ['waiting_on_customer'],
    });
    expect(resolved.calendar).toBe(ALWAYS_OPEN);
  });

  it('puts tickets without an account, or with an unlisted tier, on the standard policy in Berlin office hours', () => {
    const businessHours = workflowConfig.sla.calendars['eu-business-hours'];
    expect(businessHours?.timeZone).toBe('Europe/Berlin');
    for (const account of [undefined, { id: 'acct-small', tier: 'startup' }, { id: 'acct-x' }]) {
      const resolved = slaPolicyFor(aTicket({ priority: 'high', account }), workflowConfig);
      expect(resolved.id).toBe('standard/high');
      expect(resolved.policy).toMatchObject({
        firstResponseMinutes: 240,
        resolutionMinutes: 960,
        calendar: 'eu-business-hours',
      });
      expect(resolved.calendar).toBe(businessHours);
    }
  });

  it('does not take a tier named like an Object.prototype key for a policy', () => {
    const resolved = slaPolicyFor(
      aTicket({ account: { id: 'acct-odd', tier: 'constructor' } }),
      workflowConfig,
    );
    expect(resolved.id).toBe('standard/normal');
  });

  it('gives every priority its own targets, urgent the fastest', () => {
    const targets = (['urgent', 'high', 'normal', 'low'] as const).map(
      (priority) => slaPolicyFor(aTicket({ priority, account: ENTERPRISE }), workflowConfig).policy,
    );
    expect(targets.map((p) => p.firstResponseMinutes)).toEqual([30, 60, 240, 480]);
    expect(targets.map((p) => p.resolutionMinutes)).toEqual([240, 480, 1440, 4320]);
    const standardLow = slaPolicyFor(aTicket({ priority: 'low' }), workflowConfig).policy;
    const standardUrgent = slaPolicyFor(aTicket({ priority: 'urgent' }), workflowConfig).policy;
    expect(standardUrgent.firstResponseMinutes).toBeLessThan(standardLow.firstResponseMinutes);
    expect(standardLow.nextResponseMinutes).toBeUndefined();
    expect(standardUrgent.nextResponseMinutes).toBe(120);
  });

  it('throws when the policy or its calendar is missing (a config that skipped validation)', () => {
    const noPolicy = { sla: { ...workflowConfig.sla, defaultPolicy: 'basic' } };
    expect(() => slaPolicyFor(aTicket(), noPolicy)).toThrow(UnknownSlaPolicyError);
    expect(() => slaPolicyFor(aTicket(), noPolicy)).toThrow('no SLA policy "basic" for normal');
    const noCalendar = { sla: { ...workflowConfig.sla, calendars: {} } };
    expect(() => slaPolicyFor(aTicket(), noCalendar)).toThrow(
      'SLA policy "standard" names unknown calendar eu-business-hours',
    );
    // The enterprise policy is 24x7 and needs no calendar.
    expect(slaPolicyFor(urgentEnterprise(), noCalendar).id).toBe('enterprise/urgent');
  });
});

describe('stateHistory', () => {
  it('starts at creation in the first change’s before-state and follows the changes in seq order', () => {
    const ticket = aTicket({ state: 'in_progress' });
    // Given out of order; other actions and unknown states are left out; seq (not the clock of the
    // writer) decides the order.
    const audit: AuditEvent[] = [
      aStateChange(4, at(90), 'waiting_on_customer', 'resolved'),
      aStateChange(1, at(5), 'new', 'in_progress'),
      { ...aStateChange(2, at(10), 'in_progress', 'needs_info'), action: 'ticket.assigned' },
      aStateChange(3, at(30), 'in_progress', 'waiting_on_customer'),
      { ...aStateChange(5, at(95), 'resolved', 'in_progress'), after: { state: 'reopened' } },
      aStateChange(6, at(60), 'resolved', 'in_progress'),
    ];
    expect(stateHistory(ticket, audit)).toEqual([
      { at: T0.toISOString(), state: 'new' },
      { at: iso(5), state: 'in_progress' },
      { at: iso(30), state: 'waiting_on_customer' },
      { at: iso(90), state: 'resolved' },
      { at: iso(60), state: 'in_progress' },
    ]);
  });

  it('is just the current state since creation when the state never changed', () => {
    const ticket = aTicket({ state: 'needs_info' });
    expect(stateHistory(ticket, [])).toEqual([{ at: T0.toISOString(), state: 'needs_info' }]);
    const unrelated = { ...aStateChange(1, at(3), 'new', 'new'), action: 'ticket.triaged' };
    expect(stateHistory(ticket, [unrelated])).toEqual([{ at: T0.toISOString(), state: 'needs_info' }]);
  });
});

describe('responseMoments', () => {
  const customer = (minutes: number) => aMessage({ createdAt: iso(minutes) });
  const agentReply = (minutes: number, overrides: Partial<Message> = {}) =>
    aMessage({
      direction: 'outbound',
      author: { kind: 'agent', email: 'sam@support.example' },
      createdAt: iso(minutes),
      ...overrides,
    });
  const acknowledgement = (minutes: number) =>
    aMessage({
      direction: 'outbound',
      author: { kind: 'system' },
      template: 'acknowledgement',
      createdAt: iso(minutes),
    });

  it('counts only public outbound agent messages as responses, in time order', () => {
    const messages = [
      agentReply(40),
      customer(0),
      acknowledgement(1),
      agentReply(5, { visibility: 'internal' }),
      agentReply(12),
      customer(25),
      aMessage({ direction: 'inbound', author: { kind: 'integration' }, createdAt: iso(30) }),
    ];
    expect(responseMoments(messages)).toEqual({
      firstResponseAt: iso(12),
      lastAgentReplyAt: iso(40),
      lastCustomerMessageAt: iso(25),
    });
  });

  it('does not count the acknowledgement mail or an internal note as a first response', () => {
    expect(
      responseMoments([customer(0), acknowledgement(1), agentReply(2, { visibility: 'internal' })]),
    ).toEqual({ lastCustomerMessageAt: iso(0) });
    expect(responseMoments([])).toEqual({});
  });

  it('does not let an auto-reply, list mail or bounce count as the customer writing', () => {
    const robot = (minutes: number, mailClass: string) => aMessage({ createdAt: iso(minutes), mailClass });
    expect(
      responseMoments([
        customer(0),
        agentReply(10),
        robot(11, 'auto_reply'),
        robot(12, 'bounce'),
        robot(13, 'list'),
      ]),
    ).toEqual({ firstResponseAt: iso(10), lastAgentReplyAt: iso(10), lastCustomerMessageAt: iso(0) });
    expect(responseMoments([customer(0), agentReply(10), robot(11, 'human')]).lastCustomerMessageAt).toBe(
      iso(11),
    );
  });
});

describe('recordSla across a priority change', () => {
  it('keeps a recorded breach when the policy changes', () => {
    const normal = aTicket({ account: ENTERPRISE, priority: 'normal', state: 'in_progress' });
    const breached = record(normal, at(5 * 60)).ticket; // enterprise/normal: first response 240 min
    expect(target(breached, 'firstResponse').breachedAt).toBeDefined();
    const raised = record({ ...breached, priority: 'urgent' }, at(5 * 60 + 1));
    expect(raised.ticket.slaPolicy).toBe('enterprise/urgent');
    expect(target(raised.ticket, 'firstResponse').breachedAt).toBe(
      target(breached, 'firstResponse').breachedAt,
    );
    // Already announced under the old policy: not announced again.
    expect(raised.events.filter((e) => e.detail.target === 'firstResponse')).toEqual([]);
  });
});

describe('recordSla', () => {
  it('records the targets of a fresh ticket without announcing anything', () => {
    const ticket = urgentEnterprise();
    const result = record(ticket, at(1));
    expect(result.changed).toBe(true);
    expect(result.events).toEqual([]);
    expect(result.audit).toEqual([]);
    expect(result.nextCheckAt).toBe(FIRST_WARN);
    expect(result.ticket).toMatchObject({
      version: 2,
      auditSeq: 0,
      updatedAt: iso(1),
      slaPolicy: 'enterprise/urgent',
    });
    expect(result.ticket.sla).toEqual({
      policy: 'enterprise/urgent',
      evaluatedAt: iso(1),
      targets: [
        {
          target: 'firstResponse',
          status: 'running',
          dueAt: FIRST_DUE,
          warnAt: FIRST_WARN,
          startedAt: T0.toISOString(),
        },
        {
          target: 'resolution',
          status: 'running',
          dueAt: RESOLUTION_DUE,
          warnAt: RESOLUTION_WARN,
          startedAt: T0.toISOString(),
        },
      ],
    });
    expect(() => TicketSchema.parse(result.ticket)).not.toThrow();
    expect(ticket.sla).toBeUndefined(); // the input is not mutated
  });

  describe('on an urgent enterprise ticket (first response 30 min, warning at 22.5 min)', () => {
    const recorded = record(urgentEnterprise(), at(1)).ticket;
    const warned = record(recorded, at(23));

    it('warns once at 75 % of the first-response time', () => {
      expect(warned.changed).toBe(true);
      expect(warned.events).toEqual([
        {
          type: 'sla.warning',
          detail: {
            ticketId: recorded.id,
            version: 3,
            occurredAt: iso(23),
            reference: 'FD-7',
            policy: 'enterprise/urgent',
            target: 'firstResponse',
            dueAt: FIRST_DUE,
            priority: 'urgent',
            queue: 'frontline',
          },
        },
      ]);
      expect(warned.audit).toHaveLength(1);
      expect(warned.audit[0]).toMatchObject({
        ticketId: recorded.id,
        seq: 1,
        at: iso(23),
        actor: { kind: 'system', id: 'sla-clock' },
        action: 'sla.warned',
        before: null,
        after: {
          policy: 'enterprise/urgent',
          target: 'firstResponse',
          dueAt: FIRST_DUE,
          warnedAt: FIRST_WARN,
        },
      });
      expect(() => AuditEventSchema.parse(warned.audit[0])).not.toThrow();
      expect(warned.ticket.version).toBe(recorded.version + 1);
      expect(warned.ticket.auditSeq).toBe(1);
      expect(target(warned.ticket, 'firstResponse')).toEqual({
        target: 'firstResponse',
        status: 'warning',
        dueAt: FIRST_DUE,
        warnAt: FIRST_WARN,
        warnedAt: FIRST_WARN,
        startedAt: T0.toISOString(),
      });
      expect(target(warned.ticket, 'resolution').status).toBe('running');
      expect(warned.nextCheckAt).toBe(FIRST_DUE);
    });

    it('changes nothing when asked again, at the same moment or a little later', () => {
      for (const now of [at(23), at(26)]) {
        const again = record(warned.ticket, now);
        expect(again.changed).toBe(false);
        expect(again.ticket).toBe(warned.ticket);
        expect(again.events).toEqual([]);
        expect(again.audit).toEqual([]);
        expect(again.nextCheckAt).toBe(FIRST_DUE);
      }
    });

    // BUG: recordSla compares the recorded targets with JSON.stringify, which depends on key order.
    // It builds a target as {…, warnAt, startedAt, warnedAt}; TicketSchema (what the repository parses
    // every stored ticket with) gives {…, warnAt, warnedAt, startedAt}. So once a target has warned
    // (or been met / breached), every later check of the stored, unchanged ticket reports
    // `changed: true` and writes a new revision (version + 1) with nothing in it.
    it('changes nothing when asked again about the ticket as the repository reads it back', () => {
      const stored = TicketSchema.parse(JSON.parse(JSON.stringify(warned.ticket)));
      expect(stored.sla).toEqual(warned.ticket.sla);
      const again = record(stored, at(23));
      expect(again.changed).toBe(false);
      expect(again.ticket.version).toBe(warned.ticket.version);
    });

    it('announces the breach at the due time, without a second warning', () => {
      const breached = record(warned.ticket, at(30));
      expect(breached.events.map((e) => e.type)).toEqual(['sla.breached']);
      expect(breached.events[0]?.detail).toMatchObject({
        version: 4,
        target: 'firstResponse',
        dueAt: FIRST_DUE,
        occurredAt: FIRST_DUE,
      });
      expect(breached.audit.map((a) => [a.seq, a.action, a.after])).toEqual([
        [
          2,
          'sla.breached',
          { policy: 'enterprise/urgent', target: 'firstResponse', dueAt: FIRST_DUE, breachedAt: FIRST_DUE },
        ],
      ]);
      expect(breached.ticket.auditSeq).toBe(2);
      expect(target(breached.ticket, 'firstResponse')).toMatchObject({
        status: 'breached',
        dueAt: FIRST_DUE,
        warnedAt: FIRST_WARN,
        breachedAt: FIRST_DUE,
      });
      // The first response's clock is done; resolution warns next.
      expect(breached.nextCheckAt).toBe(RESOLUTION_WARN);
      // …and the breach is announced once.
      const later = record(breached.ticket, at(60));
      expect(later.changed).toBe(false);
      expect(later.events).toEqual([]);
    });

    it('does not count the acknowledgement mail as the first response', () => {
      const messages = [
        aMessage({ createdAt: T0.toISOString() }),
        aMessage({
          direction: 'outbound',
          author: { kind: 'system' },
          template: 'acknowledgement',
          createdAt: iso(0.1),
        }),
      ];
      const result = record(recorded, at(23), { messages });
      expect(result.events.map((e) => e.type)).toEqual(['sla.warning']);
    });
  });

  it('announces a warning and then the breach when the first check comes after the due time', () => {
    const ticket = urgentEnterprise({ auditSeq: 4 });
    const result = record(ticket, at(45));
    expect(result.events.map((e) => [e.type, e.detail.target])).toEqual([
      ['sla.warning', 'firstResponse'],
      ['sla.breached', 'firstResponse'],
    ]);
    for (const event of result.events) expect(() => DomainEventSchema.parse(event)).not.toThrow();
    expect(result.events.every((e) => e.detail.version === 2 && e.detail.dueAt === FIRST_DUE)).toBe(true);
    expect(result.audit.map((a) => [a.seq, a.action])).toEqual([
      [5, 'sla.warned'],
      [6, 'sla.breached'],
    ]);
    expect(result.audit[0]?.after).toMatchObject({ warnedAt: FIRST_WARN });
    expect(result.audit[1]?.after).toMatchObject({ breachedAt: FIRST_DUE });
    for (const entry of result.audit) expect(() => AuditEventSchema.parse(entry)).not.toThrow();
    expect(result.ticket).toMatchObject({ version: 2, auditSeq: 6 });
    expect(target(result.ticket, 'firstResponse')).toMatchObject({
      status: 'breached',
      warnedAt: FIRST_WARN,
      breachedAt: FIRST_DUE,
    });
  });

  describe('while the ticket waits on the customer', () => {
    // Waiting on the customer from minute 10 (before the warning at 22.5), back in progress at minute 120.
    const paused = urgentEnterprise({ state: 'waiting_on_customer', auditSeq: 1 });
    const pauseAudit = [aStateChange(1, at(10), 'in_progress', 'waiting_on_customer', paused.id)];

    it('neither warns nor breaches, however long it waits, and schedules no check', () => {
      const recorded = record(paused, at(11), { audit: pauseAudit });
      for (const now of [at(23), at(31), at(5 * 60)]) {
        const result = record(recorded.ticket, now, { audit: pauseAudit });
        expect(result.events).toEqual([]);
        expect(result.audit).toEqual([]);
        expect(result.nextCheckAt).toBeNull();
        expect(result.ticket.sla?.targets.map((t) => [t.target, t.status, t.dueAt, t.warnAt])).toEqual([
          ['firstResponse', 'paused', null, null],
          ['resolution', 'paused', null, null],
        ]);
      }
    });

    it('moves the due times by the length of the pause once work resumes', () => {
      const resumed = { ...paused, state: 'in_progress' as const, auditSeq: 2 };
      const audit = [
        ...pauseAudit,
        aStateChange(2, at(120), 'waiting_on_customer', 'in_progress', paused.id),
      ];
      const pause = 110 * MINUTE;
      const result = record(resumed, at(125), { audit });
      expect(result.events).toEqual([]);
      expect(target(result.ticket, 'firstResponse')).toMatchObject({
        status: 'running',
        dueAt: new Date(Date.parse(FIRST_DUE) + pause).toISOString(), // 11:50
        warnAt: new Date(Date.parse(FIRST_WARN) + pause).toISOString(), // 11:42:30
      });
      expect(target(result.ticket, 'resolution')).toMatchObject({
        status: 'running',
        dueAt: new Date(Date.parse(RESOLUTION_DUE) + pause).toISOString(),
      });
      expect(result.nextCheckAt).toBe('2025-03-04T11:42:30.000Z');

      const warned = record(result.ticket, at(133), { audit });
      expect(warned.events).toHaveLength(1);
      expect(warned.events[0]).toMatchObject({
        type: 'sla.warning',
        detail: { target: 'firstResponse', dueAt: '2025-03-04T11:50:00.000Z' },
      });
      expect(warned.audit[0]).toMatchObject({ seq: 3, action: 'sla.warned' });
    });
  });

  it('records the first response as met when an agent replied before the due time, and never breaches it', () => {
    const recorded = record(urgentEnterprise(), at(1)).ticket;
    const messages = [
      aMessage({ createdAt: T0.toISOString() }),
      aMessage({
        direction: 'outbound',
        author: { kind: 'agent', email: 'sam@support.example' },
        createdAt: iso(20),
      }),
    ];
    const met = record(recorded, at(25), { messages });
    expect(met.events).toEqual([]);
    expect(met.audit).toHaveLength(1);
    expect(met.audit[0]).toMatchObject({
      seq: 1,
      action: 'sla.met',
      after: { policy: 'enterprise/urgent', target: 'firstResponse', metAt: iso(20) },
    });
    expect(met.ticket).toMatchObject({ version: 3, auditSeq: 1 });
    expect(target(met.ticket, 'firstResponse')).toMatchObject({ status: 'met', metAt: iso(20) });
    expect(target(met.ticket, 'firstResponse').warnedAt).toBeUndefined();
    expect(met.nextCheckAt).toBe(RESOLUTION_WARN);

    const later = record(met.ticket, at(60), { messages });
    expect(later.changed).toBe(false);
    expect(later.events).toEqual([]);
    expect(later.audit).toEqual([]);
  });

  it('looks again at the next warning or due time', () => {
    // Fresh: the first-response warning; warned: its due time; first response met: resolution's warning.
    const fresh = record(urgentEnterprise(), at(1));
    expect(fresh.nextCheckAt).toBe(FIRST_WARN);
    expect(record(fresh.ticket, at(23)).nextCheckAt).toBe(FIRST_DUE);
    const reply = aMessage({ direction: 'outbound', author: { kind: 'agent' }, createdAt: iso(5) });
    expect(record(fresh.ticket, at(6), { messages: [reply] }).nextCheckAt).toBe(RESOLUTION_WARN);
  });

  it('switches to the new priority’s targets when the priority changes', () => {
    const normal = record(aTicket({ account: ENTERPRISE, state: 'in_progress' }), at(1));
    expect(normal.ticket.slaPolicy).toBe('enterprise/normal');
    expect(target(normal.ticket, 'firstResponse').dueAt).toBe(iso(240));
    expect(record(normal.ticket, at(25)).events).toEqual([]); // 25 min is nothing for normal

    const raised = record({ ...normal.ticket, priority: 'urgent' }, at(25));
    expect(raised.changed).toBe(true);
    expect(raised.ticket.slaPolicy).toBe('enterprise/urgent');
    expect(raised.ticket.sla?.policy).toBe('enterprise/urgent');
    expect(target(raised.ticket, 'firstResponse')).toMatchObject({ status: 'warning', dueAt: FIRST_DUE });
    expect(target(raised.ticket, 'resolution').dueAt).toBe(RESOLUTION_DUE);
    expect(raised.events).toEqual([
      expect.objectContaining({
        type: 'sla.warning',
        detail: expect.objectContaining({
          policy: 'enterprise/urgent',
          priority: 'urgent',
          dueAt: FIRST_DUE,
        }),
      }),
    ]);
  });

  describe('on business hours (standard policy, Europe/Berlin 09:00–17:00 on weekdays)', () => {
    it('carries a Friday 16:30 ticket’s first response over the weekend to Monday', () => {
      // Friday 2026-11-27 16:30 in Berlin (CET, UTC+1) = 15:30Z. Normal priority: 8 business hours
      // to respond: 30 min on Friday, 7 h 30 on Monday → Monday 16:30 CET. The warning at 75 % (6 h):
      // 30 min Friday + 5 h 30 Monday → Monday 14:30 CET.
      const createdAt = '2026-11-27T15:30:00.000Z';
      const ticket = aTicket({ createdAt, updatedAt: createdAt, state: 'in_progress' });
      const friday = record(ticket, new Date('2026-11-27T15:31:00.000Z'));
      expect(friday.ticket.slaPolicy).toBe('standard/normal');
      expect(target(friday.ticket, 'firstResponse')).toMatchObject({
        status: 'running',
        dueAt: '2026-11-30T15:30:00.000Z',
        warnAt: '2026-11-30T13:30:00.000Z',
      });
      // Resolution, 40 business hours: 30 min Friday + 4 × 8 h Mon–Thu + 7 h 30 on Friday 2026-12-04
      // → 16:30 CET; warning at 30 h: 30 min + 3 × 8 h + 5 h 30 on Thursday → 14:30 CET.
      expect(target(friday.ticket, 'resolution')).toMatchObject({
        status: 'running',
        dueAt: '2026-12-04T15:30:00.000Z',
        warnAt: '2026-12-03T13:30:00.000Z',
      });
      expect(friday.nextCheckAt).toBe('2026-11-30T13:30:00.000Z');

      // Nothing moves over the weekend.
      expect(record(friday.ticket, new Date('2026-11-28T12:00:00.000Z')).changed).toBe(false);
      expect(record(friday.ticket, new Date('2026-11-30T13:29:00.000Z')).events).toEqual([]);
      // Monday 14:30 CET it warns.
      const monday = record(friday.ticket, new Date('2026-11-30T13:30:00.000Z'));
      expect(monday.events).toEqual([
        expect.objectContaining({
          type: 'sla.warning',
          detail: expect.objectContaining({ target: 'firstResponse', dueAt: '2026-11-30T15:30:00.000Z' }),
        }),
      ]);
    });

    it('skips the Christmas holidays', () => {
      // Wednesday 2026-12-23 16:00 CET: 1 h that day, 24th and 25th are holidays, then the weekend;
      // the other 7 h on Monday 2026-12-28 → 16:00 CET = 15:00Z.
      const createdAt = '2026-12-23T15:00:00.000Z';
      const ticket = aTicket({ createdAt, updatedAt: createdAt, state: 'in_progress' });
      const result = record(ticket, new Date(createdAt));
      expect(target(result.ticket, 'firstResponse').dueAt).toBe('2026-12-28T15:00:00.000Z');
    });
  });
});

describe('openingSla', () => {
  it('gives a new ticket its policy and targets as of its opening', () => {
    const ticket = urgentEnterprise({ state: 'new' });
    expect(openingSla(ticket, [], workflowConfig, T0)).toEqual({
      slaPolicy: 'enterprise/urgent',
      sla: {
        policy: 'enterprise/urgent',
        evaluatedAt: T0.toISOString(),
        targets: [
          {
            target: 'firstResponse',
            status: 'running',
            dueAt: FIRST_DUE,
            warnAt: FIRST_WARN,
            startedAt: T0.toISOString(),
          },
          {
            target: 'resolution',
            status: 'running',
            dueAt: RESOLUTION_DUE,
            warnAt: RESOLUTION_WARN,
            startedAt: T0.toISOString(),
          },
        ],
      },
    });
  });

  it('puts a ticket without an account on the standard policy', () => {
    const opened = openingSla(aTicket({ priority: 'low' }), [], workflowConfig, T0);
    expect(opened.slaPolicy).toBe('standard/low');
    expect(opened.sla?.targets.map((t) => t.status)).toEqual(['running', 'running']);
  });
});
