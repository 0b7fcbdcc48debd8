/**
 * How the dashboard writes its numbers: counts, durations in the unit that reads best, rates, CSAT scores,
 * credit amounts per currency; and the two series transforms its charts need (a shared unit for a chart's
 * axis, a trailing-window rate so sparse days do not make a line jump).
 */
import type { DayMetrics } from '../../types';

export const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
export const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
export const score = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
export const shortDay = (iso: string) => dayLabel.format(new Date(`${iso}T00:00:00Z`));

export function minutes(n: number): string {
  if (n < 120) return `${integer.format(n)} min`;
  if (n < 48 * 60) return `${oneDecimal.format(n / 60)} h`;
  return `${oneDecimal.format(n / 1440)} d`;
}
export function hours(n: number): string {
  if (n < 48) return `${oneDecimal.format(n)} h`;
  return `${oneDecimal.format(n / 24)} d`;
}
export const percent = (ratio: number) => `${integer.format(ratio * 100)} %`;
export const orDash = (n: number | null | undefined, fmt: (n: number) => string) =>
  n === null || n === undefined ? '—' : fmt(n);

/** Credit amounts per currency ("1,200 EUR, 300 USD"); a plain number from older servers. */
export function amounts(a: Readonly<Record<string, number>> | number): string {
  if (typeof a === 'number') return integer.format(a);
  const parts = Object.entries(a).map(([currency, n]) => `${integer.format(n)} ${currency}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}

/**
 * Series in the first unit (of `[divisor, unit name, largest value in that unit]`) that fits their largest
 * value, so a chart's axis reads "6 h, 12 h, 18 h" rather than "360 min … 1.1 d".
 */
export function scaled(
  series: ReadonlyArray<{ name: string; values: ReadonlyArray<number | null> }>,
  units: ReadonlyArray<readonly [number, string, number]>,
) {
  const max = Math.max(0, ...series.flatMap((x) => x.values).filter((v): v is number => v !== null));
  const [divisor, unit] = units.find(([, , limit]) => max <= limit) ?? units.at(-1) ?? [1, '', 0];
  return {
    format: (n: number) => `${oneDecimal.format(n)} ${unit}`,
    series: series.map((x) => ({
      name: x.name,
      values: x.values.map((v) => (v === null ? null : v / divisor)),
    })),
  };
}

/** A rate over a trailing window of days, so sparse days do not make the line jump between 0 and 100 %. */
export function rolling(
  days: readonly DayMetrics[],
  width: number,
  num: (d: DayMetrics) => number,
  den: (d: DayMetrics) => number,
): Array<number | null> {
  return days.map((_, i) => {
    const window = days.slice(Math.max(0, i - width + 1), i + 1);
    const d = window.reduce((s, x) => s + den(x), 0);
    return d > 0 ? window.reduce((s, x) => s + num(x), 0) / d : null;
  });
}
