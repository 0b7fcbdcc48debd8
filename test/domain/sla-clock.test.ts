import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, type BusinessCalendar, BusinessCalendarSchema } from '../../shared/domain/calendar';
import {
  evaluateSla,
  InvalidSlaInputError,
  type SlaInput,
  type SlaPolicy,
  type SlaPolicyInput,
  SlaPolicySchema,
  type SlaStateChange,
  type SlaTarget,
  type SlaTargetResult,
} from '../../shared/domain/sla-clock';
import type { TicketState } from '../../shared/domain/ticket';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const policy = (overrides: Partial<SlaPolicyInput> = {}): SlaPolicy =>
  SlaPolicySchema.parse({
    firstResponseMinutes: 60,
    resolutionMinutes: 8 * 60,
    warnAtShare: 0.8,
    calendar: '24x7',
    ...overrides,
  });

const nineToFive = [{ start: '09:00', end: '17:00' }];
const berlinOffice: BusinessCalendar = BusinessCalendarSchema.parse({
  timeZone: 'Europe/Berlin',
  week: {
    mon: nineToFive,
    tue: nineToFive,
    wed: nineToFive,
    thu: nineToFive,
    fri: nineToFive,
    sat: [],
    sun: [],
  },
  holidays: ['2026-04-03', '2026-04-06'],
});

/** Monday 2026-03-02 09:00 UTC plus some hours. */
const T = (hours: number) => new Date(Date.parse('2026-03-02T09:00:00Z') + hours * HOUR);
const iso = (hours: number) => T(hours).toISOString();
const change = (hours: number, state: TicketState): SlaStateChange => ({ at: iso(hours), state });

function evaluate(input: Partial<SlaInput> & { now: Date }) {
  return evaluateSla({
    policy: policy(),
    calendar: ALWAYS_OPEN,
    history: [change(0, 'new'), change(0.1, 'in_progress')],
    ...input,
  });
}

function target(evaluation: ReturnType<typeof evaluateSla>, name: SlaTarget): SlaTargetResult {
  const found = evaluation.targets.find((t) => t.target === name);
  if (!found) throw new Error(`no ${name} target in ${JSON.stringify(evaluation)}`);
  return found;
}

describe('the SLA policy schema', () => {
  it('pauses in waiting_on_customer unless told otherwise', () => {
    expect(policy().pauseStates).toEqual(['waiting_on_customer']);
  });

  it('takes an optional next-response target and other pause states', () => {
    const parsed = policy({ nextResponseMinutes: 120, pauseStates: ['waiting_on_customer', 'needs_info'] });
    expect(parsed).toMatchObject({
      nextResponseMinutes: 120,
      pauseStates: ['waiting_on_customer', 'needs_info'],
    });
  });

  it('refuses a warning share outside 0..1, targets under a minute and unknown states', () => {
    const paths = (input: Partial<SlaPolicyInput> | Record<string, unknown>) => {
      const parsed = SlaPolicySchema.safeParse({
        firstResponseMinutes: 60,
        resolutionMinutes: 480,
        warnAtShare: 0.8,
        calendar: 'office',
        ...input,
      });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    };
    expect(paths({ warnAtShare: 1.2 })).toEqual(['warnAtShare']);
    expect(paths({ warnAtShare: -0.1 })).toEqual(['warnAtShare']);
    expect(paths({ firstResponseMinutes: 0 })).toEqual(['firstResponseMinutes']);
    expect(paths({ resolutionMinutes: 1.5 })).toEqual(['resolutionMinutes']);
    expect(paths({ calendar: '' })).toEqual(['calendar']);
    expect(paths({ pauseStates: ['on_holiday'] })).toEqual(['pauseStates.0']);
  });

  it('refuses resolved or closed as pause states, since they stop the clock', () => {
    const parsed = SlaPolicySchema.safeParse({
      firstResponseMinutes: 60,
      resolutionMinutes: 480,
      warnAtShare: 0.8,
      calendar: 'office',
      pauseStates: ['waiting_on_customer', 'resolved'],
    });
    expect(parsed.success ? [] : parsed.error.issues).toEqual([
      expect.objectContaining({
        path: ['pauseStates', 1],
        message: expect.stringContaining('stops the clock'),
      }),
    ]);
  });
});

