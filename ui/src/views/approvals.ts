import type { Screen } from '../app';
import { field, h } from '../dom';
import { formatDateTime, relativeTime } from '../format';
import { announce, clearError, showError } from '../messages';
import type { Approval } from '../types';

/** Decided here in this tab, shown under the inbox so the approver sees what they just did. */
const decidedHere: Approval[] = [];

/**
 * The approvals waiting for the caller's approver groups, oldest first. Each says what is asked, by whom,
 * for which ticket, and when it expires; deciding takes a reason (it goes into the audit trail). Requests
 * the caller may not decide (their own: separation of duties) say so instead of offering buttons.
 */
export const approvalsScreen: Screen = async (app, host) => {
  const { groups, approvals } = await app.api.approvals();
  host.append(
    h('h1', { tabindex: -1 }, 'Approvals'),
    h(
      'p',
      { class: 'lede' },
      groups.length
        ? `Waiting for ${groups.map((g) => `approver-${g}`).join(', ')}.`
        : 'You are in no approver group, so nothing waits for you here.',
    ),
  );
  const list = h('ul', { class: 'approval-inbox' });
  for (const a of approvals) list.append(inboxItem(a));
  if (approvals.length === 0) list.append(h('li', { class: 'empty' }, 'Nothing is waiting for a decision.'));
  host.append(list);
  if (decidedHere.length) {
    host.append(
      h(
        'section',
        { 'aria-labelledby': 'decided-title' },
        h('h2', { id: 'decided-title' }, 'Decided by you just now'),
        h(
          'ul',
          { class: 'approval-list' },
          decidedHere.map((a) =>
            h(
              'li',
              { 'data-approval': a.id, 'data-state': a.state },
              h('span', { class: `badge badge-approval-${a.state}` }, a.state),
              ` ${a.kind} on `,
              h('a', { href: `#/tickets/${a.reference}` }, a.reference),
              a.reason ? ` — ${a.reason}` : '',
            ),
          ),
        ),
      ),
    );
  }
  return undefined;

  function inboxItem(a: Approval): HTMLElement {
    const titleId = `approval-${a.id}-title`;
    const reason = h('textarea', { id: `approval-${a.id}-reason`, name: 'reason', rows: 2 });
    const slot = h('div', { class: 'error-slot' });
    const decide = (decision: 'approve' | 'reject') => async (e: Event) => {
      const button = e.currentTarget as HTMLButtonElement;
      const why = reason.value.trim();
      clearError(slot);
      if (!why) {
        showError(
          slot,
          new Error('give a reason (it goes into the audit trail)'),
          `${decision} this request`,
        );
        reason.focus();
        return;
      }
      button.disabled = true;
      try {
        const out = await app.api.decide(a.id, decision, why);
        decidedHere.unshift(out.approval);
        announce(`${decision === 'approve' ? 'Approved' : 'Rejected'}: ${a.kind} on ${a.reference}.`);
        await app.refresh();
      } catch (err: unknown) {
        button.disabled = false;
        showError(slot, err, `${decision} this request`, () => void app.refresh());
      }
    };
    return h(
      'li',
      { class: 'approval-card', 'data-approval': a.id, 'data-reference': a.reference },
      h(
        'article',
        { 'aria-labelledby': titleId },
        h(
          'h2',
          { id: titleId },
          `${a.kind.replace('_', ' ')}${a.amount ? ` of ${a.amount.value} ${a.amount.currency}` : ''} on `,
          h('a', { href: `#/tickets/${a.reference}` }, a.reference),
        ),
        h('p', {}, a.summary),
        h(
          'dl',
          { class: 'meta' },
          h('dt', {}, 'Asked by'),
          h('dd', {}, a.requestedBy),
          h('dt', {}, 'Asked'),
          h('dd', {}, h('time', { datetime: a.requestedAt }, formatDateTime(a.requestedAt))),
          h('dt', {}, 'Policy'),
          h(
            'dd',
            {},
            `${a.policy} (group ${a.group}, ${a.approvalsRequired} approval${a.approvalsRequired > 1 ? 's' : ''} needed)`,
          ),
          a.votes.length
            ? [h('dt', {}, 'Votes'), h('dd', {}, a.votes.map((v) => `${v.by}: ${v.decision}`).join(', '))]
            : [],
          a.expireAt ? [h('dt', {}, 'Expires'), h('dd', {}, relativeTime(a.expireAt))] : [],
        ),
        a.mayDecide === false
          ? h(
              'p',
              { class: 'note' },
              'You asked for this (or already voted), so someone else in the group decides: separation of duties.',
            )
          : h(
              'form',
              { class: 'decision', onsubmit: (e: Event) => e.preventDefault() },
              field('Reason for your decision', reason, 'Required; it goes into the ticket’s audit trail.'),
              slot,
              h(
                'div',
                { class: 'button-row' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button-primary',
                    'aria-describedby': titleId,
                    onclick: decide('approve'),
                  },
                  'Approve',
                ),
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'button button-danger',
                    'aria-describedby': titleId,
                    onclick: decide('reject'),
                  },
                  'Reject',
                ),
              ),
            ),
      ),
    );
  }
};
