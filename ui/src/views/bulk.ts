/**
 * Bulk actions on a queue view's selection (issue 17): checkboxes (and Space on a focused row) pick
 * tickets; one action — assign, tag, transition, link to an incident, or (leads) open a new incident for
 * them — goes to the API once, and each ticket gets its own result: applied, or refused with the rule.
 */
import type { App } from '../app';
import { field, h } from '../dom';
import { STATE_LABELS } from '../format';
import { announce, showError } from '../messages';
import { type IncidentSummary, STATES, type Ticket, type TicketState } from '../types';
import { resultList, type TicketResult } from './results';

type ActionId =
  | 'assign-me'
  | 'unassign'
  | 'assign-to'
  | 'tag-add'
  | 'tag-remove'
  | 'transition'
  | 'link'
  | 'incident';

const ACTIONS: Array<{ id: ActionId; label: string; lead?: boolean }> = [
  { id: 'assign-me', label: 'Assign to me' },
  { id: 'unassign', label: 'Unassign' },
  { id: 'assign-to', label: 'Assign to …', lead: true },
  { id: 'tag-add', label: 'Add tags' },
  { id: 'tag-remove', label: 'Remove tags' },
  { id: 'transition', label: 'Move to state' },
  { id: 'link', label: 'Link to incident' },
  { id: 'incident', label: 'Open a new incident for them', lead: true },
];

export interface Selection {
  /** The header cell: select every ticket shown. */
  headCell(): HTMLElement;
  /** The row's first cell: its checkbox. */
  rowCell(t: Ticket): HTMLElement;
  /** Space on a row toggles it. */
  toggle(reference: string): void;
  /** The toolbar above the table: what is selected, the action, its result per ticket. */
  readonly toolbar: HTMLElement;
}

const splitTags = (text: string) => [
  ...new Set(
    text
      .split(/[\s,]+/)
      .map((t) => t.trim())
      .filter(Boolean),
  ),
];

/**
 * `shown()` gives the tickets on screen (the select-all box takes those); `reload()` reads the list again
 * after an action. The selection is kept by reference across reloads; applied tickets leave it.
 */