describe('a fresh ticket', () => {
  it('runs its first-response and resolution clocks from creation on a 24x7 calendar', () => {
    const result = evaluate({ now: T(0.25) });
    expect(result.targets).toEqual([
      {
        target: 'firstResponse',
        status: 'running',
        dueAt: iso(1),
        warnAt: iso(0.8),
        elapsedMs: 15 * MINUTE,
      },
      {
        target: 'resolution',
        status: 'running',
        dueAt: iso(8),
        warnAt: iso(6.4),
        elapsedMs: 15 * MINUTE,
      },
    ]);
    expect(result.nextCheckAt).toBe(iso(0.8));
  });

  it('counts only business hours: created Friday 16:00 with 4 business hours is due Monday 12:00 (9–17)', () => {
    const friday = '2026-03-06T15:00:00.000Z'; // 16:00 Berlin
    const result = evaluateSla({
      policy: policy({ firstResponseMinutes: 240, resolutionMinutes: 16 * 60, calendar: 'office' }),
      calendar: berlinOffice,
      history: [{ at: friday, state: 'new' }],
      now: new Date('2026-03-07T12:00:00Z'), // Saturday: closed, nothing counts
    });
    expect(target(result, 'firstResponse')).toEqual({
      target: 'firstResponse',
      status: 'running',
      dueAt: '2026-03-09T11:00:00.000Z', // Monday 12:00 Berlin
      warnAt: '2026-03-09T10:12:00.000Z', // 80 % = 3h12: one hour Friday, 2h12 Monday
      elapsedMs: HOUR,
    });
    // Resolution: 1h Friday + 8h Monday + 7h Tuesday.
    expect(target(result, 'resolution').dueAt).toBe('2026-03-10T15:00:00.000Z');
    expect(result.nextCheckAt).toBe('2026-03-09T10:12:00.000Z');
  });

  it('skips holidays when computing a due time (Easter 2026)', () => {
    const result = evaluateSla({
      policy: policy({ firstResponseMinutes: 240, calendar: 'office' }),
      calendar: berlinOffice,
      history: [{ at: '2026-04-02T14:00:00.000Z', state: 'new' }], // Thursday 16:00 CEST
      now: new Date('2026-04-02T14:00:00.000Z'),
    });
    expect(target(result, 'firstResponse').dueAt).toBe('2026-04-07T10:00:00.000Z'); // Tuesday 12:00
  });

  it('keeps business durations right across the Berlin DST change', () => {
    const result = evaluateSla({
      policy: policy({ firstResponseMinutes: 240, calendar: 'office' }),
      calendar: berlinOffice,
      history: [{ at: '2026-03-27T15:00:00.000Z', state: 'new' }], // Friday 16:00 CET
      now: new Date('2026-03-30T09:00:00.000Z'), // Monday 11:00 CEST: 3 business hours in
    });
    expect(target(result, 'firstResponse')).toMatchObject({
      status: 'running',
      dueAt: '2026-03-30T10:00:00.000Z', // Monday 12:00 CEST
      warnAt: '2026-03-30T09:12:00.000Z', // Monday 11:12 CEST
      elapsedMs: 3 * HOUR,
    });
  });

  it('does not count time before the ticket existed', () => {
    const result = evaluate({ history: [change(1, 'new')], now: T(0.5) });
    expect(target(result, 'firstResponse')).toMatchObject({ status: 'paused', elapsedMs: 0, dueAt: null });
  });
});

