/** The approvals asked for on the ticket, and the form to ask for one (credit, refund, access …). */
import { field, h } from '../../dom';
import { relativeTime } from '../../format';
import { APPROVAL_KINDS, type Approval, type ApprovalKind } from '../../types';
import { act, type Ctx, panel } from './section';

export function approvalsSection(ctx: Ctx, approvals: Approval[]): HTMLElement {
  const { app, ticket } = ctx;
  const list = h(
    'ul',
    { class: 'approval-list' },
    approvals.map((a) =>
      h(
        'li',
        { 'data-approval': a.id, 'data-state': a.state },
        h('span', { class: `badge badge-approval-${a.state}` }, a.state.replace('_', ' ')),
        ' ',
        h('strong', {}, a.kind.replace('_', ' ')),
        a.amount ? ` ${a.amount.value} ${a.amount.currency}` : '',
        ` — ${a.summary}`,
        h(
          'div',
          { class: 'muted' },
          `Asked by ${a.requestedBy} ${relativeTime(a.requestedAt)}; decided by ${a.group}`,
          a.reason ? `. ${a.reason}` : '',
        ),
      ),
    ),
  );
  if (approvals.length === 0) list.append(h('li', { class: 'muted' }, 'No approvals asked for.'));
  if (!ctx.works) return panel('Approvals', list);

  const kind = h(
    'select',
    { id: 'approval-kind', name: 'kind' },
    APPROVAL_KINDS.map((k) => h('option', { value: k }, k.replace('_', ' '))),
  );
  const amount = h('input', {
    id: 'approval-amount',
    name: 'amount',
    type: 'number',
    min: '0.01',
    step: '0.01',
    inputmode: 'decimal',
  });
  const currency = h('input', {
    id: 'approval-currency',
    name: 'currency',
    value: 'EUR',
    maxlength: 3,
    autocomplete: 'off',
    pattern: '[A-Za-z]{3}',
  });
  const summaryInput = h('textarea', { id: 'approval-summary', name: 'summary', rows: 2 });
  const slot = h('div', { class: 'error-slot' });
  const button = h('button', { type: 'submit', class: 'button', id: 'approval-request' }, 'Ask for approval');
  const form = h(
    'form',
    {
      class: 'approval-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const value = Number(amount.value);
        const body = {
          // The select offers the approval kinds only.
          kind: kind.value as ApprovalKind,
          ...(amount.value ? { amount: { value, currency: currency.value.trim().toUpperCase() } } : {}),
          summary: summaryInput.value.trim(),
        };
        void act(
          ctx,
          button,
          slot,
          'ask for the approval',
          (t) => app.api.writeTicket(t, 'POST', 'approvals', body),
          `Approval asked for on ${ticket.reference}.`,
        );
      },
    },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Ask for an approval'),
      field('Kind', kind),
      h(
        'div',
        { class: 'amount-row' },
        field('Amount', amount, 'For credits and refunds.'),
        field('Currency', currency),
      ),
      field('What is to be approved', summaryInput),
      slot,
      button,
    ),
  );
  return panel('Approvals', list, form);
}
