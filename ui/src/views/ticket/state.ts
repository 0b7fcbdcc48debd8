/** Whose ticket and where it stands: the state buttons (the transitions allowed now) and assignment. */
import { field, h } from '../../dom';
import { STATE_LABELS, stateLabel } from '../../format';
import { STATES, type TicketState, type TicketView } from '../../types';
import { act, type Ctx, panel } from './section';

export function stateSection(ctx: Ctx, view: TicketView): HTMLElement {
  const { app, ticket } = ctx;
  const next: TicketState[] = view.transitions ?? STATES.filter((s) => s !== ticket.state);
  if (!ctx.works)
    return panel('State', h('p', {}, `This ticket is ${stateLabel(ticket.state).toLowerCase()}.`));
  const reason = h('input', { id: 'transition-reason', name: 'reason', autocomplete: 'off' });
  const slot = h('div', { class: 'error-slot' });
  const buttons = next.map((to) => {
    const button: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button',
        id: `move-${to}`,
        'data-to': to,
        onclick: () =>
          void act(
            ctx,
            button,
            slot,
            `move ${ticket.reference} to ${STATE_LABELS[to].toLowerCase()}`,
            (t) =>
              app.api.writeTicket(t, 'POST', 'transition', {
                to,
                ...(reason.value.trim() ? { reason: reason.value.trim() } : {}),
              }),
            `${ticket.reference} is now ${STATE_LABELS[to].toLowerCase()}.`,
          ),
      },
      `Move to ${STATE_LABELS[to].toLowerCase()}`,
    );
    return button;
  });
  return panel(
    'State',
    h('p', {}, 'Now: ', h('strong', {}, stateLabel(ticket.state))),
    next.length
      ? h('div', { class: 'button-row', role: 'group', 'aria-label': 'Move to another state' }, buttons)
      : h('p', { class: 'muted' }, 'No further state from here.'),
    next.length ? field('Reason (optional)', reason, 'Kept in the history with the change.') : null,
    slot,
  );
}

export function assignmentSection(ctx: Ctx): HTMLElement {
  const { app, ticket } = ctx;
  const me = app.me.email.toLowerCase();
  const mine = ticket.assignee?.toLowerCase() === me;
  const slot = h('div', { class: 'error-slot' });
  const children: Array<Node | null> = [
    h('p', {}, 'Assigned to ', h('strong', { 'data-testid': 'assignee' }, ticket.assignee ?? 'nobody'), '.'),
  ];
  if (ctx.works) {
    if (!ticket.assignee || mine) {
      const button: HTMLButtonElement = h(
        'button',
        {
          type: 'button',
          class: 'button',
          id: mine ? 'release' : 'take',
          onclick: () =>
            void act(
              ctx,
              button,
              slot,
              mine ? 'release the ticket' : 'take the ticket',
              (t) => app.api.writeTicket(t, 'POST', 'assign', { assignee: mine ? null : app.me.email }),
              mine ? `You released ${ticket.reference}.` : `${ticket.reference} is yours.`,
            ),
        },
        mine ? 'Release' : 'Take it',
      );
      children.push(button);
    } else if (!app.has('lead')) {
      children.push(h('p', { class: 'muted' }, 'Only a lead can give it to someone else.'));
    }
    // Giving a ticket to someone else is a lead's call (rule reassign-lead): agents never see the control.
    if (app.has('lead')) {
      const who = h('input', {
        id: 'reassign-to',
        name: 'assignee',
        type: 'email',
        autocomplete: 'off',
        placeholder: 'agent@example.com',
      });
      const button = h('button', { type: 'submit', class: 'button', id: 'reassign' }, 'Reassign');
      children.push(
        h(
          'form',
          {
            class: 'inline-form lead-only',
            onsubmit: (e: Event) => {
              e.preventDefault();
              const to = who.value.trim();
              void act(
                ctx,
                button,
                slot,
                'reassign the ticket',
                (t) => app.api.writeTicket(t, 'POST', 'assign', { assignee: to || null }),
                to ? `${ticket.reference} assigned to ${to}.` : `${ticket.reference} unassigned.`,
              );
            },
          },
          field('Reassign to', who, 'Leave empty to unassign.'),
          button,
        ),
      );
    }
  }
  children.push(slot);
  return panel('Assignment', ...children);
}
