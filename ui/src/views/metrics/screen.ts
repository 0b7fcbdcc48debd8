/**
 * The flow-metrics dashboard (leads and admins): `GET /v1/metrics/flow` over a date range, optionally one
 * queue or request type, and `GET /v1/metrics/kb-gaps`; `GET /v1/metrics/cost` when the deployment serves
 * it. The filters form, the totals at a glance, then the charts (./charts.ts), each a hand-made SVG with a
 * data table beside it and a CSV download of the same rows.
 */
import '../../metrics.css';
import { ApiError } from '../../api';
import type { Screen } from '../../app';
import { field, h } from '../../dom';
import { announce, showError } from '../../messages';
import type { CostReport, FlowMetrics, IntentStatus, KbGaps } from '../../types';
import { charts } from './charts';
import { DATE, type Filters, filtersFrom, isoDay, queryOf, rangeStart } from './filters';
import { amounts, hours, integer, minutes, orDash, percent, score, shortDay } from './format';
import { intentQualitySection } from './intent-quality';

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
  // Intent quality (issue 19) does not depend on the range: read once. A server without it shows none.
  const intentHost = h('div', { class: 'metrics-intent' });
  const intent = app.api.intentStatus().catch((e: unknown): IntentStatus | undefined => {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return undefined;
    showError(intentHost, e, 'load the intent quality');
    return undefined;
  });

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
          fromInput.value = rangeStart(to, days);
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
    intentHost,
  );
  const [first, intentStatus] = await Promise.all([load(filters), intent]);
  render(first, filters);
  if (intentStatus) intentHost.append(intentQualitySection(app, intentStatus, typeLabel));
  return undefined;
};

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
      'Deflection rate',
      orDash(t.deflectionRate, percent),
      ` · ${integer.format(t.deflection.deflections)} deflected, ${integer.format(t.deflection.selfServed)} self-served`,
    ),
    tile(
      'Credits approved',
      `${integer.format(t.credits.approved)} / ${integer.format(t.credits.requested)}`,
      ` · ${amounts(t.credits.approvedAmount)} of ${amounts(t.credits.requestedAmount)}`,
    ),
  );
}
