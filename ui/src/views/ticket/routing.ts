/**
 * Moving the ticket on: handing it to another queue, escalating it (and acknowledging an escalation),
 * merging a duplicate into another ticket (leads), and the tickets it is linked to.
 */
import type { App } from '../../app';
import { field, h } from '../../dom';
import { hrefOf } from '../../router';
import type { Ticket } from '../../types';
import { act, type Ctx, panel } from './section';

/**
 * A handoff or an escalation may move the ticket out of the caller's queues, after which the API refuses to
 * show it (queue isolation, rule own-queues): go back to the queue it left instead of reloading a screen
 * the caller may no longer open.
 */
async function leaveIfOutOfReach(app: App, from: Ticket, moved: Promise<{ ticket: Ticket }>): Promise<void> {
  const { ticket } = await moved;
  const mine = app.me.queues;
  if (mine !== 'all' && !mine.includes(ticket.queue))
    location.hash = hrefOf({ name: 'queue', queue: from.queue });
}

/** The queues a ticket can be handed to: every queue the API lists (`GET /v1/me`'s `allQueues`) but its own. */
export function handoffTargets(app: App, ticket: Ticket): Array<{ id: string; name: string }> {
  const all = app.me.allQueues ?? [...app.queueNames].map(([id, name]) => ({ id, name }));
  return all.filter((q) => q.id !== ticket.queue).map(({ id, name }) => ({ id, name }));
}

export function handoffSection(ctx: Ctx): HTMLElement {
  const { app, ticket } = ctx;
  const targets = handoffTargets(app, ticket);
  const to = h(
    'select',
    { id: 'handoff-to', name: 'to', required: true },
    h('option', { value: '' }, 'Choose a queue'),
    targets.map((q) => h('option', { value: q.id }, q.name)),
  );
  const reason = h('input', { id: 'handoff-reason', name: 'reason', autocomplete: 'off', required: true });
  const slot = h('div', { class: 'error-slot' });
  const button = h('button', { type: 'submit', class: 'button', id: 'handoff' }, 'Hand off');
  const nameOf = (id: string) => targets.find((q) => q.id === id)?.name ?? id;
  return panel(
    'Hand off',
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          void act(
            ctx,
            button,
            slot,
            `hand ${ticket.reference} off`,
            (t) =>
              leaveIfOutOfReach(
                app,
                ticket,
                app.api.writeTicket(t, 'POST', 'handoff', { to: to.value, reason: reason.value.trim() }),
              ),
            `${ticket.reference} handed off to ${nameOf(to.value)}.`,
          );
        },
      },
      field('To queue', to, 'Each queue’s handoff rules are checked.'),
      field('Reason', reason),
      slot,
      button,
    ),
  );
}

export function escalationSection(ctx: Ctx): HTMLElement {
  const { app, ticket } = ctx;
  const reason = h('input', { id: 'escalate-reason', name: 'reason', autocomplete: 'off' });
  const slot = h('div', { class: 'error-slot' });
  const button = h('button', { type: 'submit', class: 'button', id: 'escalate' }, 'Escalate');
  const children: Node[] = [
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          void act(
            ctx,
            button,
            slot,
            'escalate the ticket',
            (t) =>
              leaveIfOutOfReach(
                app,
                ticket,
                app.api.writeTicket(t, 'POST', 'escalate', { reason: reason.value.trim() }),
              ),
            `${ticket.reference} escalated.`,
          );
        },
      },
      field('Reason', reason),
      button,
    ),
  ];
  if (ticket.escalation?.acknowledgeBy) {
    const ack: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button',
        id: 'acknowledge',
        onclick: () =>
          void act(
            ctx,
            ack,
            slot,
            'acknowledge the escalation',
            (t) => app.api.writeTicket(t, 'POST', 'escalation/acknowledge', {}),
            'Escalation acknowledged.',
          ),
      },
      'Acknowledge escalation',
    );
    children.push(ack);
  }
  children.push(slot);
  return panel('Escalate', ...children);
}

export function mergeSection(ctx: Ctx): HTMLElement {
  const { app, ticket } = ctx;
  const into = h('input', {
    id: 'merge-into',
    name: 'into',
    autocomplete: 'off',
    placeholder: 'FD-12',
    required: true,
  });
  const reason = h('input', { id: 'merge-reason', name: 'reason', autocomplete: 'off' });
  const slot = h('div', { class: 'error-slot' });
  const button = h('button', { type: 'submit', class: 'button', id: 'merge' }, 'Merge');
  return panel(
    'Merge duplicate',
    h(
      'form',
      {
        class: 'lead-only',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const target = into.value.trim().toUpperCase();
          void act(
            ctx,
            button,
            slot,
            `merge ${ticket.reference} into ${target}`,
            (t) =>
              app.api.writeTicket(t, 'POST', 'merge', {
                into: target,
                ...(reason.value.trim() ? { reason: reason.value.trim() } : {}),
              }),
            `${ticket.reference} merged into ${target} and closed.`,
          );
        },
      },
      h('p', { class: 'hint' }, 'Closes this ticket as a duplicate; both keep their conversations.'),
      field('Merge into', into, 'The reference of the ticket that stays, e.g. FD-12.'),
      field('Reason', reason),
      slot,
      button,
    ),
  );
}

export function linksSection(ticket: Ticket): HTMLElement | null {
  const links = ticket.links ?? [];
  if (links.length === 0) return null;
  return panel(
    'Linked tickets',
    h(
      'ul',
      {},
      links.map((l) =>
        h(
          'li',
          {},
          `${l.relation.replace(/_/g, ' ')} `,
          h('a', { href: `#/tickets/${l.reference}` }, l.reference),
        ),
      ),
    ),
  );
}
