import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import {
  ALWAYS_OPEN,
  type AuditEvent,
  addDuration,
  businessDayMs,
  DomainEventSchema,
  isOpen,
  type Message,
  plannedActions,
  runAutomation,
  type Ticket,
  type TicketState,
} from '../../shared/domain';
import { aMessage, aStateChange, aTicket, ids, T0 } from './builders';

// T0 is Tuesday 2025-03-04 09:30 UTC (10:30 in Berlin). Tickets without an enterprise account are on the
// standard policy's calendar: Berlin, Monday to Friday 09:00–17:00 (an 8-hour business day).
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const plus = (ms: number) => new Date(T0.getTime() + ms);
const CAL = workflowConfig.sla.calendars['eu-business-hours'];
if (!CAL) throw new Error('the default config has the eu-business-hours calendar');

/** A ticket that entered `state` at T0 (an agent moved it from in_progress). */
function waiting(state: TicketState, overrides: Partial<Ticket> = {}) {
  const ticket = aTicket({
    state,
    auditSeq: 1,
    version: 3,
    createdAt: plus(-DAY).toISOString(),
    ...overrides,
  });
  const audit: AuditEvent[] = [aStateChange(1, T0, 'in_progress', state, ticket.id)];
  return { ticket, audit, messages: [] as Message[] };
}

function run(h: { ticket: Ticket; audit: AuditEvent[]; messages: Message[] }, now: Date) {
  return runAutomation({ ...h, config: workflowConfig, now, newId: ids(now) });
}

/** Runs the clock at `now` and folds what it wrote into the history, as the repository would. */
function step(h: { ticket: Ticket; audit: AuditEvent[]; messages: Message[] }, now: Date) {
  const out = run(h, now);
  return { out, h: { ticket: out.ticket, audit: [...h.audit, ...out.audit], messages: h.messages } };
}

describe('durations on a business calendar', () => {
  it('makes a business day as long as the longest open day, and 2bd from Tuesday 10:30 Thursday 10:30', () => {
    expect(businessDayMs(CAL)).toBe(8 * HOUR);
    expect(businessDayMs(ALWAYS_OPEN)).toBe(DAY);
    expect(addDuration(CAL, T0, '2bd').toISOString()).toBe('2025-03-06T09:30:00.000Z');
    // Friday 16:00 Berlin + 2 business hours → Monday 10:00 Berlin.
    expect(addDuration(CAL, new Date('2025-03-07T15:00:00Z'), '2bh').toISOString()).toBe(
      '2025-03-10T09:00:00.000Z',
    );
    expect(addDuration(CAL, T0, '4d').toISOString()).toBe(plus(4 * DAY).toISOString());
  });
});

