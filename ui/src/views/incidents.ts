/**
 * Incidents (issue 17): the open incidents, and one incident's view — its linked tickets (state, requester,
 * account), the affected accounts, the updates sent to everyone, its two measures, and linking or
 * unlinking tickets with a result per ticket. Updates are written on the incident's own ticket (a public
 * reply there reaches every linked requester), which the view links to.
 */
import type { Screen } from '../app';
import { field, h } from '../dom';
import { formatDateTime, relativeTime, stateLabel } from '../format';
import { announce, showError } from '../messages';
import type { LinkResult } from '../types';
import { resultList } from './results';
import { incidentHref } from './ticket/incident';

export const incidentsScreen: Screen = async (app, host) => {
  const { incidents } = await app.api.incidents();
  host.append(
    h('h1', { tabindex: -1 }, 'Incidents'),
    h(
      'p',
      { class: 'lede' },
      'Open incidents, newest first. Leads declare them from a ticket or a queue selection.',
    ),
    incidents.length === 0
      ? h('p', { class: 'empty' }, 'No open incident.')
      : h(
          'ul',
          { class: 'incident-list' },
          incidents.map((i) =>
            h(
              'li',
              { 'data-incident': i.reference },
              h(
                'a',
                { href: incidentHref(i.reference) },
                h('span', { class: 'ref' }, i.reference),
                ` · ${i.title}`,
              ),
              h(
                'span',
                { class: 'muted' },
                ` — ${stateLabel(i.state)}, ${i.linkedTickets} linked ticket${i.linkedTickets === 1 ? '' : 's'}`,
                i.declaredAt ? `, declared ${relativeTime(i.declaredAt)}` : '',
              ),
            ),
          ),
        ),
  );
  return undefined;
};

/** The last link/unlink results per incident, shown once on the next render (the screen re-renders after). */
const lastResults = new Map<string, { title: string; results: LinkResult[] }>();

