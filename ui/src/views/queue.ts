import type { Screen } from '../app';
import { field, h } from '../dom';
import {
  formatDateTime,
  PRIORITY_RANK,
  priorityLabel,
  relativeTime,
  slaFocus,
  slaText,
  stateLabel,
} from '../format';
import { announce } from '../messages';
import { STATES, type Ticket, type TicketPage } from '../types';
import { createSelection } from './bulk';

const REFRESH_MS = 15_000;

type SortKey = 'reference' | 'subject' | 'priority' | 'state' | 'assignee' | 'sla' | 'updated';
type Direction = 'ascending' | 'descending';

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'reference', label: 'Ticket' },
  { key: 'subject', label: 'Subject' },
  { key: 'priority', label: 'Priority' },
  { key: 'state', label: 'State' },
  { key: 'assignee', label: 'Assignee' },
  { key: 'sla', label: 'SLA' },
  { key: 'updated', label: 'Updated' },
];

function sortValue(t: Ticket, key: SortKey): number | string {
  switch (key) {
    case 'reference':
      return Number(t.reference.slice(3));
    case 'subject':
      return t.subject.toLowerCase();
    case 'priority':
      return PRIORITY_RANK[t.priority] ?? 9;
    case 'state':
      return STATES.indexOf(t.state);
    case 'assignee':
      return t.assignee ?? '\uffff';
    case 'sla': {
      const { target, level } = slaFocus(t);
      if (level === 'breached') return Number.NEGATIVE_INFINITY;
      return target?.dueAt ? new Date(target.dueAt).getTime() : Number.POSITIVE_INFINITY;
    }
    case 'updated':
      return t.updatedAt;
  }
}

/** Remembered per list for this tab, so coming back to a queue keeps its order and filters. */
const listState = new Map<string, { sort: SortKey; dir: Direction; state: string; who: string }>();

/**
 * A queue's tickets (or the caller's own, at `#/mine`): sortable columns (aria-sort), arrow keys move
 * between tickets and Enter opens one, filters, and a live refresh that keeps focus where it is.
 */
