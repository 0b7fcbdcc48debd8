/**
 * Speed and waiting: time to first response and to resolution (median and 90th percentile, each in the unit
 * its numbers need), and the hours tickets were blocked, by whose move it was.
 */
import { barChart, lineChart } from '../../charts';
import { card } from './card';
import type { ChartContext } from './charts';
import { hours, minutes, oneDecimal, orDash, scaled } from './format';

export function firstResponseChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const inUnit = scaled(
    [
      { name: 'p50', values: days.map((d) => d.firstResponse.p50Minutes) },
      { name: 'p90', values: days.map((d) => d.firstResponse.p90Minutes) },
    ],
    [
      [1, 'min', 180],
      [60, 'h', 96 * 60],
      [1440, 'd', Number.POSITIVE_INFINITY],
    ],
  );
  const total = flow.totals.firstResponse;
  return card({
    id: 'first-response',
    title: 'Time to first response',
    hint: 'Median (p50) and 90th percentile of the first public reply, by the day it was given.',
    chart: lineChart({
      ...perDay,
      title: 'Time to first response, p50 and p90',
      summary: `Over the range: p50 ${orDash(total.p50Minutes, minutes)}, p90 ${orDash(total.p90Minutes, minutes)}.`,
      ...inUnit,
    }),
    legendNames: ['p50', 'p90'],
    table: {
      columns: ['day', 'first responses', 'p50 minutes', 'p90 minutes'],
      rows: days.map((d) => [
        d.day,
        d.firstResponse.count,
        d.firstResponse.p50Minutes,
        d.firstResponse.p90Minutes,
      ]),
    },
    filename: filename('first-response'),
    empty: none(total.count, 'was answered'),
  });
}

export function resolutionChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const inUnit = scaled(
    [
      { name: 'p50', values: days.map((d) => d.resolution.p50Hours) },
      { name: 'p90', values: days.map((d) => d.resolution.p90Hours) },
    ],
    [
      [1, 'h', 96],
      [24, 'd', Number.POSITIVE_INFINITY],
    ],
  );
  const total = flow.totals.resolution;
  return card({
    id: 'resolution',
    title: 'Time to resolution',
    hint: 'Median and 90th percentile from arrival to resolution, by the day of resolution.',
    chart: lineChart({
      ...perDay,
      title: 'Time to resolution, p50 and p90',
      summary: `Over the range: p50 ${orDash(total.p50Hours, hours)}, p90 ${orDash(total.p90Hours, hours)}.`,
      ...inUnit,
    }),
    legendNames: ['p50', 'p90'],
    table: {
      columns: ['day', 'resolutions', 'p50 hours', 'p90 hours'],
      rows: days.map((d) => [d.day, d.resolution.count, d.resolution.p50Hours, d.resolution.p90Hours]),
    },
    filename: filename('resolution'),
    empty: none(total.count, 'was resolved'),
  });
}

/** Blocked time: whose move was it? */
export function blockedChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  const blocked = flow.totals.blockedHours;
  return card({
    id: 'blocked',
    title: 'Time blocked, by kind',
    hint: `Hours tickets waited, by the day the wait ended: on the customer ${hours(blocked.customer)}, on another team ${hours(blocked.team)}, on an approval ${hours(blocked.approval)}.`,
    chart: barChart({
      ...perDay,
      title: 'Hours blocked per day, by kind',
      summary: `Customer ${blocked.customer} h, team ${blocked.team} h, approval ${blocked.approval} h over the range.`,
      format: (n) => `${oneDecimal.format(n)} h`,
      series: [
        { name: 'waiting on customer', values: days.map((d) => d.blockedHours.customer) },
        { name: 'waiting on team', values: days.map((d) => d.blockedHours.team) },
        { name: 'waiting on approval', values: days.map((d) => d.blockedHours.approval) },
      ],
    }),
    legendNames: ['waiting on customer', 'waiting on team', 'waiting on approval'],
    table: {
      columns: ['day', 'customer hours', 'team hours', 'approval hours'],
      rows: days.map((d) => [d.day, d.blockedHours.customer, d.blockedHours.team, d.blockedHours.approval]),
    },
    filename: filename('blocked'),
    empty: none(blocked.customer + blocked.team + blocked.approval, 'was blocked'),
  });
}
