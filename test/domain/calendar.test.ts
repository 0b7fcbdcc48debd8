import { describe, expect, it } from 'vitest';
import {
  ALWAYS_OPEN,
  addBusinessTime,
  type BusinessCalendar,
  type BusinessCalendarInput,
  BusinessCalendarSchema,
  businessTimeBetween,
  InvalidBusinessTimeError,
  InvalidCalendarError,
  isOpen,
} from '../../shared/domain/calendar';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);

type Windows = BusinessCalendarInput['week']['mon'];

function calendar(
  timeZone: string,
  weekdays: Windows,
  options: { weekend?: Windows; holidays?: string[] } = {},
): BusinessCalendar {
  const weekend = options.weekend ?? [];
  return BusinessCalendarSchema.parse({
    timeZone,
    week: {
      mon: weekdays,
      tue: weekdays,
      wed: weekdays,
      thu: weekdays,
      fri: weekdays,
      sat: weekend,
      sun: weekend,
    },
    holidays: options.holidays ?? [],
  });
}

const nineToFive = [{ start: '09:00', end: '17:00' }];
const wholeDay = [{ start: '00:00', end: '24:00' }];
const berlin = calendar('Europe/Berlin', nineToFive);
const newYork = calendar('America/New_York', nineToFive);
const lunchBreak = calendar('Europe/Berlin', [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '17:00' },
]);
// Open around the clock but with a holiday, so the local-day arithmetic (not the 24x7 shortcut) runs.
const berlinAroundTheClock = calendar('Europe/Berlin', wholeDay, {
  weekend: wholeDay,
  holidays: ['2030-12-25'],
});

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  const parsed = BusinessCalendarSchema.safeParse(input);
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

const validInput = {
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
  holidays: ['2026-12-25'],
};

describe('the business calendar schema', () => {
  it('accepts a week of windows, a time zone and holidays', () => {
    expect(issuesOf(validInput)).toEqual([]);
  });

  it('defaults holidays to none', () => {
    const { holidays: _, ...withoutHolidays } = validInput;
    expect(BusinessCalendarSchema.parse(withoutHolidays).holidays).toEqual([]);
  });

  it('accepts the always-open calendar', () => {
    expect(issuesOf(ALWAYS_OPEN)).toEqual([]);
  });

  it('allows 24:00 as the end of a window', () => {
    expect(
      issuesOf({ ...validInput, week: { ...validInput.week, sat: [{ start: '18:00', end: '24:00' }] } }),
    ).toEqual([]);
  });

  it('refuses a window that crosses midnight, pointing at its end', () => {
    const issues = issuesOf({
      ...validInput,
      week: { ...validInput.week, fri: [{ start: '22:00', end: '02:00' }] },
    });
    expect(issues).toEqual([
      { path: 'week.fri.0.end', message: expect.stringContaining('cannot cross midnight') },
    ]);
  });

  it('refuses an empty window', () => {
    expect(
      issuesOf({ ...validInput, week: { ...validInput.week, mon: [{ start: '09:00', end: '09:00' }] } }),
    ).toHaveLength(1);
  });

  it('refuses times of day that do not exist', () => {
    for (const bad of ['24:30', '25:00', '9:00', '09:60', '0900']) {
      const issues = issuesOf({
        ...validInput,
        week: { ...validInput.week, mon: [{ start: bad, end: '24:00' }] },
      });
      expect(issues.map((i) => i.path)).toContain('week.mon.0.start');
    }
  });

  it('refuses overlapping or unordered windows in one day', () => {
    const overlapping = [
      { start: '09:00', end: '13:00' },
      { start: '12:00', end: '17:00' },
    ];
    expect(issuesOf({ ...validInput, week: { ...validInput.week, tue: overlapping } })).toEqual([
      { path: 'week.tue.1.start', message: expect.stringContaining('before the previous window ends') },
    ]);
  });

  it('accepts windows that touch', () => {
    const touching = [
      { start: '09:00', end: '12:00' },
      { start: '12:00', end: '17:00' },
    ];
    expect(issuesOf({ ...validInput, week: { ...validInput.week, tue: touching } })).toEqual([]);
  });

  it('refuses an unknown time zone', () => {
    expect(issuesOf({ ...validInput, timeZone: 'Europe/Atlantis' })).toEqual([
      { path: 'timeZone', message: expect.stringContaining('IANA time zone') },
    ]);
  });

  it('needs every day of the week and no other key', () => {
    const { sun: _, ...noSunday } = validInput.week;
    expect(issuesOf({ ...validInput, week: noSunday }).map((i) => i.path)).toEqual(['week.sun']);
    expect(issuesOf({ ...validInput, week: { ...validInput.week, tues: [] } }).map((i) => i.path)).toEqual([
      'week',
    ]);
  });

  it('refuses holidays that are not calendar dates', () => {
    const issues = issuesOf({ ...validInput, holidays: ['2026-02-30', '25.12.2026'] });
    expect(issues.map((i) => i.path)).toEqual(['holidays.0', 'holidays.1']);
  });

  it('refuses a week that is never open', () => {
    const closed = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    expect(issuesOf({ ...validInput, week: closed })).toEqual([
      { path: 'week', message: 'has no opening window on any day' },
    ]);
  });

  it('makes the functions refuse a calendar that was never validated', () => {
    const broken = { ...berlin, timeZone: 'Mars/Olympus_Mons' };
    expect(() => isOpen(broken, at('2026-03-02T10:00:00Z'))).toThrow(InvalidCalendarError);
  });
});

