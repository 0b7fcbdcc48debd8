import '../metrics.css';
import { ApiError } from '../api';
import type { Screen } from '../app';
import { barChart, legend, lineChart, rankChart } from '../charts';
import { field, h, uid } from '../dom';
import { stateLabel } from '../format';
import { announce, showError } from '../messages';

/**
 * The flow-metrics dashboard (leads and admins): `GET /v1/metrics/flow` over a date range, optionally one
 * queue or request type, and `GET /v1/metrics/kb-gaps`; `GET /v1/metrics/cost` when the deployment serves
 * it. Every chart is a hand-made SVG with a data table beside it and a CSV download of the same rows.
 */

// ---------------------------------------------------------------------------------------------------------
// The API's shapes (functions/read-metrics; the server's zod schemas and use case are the truth).

interface DayMetrics {
  day: string;
  created: number;
  resolved: number;
  reopened: number;
  closed: number;
  firstResponse: { count: number; p50Minutes: number | null; p90Minutes: number | null };
  resolution: { count: number; p50Hours: number | null; p90Hours: number | null };
  blockedHours: { customer: number; team: number; approval: number };
  sla: { met: number; breached: number };
  escalations: { tier1: number; tier2: number; tier3: number };
  csat: { count: number; sum: number };
  credits: {
    requested: number;
    approved: number;
    /** Per currency (`{ EUR: 1200 }`); a plain number from older servers. */
    requestedAmount: Record<string, number> | number;
    approvedAmount: Record<string, number> | number;
  };
}

interface FlowMetrics {
  from: string;
  to: string;
  queue?: string;
  requestType?: string;
  days: DayMetrics[];
  totals: Omit<DayMetrics, 'day'> & {
    reopenRate: number | null;
    slaAttainment: number | null;
    csatAverage: number | null;
  };
  backlog: {
    open: number;
    byState: Record<string, number>;
    aging: { lt1d: number; d1to3: number; d3to7: number; d7to30: number; gt30d: number };
    byQueue: Record<string, number>;
  };
  drivers: Array<{ driver: string; requestType: string; label: string; count: number }>;
}

interface KbGaps {
  windowDays: number;
  threshold: number;
  gaps: Array<{
    driver: string;
    requestType: string;
    label: string;
    count: number;
    examples: Array<{ ticketId: string; reference: string; subject: string }>;
  }>;
}

interface CostReport {
  measuredAt?: string;
  /** What one measured lifecycle was, in words. */
  lifecycle?: string;
  lifecycles?: number;
  region?: string;
  pricesAsOf?: string;
  currency?: string;
  perThousandLifecycles: { total: number; byService: Record<string, number> };
}

// ---------------------------------------------------------------------------------------------------------
// Filters, kept in the address (`#/metrics?from=&to=&queue=&requestType=&kbThreshold=&kbDays=`).