describe('warnings', () => {
  it('warns once 80 % of the target has elapsed', () => {
    const result = evaluate({ now: T(0.9) });
    expect(target(result, 'firstResponse')).toEqual({
      target: 'firstResponse',
      status: 'warning',
      dueAt: iso(1),
      warnAt: iso(0.8),
      elapsedMs: 54 * MINUTE,
    });
    expect(result.nextCheckAt).toBe(iso(1));
  });

  it('is already warning at the exact warning instant, so a timer woken then sees it', () => {
    expect(target(evaluate({ now: T(0.8) }), 'firstResponse').status).toBe('warning');
    expect(target(evaluate({ now: new Date(T(0.8).getTime() - 1) }), 'firstResponse').status).toBe('running');
  });

  it('follows the policy’s share', () => {
    const result = evaluate({ policy: policy({ warnAtShare: 0.5 }), now: T(0.1) });
    expect(target(result, 'firstResponse').warnAt).toBe(iso(0.5));
  });

  it('warns from the start with a zero share', () => {
    const result = evaluate({ policy: policy({ warnAtShare: 0 }), now: T(0) });
    expect(target(result, 'firstResponse')).toMatchObject({
      status: 'warning',
      warnAt: iso(0),
      dueAt: iso(1),
    });
    expect(result.nextCheckAt).toBe(iso(1));
  });
});

describe('met and breached', () => {
  it('is met when the first response comes before the due time', () => {
    const result = evaluate({ firstResponseAt: iso(0.5), now: T(2) });
    expect(target(result, 'firstResponse')).toEqual({
      target: 'firstResponse',
      status: 'met',
      dueAt: null,
      warnAt: null,
      elapsedMs: 30 * MINUTE,
      metAt: iso(0.5),
    });
  });

  it('is met, not breached, when the response lands exactly at the due time', () => {
    expect(target(evaluate({ firstResponseAt: iso(1), now: T(2) }), 'firstResponse').status).toBe('met');
  });

  it('is breached when no response came by the due time', () => {
    const result = evaluate({ now: T(1.5) });
    expect(target(result, 'firstResponse')).toEqual({
      target: 'firstResponse',
      status: 'breached',
      dueAt: iso(1),
      warnAt: iso(0.8),
      elapsedMs: 90 * MINUTE,
      breachedAt: iso(1),
    });
    expect(result.nextCheckAt).toBe(iso(6.4)); // only resolution can still change
  });

  it('is breached at the exact due instant, so a timer woken then sees the breach', () => {
    expect(target(evaluate({ now: T(1) }), 'firstResponse').status).toBe('breached');
  });

  it('stays breached when the response finally comes late', () => {
    const result = evaluate({ firstResponseAt: iso(1.25), now: T(2) });
    expect(target(result, 'firstResponse')).toMatchObject({
      status: 'breached',
      breachedAt: iso(1),
      elapsedMs: 75 * MINUTE,
    });
    expect(target(result, 'firstResponse').metAt).toBeUndefined();
  });

  it('ignores a response stamped after now (the clock answers as of now)', () => {
    expect(target(evaluate({ firstResponseAt: iso(3), now: T(0.5) }), 'firstResponse').status).toBe(
      'running',
    );
  });

  it('breaches resolution on business time, not wall time', () => {
    const monday = '2026-03-02T08:00:00.000Z'; // 09:00 Berlin
    const input = {
      policy: policy({ firstResponseMinutes: 60, resolutionMinutes: 16 * 60, calendar: 'office' }),
      calendar: berlinOffice,
      history: [{ at: monday, state: 'in_progress' as const }],
      firstResponseAt: '2026-03-02T08:30:00.000Z',
    };
    // Tuesday 16:59 Berlin: 15h59 of business time.
    expect(
      target(evaluateSla({ ...input, now: new Date('2026-03-03T15:59:00Z') }), 'resolution').status,
    ).toBe('warning');
    expect(
      target(evaluateSla({ ...input, now: new Date('2026-03-04T07:00:00Z') }), 'resolution'),
    ).toMatchObject({
      status: 'breached',
      breachedAt: '2026-03-03T16:00:00.000Z', // Tuesday 17:00
      elapsedMs: 16 * HOUR,
    });
  });
});