describe('isOpen', () => {
  it('is open from the first minute of a window and closed from its last', () => {
    // Monday 2026-03-02, Berlin is UTC+1.
    expect(isOpen(berlin, at('2026-03-02T07:59:59.999Z'))).toBe(false);
    expect(isOpen(berlin, at('2026-03-02T08:00:00Z'))).toBe(true);
    expect(isOpen(berlin, at('2026-03-02T15:59:59.999Z'))).toBe(true);
    expect(isOpen(berlin, at('2026-03-02T16:00:00Z'))).toBe(false);
  });

  it('is closed at the weekend', () => {
    expect(isOpen(berlin, at('2026-03-07T10:00:00Z'))).toBe(false);
    expect(isOpen(berlin, at('2026-03-08T10:00:00Z'))).toBe(false);
  });

  it('is closed on a holiday', () => {
    const withHoliday = calendar('Europe/Berlin', nineToFive, { holidays: ['2026-03-02'] });
    expect(isOpen(withHoliday, at('2026-03-02T10:00:00Z'))).toBe(false);
    expect(isOpen(withHoliday, at('2026-03-03T10:00:00Z'))).toBe(true);
  });

  it('is closed over a lunch break', () => {
    expect(isOpen(lunchBreak, at('2026-03-02T10:59:00Z'))).toBe(true);
    expect(isOpen(lunchBreak, at('2026-03-02T11:30:00Z'))).toBe(false);
    expect(isOpen(lunchBreak, at('2026-03-02T12:00:00Z'))).toBe(true);
  });

  it('reads the windows in the calendar’s own time zone, summer and winter', () => {
    expect(isOpen(newYork, at('2026-01-05T13:59:00Z'))).toBe(false); // 08:59 EST
    expect(isOpen(newYork, at('2026-01-05T14:00:00Z'))).toBe(true); // 09:00 EST
    expect(isOpen(newYork, at('2026-07-06T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(isOpen(newYork, at('2026-07-06T21:00:00Z'))).toBe(false); // 17:00 EDT
  });

  it('is always open for the always-open calendar', () => {
    expect(isOpen(ALWAYS_OPEN, at('2026-12-25T03:00:00Z'))).toBe(true);
  });
});

describe('24x7 versus business hours', () => {
  it('counts every millisecond on the always-open calendar', () => {
    const start = at('2026-03-06T15:00:00Z');
    expect(addBusinessTime(ALWAYS_OPEN, start, 4 * HOUR)).toEqual(at('2026-03-06T19:00:00Z'));
    expect(businessTimeBetween(ALWAYS_OPEN, start, at('2026-03-09T15:00:00Z'))).toBe(72 * HOUR);
  });

  it('counts only opening hours on a 9–17 calendar', () => {
    const start = at('2026-03-06T15:00:00Z'); // Friday 16:00 in Berlin
    expect(addBusinessTime(berlin, start, 4 * HOUR)).toEqual(at('2026-03-09T11:00:00Z')); // Monday 12:00
    expect(businessTimeBetween(berlin, start, at('2026-03-09T15:00:00Z'))).toBe(8 * HOUR);
  });
});

describe('addBusinessTime', () => {
  it('is due Monday 12:00 for a ticket created Friday 16:00 with 4 business hours (9–17)', () => {
    // One hour on Friday (16:00–17:00), three on Monday (09:00–12:00).
    expect(addBusinessTime(berlin, at('2026-03-06T15:00:00Z'), 4 * HOUR)).toEqual(at('2026-03-09T11:00:00Z'));
  });

  it('is due Monday 11:00 for a ticket created Friday 15:00 with 4 business hours (9–17)', () => {
    expect(addBusinessTime(berlin, at('2026-03-06T14:00:00Z'), 4 * HOUR)).toEqual(at('2026-03-09T10:00:00Z'));
  });

  it('ends at closing time, not at the next opening, when the time runs out exactly then', () => {
    expect(addBusinessTime(berlin, at('2026-03-06T12:00:00Z'), 4 * HOUR)).toEqual(at('2026-03-06T16:00:00Z'));
  });

  it('starts counting at the next opening when it starts while closed', () => {
    // Saturday noon + 1h → Monday 10:00 Berlin.
    expect(addBusinessTime(berlin, at('2026-03-07T11:00:00Z'), HOUR)).toEqual(at('2026-03-09T09:00:00Z'));
  });

  it('returns the start itself for no time at all, even while closed', () => {
    expect(addBusinessTime(berlin, at('2026-03-07T11:00:00Z'), 0)).toEqual(at('2026-03-07T11:00:00Z'));
  });

  it('refuses negative or non-finite durations', () => {
    expect(() => addBusinessTime(berlin, at('2026-03-07T11:00:00Z'), -1)).toThrow(InvalidBusinessTimeError);
    expect(() => addBusinessTime(berlin, at('2026-03-07T11:00:00Z'), Number.NaN)).toThrow(
      InvalidBusinessTimeError,
    );
    expect(() => addBusinessTime(berlin, at('not a date'), HOUR)).toThrow(InvalidBusinessTimeError);
  });

  it('skips holidays (Easter 2026: Good Friday and Easter Monday)', () => {
    const easter = calendar('Europe/Berlin', nineToFive, { holidays: ['2026-04-03', '2026-04-06'] });
    // Thursday 2026-04-02 16:00 CEST + 4h → 1h Thursday, then Tuesday 09:00 + 3h.
    expect(addBusinessTime(easter, at('2026-04-02T14:00:00Z'), 4 * HOUR)).toEqual(at('2026-04-07T10:00:00Z'));
    expect(businessTimeBetween(easter, at('2026-04-02T07:00:00Z'), at('2026-04-08T07:00:00Z'))).toBe(
      16 * HOUR,
    );
  });

  it('steps over a lunch break', () => {
    // Monday 11:00 Berlin + 2h → 12:00, then 13:00–14:00.
    expect(addBusinessTime(lunchBreak, at('2026-03-02T10:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-03-02T13:00:00Z'),
    );
    expect(addBusinessTime(lunchBreak, at('2026-03-02T10:00:00Z'), HOUR)).toEqual(at('2026-03-02T11:00:00Z'));
  });

  it('handles many windows a day, ending exactly at a window’s end', () => {
    const shifts = calendar('Asia/Tokyo', [
      { start: '06:00', end: '08:00' },
      { start: '10:00', end: '12:00' },
      { start: '20:00', end: '24:00' },
    ]);
    // Monday 2026-03-02 07:00 JST (= 2026-03-01T22:00Z): 1h + 2h + 4h = 7h ends Monday 24:00 JST.
    expect(addBusinessTime(shifts, at('2026-03-01T22:00:00Z'), 7 * HOUR)).toEqual(at('2026-03-02T15:00:00Z'));
    // One more minute spills into Tuesday 06:00 JST.
    expect(addBusinessTime(shifts, at('2026-03-01T22:00:00Z'), 7 * HOUR + MINUTE)).toEqual(
      at('2026-03-02T21:01:00Z'),
    );
  });

  it('adds long durations across weeks', () => {
    // 40 business hours = one full week of 9–17: Monday 09:00 → Friday 17:00.
    expect(addBusinessTime(berlin, at('2026-03-02T08:00:00Z'), 40 * HOUR)).toEqual(
      at('2026-03-06T16:00:00Z'),
    );
    expect(addBusinessTime(berlin, at('2026-03-02T08:00:00Z'), 40 * HOUR + 1)).toEqual(
      at('2026-03-09T08:00:00.001Z'),
    );
  });
});

describe('businessTimeBetween', () => {
  it('is zero when the end is not after the start', () => {
    expect(businessTimeBetween(berlin, at('2026-03-02T10:00:00Z'), at('2026-03-02T10:00:00Z'))).toBe(0);
    expect(businessTimeBetween(berlin, at('2026-03-02T12:00:00Z'), at('2026-03-02T10:00:00Z'))).toBe(0);
  });

  it('is zero over a weekend', () => {
    expect(businessTimeBetween(berlin, at('2026-03-06T16:00:00Z'), at('2026-03-09T08:00:00Z'))).toBe(0);
  });

  it('counts a lunch-break day as seven hours', () => {
    expect(businessTimeBetween(lunchBreak, at('2026-03-01T23:00:00Z'), at('2026-03-02T23:00:00Z'))).toBe(
      7 * HOUR,
    );
  });

  it('counts a year of 9–17 weekdays as 261 days of eight hours', () => {
    expect(
      businessTimeBetween(berlin, at('2026-01-01T00:00:00+01:00'), at('2027-01-01T00:00:00+01:00')),
    ).toBe(261 * 8 * HOUR);
  });
});

describe('daylight saving time', () => {
  it('keeps four business hours across the Berlin spring-forward weekend (2026-03-29)', () => {
    const friday = at('2026-03-27T15:00:00Z'); // Friday 16:00 CET
    const due = addBusinessTime(berlin, friday, 4 * HOUR);
    expect(due).toEqual(at('2026-03-30T10:00:00Z')); // Monday 12:00 CEST
    expect(businessTimeBetween(berlin, friday, due)).toBe(4 * HOUR);
  });

  it('keeps four business hours across the Berlin fall-back weekend (2026-10-25)', () => {
    const friday = at('2026-10-23T14:00:00Z'); // Friday 16:00 CEST
    const due = addBusinessTime(berlin, friday, 4 * HOUR);
    expect(due).toEqual(at('2026-10-26T11:00:00Z')); // Monday 12:00 CET
    expect(businessTimeBetween(berlin, friday, due)).toBe(4 * HOUR);
  });

  it('counts the Berlin spring-forward Sunday as 23 hours and the fall-back Sunday as 25', () => {
    expect(
      businessTimeBetween(
        berlinAroundTheClock,
        at('2026-03-29T00:00:00+01:00'),
        at('2026-03-30T00:00:00+02:00'),
      ),
    ).toBe(23 * HOUR);
    expect(
      businessTimeBetween(
        berlinAroundTheClock,
        at('2026-10-25T00:00:00+02:00'),
        at('2026-10-26T00:00:00+01:00'),
      ),
    ).toBe(25 * HOUR);
  });

  it('opens a Sunday-night window on a DST Sunday at the local time, not a shifted one', () => {
    const sundayEvening = calendar('Europe/Berlin', [], { weekend: [{ start: '18:00', end: '20:00' }] });
    expect(isOpen(sundayEvening, at('2026-03-29T16:00:00Z'))).toBe(true); // 18:00 CEST
    expect(isOpen(sundayEvening, at('2026-03-29T15:59:00Z'))).toBe(false);
    expect(isOpen(sundayEvening, at('2026-10-25T17:00:00Z'))).toBe(true); // 18:00 CET
    expect(isOpen(sundayEvening, at('2026-10-25T16:59:00Z'))).toBe(false);
  });

  it('moves a window boundary inside the spring-forward gap to the end of the gap', () => {
    // 01:30–02:30 and 02:30–03:30 on 2026-03-29: 02:00–03:00 does not exist, so 02:30 is 03:00 CEST.
    const night = calendar('Europe/Berlin', [], {
      weekend: [
        { start: '01:30', end: '02:30' },
        { start: '02:30', end: '03:30' },
      ],
    });
    expect(addBusinessTime(night, at('2026-03-29T00:00:00Z'), 30 * MINUTE)).toEqual(
      at('2026-03-29T01:00:00Z'),
    );
    expect(businessTimeBetween(night, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(
      60 * MINUTE,
    );
  });

  it('never counts time twice when windows meet the spring-forward gap', () => {
    // 01:00–02:30 ends inside the gap (at its end, 03:00 CEST); 03:00–04:00 starts right there.
    const night = calendar('Europe/Berlin', [], {
      weekend: [
        { start: '01:00', end: '02:30' },
        { start: '03:00', end: '04:00' },
      ],
    });
    expect(businessTimeBetween(night, at('2026-03-28T12:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(2 * HOUR);
    expect(addBusinessTime(night, at('2026-03-29T00:00:00Z'), 90 * MINUTE)).toEqual(
      at('2026-03-29T01:30:00Z'),
    );
  });

  it('leaves a window that lies wholly inside the spring-forward gap closed that day', () => {
    const ghost = calendar('Europe/Berlin', [], { weekend: [{ start: '02:15', end: '02:45' }] });
    expect(businessTimeBetween(ghost, at('2026-03-29T00:00:00Z'), at('2026-03-29T12:00:00Z'))).toBe(0);
    expect(businessTimeBetween(ghost, at('2026-03-28T00:00:00Z'), at('2026-03-28T12:00:00Z'))).toBe(
      30 * MINUTE,
    );
  });

  it('takes the first occurrence of a repeated fall-back hour', () => {
    // 02:15–02:45 on 2026-10-25 happens twice; the window is the CEST one (00:15Z–00:45Z).
    const once = calendar('Europe/Berlin', [], { weekend: [{ start: '02:15', end: '02:45' }] });
    expect(isOpen(once, at('2026-10-25T00:30:00Z'))).toBe(true);
    expect(isOpen(once, at('2026-10-25T01:30:00Z'))).toBe(false);
    expect(businessTimeBetween(once, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(
      30 * MINUTE,
    );
  });

  it('counts the repeated fall-back hour twice inside a window that spans it', () => {
    // 01:30 CEST → 03:30 CET is three real hours on 2026-10-25.
    const night = calendar('Europe/Berlin', [], { weekend: [{ start: '01:30', end: '03:30' }] });
    expect(businessTimeBetween(night, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'))).toBe(3 * HOUR);
  });

  it('keeps business hours right across the New York changes (2026-03-08 and 2026-11-01)', () => {
    // Friday 16:00 EST + 2h → Monday 10:00 EDT.
    expect(addBusinessTime(newYork, at('2026-03-06T21:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-03-09T14:00:00Z'),
    );
    // Friday 16:00 EDT + 2h → Monday 10:00 EST.
    expect(addBusinessTime(newYork, at('2026-10-30T20:00:00Z'), 2 * HOUR)).toEqual(
      at('2026-11-02T15:00:00Z'),
    );
    expect(businessTimeBetween(newYork, at('2026-03-02T05:00:00Z'), at('2026-03-16T04:00:00Z'))).toBe(
      80 * HOUR,
    );
  });

  it('loses no time where the clocks jump at midnight (America/Santiago)', () => {
    const santiago = calendar('America/Santiago', wholeDay, { weekend: wholeDay, holidays: ['2030-01-01'] });
    // Chile moves from -04 to -03 at local midnight on 2026-09-06: that day starts at 01:00.
    const from = at('2026-09-01T00:00:00Z');
    const to = at('2026-09-15T00:00:00Z');
    expect(businessTimeBetween(santiago, from, to)).toBe(to.getTime() - from.getTime());
    expect(isOpen(santiago, at('2026-09-06T04:00:00Z'))).toBe(true);
  });
});

/** mulberry32: a tiny seeded PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('addBusinessTime and businessTimeBetween agree', () => {
  const calendars: Record<string, BusinessCalendar> = {
    'always open': ALWAYS_OPEN,
    'Berlin 9–17': berlin,
    'Berlin with lunch and holidays': calendar(
      'Europe/Berlin',
      [
        { start: '08:30', end: '12:00' },
        { start: '13:00', end: '17:45' },
      ],
      { weekend: [{ start: '10:00', end: '14:00' }], holidays: ['2026-03-30', '2026-10-26', '2026-12-24'] },
    ),
    'Berlin around the clock': berlinAroundTheClock,
    'New York 9–17': newYork,
    'Berlin DST night windows': calendar('Europe/Berlin', [{ start: '02:00', end: '03:00' }], {
      weekend: [
        { start: '01:30', end: '02:30' },
        { start: '02:45', end: '24:00' },
      ],
    }),
    'Lord Howe (30-minute DST)': calendar('Australia/Lord_Howe', nineToFive, {
      weekend: [{ start: '01:00', end: '03:00' }],
    }),
  };
  const yearStart = Date.parse('2025-12-01T00:00:00Z');
  const year = 400 * 24 * HOUR;

  for (const [name, cal] of Object.entries(calendars)) {
    it(`for random starts and durations on the ${name} calendar, the time between start and start + d is d`, () => {
      const random = prng(0x5eed + name.length);
      for (let i = 0; i < 300; i++) {
        const start = new Date(yearStart + Math.floor(random() * year));
        const duration = Math.floor(random() * 80 * HOUR);
        const end = addBusinessTime(cal, start, duration);
        expect({ start, duration, between: businessTimeBetween(cal, start, end) }).toEqual({
          start,
          duration,
          between: duration,
        });
        expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
        if (duration > 0) expect(isOpen(cal, new Date(end.getTime() - 1))).toBe(true);
      }
    });

    it(`on the ${name} calendar, adding two durations in turn equals adding their sum`, () => {
      const random = prng(0xadd + name.length);
      for (let i = 0; i < 100; i++) {
        const start = new Date(yearStart + Math.floor(random() * year));
        const first = Math.floor(random() * 30 * HOUR);
        const second = Math.floor(random() * 30 * HOUR);
        expect(addBusinessTime(cal, addBusinessTime(cal, start, first), second)).toEqual(
          addBusinessTime(cal, start, first + second),
        );
      }
    });
  }
});
