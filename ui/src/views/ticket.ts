import type { FormSchema } from '../api';
import type { App, Screen } from '../app';
import { append, field, h, uid } from '../dom';
import {
  formatDateTime,
  priorityLabel,
  relativeTime,
  STATE_LABELS,
  slaText,
  stateLabel,
  TARGET_LABELS,
  upcomingText,
} from '../format';
import { announce, clearError, showError } from '../messages';
import { hrefOf } from '../router';
import {
  APPROVAL_KINDS,
  type Approval,
  type AuditEntry,
  type Message,
  PRIORITIES,
  STATES,
  type Ticket,
  type TicketState,
  type TicketView,
  type UpcomingAction,
} from '../types';

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

const schemas = new Map<string, Promise<FormSchema | undefined>>();
function fieldSchema(app: App, requestType: string): Promise<FormSchema | undefined> {
  let schema = schemas.get(requestType);
  if (!schema) {
    schema = app.api.formSchema(requestType).catch(() => undefined);
    schemas.set(requestType, schema);
  }
  return schema;
}

/**
 * One ticket: conversation and composer, fields with their required-context status, state buttons,
 * assignment and handoff, SLA countdowns, approvals, and the audit timeline. Every write sends the
 * version this screen was rendered from; a 409 says so and offers a reload that keeps the draft.
 */
export const ticketScreen: Screen = async (app, host) => {
  const id = host.dataset.ticket ?? '';
  const view = await app.api.ticket(id);
  const { ticket } = view;
  const approvals =
    view.approvals ?? (await app.api.ticketApprovals(ticket.id).catch(() => ({ approvals: [] }))).approvals;
  const schema = await fieldSchema(app, ticket.requestType);
  for (const q of app.me.allQueues ?? []) app.queueNames.set(q.id, q.name);
  if (!app.queueNames.size) {
    await app.api
      .queues()
      .then(({ queues }) => {
        for (const q of queues) app.queueNames.set(q.id, q.name);
      })
      .catch(() => undefined);
  }

  const works = app.has('agent') || app.has('lead');
  const open = ticket.state !== 'closed';
  const ctx: Ctx = {
    app,
    ticket,
    works: works && open,
  };

  const slaList = slaSection(ticket);
  const scheduled = upcomingSection(view.upcoming ?? []);
  append(host, [
    h(
      'p',
      { class: 'breadcrumb' },
      h('a', { href: '#/queues' }, 'Queues'),
      ' / ',
      h(
        'a',
        { href: `#/queues/${encodeURIComponent(ticket.queue)}` },
        app.queueNames.get(ticket.queue) ?? ticket.queue,
      ),
      ' / ',
    ),
    h('h1', { tabindex: -1 }, `${ticket.reference} · ${ticket.subject}`),
    summary(app, ticket),
    works
      ? null
      : h(
          'p',
          { class: 'note' },
          'You can read this ticket. Replying and changing it is for agents and leads.',
        ),
    !open
      ? h('p', { class: 'note' }, 'This ticket is closed. A customer reply opens a linked follow-up ticket.')
      : null,
    h(
      'div',
      { class: 'ticket-layout' },
      h(
        'div',
        { class: 'ticket-main' },
        conversation(view.messages, ticket),
        ctx.works ? composer(ctx) : null,
        timeline(view.audit),
      ),
      h(
        'div',
        { class: 'ticket-side' },
        stateSection(ctx, view),
        scheduled.section,
        slaList.section,
        assignmentSection(ctx),
        detailsSection(ctx, schema),
        approvalsSection(ctx, approvals),
        ctx.works ? handoffSection(ctx) : null,
        ctx.works ? escalationSection(ctx) : null,
        ctx.works && app.has('lead') ? mergeSection(ctx) : null,
        linksSection(ticket),
      ),
    ),
  ]);

  // SLA countdowns and the clock's next actions tick on their own; the rest changes only when someone acts.
  const timer = window.setInterval(() => {
    slaList.tick();
    scheduled.tick();
  }, 30_000);
  return () => window.clearInterval(timer);
};