describe('pauses', () => {
  // Friday 2026-03-06 10:00 UTC, 24x7: waiting on the customer from Friday 12:00 to Monday 09:00.
  const F = (hours: number) => new Date(Date.parse('2026-03-06T10:00:00Z') + hours * HOUR);
  const weekendPause: SlaStateChange[] = [
    { at: F(0).toISOString(), state: 'new' },
    { at: F(0.5).toISOString(), state: 'in_progress' },
    { at: F(2).toISOString(), state: 'waiting_on_customer' },
    { at: F(71).toISOString(), state: 'in_progress' },
  ];
  const paused = (now: Date) =>
    evaluateSla({
      policy: policy(),
      calendar: ALWAYS_OPEN,
      history: weekendPause,
      firstResponseAt: F(0.5).toISOString(),
      now,
    });

  it('does not count the weekend spent waiting on the customer, then resumes', () => {
    const during = paused(F(30)); // Saturday
    expect(target(during, 'resolution')).toEqual({
      target: 'resolution',
      status: 'paused',
      dueAt: null,
      warnAt: null,
      elapsedMs: 2 * HOUR,
    });
    const after = paused(F(72)); // Monday 10:00
    expect(target(after, 'resolution')).toMatchObject({
      status: 'running',
      elapsedMs: 3 * HOUR,
      dueAt: F(71 + 6).toISOString(), // 8h - 2h before the pause
      warnAt: F(71 + 4.4).toISOString(),
    });
  });

  it('never breaches while paused, however long the pause', () => {
    const history: SlaStateChange[] = [change(0, 'new'), change(0.1, 'waiting_on_customer')];
    const result = evaluate({ history, now: T(500) });
    expect(result.targets.map((t) => t.status)).toEqual(['paused', 'paused']);
    expect(result.targets.map((t) => t.elapsedMs)).toEqual([6 * MINUTE, 6 * MINUTE]);
  });

  it('moves nextCheckAt: set while running, null while paused, later after resuming', () => {
    const before = paused(F(1));
    expect(before.nextCheckAt).toBe(F(6.4).toISOString()); // resolution warns at 6h24
    expect(paused(F(30)).nextCheckAt).toBeNull();
    expect(paused(F(72)).nextCheckAt).toBe(F(71 + 4.4).toISOString()); // moved by the 69-hour pause
  });

  it('breaches after resuming once the remaining time runs out', () => {
    expect(target(paused(F(77.5)), 'resolution')).toMatchObject({
      status: 'breached',
      breachedAt: F(77).toISOString(),
      elapsedMs: 8.5 * HOUR,
    });
  });

  it('pauses in whatever states the policy names', () => {
    const history: SlaStateChange[] = [
      change(0, 'new'),
      change(0.25, 'waiting_on_team'),
      change(2.25, 'in_progress'),
    ];
    const teamPauses = policy({ pauseStates: ['waiting_on_customer', 'waiting_on_team'] });
    expect(target(evaluate({ history, now: T(1) }), 'firstResponse').status).toBe('breached');
    expect(target(evaluate({ history, policy: teamPauses, now: T(1) }), 'firstResponse').status).toBe(
      'paused',
    );
    expect(target(evaluate({ history, policy: teamPauses, now: T(2.5) }), 'firstResponse')).toMatchObject({
      status: 'running',
      dueAt: iso(3),
      elapsedMs: 30 * MINUTE,
    });
  });

  it('pauses on business hours too: a pause only removes time that would have counted', () => {
    // In the office calendar, a pause from Friday 16:30 to Monday 10:00 removes 30 + 60 minutes.
    const history: SlaStateChange[] = [
      { at: '2026-03-06T14:00:00.000Z', state: 'in_progress' }, // Friday 15:00
      { at: '2026-03-06T15:30:00.000Z', state: 'waiting_on_customer' }, // Friday 16:30
      { at: '2026-03-09T09:00:00.000Z', state: 'in_progress' }, // Monday 10:00
    ];
    const result = evaluateSla({
      policy: policy({ firstResponseMinutes: 240, calendar: 'office' }),
      calendar: berlinOffice,
      history,
      now: new Date('2026-03-09T09:00:00.000Z'),
    });
    expect(target(result, 'firstResponse')).toMatchObject({
      status: 'running',
      elapsedMs: 1.5 * HOUR,
      dueAt: '2026-03-09T11:30:00.000Z', // Monday 12:30: 2h30 left
    });
  });
});

