/** The conversation (customer mail, replies, internal notes, automatic mail) and the composer below it. */
import { field, h } from '../../dom';
import { formatDateTime } from '../../format';
import { showError } from '../../messages';
import type { Message, Ticket } from '../../types';
import { act, type Ctx, panel } from './section';

export function conversation(messages: Message[], ticket: Ticket): HTMLElement {
  const list = h('ol', { class: 'messages' });
  for (const m of messages) {
    const who =
      m.author.name && m.author.email
        ? `${m.author.name} <${m.author.email}>`
        : (m.author.email ?? m.author.name ?? m.author.kind);
    const kind =
      m.visibility === 'internal'
        ? 'Internal note'
        : m.direction === 'inbound'
          ? 'From customer'
          : m.author.kind === 'agent'
            ? `Reply to ${ticket.requester.email}`
            : 'Sent automatically';
    list.append(
      h(
        'li',
        { class: `message message-${m.visibility} message-${m.direction}` },
        h(
          'article',
          { 'aria-label': `${kind}, ${formatDateTime(m.createdAt)}` },
          h(
            'header',
            {},
            h('span', { class: `badge badge-${m.visibility === 'internal' ? 'note' : m.direction}` }, kind),
            ' ',
            h('span', { class: 'author' }, who),
            ' ',
            h('time', { datetime: m.createdAt }, formatDateTime(m.createdAt)),
          ),
          h('div', { class: 'body' }, m.body || h('span', { class: 'muted' }, '(no text)')),
        ),
      ),
    );
  }
  if (messages.length === 0) list.append(h('li', { class: 'empty' }, 'No messages yet.'));
  return panel('Conversation', list);
}

export function composer(ctx: Ctx): HTMLElement {
  const { app, ticket } = ctx;
  const draft = app.drafts.get(ticket.id) ?? { visibility: 'public', body: '' };
  const body = h('textarea', { id: 'composer-body', name: 'body', rows: 6, required: true });
  body.value = draft.body;
  const radio = (value: 'public' | 'internal', label: string, hint: string) => {
    const input = h('input', {
      type: 'radio',
      name: 'visibility',
      id: `composer-${value}`,
      value,
      checked: draft.visibility === value,
    });
    return h(
      'div',
      { class: 'choice' },
      input,
      h('label', { for: input.id }, label, h('span', { class: 'hint' }, ` ${hint}`)),
    );
  };
  const submit = h('button', { type: 'submit', class: 'button button-primary', id: 'composer-send' });
  const slot = h('div', { class: 'error-slot' });
  const form = h(
    'form',
    { class: 'composer', novalidate: true },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Write'),
      radio('public', 'Reply to customer', `(mailed to ${ticket.requester.email})`),
      radio('internal', 'Internal note', '(only the team sees it)'),
    ),
    field('Message', body),
    slot,
    submit,
  );
  const visibility = (): 'public' | 'internal' =>
    (form.querySelector<HTMLInputElement>('input[name=visibility]:checked')?.value as
      | 'public'
      | 'internal') ?? 'public';
  const sync = () => {
    submit.textContent = visibility() === 'public' ? 'Send reply' : 'Add note';
    app.drafts.set(ticket.id, { visibility: visibility(), body: body.value });
  };
  sync();
  form.addEventListener('input', sync);
  form.addEventListener('change', sync);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = body.value.trim();
    if (!text) {
      showError(
        slot,
        new Error('write something first'),
        visibility() === 'public' ? 'send the reply' : 'add the note',
      );
      body.focus();
      return;
    }
    const v = visibility();
    void act(
      ctx,
      submit,
      slot,
      v === 'public' ? 'send the reply' : 'add the note',
      async (t) => {
        await app.api.writeTicket(t, 'POST', 'messages', { visibility: v, body: text });
        app.drafts.delete(ticket.id);
      },
      v === 'public' ? `Reply sent to ${ticket.requester.email}.` : 'Note added.',
    );
  });
  return panel('Reply or add a note', form);
}
