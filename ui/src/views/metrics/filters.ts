/**
 * The metrics dashboard's filters, kept in the address (`#/metrics?from=&to=&queue=&requestType=&kbThreshold=&kbDays=`)
 * so a view can be shared: read from the query with defaults (the last 30 days, KB gaps over 20 in 30 days), and
 * written back with the defaults left out.
 */

export interface Filters {
  from: string;
  to: string;
  queue: string;
  requestType: string;
  kbThreshold: number;
  kbDays: number;
}

export const DAY_MS = 86_400_000;
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first day of the `days`-day range that ends on `to` (both included). */
export const rangeStart = (to: string, days: number) =>
  isoDay(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS);

export function filtersFrom(query: string): Filters {
  const q = new URLSearchParams(query);
  const today = isoDay(Date.now());
  const to = DATE.test(q.get('to') ?? '') ? (q.get('to') as string) : today;
  const from = DATE.test(q.get('from') ?? '') ? (q.get('from') as string) : rangeStart(to, 30);
  const int = (name: string, fallback: number, min: number, max: number) => {
    const n = Number(q.get(name));
    return q.get(name) !== null && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
  };
  return {
    from,
    to,
    queue: q.get('queue') ?? '',
    requestType: q.get('requestType') ?? '',
    kbThreshold: int('kbThreshold', 20, 0, 100_000),
    kbDays: int('kbDays', 30, 1, 366),
  };
}

export function queryOf(f: Filters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  if (f.queue) q.set('queue', f.queue);
  if (f.requestType) q.set('requestType', f.requestType);
  if (f.kbThreshold !== 20) q.set('kbThreshold', String(f.kbThreshold));
  if (f.kbDays !== 30) q.set('kbDays', String(f.kbDays));
  return q.toString();
}