describe('resolution', () => {
  it('stops when the ticket is resolved, met before the due time', () => {
    const history = [
      change(0, 'new'),
      change(0.1, 'in_progress'),
      change(5, 'resolved'),
      change(30, 'closed'),
    ];
    const result = evaluate({ history, firstResponseAt: iso(0.5), now: T(40) });
    expect(target(result, 'resolution')).toEqual({
      target: 'resolution',
      status: 'met',
      dueAt: null,
      warnAt: null,
      elapsedMs: 5 * HOUR,
      metAt: iso(5),
    });
    expect(result.nextCheckAt).toBeNull();
  });

  it('is breached when resolved after the due time', () => {
    const history = [change(0, 'new'), change(0.1, 'in_progress'), change(9, 'resolved')];
    expect(target(evaluate({ history, firstResponseAt: iso(0.5), now: T(10) }), 'resolution')).toMatchObject({
      status: 'breached',
      breachedAt: iso(8),
      elapsedMs: 9 * HOUR,
    });
  });

  it('takes an explicit resolvedAt', () => {
    const result = evaluate({ firstResponseAt: iso(0.5), resolvedAt: iso(2), now: T(3) });
    expect(target(result, 'resolution')).toMatchObject({ status: 'met', metAt: iso(2), elapsedMs: 2 * HOUR });
  });

  it('runs again after a reopen, without counting the time spent resolved', () => {
    const history = [
      change(0, 'new'),
      change(0.1, 'in_progress'),
      change(3, 'resolved'),
      change(50, 'in_progress'), // the customer replied: reopened
    ];
    const result = evaluate({ history, firstResponseAt: iso(0.5), now: T(51) });
    expect(target(result, 'resolution')).toMatchObject({
      status: 'running',
      elapsedMs: 4 * HOUR,
      dueAt: iso(55),
    });
  });

  it('counts resolving without a reply as the first response', () => {
    const history = [change(0, 'new'), change(0.5, 'resolved')];
    const result = evaluate({ history, now: T(3) });
    expect(result.targets.map((t) => [t.target, t.status, t.metAt])).toEqual([
      ['firstResponse', 'met', iso(0.5)],
      ['resolution', 'met', iso(0.5)],
    ]);
    expect(result.nextCheckAt).toBeNull();
  });
});

