import type { Clock } from '../use-cases/ports';

let source: () => number = Date.now;

/**
 * The workflow's clock: what every handler stamps tickets, audit entries and SLA decisions with.
 * In Lambda it is the system time. The local runtime may replace its source with a controllable
 * clock (`useClockSource`) so SLA warnings, breaches and escalations can be watched in seconds.
 */
export const systemClock: Clock = { now: () => new Date(source()) };

/**
 * Wall-clock time whatever the workflow clock says: for checks against other systems' clocks
 * (webhook signature timestamps), which a fast-forwarded local clock must not break.
 */
export const wallClock: Clock = { now: () => new Date() };

/** Local runtime only: drive `systemClock` from another source (ms since the epoch). */
export function useClockSource(next: () => number): void {
  source = next;
}