export function createSelection(
  app: App,
  shown: () => Ticket[],
  reload: () => Promise<void>,
  incidents: IncidentSummary[],
): Selection {
  const chosen = new Set<string>();
  const boxes = new Map<string, HTMLInputElement>();
  const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select every ticket shown' });
  const count = h('span', { class: 'selected-count', id: 'selected-count', 'aria-live': 'polite' });
  const action = h(
    'select',
    { id: 'bulk-action', name: 'action' },
    ACTIONS.filter((a) => !a.lead || app.has('lead')).map((a) => h('option', { value: a.id }, a.label)),
  );
  const assignee = h('input', { id: 'bulk-assignee', name: 'assignee', type: 'email', autocomplete: 'off' });
  const tags = h('input', { id: 'bulk-tags', name: 'tags', autocomplete: 'off', placeholder: 'refund, vip' });
  const state = h(
    'select',
    { id: 'bulk-state', name: 'to' },
    STATES.map((s) => h('option', { value: s }, STATE_LABELS[s])),
  );
  const reason = h('input', { id: 'bulk-reason', name: 'reason', autocomplete: 'off' });
  const incident = h(
    'select',
    { id: 'bulk-incident', name: 'incident' },
    incidents.length
      ? incidents.map((i) => h('option', { value: i.reference }, `${i.reference} · ${i.title}`))
      : h('option', { value: '' }, 'No open incident'),
  );
  const title = h('input', { id: 'bulk-title', name: 'title', autocomplete: 'off' });
  const params: Record<ActionId, HTMLElement[]> = {
    'assign-me': [],
    unassign: [],
    'assign-to': [field('Assignee', assignee)],
    'tag-add': [field('Tags', tags, 'Separated by commas.')],
    'tag-remove': [],
    transition: [field('State', state), field('Reason (optional)', reason)],
    link: [field('Incident', incident)],
    incident: [field('Incident title', title)],
  };
  params['tag-remove'] = params['tag-add'];
  const paramSlot = h('div', { class: 'bulk-params' });
  const slot = h('div', { class: 'error-slot' });
  const results = h('div', { class: 'bulk-results' });
  const apply = h(
    'button',
    { type: 'submit', class: 'button button-primary', id: 'bulk-apply' },
    'Apply to selected',
  );

  const sync = () => {
    const visible = shown().map((t) => t.reference);
    for (const ref of [...chosen]) if (!visible.includes(ref)) chosen.delete(ref);
    // One box per reference (the latest row drawn), so the map never outgrows the tickets seen.
    for (const [ref, box] of boxes) box.checked = chosen.has(ref);
    all.checked = visible.length > 0 && visible.every((r) => chosen.has(r));
    all.indeterminate = !all.checked && chosen.size > 0;
    count.textContent = `${chosen.size} selected`;
    apply.disabled = chosen.size === 0;
  };
  const showParams = () => paramSlot.replaceChildren(...params[action.value as ActionId]);
  action.addEventListener('change', showParams);
  showParams();
  all.addEventListener('change', () => {
    for (const t of shown()) {
      if (all.checked) chosen.add(t.reference);
      else chosen.delete(t.reference);
    }
    sync();
  });

  /** What the action made besides the per-ticket results (a new incident), said first in the announcement. */
  let news = '';
  /** The request for the chosen action; its results in the bulk shape. */
  const run = async (tickets: string[]): Promise<TicketResult[]> => {
    const id = action.value as ActionId;
    switch (id) {
      case 'assign-me':
      case 'unassign':
      case 'assign-to': {
        const who = id === 'assign-me' ? app.me.email : id === 'unassign' ? null : assignee.value.trim();
        return (await app.api.bulk({ action: 'assign', tickets, assignee: who })).results;
      }
      case 'tag-add':
      case 'tag-remove': {
        const list = splitTags(tags.value);
        const body = id === 'tag-add' ? { add: list } : { remove: list };
        return (await app.api.bulk({ action: 'tag', tickets, ...body })).results;
      }
      case 'transition': {
        const why = reason.value.trim();
        const to = state.value as TicketState;
        return (await app.api.bulk({ action: 'transition', tickets, to, ...(why ? { reason: why } : {}) }))
          .results;
      }
      case 'link':
        return (await app.api.bulk({ action: 'link_incident', tickets, incident: incident.value })).results;
      case 'incident': {
        const opened = await app.api.openIncident({ title: title.value.trim(), tickets });
        news = `Incident ${opened.incident.reference} opened. `;
        return opened.results;
      }
    }
  };

  const toolbar = h(
    'form',
    {
      class: 'bulk-bar',
      'aria-label': 'Act on the selected tickets',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const tickets = [...chosen];
        const label = action.selectedOptions[0]?.textContent ?? 'act';
        if (tickets.length === 0) return;
        apply.disabled = true;
        slot.replaceChildren();
        try {
          const out = await run(tickets);
          const ok = (r: TicketResult) => r.outcome !== 'refused' && r.outcome !== 'not_found';
          for (const r of out) if (ok(r)) chosen.delete(r.reference ?? r.ticket);
          results.replaceChildren(resultList(`${label}: result per ticket`, out));
          const refused = out.filter((r) => !ok(r)).length;
          announce(`${news}${out.length - refused} done, ${refused} refused.`);
          news = '';
          await reload();
        } catch (err: unknown) {
          showError(slot, err, label.toLowerCase());
        }
        sync();
      },
    },
    count,
    field('Action', action),
    paramSlot,
    apply,
    slot,
  );

  return {
    headCell: () => h('th', { scope: 'col', class: 'select' }, all),
    rowCell: (t) => {
      const box = h('input', {
        type: 'checkbox',
        class: 'row-select',
        'aria-label': `Select ${t.reference}`,
        checked: chosen.has(t.reference),
        onchange: (e: Event) => {
          if ((e.currentTarget as HTMLInputElement).checked) chosen.add(t.reference);
          else chosen.delete(t.reference);
          sync();
        },
      });
      boxes.set(t.reference, box);
      queueMicrotask(sync);
      return h('td', { class: 'select' }, box);
    },
    toggle: (reference) => {
      if (chosen.has(reference)) chosen.delete(reference);
      else chosen.add(reference);
      sync();
      announce(
        `${reference} ${chosen.has(reference) ? 'selected' : 'not selected'}; ${chosen.size} selected.`,
      );
    },
    toolbar: h('div', { class: 'bulk' }, toolbar, results),
  };
}