describe('next response', () => {
  const withNext = policy({ nextResponseMinutes: 120 });

  it('is absent while the customer has not written since the first response', () => {
    const result = evaluate({
      policy: withNext,
      firstResponseAt: iso(0.5),
      lastCustomerMessageAt: iso(0),
      lastAgentReplyAt: iso(0.5),
      now: T(1),
    });
    expect(result.targets.map((t) => t.target)).toEqual(['firstResponse', 'resolution']);
  });

  it('is absent before the first response, which covers every message until then', () => {
    const result = evaluate({ policy: withNext, lastCustomerMessageAt: iso(0.3), now: T(0.5) });
    expect(result.targets.map((t) => t.target)).toEqual(['firstResponse', 'resolution']);
  });

  it('is absent when the policy has no next-response target', () => {
    const result = evaluate({ firstResponseAt: iso(0.5), lastCustomerMessageAt: iso(2), now: T(3) });
    expect(result.targets.map((t) => t.target)).toEqual(['firstResponse', 'resolution']);
  });

  it('runs from the customer’s latest message', () => {
    const result = evaluate({
      policy: withNext,
      firstResponseAt: iso(0.5),
      lastAgentReplyAt: iso(0.5),
      lastCustomerMessageAt: iso(2),
      now: T(3),
    });
    expect(target(result, 'nextResponse')).toEqual({
      target: 'nextResponse',
      status: 'running',
      dueAt: iso(4),
      warnAt: iso(3.6),
      elapsedMs: HOUR,
    });
    expect(result.targets.map((t) => t.target)).toEqual(['firstResponse', 'nextResponse', 'resolution']);
    expect(result.nextCheckAt).toBe(iso(3.6));
  });

  it('is met by an agent reply after that message', () => {
    const result = evaluate({
      policy: withNext,
      firstResponseAt: iso(0.5),
      lastCustomerMessageAt: iso(2),
      lastAgentReplyAt: iso(2.5),
      now: T(5),
    });
    expect(target(result, 'nextResponse')).toMatchObject({
      status: 'met',
      metAt: iso(2.5),
      elapsedMs: 30 * MINUTE,
    });
  });

  it('is breached when the reply comes too late', () => {
    const result = evaluate({
      policy: withNext,
      firstResponseAt: iso(0.5),
      lastCustomerMessageAt: iso(2),
      lastAgentReplyAt: iso(0.5),
      now: T(5),
    });
    expect(target(result, 'nextResponse')).toMatchObject({ status: 'breached', breachedAt: iso(4) });
  });

  it('pauses with the ticket', () => {
    const history = [change(0, 'new'), change(0.1, 'in_progress'), change(2.5, 'waiting_on_customer')];
    const result = evaluate({
      policy: withNext,
      history,
      firstResponseAt: iso(0.5),
      lastCustomerMessageAt: iso(2),
      now: T(10),
    });
    expect(target(result, 'nextResponse')).toMatchObject({
      status: 'paused',
      elapsedMs: 30 * MINUTE,
      dueAt: null,
    });
  });
});

describe('the clock is policy-agnostic', () => {
  it('gives different due times for the same history under different policies', () => {
    const urgent = policy({ firstResponseMinutes: 15, resolutionMinutes: 240 });
    const normal = policy({ firstResponseMinutes: 240, resolutionMinutes: 2880 });
    expect(target(evaluate({ policy: urgent, now: T(0) }), 'firstResponse').dueAt).toBe(iso(0.25));
    expect(target(evaluate({ policy: normal, now: T(0) }), 'firstResponse').dueAt).toBe(iso(4));
  });

  it('gives the same answer twice', () => {
    const input = { firstResponseAt: iso(0.5), now: T(3) };
    expect(evaluate(input)).toEqual(evaluate(input));
  });
});

describe('odd input', () => {
  it('treats a history entry stamped before its predecessor (clock skew) as simultaneous', () => {
    const history = [change(0, 'new'), change(1, 'waiting_on_customer'), change(0.99, 'in_progress')];
    const result = evaluate({ history, now: T(0.5 + 1) });
    // Skewed entry counts from hour 1, so the pause took no time: 1.5h elapsed.
    expect(target(result, 'resolution')).toMatchObject({ status: 'running', elapsedMs: 1.5 * HOUR });
  });

  it('refuses an empty history', () => {
    expect(() => evaluate({ history: [], now: T(1) })).toThrow(InvalidSlaInputError);
  });

  it('refuses timestamps that are not dates', () => {
    expect(() => evaluate({ firstResponseAt: 'yesterday', now: T(1) })).toThrow(InvalidSlaInputError);
    expect(() => evaluate({ history: [{ at: 'soon', state: 'new' }], now: T(1) })).toThrow(
      InvalidSlaInputError,
    );
    expect(() => evaluate({ now: new Date(Number.NaN) })).toThrow(InvalidSlaInputError);
  });
});