export const queueScreen: Screen = async (app, host) => {
  const mine = host.dataset.mine === 'true';
  const queue = host.dataset.queue ?? '';
  const listKey = mine ? '#mine' : queue;
  const prefs = listState.get(listKey) ?? { sort: 'priority', dir: 'ascending', state: '', who: '' };
  listState.set(listKey, prefs);

  if (!mine && !app.queueNames.has(queue)) {
    try {
      for (const q of (await app.api.queues()).queues) app.queueNames.set(q.id, q.name);
    } catch {
      // The list below still works with the queue id as its name.
    }
  }
  const title = mine ? 'My tickets' : (app.queueNames.get(queue) ?? queue);

  const load = async (cursor?: string): Promise<TicketPage> =>
    mine
      ? app.api.searchTickets({ assignee: 'me', cursor, limit: 100 })
      : app.api.queueTickets(queue, { state: prefs.state || undefined, cursor, limit: 100 });

  const works = app.has('agent') || app.has('lead');
  const [first, incidents] = await Promise.all([
    load(),
    works
      ? app.api.incidents().then(
          (r) => r.incidents,
          () => [],
        )
      : [],
  ]);
  let page = first;
  let tickets = page.tickets;
  let activeId = tickets[0]?.id;

  const count = h('p', { class: 'count', id: 'queue-count' });
  const updated = h('p', { class: 'updated' });
  const tbody = h('tbody');
  const headRow = h('tr');
  const more = h('div', { class: 'more' });

  const visible = () =>
    tickets
      .filter((t) =>
        prefs.who === 'me' ? t.assignee === app.me.email : prefs.who === 'none' ? !t.assignee : true,
      )
      .toSorted((a, b) => {
        const x = sortValue(a, prefs.sort);
        const y = sortValue(b, prefs.sort);
        const c = x < y ? -1 : x > y ? 1 : Number(a.reference.slice(3)) - Number(b.reference.slice(3));
        return prefs.dir === 'ascending' ? c : -c;
      });

  // Agents and leads act on a selection (issue 17); its checkboxes come first in every row.
  const selection = works
    ? createSelection(
        app,
        () => visible(),
        () => reload(false),
        incidents,
      )
    : undefined;

  const renderHead = () => {
    headRow.replaceChildren(
      ...(selection ? [selection.headCell()] : []),
      ...COLUMNS.map(({ key, label }) => {
        const sorted = prefs.sort === key;
        return h(
          'th',
          { scope: 'col', 'aria-sort': sorted ? prefs.dir : 'none' },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              id: `sort-${key}`,
              onclick: () => {
                if (prefs.sort === key) prefs.dir = prefs.dir === 'ascending' ? 'descending' : 'ascending';
                else {
                  prefs.sort = key;
                  prefs.dir = 'ascending';
                }
                renderHead();
                renderRows(false);
                announce(`Sorted by ${label}, ${prefs.dir}.`);
              },
            },
            label,
            h(
              'span',
              { class: 'sort-mark', 'aria-hidden': 'true' },
              sorted ? (prefs.dir === 'ascending' ? ' ▲' : ' ▼') : '',
            ),
          ),
        );
      }),
    );
  };

  const rowLinks = () => [...tbody.querySelectorAll<HTMLAnchorElement>('a.row-link')];

  const renderRows = (keepFocus: boolean) => {
    const hadFocus = keepFocus && tbody.contains(document.activeElement);
    const rows = visible();
    if (!rows.some((t) => t.id === activeId)) activeId = rows[0]?.id;
    tbody.replaceChildren(
      ...rows.map((t) => {
        const { level } = slaFocus(t);
        const focusTarget = slaFocus(t).target;
        return h(
          'tr',
          { 'data-ticket': t.reference, class: `sla-${level}` },
          selection?.rowCell(t),
          h(
            'td',
            { class: 'ref' },
            h(
              'a',
              {
                class: 'row-link',
                href: `#/tickets/${t.reference}`,
                id: `row-${t.id}`,
                tabindex: t.id === activeId ? 0 : -1,
                onfocus: () => {
                  activeId = t.id;
                  for (const a of rowLinks()) a.tabIndex = a.id === `row-${t.id}` ? 0 : -1;
                },
              },
              t.reference,
            ),
          ),
          h(
            'td',
            { class: 'subject' },
            t.subject,
            t.blockedOn ? h('span', { class: 'tag' }, ` blocked on ${t.blockedOn}`) : null,
          ),
          h('td', {}, h('span', { class: `priority priority-${t.priority}` }, priorityLabel(t.priority))),
          h('td', {}, h('span', { class: `state state-${t.state}` }, stateLabel(t.state))),
          h('td', {}, t.assignee ?? h('span', { class: 'muted' }, 'unassigned')),
          h(
            'td',
            {},
            focusTarget
              ? h('span', { class: `badge badge-${level}` }, slaText(focusTarget))
              : level === 'paused'
                ? h('span', { class: 'badge badge-paused' }, 'paused')
                : h('span', { class: 'muted' }, '—'),
          ),
          h(
            'td',
            {},
            h(
              'time',
              { datetime: t.updatedAt, title: formatDateTime(t.updatedAt) },
              relativeTime(t.updatedAt),
            ),
          ),
        );
      }),
    );
    if (rows.length === 0) {
      tbody.append(
        h(
          'tr',
          {},
          h('td', { colspan: COLUMNS.length + (selection ? 1 : 0), class: 'empty' }, 'No tickets match.'),
        ),
      );
    }
    count.textContent = `${rows.length} ticket${rows.length === 1 ? '' : 's'}${page.cursor ? ' (more to load)' : ''}`;
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}. Refreshes every ${REFRESH_MS / 1000} s.`;
    if (hadFocus && activeId) document.getElementById(`row-${activeId}`)?.focus();
    more.replaceChildren(
      page.cursor
        ? h(
            'button',
            {
              type: 'button',
              class: 'button',
              onclick: async () => {
                page = await load(page.cursor);
                tickets = [...tickets, ...page.tickets];
                renderRows(false);
                announce(`${tickets.length} tickets loaded.`);
              },
            },
            'Load more',
          )
        : '',
    );
  };

  tbody.addEventListener('keydown', (e: KeyboardEvent) => {
    const links = rowLinks();
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    if (e.key === ' ' && selection) {
      e.preventDefault();
      selection.toggle(links[at]?.textContent ?? '');
      return;
    }
    const go: Record<string, number> = {
      ArrowDown: Math.min(at + 1, links.length - 1),
      ArrowUp: Math.max(at - 1, 0),
      Home: 0,
      End: links.length - 1,
      PageDown: Math.min(at + 10, links.length - 1),
      PageUp: Math.max(at - 10, 0),
    };
    const to = go[e.key];
    if (to === undefined) return;
    e.preventDefault();
    links[to]?.focus();
  });
  // A click anywhere on a row opens it (the link is the keyboard way).
  tbody.addEventListener('click', (e) => {
    const row = (e.target as Element).closest('tr[data-ticket]');
    if (row && !(e.target as Element).closest('a, button, input, label, .select'))
      location.hash = `#/tickets/${row.getAttribute('data-ticket')}`;
  });

  const stateSelect = h(
    'select',
    { id: 'filter-state', name: 'state' },
    h('option', { value: '' }, 'All open'),
    STATES.map((s) => h('option', { value: s }, stateLabel(s))),
  );
  stateSelect.value = prefs.state;
  const whoSelect = h(
    'select',
    { id: 'filter-assignee', name: 'assignee' },
    h('option', { value: '' }, 'Anyone'),
    h('option', { value: 'me' }, 'Me'),
    h('option', { value: 'none' }, 'Unassigned'),
  );
  whoSelect.value = prefs.who;

  const reload = async (announceIt: boolean) => {
    try {
      page = await load();
      tickets = page.tickets;
      renderRows(true);
      if (announceIt) announce(count.textContent ?? '');
    } catch (e: unknown) {
      updated.textContent = `Could not refresh (${e instanceof Error ? e.message : String(e)}); showing the last list.`;
    }
  };
  stateSelect.addEventListener('change', () => {
    prefs.state = stateSelect.value;
    void reload(true);
  });
  whoSelect.addEventListener('change', () => {
    prefs.who = whoSelect.value;
    renderRows(false);
    announce(count.textContent ?? '');
  });

  renderHead();
  renderRows(false);
  host.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/queues' }, 'Queues'), ' / '),
    h('h1', { tabindex: -1 }, title),
    h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': 'Filters' },
      mine ? null : field('State', stateSelect),
      field('Assignee', whoSelect),
      h(
        'button',
        { type: 'button', class: 'button', id: 'refresh-list', onclick: () => void reload(true) },
        'Refresh',
      ),
    ),
    count,
    selection?.toolbar ?? '',
    h(
      'p',
      { class: 'hint', id: 'queue-keys' },
      `Use the Up and Down arrow keys to move between tickets and Enter to open one.${selection ? ' Space selects the ticket for an action on the selection.' : ''} Column headings sort.`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data ticket-table', 'aria-describedby': 'queue-keys queue-count' },
        h('caption', { class: 'visually-hidden' }, `${title}: tickets`),
        h('thead', {}, headRow),
        tbody,
      ),
    ),
    more,
    updated,
  );

  const timer = window.setInterval(() => {
    if (!document.hidden) void reload(false);
  }, REFRESH_MS);
  return () => window.clearInterval(timer);
};
