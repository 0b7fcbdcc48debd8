/**
 * The ticket's details: priority, tags and the request type's fields, each with its required-context status
 * (from the form's JSON Schema); read-only for those who may not change the ticket.
 */
import type { FormSchema } from '../../api';
import { field, h } from '../../dom';
import { priorityLabel } from '../../format';
import { showError } from '../../messages';
import { PRIORITIES, type Priority, type TicketWrites } from '../../types';
import { act, type Ctx, panel } from './section';

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return undefined;
  }
})();

/**
 * The language detected in the first message (issue 19), "Language: de (German)"; nothing when none was
 * detected (or the server does not detect languages).
 */
export function languageLine(language: string | undefined): HTMLElement | null {
  if (!language) return null;
  let name: string | undefined;
  try {
    name = languageNames?.of(language);
  } catch {
    // Not a tag the browser knows: the tag alone.
  }
  return h(
    'p',
    { class: 'ticket-language', 'data-testid': 'ticket-language' },
    'Language: ',
    h('span', { 'data-language': language }, language),
    name && name !== language ? ` (${name})` : null,
  );
}

export function detailsSection(ctx: Ctx, schema: FormSchema | undefined): HTMLElement {
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
      languageLine(ticket.language),
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
        const change: TicketWrites[''] = {};
        // The select offers the priorities only.
        if (priority.value !== ticket.priority) change.priority = priority.value as Priority;
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
    languageLine(ticket.language),
    context,
    field('Priority', priority),
    field('Tags', tags, 'Separate tags with commas.'),
    fieldRows,
    slot,
    save,
  );
  return panel('Details', form);
}
