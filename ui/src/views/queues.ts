import type { Screen } from '../app';
import { h } from '../dom';
import { stateLabel } from '../format';
import { OPEN_STATES } from '../types';

const REFRESH_MS = 20_000;

/** Queues with their counts per open state and SLA risk badges; refreshes itself while visible. */
export const queuesScreen: Screen = async (app, host) => {
  const { queues } = await app.api.queues();
  for (const q of queues) app.queueNames.set(q.id, q.name);

  const updated = h('p', { class: 'updated', id: 'queues-updated' });
  const tbody = h('tbody');
  const fill = (list: typeof queues) => {
    const focused = tbody.contains(document.activeElement) ? document.activeElement?.id : undefined;
    tbody.replaceChildren(
      ...list.map((q) =>
        h(
          'tr',
          { 'data-queue': q.id },
          h(
            'th',
            { scope: 'row' },
            h('a', { href: `#/queues/${encodeURIComponent(q.id)}`, id: `queue-link-${q.id}` }, q.name),
            h('span', { class: 'tier' }, ` tier ${q.tier}`),
          ),
          OPEN_STATES.map((s) => h('td', { class: 'num', 'data-state': s }, String(q.counts[s] ?? 0))),
          h('td', { class: 'num', 'data-open': '' }, String(q.open)),
          h('td', {}, slaBadges(q.slaRisk)),
        ),
      ),
    );
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    if (focused) document.getElementById(focused)?.focus();
  };
  fill(queues);

  host.append(
    h('h1', { tabindex: -1 }, 'Queues'),
    h(
      'p',
      { class: 'lede' },
      app.me.queues === 'all'
        ? 'Every queue, with its open tickets by state and SLA risk.'
        : 'Your queues, with their open tickets by state and SLA risk.',
    ),
    queues.length === 0
      ? h('p', { class: 'empty' }, 'You work no queue yet. Ask an admin to add you to a queue group.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data queues-table' },
            h('caption', { class: 'visually-hidden' }, 'Queues and their open tickets'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Queue'),
                OPEN_STATES.map((s) => h('th', { scope: 'col', class: 'num' }, stateLabel(s))),
                h('th', { scope: 'col', class: 'num' }, 'Open'),
                h('th', { scope: 'col' }, 'SLA'),
              ),
            ),
            tbody,
          ),
        ),
    updated,
  );

  const timer = window.setInterval(async () => {
    if (document.hidden) return;
    try {
      const next = await app.api.queues();
      fill(next.queues);
    } catch {
      updated.textContent = `Could not refresh at ${new Date().toLocaleTimeString()}; showing earlier counts.`;
    }
  }, REFRESH_MS);
  return () => window.clearInterval(timer);
};

export function slaBadges(risk: { warning: number; breached: number }): HTMLElement {
  const badges = h('span', { class: 'badges' });
  if (risk.breached > 0)
    badges.append(h('span', { class: 'badge badge-breached' }, `${risk.breached} breached`));
  if (risk.warning > 0) badges.append(h('span', { class: 'badge badge-warning' }, `${risk.warning} at risk`));
  if (risk.breached === 0 && risk.warning === 0)
    badges.append(h('span', { class: 'badge badge-ok' }, 'on track'));
  return badges;
}
