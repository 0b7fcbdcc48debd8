/**
 * The dashboard's charts, in the order they are shown: work in and out and the backlog, speed and time
 * blocked, outcomes, and what customers ask about. Each chart is one function of a `ChartContext` (the
 * range's numbers and the few helpers every card uses), kept by family in the modules imported here.
 */
import type { CostReport, DayMetrics, FlowMetrics, KbGaps } from '../../types';
import { deflectionChart } from './deflection-charts';
import { costChart, driversChart, kbGapsChart } from './demand-charts';
import type { Filters } from './filters';
import { agingChart, backlogChart, throughputChart } from './flow-charts';
import { shortDay } from './format';
import { csatChart, escalationsChart, reopenChart, slaChart } from './outcome-charts';
import { blockedChart, firstResponseChart, resolutionChart } from './speed-charts';

export interface ChartContext {
  readonly flow: FlowMetrics;
  readonly days: readonly DayMetrics[];
  /** The x axis every per-day chart shares: one category per day, labelled "Nov 3". */
  readonly perDay: { readonly categories: string[]; readonly categoryLabel: (iso: string) => string };
  /** The CSV file name of chart `id` over this range. */
  filename(id: string): string;
  /** The note a card shows when its total is 0 ("Nothing was resolved in this range yet …"). */
  none(total: number, what: string): string | undefined;
  /** A request type's label (from `GET /v1/forms`), or the type itself. */
  typeOf(requestType: string): string;
  /** A queue's name, or its id. */
  queueOf(queue: string): string;
}

export function chartContext(
  flow: FlowMetrics,
  labels: { typeLabel: ReadonlyMap<string, string>; queueLabel: ReadonlyMap<string, string> },
): ChartContext {
  return {
    flow,
    days: flow.days,
    perDay: { categories: flow.days.map((d) => d.day), categoryLabel: shortDay },
    filename: (id) => `frontdoor-${id}-${flow.from}_${flow.to}.csv`,
    none: (total, what) =>
      total === 0 ? `Nothing ${what} in this range yet (try npm run seed:demo locally).` : undefined,
    typeOf: (t) => labels.typeLabel.get(t) ?? t,
    queueOf: (q) => labels.queueLabel.get(q) ?? q,
  };
}

export function charts(
  data: { flow: FlowMetrics; kb: KbGaps; cost: CostReport | undefined },
  f: Filters,
  labels: { typeLabel: ReadonlyMap<string, string>; queueLabel: ReadonlyMap<string, string> },
): HTMLElement[] {
  const ctx = chartContext(data.flow, labels);
  return [
    throughputChart(ctx),
    backlogChart(ctx),
    agingChart(ctx),
    firstResponseChart(ctx),
    resolutionChart(ctx),
    blockedChart(ctx),
    slaChart(ctx),
    reopenChart(ctx),
    csatChart(ctx),
    escalationsChart(ctx),
    driversChart(ctx),
    deflectionChart(ctx),
    kbGapsChart(data.kb, f.to, ctx.typeOf),
    ...(data.cost ? [costChart(data.cost)] : []),
  ];
}
