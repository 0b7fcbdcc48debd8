import { DomainError } from './errors';
import * as z from './zod';

// Business calendars: when a support team is open, in its own time zone. Time zones come from
// `Intl.DateTimeFormat` (the ICU data inside Node), so no date library and no I/O.
//
// Open time is real elapsed time inside opening windows: a 24x7 calendar in Europe/Berlin has a
// 23-hour day on the spring-forward Sunday and a 25-hour one in October. A window boundary that
// falls into a spring-forward gap moves to the end of the gap; one in a repeated (fall-back) hour
// takes its first occurrence. That mapping never runs backwards, so windows never overlap.

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const Weekday = z.enum(weekdays);
export type Weekday = z.infer<typeof Weekday>;

const CLOCK_PATTERN = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** `HH:MM` → minutes after midnight (`24:00` → 1440); NaN when it is not a time of day. */
function clockMinutes(hhmm: string): number {
  if (!CLOCK_PATTERN.test(hhmm)) return Number.NaN;
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const ClockTime = z
  .string()
  .check(z.regex(CLOCK_PATTERN, 'must be a time of day as HH:MM, from 00:00 to 24:00'));

/** One opening window inside one day: a window never crosses midnight (end it at 24:00 instead). */
export const OpeningWindowSchema = z.object({ start: ClockTime, end: ClockTime }).check(
  z.superRefine((w, ctx) => {
    const start = clockMinutes(w.start);
    const end = clockMinutes(w.end);
    if (Number.isNaN(start) || Number.isNaN(end) || start < end) return;
    ctx.addIssue({
      code: 'custom',
      path: ['end'],
      message: `must be after start ${w.start}; a window cannot cross midnight (split it at 24:00)`,
    });
  }),
);
export type OpeningWindow = z.infer<typeof OpeningWindowSchema>;

/** A day's windows, in order and not overlapping (touching is fine: 09:00–12:00, 12:00–17:00). */
export const DayWindowsSchema = z.array(OpeningWindowSchema).check(
  z.superRefine((windows, ctx) => {
    for (let i = 1; i < windows.length; i++) {
      const previous = windows[i - 1];
      const current = windows[i];
      if (!previous || !current) continue;
      if (clockMinutes(current.start) < clockMinutes(previous.end)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'start'],
          message: `starts before the previous window ends (${previous.end}); list windows in order without overlaps`,
        });
      }
    }
  }),
);

export const BusinessCalendarSchema = z
  .object({
    timeZone: z
      .string()
      .check(z.refine(isTimeZone, 'must be an IANA time zone known to Intl, like Europe/Berlin')),
    week: z.record(Weekday, DayWindowsSchema),
    /** Local dates (in `timeZone`) on which the calendar is closed all day. */
    holidays: z._default(z.array(z.iso.date({ error: 'must be a date as YYYY-MM-DD' })), []),
  })
  .check(
    z.superRefine((cal, ctx) => {
      const open = Object.values(cal.week).some((windows) => windows.length > 0);
      if (!open)
        ctx.addIssue({ code: 'custom', path: ['week'], message: 'has no opening window on any day' });
    }),
  );
export type BusinessCalendar = z.infer<typeof BusinessCalendarSchema>;
export type BusinessCalendarInput = z.input<typeof BusinessCalendarSchema>;

/** The name under which the always-open calendar is known. */
export const ALWAYS_OPEN_CALENDAR = '24x7';

const wholeDay = [{ start: '00:00', end: '24:00' }];
/** Open every day 00:00–24:00 with no holidays: business time is elapsed time. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: 'UTC',
  week: {
    mon: wholeDay,
    tue: wholeDay,
    wed: wholeDay,
    thu: wholeDay,
    fri: wholeDay,
    sat: wholeDay,
    sun: wholeDay,
  },
  holidays: [],
};

export class InvalidCalendarError extends DomainError {
  override readonly name = 'InvalidCalendarError';
  readonly code = 'SLA.INVALID_CALENDAR';
}

export class InvalidBusinessTimeError extends DomainError {
  override readonly name = 'InvalidBusinessTimeError';
  readonly code = 'SLA.INVALID_BUSINESS_TIME';
}

// ---------------------------------------------------------------------------------------------
// Preparation: a calendar is validated and compiled once (cached per calendar object).

interface Prepared {
  readonly formatter: Intl.DateTimeFormat;
  /** Opening windows in minutes after local midnight, indexed like `Date#getUTCDay` (0 = Sunday). */
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Holidays as local day numbers (days since 1970-01-01). */
  readonly holidays: ReadonlySet<number>;
  readonly alwaysOpen: boolean;
  /** Open intervals as instants, per local day number; memoised because SLA maths asks repeatedly. */
  readonly days: Map<number, ReadonlyArray<readonly [number, number]>>;
}

const MAX_CACHED_DAYS = 4096;
const preparedCalendars = new WeakMap<BusinessCalendar, Prepared>();
const UTC_DAY_ORDER: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function prepare(cal: BusinessCalendar): Prepared {
  const cached = preparedCalendars.get(cal);
  if (cached) return cached;
  const parsed = BusinessCalendarSchema.safeParse(cal);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidCalendarError(`invalid business calendar: ${problems.join('; ')}`, {
      cause: parsed.error,
    });
  }
  const week = UTC_DAY_ORDER.map((day) =>
    parsed.data.week[day].map((w) => [clockMinutes(w.start), clockMinutes(w.end)] as const),
  );
  const holidays = new Set(parsed.data.holidays.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY));
  const alwaysOpen =
    holidays.size === 0 && week.every((windows) => coversWholeDay(windows.map(([s, e]) => [s, e])));
  const prepared: Prepared = {
    formatter: new Intl.DateTimeFormat('en-US', {
      timeZone: parsed.data.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }),
    week,
    holidays,
    alwaysOpen,
    days: new Map(),
  };
  preparedCalendars.set(cal, prepared);
  return prepared;
}

