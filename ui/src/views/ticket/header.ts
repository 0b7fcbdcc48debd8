/**
 * The top of the ticket screen: where the ticket sits (breadcrumb), its heading (the reference never breaks
 * across lines, the subject wraps) and its summary at a glance, request type included.
 */
import type { FormSchema } from '../../api';
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

/** `FD-12 · subject`, the reference kept on one line however narrow the screen. */
export function heading(t: Ticket): HTMLElement {
  return h(
    'h1',
    { tabindex: -1, class: 'ticket-title' },
    h('span', { class: 'ref' }, t.reference),
    ` · ${t.subject}`,
  );
}

/** The request type's name as its form titles it, else its id in words ("billing dispute"). */
export function requestTypeLabel(requestType: string, schema: FormSchema | undefined): string {
  return schema?.title ?? requestType.replace(/_/g, ' ');
}

export function summary(app: App, t: Ticket, schema: FormSchema | undefined): HTMLElement {
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
    item(
      'Request type',
      h('span', { 'data-testid': 'request-type' }, requestTypeLabel(t.requestType, schema)),
    ),
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
