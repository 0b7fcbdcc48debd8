/**
 * Macros on the ticket (issue 17): pick one of the team's macros, preview what it would do to this ticket
 * (the reply as it would be sent, every change before → after, or the rule that would refuse it), then
 * apply it: the reply and the changes in one write at the version this screen shows (If-Match), so a
 * stale screen gets the usual 409 with a reload that keeps the composer's draft.
 */
import { field, h } from '../../dom';
import { showError } from '../../messages';
import type { MacroChange, MacroPreview, MacroSummary } from '../../types';
import { act, type Ctx, panel } from './section';

/** One change in words, "state: in_progress → waiting_on_customer" (the reply is shown on its own). */
export function describeMacroChange(c: MacroChange): string {
  const show = (v: unknown): string =>
    v === null || v === undefined
      ? '—'
      : Array.isArray(v)
        ? v.join(', ') || '—'
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
  const keys = [...new Set([...Object.keys(c.before ?? {}), ...Object.keys(c.after ?? {})])];
  return keys.map((k) => `${k}: ${show(c.before?.[k])} → ${show(c.after?.[k])}`).join('; ') || c.action;
}

/** What the preview shows: the rendered reply and the changes, or the refusal with its rule. */
function previewBody(title: string, p: MacroPreview): HTMLElement {
  if (p.refusal)
    return h(
      'div',
      { class: 'alert alert-error', role: 'alert', 'data-testid': 'macro-refusal' },
      `“${title}” cannot be applied now (rule ${p.refusal.rule}): ${p.refusal.message.replace(/^macro \S+ refused \([^)]*\):\s*/, '')}`,
    );
  const changes = p.changes.filter((c) => c.action !== 'message.added');
  return h(
    'div',
    { class: 'macro-preview', 'data-testid': 'macro-preview' },
    p.reply
      ? [
          h(
            'p',
            {},
            h('strong', {}, p.reply.visibility === 'public' ? 'Reply to the customer' : 'Internal note'),
            ':',
          ),
          h('div', { class: 'macro-reply' }, p.reply.body),
        ]
      : h('p', { class: 'muted' }, 'No reply.'),
    h('p', {}, h('strong', {}, 'Changes'), ':'),
    changes.length
      ? h(
          'ul',
          { class: 'macro-changes' },
          changes.map((c) => h('li', { 'data-action': c.action }, describeMacroChange(c))),
        )
      : h('p', { class: 'muted' }, 'Nothing else changes.'),
  );
}

export function macrosSection(ctx: Ctx, macros: MacroSummary[]): HTMLElement | null {
  const { app, ticket } = ctx;
  if (!ctx.works || macros.length === 0) return null;
  const select = h(
    'select',
    { id: 'macro-pick', name: 'macro' },
    h('option', { value: '' }, 'Choose a macro'),
    macros.map((m) => h('option', { value: m.id }, m.title)),
  );
  const shown = h('div', { class: 'macro-shown', 'aria-live': 'polite' });
  const slot = h('div', { class: 'error-slot' });
  const previewButton = h('button', { type: 'submit', class: 'button', id: 'macro-preview' }, 'Preview');
  const apply: HTMLButtonElement = h(
    'button',
    { type: 'button', class: 'button button-primary', id: 'macro-apply', hidden: true },
    'Apply macro',
  );
  const chosen = () => macros.find((m) => m.id === select.value);
  select.addEventListener('change', () => {
    shown.replaceChildren();
    slot.replaceChildren();
    apply.hidden = true;
  });
  apply.addEventListener('click', () => {
    const macro = chosen();
    if (!macro) return;
    void act(
      ctx,
      apply,
      slot,
      `apply the macro “${macro.title}”`,
      (t) => app.api.applyMacro(t, macro.id),
      `Macro “${macro.title}” applied to ${ticket.reference}.`,
    );
  });
  const form = h(
    'form',
    {
      class: 'macro-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const macro = chosen();
        slot.replaceChildren();
        apply.hidden = true;
        if (!macro) {
          showError(slot, new Error('choose a macro first'), 'preview the macro');
          select.focus();
          return;
        }
        previewButton.disabled = true;
        try {
          const p = await app.api.previewMacro(ticket.id, macro.id);
          shown.replaceChildren(previewBody(macro.title, p));
          apply.hidden = Boolean(p.refusal);
        } catch (err: unknown) {
          shown.replaceChildren();
          showError(slot, err, 'preview the macro');
        }
        previewButton.disabled = false;
      },
    },
    field('Macro', select, 'Preview shows the reply and the changes; nothing is written until you apply.'),
    previewButton,
  );
  return panel('Macros', form, shown, slot, apply);
}