describe('waiting on the customer', () => {
  it('plans two reminders and a "no reply" resolution, all in business hours', () => {
    const planned = plannedActions({ ...waiting('waiting_on_customer'), config: workflowConfig, now: T0 });
    expect(planned.map((p) => [p.action, p.at, p.round])).toEqual([
      ['reminder', '2025-03-06T09:30:00.000Z', 1],
      ['auto_resolved', '2025-03-18T09:30:00.000Z', undefined],
    ]);
    for (const p of planned) expect(isOpen(CAL, new Date(p.at))).toBe(true);
  });

  it('sends one reminder when it is due, records it, and plans the next; asking again does nothing', () => {
    const start = waiting('waiting_on_customer');
    const { out, h } = step(start, plus(2 * DAY + HOUR));
    expect(out.audit.map((a) => [a.action, a.actor, a.after])).toEqual([
      [
        'automation.reminded',
        { kind: 'system', id: 'automation' },
        { since: T0.toISOString(), dueAt: '2025-03-06T09:30:00.000Z', round: 1 },
      ],
    ]);
    expect(out.events.map((e) => [e.type, e.detail.version])).toEqual([['automation.reminder', 4]]);
    for (const e of out.events) expect(DomainEventSchema.safeParse(e).success).toBe(true);
    expect(out.ticket.version).toBe(4);
    expect(out.upcoming[0]).toMatchObject({ action: 'reminder', round: 2 });

    const again = run(h, plus(2 * DAY + 2 * HOUR));
    expect(again.audit).toEqual([]);
    expect(again.events).toEqual([]);
    expect(again.ticket).toBe(h.ticket);
  });

  it('sends only the latest reminder when the clock jumped past both', () => {
    const { out } = step(waiting('needs_info', { missingFields: ['x'] }), plus(8 * DAY));
    expect(out.audit.map((a) => a.after?.round)).toEqual([2]);
  });

  it('restarts the wait when an agent asks again in a public reply', () => {
    const start = waiting('waiting_on_customer');
    const reply = aMessage({
      ticketId: start.ticket.id,
      direction: 'outbound',
      visibility: 'public',
      author: { kind: 'agent', email: 'agent@example.com' },
      createdAt: plus(DAY).toISOString(),
    });
    const planned = plannedActions({ ...start, messages: [reply], config: workflowConfig, now: plus(DAY) });
    expect(planned[0]).toMatchObject({ action: 'reminder', since: plus(DAY).toISOString(), round: 1 });
  });

  it('resolves a ticket nobody answered as "no reply", with the cause on its state change, and no reminder', () => {
    const { out } = step(waiting('waiting_on_customer'), plus(20 * DAY));
    expect(out.ticket.state).toBe('resolved');
    expect(out.audit.map((a) => a.action)).toEqual(['ticket.state_changed', 'automation.auto_resolved']);
    expect(out.events.map((e) => e.type)).toEqual(['ticket.state_changed', 'automation.auto_resolved']);
    expect(out.events[0]?.detail).toMatchObject({ to: 'resolved', cause: 'automation:no_reply' });
    expect(out.audit.map((a) => a.seq)).toEqual([2, 3]);
    expect(out.ticket.auditSeq).toBe(3);
  });

  it('never resolves a billing dispute for want of a reply', () => {
    const dispute = waiting('waiting_on_customer', { requestType: 'billing_dispute', queue: 'billing' });
    const { out } = step(dispute, plus(60 * DAY));
    expect(out.ticket.state).toBe('waiting_on_customer');
    expect(out.audit.map((a) => a.action)).toEqual(['automation.reminded']);
  });
});

describe('waiting on another team', () => {
  it('sends a bug report status update every three business days, one each', () => {
    const bug = waiting('waiting_on_team', { requestType: 'bug_report' });
    const updates = (out: { events: Array<{ type: string }> }) =>
      out.events.filter((e) => e.type === 'automation.status_update');
    // Tuesday 10:30 + 3 business days = Friday 10:30 Berlin.
    expect(
      plannedActions({ ...bug, config: workflowConfig, now: T0 }).find((p) => p.action === 'status_update')
        ?.at,
    ).toBe('2025-03-07T09:30:00.000Z');
    const first = step(bug, plus(3 * DAY));
    expect(updates(first.out)).toHaveLength(1);
    // Three business days after that one went out: the next Wednesday.
    expect(first.out.upcoming.find((p) => p.action === 'status_update')?.at).toBe('2025-03-12T09:30:00.000Z');
    expect(run(first.h, plus(3 * DAY + HOUR)).events).toEqual([]);
    const second = step(first.h, new Date('2025-03-12T10:00:00Z'));
    expect(updates(second.out)).toHaveLength(1);
    expect(second.out.audit.find((a) => a.action === 'automation.status_updated')?.after).toMatchObject({
      round: 2,
    });
  });

  it('nudges the owning queue once, after two business days, as an internal notice', () => {
    const { out } = step(waiting('waiting_on_team'), plus(2 * DAY + HOUR));
    expect(out.events.map((e) => [e.type, e.detail])).toEqual([
      ['automation.team_nudge', expect.objectContaining({ notify: 'frontline@example.com' })],
    ]);
  });
});

