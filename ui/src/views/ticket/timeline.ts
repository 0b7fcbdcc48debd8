/** The audit timeline: every change to the ticket, who made it, what changed and why. */
import { h } from '../../dom';
import { formatDateTime } from '../../format';
import type { AuditEntry } from '../../types';
import { panel } from './section';

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

export function timeline(audit: AuditEntry[]): HTMLElement {
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
