/** The top of the ticket screen: where the ticket sits (breadcrumb) and its summary at a glance. */
import type { App } from '../../app';
import { h } from '../../dom';
import { priorityLabel, stateLabel } from '../../format';
import type { Ticket } from '../../types';

/** Queues / the ticket's queue / (the heading that follows names the ticket). */
export function breadcrumb(app: App, t: Ticket): HTMLElement {
  return h(
    'p',
    { class: 'breadcrumb' },
    h('a', { href: '#/queues' }, 'Queues'),
    ' / ',
    h('a', { href: `#/queues/${encodeURIComponent(t.queue)}` }, app.queueNames.get(t.queue) ?? t.queue),
    ' / ',
  );
}

export function summary(app: App, t: Ticket): HTMLElement {
  const item = (term: string, ...value: Array<Node | string>) =>
    h('div', { class: 'pair' }, h('dt', {}, term), h('dd', {}, ...value));
  return h(
    'dl',
    { class: 'summary', 'aria-label': 'Ticket summary' },
    item(
      'State',
      h('span', { class: `state state-${t.state}`, 'data-testid': 'ticket-state' }, stateLabel(t.state)),
    ),
    item('Priority', h('span', { class: `priority priority-${t.priority}` }, priorityLabel(t.priority))),
    item('Queue', app.queueNames.get(t.queue) ?? t.queue),
    item('Assignee', t.assignee ?? 'unassigned'),
    item('Requester', t.requester.name ? `${t.requester.name} <${t.requester.email}>` : t.requester.email),
    t.account
      ? item(
          'Account',
          [t.account.name ?? t.account.id, t.account.tier, t.account.status].filter(Boolean).join(' · '),
        )
      : [],
    t.blockedOn ? item('Blocked on', h('span', { class: 'badge badge-warning' }, t.blockedOn)) : [],
    item('Version', String(t.version)),
  );
}