describe('after resolution', () => {
  it('closes a resolved ticket after four quiet days, and follows up an access request after one business day', () => {
    const resolved = waiting('resolved');
    const closed = step(resolved, plus(4 * DAY));
    expect(closed.out.ticket.state).toBe('closed');
    expect(closed.out.events[0]?.detail).toMatchObject({ to: 'closed', cause: 'automation:quiet_days' });
    expect(closed.out.upcoming).toEqual([]);

    const access = waiting('resolved', { requestType: 'access_request', queue: 'security' });
    const planned = plannedActions({ ...access, config: workflowConfig, now: T0 });
    expect(planned.map((p) => [p.action, p.at])).toEqual([
      ['follow_up', '2025-03-05T09:30:00.000Z'],
      ['auto_closed', '2025-03-08T09:30:00.000Z'],
    ]);
    const followed = step(access, plus(DAY));
    expect(followed.out.events.map((e) => e.type)).toEqual(['automation.follow_up']);
    expect(run(followed.h, plus(DAY + HOUR)).events).toEqual([]);
  });

  it('never closes a billing dispute by itself', () => {
    const dispute = waiting('resolved', { requestType: 'billing_dispute', queue: 'billing' });
    expect(step(dispute, plus(90 * DAY)).out.ticket.state).toBe('resolved');
  });
});

describe('the idle rule', () => {
  it('flags a ticket nobody on the team touched for two business days, once, to the queue owner', () => {
    const fresh = { ticket: aTicket({ state: 'new' }), audit: [] as AuditEvent[], messages: [] as Message[] };
    expect(run(fresh, plus(DAY)).events).toEqual([]);
    const flagged = step(fresh, plus(2 * DAY + HOUR));
    expect(
      flagged.out.events.map((e) => [e.type, 'notify' in e.detail ? e.detail.notify : undefined]),
    ).toEqual([['automation.idle', 'frontline@example.com']]);
    expect(run(flagged.h, plus(5 * DAY)).events).toEqual([]);
    // An agent touching it starts the wait again.
    const touched = {
      ...flagged.h,
      audit: [...flagged.h.audit, aStateChange(3, plus(5 * DAY), 'new', 'in_progress', fresh.ticket.id)],
      ticket: { ...flagged.h.ticket, state: 'in_progress' as const },
    };
    expect(plannedActions({ ...touched, config: workflowConfig, now: plus(5 * DAY) })[0]).toMatchObject({
      action: 'idle',
      since: plus(5 * DAY).toISOString(),
    });
  });
});

describe('the idle rule set to escalate', () => {
  it('hands a forgotten ticket to the escalation path that takes idle tickets, once', () => {
    const config = {
      ...workflowConfig,
      automation: { ...workflowConfig.automation, idle: { after: '8bh', action: 'escalate' as const } },
      escalationPaths: {
        forgotten: {
          description: 'Nobody touched it for a business day',
          triggers: [{ on: 'idle' as const }],
          steps: [{ queue: 'escalation_desk', acknowledgeWithinMinutes: 60 }],
        },
        ...workflowConfig.escalationPaths,
      },
    };
    const fresh = { ticket: aTicket({ state: 'new' }), audit: [] as AuditEvent[], messages: [] as Message[] };
    const now = plus(DAY + HOUR);
    const out = runAutomation({ ...fresh, config, now, newId: ids(now) });
    expect(out.events.map((e) => e.type)).toEqual(['ticket.escalated', 'automation.idle']);
    expect(out.ticket).toMatchObject({
      queue: 'escalation_desk',
      escalation: { path: 'forgotten', step: 1 },
    });
    expect(out.audit.map((a) => a.seq)).toEqual([1, 2]);
    const again = runAutomation({
      ...fresh,
      ticket: out.ticket,
      audit: out.audit,
      config,
      now,
      newId: ids(now),
    });
    expect(again.events).toEqual([]);
  });
});