export const incidentScreen: Screen = async (app, host) => {
  const id = host.dataset.ticket ?? '';
  const view = await app.api.incident(id);
  const { incident, linked, accounts, updates, metrics } = view;
  const works =
    (app.has('agent') || app.has('lead')) &&
    (app.me.queues === 'all' || app.me.queues.includes(incident.queue));
  const slot = h('div', { class: 'error-slot' });

  const change = async (button: HTMLButtonElement, tickets: string[], unlink: boolean) => {
    button.disabled = true;
    slot.replaceChildren();
    try {
      const { results } = await app.api.linkIncident(incident.id, tickets, unlink);
      const title = unlink ? 'Unlinked' : 'Linked';
      lastResults.set(incident.reference, { title, results });
      announce(
        `${title}: ${results.map((r) => `${r.reference ?? r.ticket} ${r.outcome.replace(/_/g, ' ')}`).join(', ')}.`,
      );
      await app.refresh();
    } catch (e: unknown) {
      showError(slot, e, unlink ? 'unlink the ticket' : 'link the tickets');
      button.disabled = false;
    }
  };

  const rows = linked.map((l) => {
    const unlink: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button',
        'aria-label': `Unlink ${l.reference}`,
        onclick: () => void change(unlink, [l.ticketId], true),
      },
      'Unlink',
    );
    return h(
      'tr',
      { 'data-ticket': l.reference },
      h(
        'td',
        { class: 'ref' },
        h('a', { href: `#/tickets/${encodeURIComponent(l.reference)}` }, l.reference),
      ),
      h('td', {}, l.subject ?? h('span', { class: 'muted' }, 'not readable')),
      h('td', {}, l.requester ?? '—'),
      h('td', {}, l.accountId ?? '—'),
      h('td', {}, l.state ? stateLabel(l.state) : '—'),
      h(
        'td',
        {},
        h('time', { datetime: l.linkedAt, title: formatDateTime(l.linkedAt) }, relativeTime(l.linkedAt)),
      ),
      works ? h('td', {}, unlink) : null,
    );
  });

  const refs = h('input', {
    id: 'incident-link-refs',
    name: 'tickets',
    autocomplete: 'off',
    placeholder: 'FD-12, FD-15',
  });
  const linkButton = h('button', { type: 'submit', class: 'button', id: 'incident-link-many' }, 'Link');
  const shown = lastResults.get(incident.reference);
  lastResults.delete(incident.reference);
  const item = (term: string, value: string) =>
    h('div', { class: 'pair' }, h('dt', {}, term), h('dd', {}, value));

  host.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/incidents' }, 'Incidents'), ' / '),
    h(
      'h1',
      { tabindex: -1, class: 'ticket-title' },
      h('span', { class: 'ref' }, incident.reference),
      ` · ${incident.incident?.title ?? incident.subject}`,
    ),
    h(
      'dl',
      { class: 'summary', 'aria-label': 'Incident summary' },
      item('State', stateLabel(incident.state)),
      item('Queue', app.queueNames.get(incident.queue) ?? incident.queue),
      item(
        'Declared',
        incident.incident
          ? `${formatDateTime(incident.incident.declaredAt)} by ${incident.incident.declaredBy}`
          : '—',
      ),
      item('Linked tickets', `${metrics.linkedTickets} (${metrics.openLinkedTickets} open)`),
      item(
        'First update',
        metrics.minutesToFirstUpdate === null
          ? 'none yet'
          : `${metrics.minutesToFirstUpdate} min after declaring`,
      ),
    ),
    h(
      'p',
      { class: 'note' },
      'To update every affected customer, reply publicly on ',
      h(
        'a',
        { href: `#/tickets/${encodeURIComponent(incident.reference)}` },
        `the incident ticket ${incident.reference}`,
      ),
      ': each requester gets it on their own ticket. Resolving it resolves the linked tickets.',
    ),
    shown ? resultList(shown.title, shown.results) : '',
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'incident-linked' },
      h('h2', { id: 'incident-linked' }, `Linked tickets (${linked.length})`),
      linked.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'data ticket-table' },
              h('caption', { class: 'visually-hidden' }, 'Tickets linked to the incident'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Ticket', 'Subject', 'Requester', 'Account', 'State', 'Linked'].map((c) =>
                    h('th', { scope: 'col' }, c),
                  ),
                  works
                    ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions'))
                    : null,
                ),
              ),
              h('tbody', {}, rows),
            ),
          )
        : h('p', { class: 'muted' }, 'No ticket is linked yet.'),
      works
        ? h(
            'form',
            {
              class: 'inline-form',
              onsubmit: (e: Event) => {
                e.preventDefault();
                const tickets = [
                  ...new Set(
                    refs.value
                      .split(/[\s,]+/)
                      .map((r) => r.trim().toUpperCase())
                      .filter(Boolean),
                  ),
                ];
                if (tickets.length === 0) {
                  showError(slot, new Error('name at least one ticket, like FD-12'), 'link the tickets');
                  return;
                }
                void change(linkButton, tickets, false);
              },
            },
            field('Link tickets', refs, 'References separated by commas or spaces.'),
            linkButton,
          )
        : null,
      slot,
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'incident-accounts' },
      h('h2', { id: 'incident-accounts' }, 'Affected accounts'),
      accounts.length
        ? h(
            'ul',
            {},
            accounts.map((a) =>
              h('li', { 'data-account': a.id }, `${a.id}: ${a.tickets} ticket${a.tickets === 1 ? '' : 's'}`),
            ),
          )
        : h('p', { class: 'muted' }, 'No account is known for the linked tickets.'),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'incident-updates' },
      h('h2', { id: 'incident-updates' }, `Updates sent (${updates.length})`),
      updates.length
        ? h(
            'ol',
            { class: 'messages' },
            updates.map((u) =>
              h(
                'li',
                { class: 'message message-public message-outbound', 'data-update': u.messageId },
                h(
                  'article',
                  { 'aria-label': `Update, ${formatDateTime(u.at)}` },
                  h(
                    'header',
                    {},
                    h('time', { datetime: u.at }, formatDateTime(u.at)),
                    u.author ? ` ${u.author}` : '',
                  ),
                  h('div', { class: 'body' }, u.body),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No update sent yet.'),
    ),
  );
  return undefined;
};