interface Ctx {
  app: App;
  ticket: Ticket;
  /** May write: an agent or lead, and the ticket is not closed. */
  works: boolean;
}

function panel(title: string, ...children: Array<Node | null | string>): HTMLElement {
  const id = uid('panel');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/**
 * Runs one write: disables the button while it runs, announces success and re-renders the ticket;
 * a failure stays next to the control with its reason (and for a 409 a reload button). The system's own
 * bookkeeping since this screen was rendered (e.g. the mail for the reply just sent being recorded) never
 * makes the version stale (the API compares `If-Match` with what people changed), so a 409 is always a
 * real conflict.
 */
async function act(
  ctx: Ctx,
  button: HTMLButtonElement,
  slot: HTMLElement,
  action: string,
  run: (target: Pick<Ticket, 'id' | 'version'>) => Promise<unknown>,
  done: string,
): Promise<boolean> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  clearError(slot);
  try {
    await run(ctx.ticket);
  } catch (e: unknown) {
    showError(slot, e, action, () => void ctx.app.refresh().then(() => announce('Ticket reloaded.')));
    button.disabled = false;
    button.removeAttribute('aria-busy');
    return false;
  }
  announce(done);
  await ctx.app.refresh();
  return true;
}

function summary(app: App, t: Ticket): HTMLElement {
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

function conversation(messages: Message[], ticket: Ticket): HTMLElement {
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

function composer(ctx: Ctx): HTMLElement {
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

function describeChange(e: AuditEntry): string {
  const show = (v: unknown): string =>
    v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const keys = [...new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})])];
  return keys
    .slice(0, 6)
    .map((k) =>
      e.before && k in e.before
        ? `${k}: ${show(e.before[k])} → ${show(e.after?.[k])}`
        : `${k}: ${show(e.after?.[k])}`,
    )
    .join('; ');
}

function timeline(audit: AuditEntry[]): HTMLElement {
  const list = h('ol', { class: 'timeline' });
  for (const e of audit) {
    const change = describeChange(e);
    list.append(
      h(
        'li',
        { 'data-action': e.action },
        h('time', { datetime: e.at }, formatDateTime(e.at)),
        ' ',
        h('strong', {}, e.action),
        ' by ',
        h('span', {}, `${e.actor.kind} ${e.actor.id}`),
        change ? h('div', { class: 'change' }, change) : null,
        e.reason ? h('div', { class: 'reason' }, `Reason: ${e.reason}`) : null,
      ),
    );
  }
  return panel('History', list);
}