function coversWholeDay(windows: ReadonlyArray<readonly [number, number]>): boolean {
  let reached = 0;
  for (const [start, end] of windows) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= 1440;
}

// ---------------------------------------------------------------------------------------------
// Wall clock ↔ instant. "Wall" values are the local date-time written as if it were UTC.

/** The zone's offset from UTC at an instant, in ms (wall = instant + offset). */
function offsetAt(p: Prepared, instant: number): number {
  const fields: Record<string, number> = {};
  for (const part of p.formatter.formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    fields.year ?? 1970,
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  // Years 0–99 would be read as 1900–1999 by Date.UTC; the SLA clock never sees them.
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return wall - wholeSecond;
}

function localDayOf(p: Prepared, instant: number): number {
  return Math.floor((instant + offsetAt(p, instant)) / DAY);
}

/**
 * The instant a wall-clock time names. Assumes at most one offset change within a day of it (true of
 * every zone in use). In a gap → the end of the gap; in a repeated hour → its first occurrence.
 */
function wallToInstant(p: Prepared, wall: number, before: number, after: number): number {
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyValid = offsetAt(p, early) === before;
  const lateValid = offsetAt(p, late) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (earlyValid) return early;
  if (lateValid) return late;
  // A gap (after > before): the transition lies in (late, early]; find its first millisecond.
  let lo = late;
  let hi = early;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(p, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The open intervals `[start, end)` of one local day, as instants in ms, in order. */
function openIntervals(p: Prepared, day: number): ReadonlyArray<readonly [number, number]> {
  const cached = p.days.get(day);
  if (cached) return cached;
  const intervals: Array<readonly [number, number]> = [];
  const windows = p.holidays.has(day) ? [] : (p.week[(((day + 4) % 7) + 7) % 7] ?? []);
  if (windows.length > 0) {
    const midnight = day * DAY;
    const before = offsetAt(p, midnight - DAY);
    const after = offsetAt(p, midnight + 2 * DAY);
    // Near an offset change, each boundary gets its own before/after offsets.
    const offsets = (wall: number): [number, number] => {
      if (before === after) return [before, after];
      return [offsetAt(p, wall - DAY), offsetAt(p, wall + DAY)];
    };
    for (const [startMinute, endMinute] of windows) {
      const startWall = midnight + startMinute * MINUTE;
      const endWall = midnight + endMinute * MINUTE;
      const start = wallToInstant(p, startWall, ...offsets(startWall));
      const end = wallToInstant(p, endWall, ...offsets(endWall));
      if (end > start) intervals.push([start, end]);
    }
  }
  if (p.days.size >= MAX_CACHED_DAYS) p.days.clear();
  p.days.set(day, intervals);
  return intervals;
}

// ---------------------------------------------------------------------------------------------
// The public questions.

function instantOf(value: Date, what: string): number {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) throw new InvalidBusinessTimeError(`${what} is not a valid date`);
  return ms;
}

/** Whether the calendar is open at the instant (windows include their start, not their end). */
export function isOpen(cal: BusinessCalendar, instant: Date): boolean {
  const p = prepare(cal);
  const t = instantOf(instant, 'instant');
  if (p.alwaysOpen) return true;
  const day = localDayOf(p, t);
  for (let d = day - 1; d <= day + 1; d++) {
    for (const [start, end] of openIntervals(p, d)) if (start <= t && t < end) return true;
  }
  return false;
}

/**
 * The instant at which `ms` of open time has elapsed after `start`: the earliest such instant, so a
 * duration that ends exactly at closing time is due at closing time, not at the next opening.
 */
export function addBusinessTime(cal: BusinessCalendar, start: Date, ms: number): Date {
  const p = prepare(cal);
  const from = instantOf(start, 'start');
  if (!Number.isFinite(ms) || ms < 0) {
    throw new InvalidBusinessTimeError(
      `business time to add must be a finite, non-negative ms count, got ${ms}`,
    );
  }
  if (ms === 0) return new Date(from);
  if (p.alwaysOpen) return new Date(from + ms);
  let remaining = ms;
  // A valid calendar opens at least once a week, and holidays are finitely many, so this ends.
  const closedDaysLimit = p.holidays.size + 14;
  let closedDays = 0;
  for (let day = localDayOf(p, from) - 1; closedDays <= closedDaysLimit; day++) {
    let opened = false;
    for (const [open, close] of openIntervals(p, day)) {
      opened = true;
      const begin = Math.max(open, from);
      if (close <= begin) continue;
      if (remaining <= close - begin) return new Date(begin + remaining);
      remaining -= close - begin;
    }
    closedDays = opened ? 0 : closedDays + 1;
  }
  throw new InvalidCalendarError(`the calendar stays closed for more than ${closedDaysLimit} days in a row`);
}

/** Milliseconds of open time in `[a, b)`; 0 when `b` is not after `a`. */
export function businessTimeBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  const p = prepare(cal);
  const from = instantOf(a, 'a');
  const to = instantOf(b, 'b');
  if (to <= from) return 0;
  if (p.alwaysOpen) return to - from;
  let total = 0;
  const lastDay = localDayOf(p, to) + 1;
  for (let day = localDayOf(p, from) - 1; day <= lastDay; day++) {
    for (const [open, close] of openIntervals(p, day)) {
      const overlap = Math.min(close, to) - Math.max(open, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}
