/** Work in and out: created against resolved per day, and the backlog now by state and by age. */
import { barChart, rankChart } from '../../charts';
import { stateLabel } from '../../format';
import { card } from './card';
import type { ChartContext } from './charts';
import { integer } from './format';

/** Created vs resolved: is the backlog growing? */
export function throughputChart({ flow, days, perDay, filename, none }: ChartContext): HTMLElement {
  return card({
    id: 'throughput',
    title: 'Created and resolved per day',
    hint: 'Created above resolved for long means the backlog grows.',
    chart: barChart({
      ...perDay,
      grouped: true,
      title: 'Created and resolved per day',
      summary: `${flow.totals.created} created and ${flow.totals.resolved} resolved from ${flow.from} to ${flow.to}.`,
      series: [
        { name: 'created', values: days.map((d) => d.created) },
        { name: 'resolved', values: days.map((d) => d.resolved) },
      ],
    }),
    legendNames: ['created', 'resolved'],
    table: {
      columns: ['day', 'created', 'resolved', 'reopened', 'closed'],
      rows: days.map((d) => [d.day, d.created, d.resolved, d.reopened, d.closed]),
    },
    filename: filename('throughput'),
    empty: none(flow.totals.created + flow.totals.resolved, 'was created or resolved'),
  });
}

/** Open tickets now by state (the waiting states name whose move it is), with the count per queue in the table. */
export function backlogChart({ flow, filename, none, queueOf }: ChartContext): HTMLElement {
  const states = Object.entries(flow.backlog.byState);
  return card({
    id: 'backlog',
    title: 'Backlog now, by state',
    hint: `${integer.format(flow.backlog.open)} open tickets; the waiting states name whose move it is.`,
    chart: rankChart({
      title: 'Open tickets by state',
      summary: states.map(([s, n]) => `${stateLabel(s)} ${n}`).join(', '),
      items: states.map(([s, n]) => ({ label: stateLabel(s), value: n })),
    }),
    table: {
      columns: ['state', 'open tickets'],
      rows: [
        ...states.map(([s, n]) => [stateLabel(s), n]),
        ...Object.entries(flow.backlog.byQueue).map(([q, n]) => [`queue: ${queueOf(q)}`, n]),
      ],
    },
    filename: filename('backlog'),
    empty: none(flow.backlog.open, 'is open'),
  });
}

/** Open tickets by how long ago they arrived. */
export function agingChart({ flow, filename, none }: ChartContext): HTMLElement {
  const aging = flow.backlog.aging;
  const rows: Array<[string, number]> = [
    ['under 1 day', aging.lt1d],
    ['1–3 days', aging.d1to3],
    ['3–7 days', aging.d3to7],
    ['7–30 days', aging.d7to30],
    ['over 30 days', aging.gt30d],
  ];
  return card({
    id: 'aging',
    title: 'Backlog aging',
    hint: 'Open tickets by how long ago they arrived.',
    chart: barChart({
      title: 'Open tickets by age',
      summary: rows.map(([b, n]) => `${b}: ${n}`).join(', '),
      categories: rows.map(([b]) => b),
      series: [{ name: 'open tickets', values: rows.map(([, n]) => n) }],
    }),
    table: { columns: ['age', 'open tickets'], rows },
    filename: filename('aging'),
    empty: none(flow.backlog.open, 'is open'),
  });
}