function stateSection(ctx: Ctx, view: TicketView): HTMLElement {
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

function slaSection(ticket: Ticket): { section: HTMLElement; tick: () => void } {
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
function upcomingSection(upcoming: UpcomingAction[]): { section: HTMLElement | null; tick: () => void } {
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

function assignmentSection(ctx: Ctx): HTMLElement {
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

function detailsSection(ctx: Ctx, schema: FormSchema | undefined): HTMLElement {
  const { app, ticket } = ctx;
  const defs = schema?.properties?.fields?.properties ?? {};
  const required = new Set(schema?.properties?.fields?.required ?? []);
  const names = [...new Set([...Object.keys(defs), ...Object.keys(ticket.fields), ...ticket.missingFields])];
  const missing = new Set(ticket.missingFields);
  const status = (name: string) =>
    missing.has(name)
      ? h('span', { class: 'badge badge-breached' }, 'required, missing')
      : required.has(name)
        ? h('span', { class: 'badge badge-ok' }, 'required, present')
        : h('span', { class: 'badge badge-neutral' }, 'optional');

  const context = h(
    'p',
    { class: missing.size ? 'context-missing' : 'context-complete', 'data-testid': 'context-status' },
    missing.size
      ? `Required context missing: ${[...missing].map((n) => defs[n]?.title ?? n).join(', ')}.`
      : 'All required context is present.',
  );
  if (!ctx.works) {
    return panel(
      'Details',
      context,
      h(
        'dl',
        { class: 'fields' },
        names.flatMap((n) => [
          h('dt', {}, defs[n]?.title ?? n, ' ', status(n)),
          h('dd', {}, ticket.fields[n] ?? '—'),
        ]),
        h('dt', {}, 'Tags'),
        h('dd', {}, ticket.tags.join(', ') || '—'),
      ),
    );
  }

  const priority = h(
    'select',
    { id: 'details-priority', name: 'priority' },
    PRIORITIES.map((p) => h('option', { value: p }, priorityLabel(p))),
  );
  priority.value = ticket.priority;
  const tags = h('input', {
    id: 'details-tags',
    name: 'tags',
    autocomplete: 'off',
    value: ticket.tags.join(', '),
  });
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const fieldRows = names.map((name) => {
    const def = defs[name];
    const input: HTMLInputElement | HTMLSelectElement = def?.enum
      ? h(
          'select',
          { id: `field-${name}`, name },
          h('option', { value: '' }, '—'),
          def.enum.map((v) => h('option', { value: v }, v)),
        )
      : h('input', { id: `field-${name}`, name, autocomplete: 'off' });
    input.value = ticket.fields[name] ?? '';
    if (missing.has(name)) input.setAttribute('aria-invalid', 'true');
    inputs.set(name, input);
    const row = field(def?.title ?? name, input, def?.description);
    row.querySelector('label')?.append(' ', status(name));
    return row;
  });
  const slot = h('div', { class: 'error-slot' });
  const save = h(
    'button',
    { type: 'submit', class: 'button button-primary', id: 'details-save' },
    'Save details',
  );
  const form = h(
    'form',
    {
      class: 'details-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const change: { priority?: string; tags?: string[]; fields?: Record<string, string> } = {};
        if (priority.value !== ticket.priority) change.priority = priority.value;
        const newTags = [
          ...new Set(
            tags.value
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ];
        if (newTags.join('\n') !== ticket.tags.join('\n')) change.tags = newTags;
        const fields: Record<string, string> = {};
        for (const [name, input] of inputs) {
          const v = input.value.trim();
          if (v && v !== (ticket.fields[name] ?? '')) fields[name] = v;
        }
        if (Object.keys(fields).length) change.fields = fields;
        if (Object.keys(change).length === 0) {
          showError(slot, new Error('nothing was changed'), 'save the details');
          return;
        }
        void act(
          ctx,
          save,
          slot,
          'save the details',
          (t) => app.api.writeTicket(t, 'PATCH', '', change),
          `Details of ${ticket.reference} saved.`,
        );
      },
    },
    context,
    field('Priority', priority),
    field('Tags', tags, 'Separate tags with commas.'),
    fieldRows,
    slot,
    save,
  );
  return panel('Details', form);
}

function approvalsSection(ctx: Ctx, approvals: Approval[]): HTMLElement {
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
          kind: kind.value,
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

function handoffSection(ctx: Ctx): HTMLElement {
  const { app, ticket } = ctx;
  const listId = uid('queues');
  const to = h('input', { id: 'handoff-to', name: 'to', list: listId, autocomplete: 'off', required: true });
  const reason = h('input', { id: 'handoff-reason', name: 'reason', autocomplete: 'off', required: true });
  const slot = h('div', { class: 'error-slot' });
  const button = h('button', { type: 'submit', class: 'button', id: 'handoff' }, 'Hand off');
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
                app.api.writeTicket(t, 'POST', 'handoff', {
                  to: to.value.trim(),
                  reason: reason.value.trim(),
                }),
              ),
            `${ticket.reference} handed off to ${to.value.trim()}.`,
          );
        },
      },
      h(
        'datalist',
        { id: listId },
        [...app.queueNames]
          .filter(([id]) => id !== ticket.queue)
          .map(([id, name]) => h('option', { value: id }, name)),
      ),
      field('To queue', to, 'A queue id, e.g. engineering. Each queue’s handoff rules are checked.'),
      field('Reason', reason),
      slot,
      button,
    ),
  );
}

function escalationSection(ctx: Ctx): HTMLElement {
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

function mergeSection(ctx: Ctx): HTMLElement {
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

function linksSection(ticket: Ticket): HTMLElement | null {
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
