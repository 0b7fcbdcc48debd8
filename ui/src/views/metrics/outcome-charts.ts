/** Outcomes: SLA attainment, reopen rate and CSAT per day, and escalations by the tier that received them. */
import { barChart, lineChart } from '../../charts';
import { card } from './card';
import type { ChartContext } from './charts';
import { orDash, percent, rolling, score } from './format';

export function slaChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const attainment = (d: (typeof days)[number]) =>
    d.sla.met + d.sla.breached > 0 ? d.sla.met / (d.sla.met + d.sla.breached) : null;
  return card({
    id: 'sla',
    title: 'SLA attainment',
    hint: `Targets met out of targets judged (first response, next response, resolution); ${flow.totals.sla.met} met, ${flow.totals.sla.breached} breached.`,
    chart: lineChart({
      ...perDay,
      title: 'SLA attainment per day',
      summary: `Over the range: ${orDash(flow.totals.slaAttainment, percent)} of targets met.`,
      format: percent,
      max: 1,
      series: [{ name: 'attainment', values: days.map(attainment) }],
    }),
    table: {
      columns: ['day', 'met', 'breached', 'attainment %'],
      rows: days.map((d) => {
        const judged = d.sla.met + d.sla.breached;
        return [
          d.day,
          d.sla.met,
          d.sla.breached,
          judged > 0 ? Math.round((1000 * d.sla.met) / judged) / 10 : null,
        ];
      }),
    },
    filename: filename('sla'),
    empty: none(flow.totals.sla.met + flow.totals.sla.breached, 'was judged against a target'),
  });
}

export function reopenChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const rate = rolling(
    days,
    7,
    (d) => d.reopened,
    (d) => d.resolved,
  );
  return card({
    id: 'reopen',
    title: 'Reopen rate',
    hint: 'Reopened out of resolved, over the trailing 7 days (a single day is too few to read).',
    chart: lineChart({
      ...perDay,
      title: 'Reopen rate, 7-day rolling',
      summary: `Over the range: ${orDash(flow.totals.reopenRate, percent)} (${flow.totals.reopened} reopened of ${flow.totals.resolved} resolved).`,
      format: percent,
      series: [{ name: 'reopen rate', values: rate }],
    }),
    table: {
      columns: ['day', 'reopened', 'resolved', '7-day reopen rate %'],
      rows: days.map((d, i) => {
        const r = rate[i] ?? null;
        return [d.day, d.reopened, d.resolved, r === null ? null : Math.round(r * 1000) / 10];
      }),
    },
    filename: filename('reopen'),
    empty: none(flow.totals.resolved, 'was resolved'),
  });
}

export function csatChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const average = rolling(
    days,
    7,
    (d) => d.csat.sum,
    (d) => d.csat.count,
  );
  return card({
    id: 'csat',
    title: 'Customer satisfaction (CSAT)',
    hint: 'Average score from 1 to 5 over the trailing 7 days, from the survey in the resolution mail.',
    chart: lineChart({
      ...perDay,
      title: 'CSAT average, 7-day rolling',
      summary: `Over the range: ${orDash(flow.totals.csatAverage, (n) => score.format(n))} from ${flow.totals.csat.count} answers.`,
      format: (n) => score.format(n),
      max: 5,
      series: [{ name: 'CSAT', values: average }],
    }),
    table: {
      columns: ['day', 'answers', 'sum of scores', '7-day average'],
      rows: days.map((d, i) => {
        const avg = average[i] ?? null;
        return [d.day, d.csat.count, d.csat.sum, avg === null ? null : Math.round(avg * 100) / 100];
      }),
    },
    filename: filename('csat'),
    empty: none(flow.totals.csat.count, 'was rated'),
  });
}

export function escalationsChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const esc = flow.totals.escalations;
  return card({
    id: 'escalations',
    title: 'Escalations by tier',
    hint: `Escalation steps taken, by the tier that received them: tier 1 ${esc.tier1}, tier 2 ${esc.tier2}, tier 3 ${esc.tier3}.`,
    chart: barChart({
      ...perDay,
      title: 'Escalations per day, by receiving tier',
      summary: `Tier 1 ${esc.tier1}, tier 2 ${esc.tier2}, tier 3 ${esc.tier3} over the range.`,
      series: [
        { name: 'tier 1', values: days.map((d) => d.escalations.tier1) },
        { name: 'tier 2', values: days.map((d) => d.escalations.tier2) },
        { name: 'tier 3', values: days.map((d) => d.escalations.tier3) },
      ],
    }),
    legendNames: ['tier 1', 'tier 2', 'tier 3'],
    table: {
      columns: ['day', 'tier 1', 'tier 2', 'tier 3', 'credits requested', 'credits approved'],
      rows: days.map((d) => [
        d.day,
        d.escalations.tier1,
        d.escalations.tier2,
        d.escalations.tier3,
        d.credits.requested,
        d.credits.approved,
      ]),
    },
    filename: filename('escalations'),
    empty: none(esc.tier1 + esc.tier2 + esc.tier3, 'was escalated'),
  });
}