interface Filters {
  from: string;
  to: string;
  queue: string;
  requestType: string;
  kbThreshold: number;
  kbDays: number;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function filtersFrom(query: string): Filters {
  const q = new URLSearchParams(query);
  const today = isoDay(Date.now());
  const to = DATE.test(q.get('to') ?? '') ? (q.get('to') as string) : today;
  const from = DATE.test(q.get('from') ?? '')
    ? (q.get('from') as string)
    : isoDay(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS);
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

function queryOf(f: Filters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  if (f.queue) q.set('queue', f.queue);
  if (f.requestType) q.set('requestType', f.requestType);
  if (f.kbThreshold !== 20) q.set('kbThreshold', String(f.kbThreshold));
  if (f.kbDays !== 30) q.set('kbDays', String(f.kbDays));
  return q.toString();
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const score = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const shortDay = (iso: string) => dayLabel.format(new Date(`${iso}T00:00:00Z`));

function minutes(n: number): string {
  if (n < 120) return `${integer.format(n)} min`;
  if (n < 48 * 60) return `${oneDecimal.format(n / 60)} h`;
  return `${oneDecimal.format(n / 1440)} d`;
}
function hours(n: number): string {
  if (n < 48) return `${oneDecimal.format(n)} h`;
  return `${oneDecimal.format(n / 24)} d`;
}
const percent = (ratio: number) => `${integer.format(ratio * 100)} %`;
const orDash = (n: number | null | undefined, fmt: (n: number) => string) =>
  n === null || n === undefined ? '—' : fmt(n);

function amounts(a: Record<string, number> | number): string {
  if (typeof a === 'number') return integer.format(a);
  const parts = Object.entries(a).map(([currency, n]) => `${integer.format(n)} ${currency}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}

/**
 * Series in the first unit (of `[divisor, unit name, largest value in that unit]`) that fits their largest
 * value, so a chart's axis reads "6 h, 12 h, 18 h" rather than "360 min … 1.1 d".
 */
function scaled(
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
function rolling(
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

// ---------------------------------------------------------------------------------------------------------
// A chart card: heading, the chart, its numbers as a table, and a CSV of the same rows.

interface Table {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | null>>;
}

function csvOf(table: Table): string {
  const cell = (v: string | number | null) => {
    const text = v === null ? '' : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[table.columns, ...table.rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: filename, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started; the object URL is no longer needed once the click is handled.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function card(opts: {
  id: string;
  title: string;
  hint?: string;
  chart: Node;
  legendNames?: readonly string[];
  table: Table;
  filename: string;
  empty?: string | undefined;
  after?: Node;
}): HTMLElement {
  const titleId = uid(`metrics-${opts.id}`);
  const table = h(
    'table',
    { class: 'data' },
    h('caption', { class: 'visually-hidden' }, opts.title),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        opts.table.columns.map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : undefined }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      opts.table.rows.map((r) =>
        h(
          'tr',
          {},
          r.map((v, i) =>
            i === 0
              ? h('th', { scope: 'row' }, String(v ?? ''))
              : h('td', { class: 'num' }, v === null ? '—' : String(v)),
          ),
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'chart-card', 'aria-labelledby': titleId, 'data-chart': opts.id },
    h('h2', { id: titleId }, opts.title),
    opts.hint ? h('p', { class: 'hint' }, opts.hint) : null,
    opts.empty ? h('p', { class: 'empty' }, opts.empty) : null,
    h('figure', { class: 'chart-figure' }, opts.chart, opts.legendNames ? legend(opts.legendNames) : null),
    opts.after ?? null,
    h(
      'div',
      { class: 'chart-actions' },
      h(
        'details',
        { class: 'chart-data' },
        h('summary', {}, 'Show the numbers'),
        h('div', { class: 'table-wrap' }, table),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button csv-button',
          'data-csv': opts.id,
          onclick: () => {
            download(opts.filename, csvOf(opts.table));
            announce(`Downloaded ${opts.filename}.`);
          },
        },
        'Download CSV',
        h('span', { class: 'visually-hidden' }, `: ${opts.title}`),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------
// The screen

export const metricsScreen: Screen = async (app, host) => {
  const route = location.hash.split('?')[1] ?? '';
  let filters = filtersFrom(route);
  const [forms, queues] = await Promise.all([
    app.api
      .request<{ forms: Array<{ requestType: string; label: string }> }>('GET', '/v1/forms')
      .then((f) => f.forms)
      .catch(() => []),
    app.me.allQueues
      ? Promise.resolve(app.me.allQueues)
      : app.api.queues().then((q) => q.queues.map(({ id, name, tier }) => ({ id, name, tier }))),
  ]);
  const typeLabel = new Map(forms.map((f) => [f.requestType, f.label]));
  const queueLabel = new Map(queues.map((q) => [q.id, q.name]));
  for (const q of queues) app.queueNames.set(q.id, q.name);

  const fromInput = h('input', { type: 'date', name: 'from', value: filters.from, required: true });
  const toInput = h('input', { type: 'date', name: 'to', value: filters.to, required: true });
  const queueSelect = h(
    'select',
    { name: 'queue' },
    h('option', { value: '' }, 'All queues'),
    queues.map((q) => h('option', { value: q.id }, q.name)),
  );
  queueSelect.value = filters.queue;
  const typeSelect = h(
    'select',
    { name: 'requestType' },
    h('option', { value: '' }, 'All request types'),
    forms.map((f) => h('option', { value: f.requestType }, f.label)),
  );
  typeSelect.value = filters.requestType;
  const errorSlot = h('div', { class: 'error-slot' });
  const status = h('p', { class: 'updated', id: 'metrics-status' });
  const body = h('div', { class: 'metrics-body' });

  const load = async (f: Filters) => {
    const query = { from: f.from, to: f.to, queue: f.queue, requestType: f.requestType };
    const [flow, kb, cost] = await Promise.all([
      app.api.request<FlowMetrics>('GET', '/v1/metrics/flow', { query }),
      app.api.request<KbGaps>('GET', '/v1/metrics/kb-gaps', {
        query: { days: f.kbDays, threshold: f.kbThreshold },
      }),
      // Cost per 1,000 lifecycles is optional: a deployment that does not measure it answers 404.
      app.api.request<CostReport>('GET', '/v1/metrics/cost').catch((e: unknown) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return undefined;
        throw e;
      }),
    ]);
    return { flow, kb, cost };
  };

  const render = (data: Awaited<ReturnType<typeof load>>, f: Filters) => {
    const scope = [
      f.queue ? (queueLabel.get(f.queue) ?? f.queue) : 'all queues',
      f.requestType ? (typeLabel.get(f.requestType) ?? f.requestType) : 'all request types',
    ].join(', ');
    status.textContent = `${shortDay(data.flow.from)} to ${shortDay(data.flow.to)} (${data.flow.days.length} days), ${scope}. Backlog and aging are as of now.`;
    body.replaceChildren(
      tiles(data.flow),
      h('div', { class: 'chart-grid' }, charts(data, f, { typeLabel, queueLabel })),
    );
  };

  const apply = async (e: Event) => {
    e.preventDefault();
    errorSlot.replaceChildren();
    const next: Filters = {
      ...filters,
      from: fromInput.value,
      to: toInput.value,
      queue: queueSelect.value,
      requestType: typeSelect.value,
    };
    if (!DATE.test(next.from) || !DATE.test(next.to) || next.from > next.to) {
      fromInput.setAttribute('aria-invalid', 'true');
      errorSlot.append(
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          'Pick a start date on or before the end date.',
        ),
      );
      fromInput.focus();
      return;
    }
    fromInput.removeAttribute('aria-invalid');
    await reload(next);
  };

  const reload = async (next: Filters) => {
    body.setAttribute('aria-busy', 'true');
    try {
      const data = await load(next);
      filters = next;
      // The address names the view (shareable) without a hashchange, so focus stays where it is.
      history.replaceState(null, '', `#/metrics?${queryOf(filters)}`);
      render(data, filters);
      announce(`Metrics updated: ${status.textContent ?? ''}`);
    } catch (err: unknown) {
      showError(errorSlot, err, 'load the metrics');
    } finally {
      body.removeAttribute('aria-busy');
    }
  };

  const quick = (days: number) =>
    h(
      'button',
      {
        type: 'button',
        class: 'button button-quiet-light',
        onclick: () => {
          const to = isoDay(Date.now());
          toInput.value = to;
          fromInput.value = isoDay(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS);
          void reload({
            ...filters,
            from: fromInput.value,
            to,
            queue: queueSelect.value,
            requestType: typeSelect.value,
          });
        },
      },
      `Last ${days} days`,
    );

  host.append(
    h('h1', { tabindex: -1 }, 'Flow metrics'),
    h(
      'p',
      { class: 'lede' },
      'How work flows: what arrived and was resolved, how fast, how long it waited and on whom, whether targets were met, how customers felt, and what they keep asking about.',
    ),
    h(
      'form',
      { class: 'filters metrics-filters', onsubmit: apply, 'aria-label': 'Metrics filters' },
      field('From', fromInput),
      field('To', toInput),
      field('Queue', queueSelect),
      field('Request type', typeSelect),
      h('button', { type: 'submit', class: 'button button-primary' }, 'Apply'),
      h(
        'div',
        { class: 'quick-ranges', role: 'group', 'aria-label': 'Quick ranges' },
        quick(7),
        quick(30),
        quick(90),
      ),
    ),
    errorSlot,
    status,
    body,
  );
  const first = await load(filters);
  render(first, filters);
  return undefined;
};

// ---------------------------------------------------------------------------------------------------------
// The numbers at a glance

function tiles(flow: FlowMetrics): HTMLElement {
  const t = flow.totals;
  const tile = (label: string, value: string, note?: string) =>
    h(
      'div',
      { class: 'tile' },
      h('dt', {}, label),
      h('dd', {}, value, note ? h('span', { class: 'tile-note' }, note) : null),
    );
  return h(
    'dl',
    { class: 'tiles', 'aria-label': 'Totals for the range' },
    tile('Created', integer.format(t.created)),
    tile(
      'Resolved',
      integer.format(t.resolved),
      t.closed ? ` · ${integer.format(t.closed)} closed` : undefined,
    ),
    tile('Open now', integer.format(flow.backlog.open)),
    tile(
      'First response p50',
      orDash(t.firstResponse.p50Minutes, minutes),
      ` · p90 ${orDash(t.firstResponse.p90Minutes, minutes)}`,
    ),
    tile(
      'Resolution p50',
      orDash(t.resolution.p50Hours, hours),
      ` · p90 ${orDash(t.resolution.p90Hours, hours)}`,
    ),
    tile('SLA attainment', orDash(t.slaAttainment, percent), ` · ${integer.format(t.sla.breached)} breached`),
    tile('Reopen rate', orDash(t.reopenRate, percent), ` · ${integer.format(t.reopened)} reopened`),
    tile(
      'CSAT',
      orDash(t.csatAverage, (n) => `${score.format(n)} / 5`),
      ` · ${integer.format(t.csat.count)} answers`,
    ),
    tile(
      'Credits approved',
      `${integer.format(t.credits.approved)} / ${integer.format(t.credits.requested)}`,
      ` · ${amounts(t.credits.approvedAmount)} of ${amounts(t.credits.requestedAmount)}`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------
// The charts

function charts(
  data: { flow: FlowMetrics; kb: KbGaps; cost: CostReport | undefined },
  f: Filters,
  labels: { typeLabel: Map<string, string>; queueLabel: Map<string, string> },
): HTMLElement[] {
  const { flow, kb, cost } = data;
  const days = flow.days;
  const categories = days.map((d) => d.day);
  const name = (id: string) => `frontdoor-${id}-${flow.from}_${flow.to}.csv`;
  const none = (total: number, what: string) =>
    total === 0 ? `Nothing ${what} in this range yet (try npm run seed:demo locally).` : undefined;
  const common = { categories, categoryLabel: shortDay };
  const out: HTMLElement[] = [];

  // Created vs resolved: is the backlog growing?
  out.push(
    card({
      id: 'throughput',
      title: 'Created and resolved per day',
      hint: 'Created above resolved for long means the backlog grows.',
      chart: barChart({
        ...common,
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
      filename: name('throughput'),
      empty: none(flow.totals.created + flow.totals.resolved, 'was created or resolved'),
    }),
  );

  // Backlog now: by state and by age.
  const states = Object.entries(flow.backlog.byState);
  out.push(
    card({
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
          ...Object.entries(flow.backlog.byQueue).map(([q, n]) => [
            `queue: ${labels.queueLabel.get(q) ?? q}`,
            n,
          ]),
        ],
      },
      filename: name('backlog'),
      empty: none(flow.backlog.open, 'is open'),
    }),
  );
  const aging = flow.backlog.aging;
  const agingRows: Array<[string, number]> = [
    ['under 1 day', aging.lt1d],
    ['1–3 days', aging.d1to3],
    ['3–7 days', aging.d3to7],
    ['7–30 days', aging.d7to30],
    ['over 30 days', aging.gt30d],
  ];
  out.push(
    card({
      id: 'aging',
      title: 'Backlog aging',
      hint: 'Open tickets by how long ago they arrived.',
      chart: barChart({
        title: 'Open tickets by age',
        summary: agingRows.map(([b, n]) => `${b}: ${n}`).join(', '),
        categories: agingRows.map(([b]) => b),
        series: [{ name: 'open tickets', values: agingRows.map(([, n]) => n) }],
      }),
      table: { columns: ['age', 'open tickets'], rows: agingRows },
      filename: name('aging'),
      empty: none(flow.backlog.open, 'is open'),
    }),
  );

  // Speed: first response and resolution, median and 90th percentile, each in the unit its numbers need.
  const frtScale = scaled(
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
  const resolutionScale = scaled(
    [
      { name: 'p50', values: days.map((d) => d.resolution.p50Hours) },
      { name: 'p90', values: days.map((d) => d.resolution.p90Hours) },
    ],
    [
      [1, 'h', 96],
      [24, 'd', Number.POSITIVE_INFINITY],
    ],
  );
  out.push(
    card({
      id: 'first-response',
      title: 'Time to first response',
      hint: 'Median (p50) and 90th percentile of the first public reply, by the day it was given.',
      chart: lineChart({
        ...common,
        title: 'Time to first response, p50 and p90',
        summary: `Over the range: p50 ${orDash(flow.totals.firstResponse.p50Minutes, minutes)}, p90 ${orDash(flow.totals.firstResponse.p90Minutes, minutes)}.`,
        ...frtScale,
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
      filename: name('first-response'),
      empty: none(flow.totals.firstResponse.count, 'was answered'),
    }),
  );
  out.push(
    card({
      id: 'resolution',
      title: 'Time to resolution',
      hint: 'Median and 90th percentile from arrival to resolution, by the day of resolution.',
      chart: lineChart({
        ...common,
        title: 'Time to resolution, p50 and p90',
        summary: `Over the range: p50 ${orDash(flow.totals.resolution.p50Hours, hours)}, p90 ${orDash(flow.totals.resolution.p90Hours, hours)}.`,
        ...resolutionScale,
      }),
      legendNames: ['p50', 'p90'],
      table: {
        columns: ['day', 'resolutions', 'p50 hours', 'p90 hours'],
        rows: days.map((d) => [d.day, d.resolution.count, d.resolution.p50Hours, d.resolution.p90Hours]),
      },
      filename: name('resolution'),
      empty: none(flow.totals.resolution.count, 'was resolved'),
    }),
  );

  // Blocked time: whose move was it?
  const blocked = flow.totals.blockedHours;
  out.push(
    card({
      id: 'blocked',
      title: 'Time blocked, by kind',
      hint: `Hours tickets waited, by the day the wait ended: on the customer ${hours(blocked.customer)}, on another team ${hours(blocked.team)}, on an approval ${hours(blocked.approval)}.`,
      chart: barChart({
        ...common,
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
      filename: name('blocked'),
      empty: none(blocked.customer + blocked.team + blocked.approval, 'was blocked'),
    }),
  );

  // Outcomes: SLA attainment, reopen rate, CSAT.
  out.push(
    card({
      id: 'sla',
      title: 'SLA attainment',
      hint: `Targets met out of targets judged (first response, next response, resolution); ${flow.totals.sla.met} met, ${flow.totals.sla.breached} breached.`,
      chart: lineChart({
        ...common,
        title: 'SLA attainment per day',
        summary: `Over the range: ${orDash(flow.totals.slaAttainment, percent)} of targets met.`,
        format: percent,
        max: 1,
        series: [
          {
            name: 'attainment',
            values: days.map((d) =>
              d.sla.met + d.sla.breached > 0 ? d.sla.met / (d.sla.met + d.sla.breached) : null,
            ),
          },
        ],
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
      filename: name('sla'),
      empty: none(flow.totals.sla.met + flow.totals.sla.breached, 'was judged against a target'),
    }),
  );
  out.push(
    card({
      id: 'reopen',
      title: 'Reopen rate',
      hint: 'Reopened out of resolved, over the trailing 7 days (a single day is too few to read).',
      chart: lineChart({
        ...common,
        title: 'Reopen rate, 7-day rolling',
        summary: `Over the range: ${orDash(flow.totals.reopenRate, percent)} (${flow.totals.reopened} reopened of ${flow.totals.resolved} resolved).`,
        format: percent,
        series: [
          {
            name: 'reopen rate',
            values: rolling(
              days,
              7,
              (d) => d.reopened,
              (d) => d.resolved,
            ),
          },
        ],
      }),
      table: {
        columns: ['day', 'reopened', 'resolved', '7-day reopen rate %'],
        rows: days.map((d, i) => {
          const r =
            rolling(
              days,
              7,
              (x) => x.reopened,
              (x) => x.resolved,
            )[i] ?? null;
          return [d.day, d.reopened, d.resolved, r === null ? null : Math.round(r * 1000) / 10];
        }),
      },
      filename: name('reopen'),
      empty: none(flow.totals.resolved, 'was resolved'),
    }),
  );
  const csatRolling = rolling(
    days,
    7,
    (d) => d.csat.sum,
    (d) => d.csat.count,
  );
  out.push(
    card({
      id: 'csat',
      title: 'Customer satisfaction (CSAT)',
      hint: 'Average score from 1 to 5 over the trailing 7 days, from the survey in the resolution mail.',
      chart: lineChart({
        ...common,
        title: 'CSAT average, 7-day rolling',
        summary: `Over the range: ${orDash(flow.totals.csatAverage, (n) => score.format(n))} from ${flow.totals.csat.count} answers.`,
        format: (n) => score.format(n),
        max: 5,
        series: [{ name: 'CSAT', values: csatRolling }],
      }),
      table: {
        columns: ['day', 'answers', 'sum of scores', '7-day average'],
        rows: days.map((d, i) => {
          const avg = csatRolling[i] ?? null;
          return [d.day, d.csat.count, d.csat.sum, avg === null ? null : Math.round(avg * 100) / 100];
        }),
      },
      filename: name('csat'),
      empty: none(flow.totals.csat.count, 'was rated'),
    }),
  );
  const esc = flow.totals.escalations;
  out.push(
    card({
      id: 'escalations',
      title: 'Escalations by tier',
      hint: `Escalation steps taken, by the tier that received them: tier 1 ${esc.tier1}, tier 2 ${esc.tier2}, tier 3 ${esc.tier3}.`,
      chart: barChart({
        ...common,
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
      filename: name('escalations'),
      empty: none(esc.tier1 + esc.tier2 + esc.tier3, 'was escalated'),
    }),
  );

  // What customers ask about.
  const typeOf = (t: string) => labels.typeLabel.get(t) ?? t;
  out.push(
    card({
      id: 'drivers',
      title: 'Top drivers',
      hint: 'What the tickets created in the range were about: request type and the subject’s significant words.',
      chart: rankChart({
        title: 'Top drivers by tickets created',
        summary: flow.drivers
          .slice(0, 5)
          .map((d) => `${d.label} (${typeOf(d.requestType)}) ${d.count}`)
          .join(', '),
        items: flow.drivers.map((d) => ({ label: `${d.label} · ${typeOf(d.requestType)}`, value: d.count })),
      }),
      table: {
        columns: ['driver', 'request type', 'tickets'],
        rows: flow.drivers.map((d) => [d.label, typeOf(d.requestType), d.count]),
      },
      filename: name('drivers'),
      empty: flow.drivers.length === 0 ? 'No tickets were created in this range.' : undefined,
    }),
  );
  out.push(kbCard(kb, f, typeOf));
  if (cost) out.push(costCard(cost));
  return out;
}

/** Drivers seen more often than the threshold in the window: each deserves a knowledge-base article. */
function kbCard(kb: KbGaps, f: Filters, typeOf: (t: string) => string): HTMLElement {
  const list = h(
    'ol',
    { class: 'kb-gaps' },
    kb.gaps.map((g) =>
      h(
        'li',
        { 'data-driver': g.driver, 'data-count': g.count },
        h('span', { class: 'kb-label' }, g.label),
        ` (${typeOf(g.requestType)}): `,
        h('strong', {}, `${g.count} tickets`),
        ` in ${kb.windowDays} days`,
        g.examples.length
          ? h(
              'ul',
              { class: 'kb-examples', 'aria-label': `Examples of ${g.label}` },
              g.examples
                .slice(0, 3)
                .map((ex) =>
                  h(
                    'li',
                    {},
                    h('a', { href: `#/tickets/${encodeURIComponent(ex.reference)}` }, ex.reference),
                    ` ${ex.subject}`,
                  ),
                ),
            )
          : null,
      ),
    ),
  );
  return card({
    id: 'kb-gaps',
    title: 'Knowledge-base gaps',
    hint: `Drivers seen more than ${kb.threshold} times in the last ${kb.windowDays} days (all queues): write them up so customers find the answer themselves. Change the threshold or window in the address (kbThreshold, kbDays).`,
    chart: rankChart({
      title: 'Knowledge-base gaps: drivers over the threshold',
      summary: kb.gaps.length
        ? `${kb.gaps.length} drivers over ${kb.threshold} in ${kb.windowDays} days, led by ${kb.gaps[0]?.label} with ${kb.gaps[0]?.count}.`
        : `No driver over ${kb.threshold} in ${kb.windowDays} days.`,
      items: kb.gaps.map((g) => ({
        label: `${g.label} · ${typeOf(g.requestType)}`,
        value: g.count,
        highlight: true,
      })),
      rule: { value: kb.threshold, label: `threshold ${kb.threshold}` },
    }),
    after: kb.gaps.length ? list : undefined,
    table: {
      columns: ['driver', 'request type', `tickets in ${kb.windowDays} days`, 'examples'],
      rows: kb.gaps.map((g) => [
        g.label,
        typeOf(g.requestType),
        g.count,
        g.examples.map((e) => e.reference).join(' '),
      ]),
    },
    filename: `frontdoor-kb-gaps-${kb.windowDays}d-over-${kb.threshold}-${f.to}.csv`,
    empty:
      kb.gaps.length === 0
        ? `No driver was seen more than ${kb.threshold} times in the last ${kb.windowDays} days.`
        : undefined,
  });
}

function costCard(cost: CostReport): HTMLElement {
  const services = Object.entries(cost.perThousandLifecycles.byService)
    .filter(([, usd]) => usd > 0)
    .sort((a, b) => b[1] - a[1]);
  const currency = cost.currency ?? 'USD';
  // Per-service amounts run from dollars down to fractions of a cent: keep two significant digits.
  const money = (n: number) =>
    `${n >= 1 ? n.toFixed(2) : n >= 0.01 ? n.toFixed(3) : String(Number(n.toPrecision(2)))} ${currency}`;
  const when = [
    cost.pricesAsOf ? `list prices${cost.region ? ` in ${cost.region}` : ''} as of ${cost.pricesAsOf}` : '',
    cost.measuredAt ? `operations measured ${cost.measuredAt.slice(0, 10)}` : '',
    cost.lifecycles ? `over ${cost.lifecycles} lifecycles` : '',
  ].filter(Boolean);
  return card({
    id: 'cost',
    title: 'Cost per 1,000 ticket lifecycles',
    hint: `${money(cost.perThousandLifecycles.total)} in total${when.length ? ` (${when.join(', ')})` : ''}.${cost.lifecycle ? ` One lifecycle: ${cost.lifecycle}.` : ''}`,
    chart: rankChart({
      title: 'Cost per 1,000 ticket lifecycles by service',
      summary: services.map(([s, usd]) => `${s} ${money(usd)}`).join(', '),
      items: services.map(([s, usd]) => ({ label: s, value: usd })),
      format: money,
    }),
    table: {
      columns: ['service', `${currency} per 1,000 lifecycles`],
      rows: [...services, ['total', cost.perThousandLifecycles.total]],
    },
    filename: 'frontdoor-cost-per-1000-lifecycles.csv',
  });
}
