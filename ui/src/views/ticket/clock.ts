/**
 * What runs against the clock: the SLA targets with their countdowns and the escalation reached, and what
 * the ticket's clock will do next on its own. Both re-render their times on `tick`.
 */
import { h } from '../../dom';
import { formatDateTime, relativeTime, slaText, TARGET_LABELS, upcomingText } from '../../format';
import type { Ticket, UpcomingAction } from '../../types';
import { panel } from './section';

export function slaSection(ticket: Ticket): { section: HTMLElement; tick: () => void } {
  const rows: Array<() => void> = [];
  const list = h('ul', { class: 'sla-list' });
  for (const target of ticket.sla?.targets ?? []) {
    const text = h('span', { class: 'sla-text' });
    const level =
      target.status === 'breached' ? 'breached' : target.status === 'warning' ? 'warning' : target.status;
    const update = () => {
      text.textContent = slaText(target);
    };
    update();
    rows.push(update);
    list.append(
      h(
        'li',
        { 'data-target': target.target },
        h('span', { class: `badge badge-${level}` }, target.status),
        ' ',
        h('strong', {}, TARGET_LABELS[target.target] ?? target.target),
        ': ',
        text,
        target.dueAt ? h('span', { class: 'muted' }, ` (due ${formatDateTime(target.dueAt)})`) : null,
      ),
    );
  }
  const esc = ticket.escalation;
  const section = panel(
    'SLA',
    ticket.sla
      ? h('p', {}, 'Policy ', h('code', {}, ticket.sla.policy))
      : h('p', { class: 'muted' }, 'No SLA policy applies.'),
    list,
    esc
      ? h(
          'p',
          { class: 'escalation' },
          `Escalated: ${esc.path} step ${esc.step} → ${esc.queue} (tier ${esc.tier})`,
          esc.acknowledgedBy
            ? `, acknowledged by ${esc.acknowledgedBy}`
            : esc.acknowledgeBy
              ? `, to be acknowledged ${relativeTime(esc.acknowledgeBy)}`
              : '',
          '.',
        )
      : null,
  );
  return {
    section,
    tick: () => {
      for (const r of rows) r();
    },
  };
}

/**
 * What the ticket's clock will do on its own, in words with the time left: the soonest prominent ("Reminder
 * to the requester in 2 days"), the rest listed below it. Nothing at all when nothing is scheduled.
 */
export function upcomingSection(upcoming: UpcomingAction[]): {
  section: HTMLElement | null;
  tick: () => void;
} {
  const [first, ...rest] = upcoming;
  if (!first) return { section: null, tick: () => undefined };
  const rows: Array<() => void> = [];
  const line = (u: UpcomingAction, tag: 'strong' | 'span') => {
    const text = h(tag, { class: 'upcoming-text' });
    const update = () => {
      text.textContent = upcomingText(u);
    };
    update();
    rows.push(update);
    return [
      text,
      ' ',
      h('span', { class: 'muted' }, '(', h('time', { datetime: u.at }, formatDateTime(u.at)), ')'),
    ];
  };
  const section = panel(
    'Next automatic action',
    h(
      'p',
      { class: 'upcoming-next', 'data-testid': 'next-action', 'data-action': first.action },
      line(first, 'strong'),
    ),
    rest.length
      ? h(
          'ul',
          { class: 'upcoming-list', 'aria-label': 'Later automatic actions' },
          rest.map((u) => h('li', { 'data-action': u.action }, line(u, 'span'))),
        )
      : null,
  );
  return {
    section,
    tick: () => {
      for (const r of rows) r();
    },
  };
}
