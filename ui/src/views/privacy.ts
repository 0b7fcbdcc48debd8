/**
 * A requester's data (issue 22, admins): an export of everything about them (built in the background,
 * downloaded through 15-minute links) and an erasure (asked with a reason, run once two privacy approvers
 * approved it). The jobs asked for in this tab are listed with their state; "Refresh" reads them again.
 */
import type { Screen } from '../app';
import { field, h } from '../dom';
import { formatDateTime } from '../format';
import { announce, clearError, showError } from '../messages';
import type { ErasureView, ExportView } from '../types';

/** The jobs asked for in this tab, newest first (the API has no list of them: each is read by its id). */
const jobs: Array<{ kind: 'export' | 'erasure'; id: string }> = [];

export const privacyScreen: Screen = async (app, host) => {
  host.append(
    h('h1', { tabindex: -1 }, 'Personal data'),
    h(
      'p',
      { class: 'lede' },
      'Export everything Frontdoor holds about one requester, or erase it. An erasure runs only after two privacy approvers approved it.',
    ),
  );

  const exportEmail = h('input', {
    type: 'email',
    name: 'export-email',
    required: true,
    autocomplete: 'off',
  });
  const exportForm = jobForm({
    id: 'export',
    title: 'Export a requester’s data',
    fields: [field('Requester’s address', exportEmail, 'Their tickets, messages, audit and attachments.')],
    button: h('button', { type: 'submit', class: 'button button-primary' }, 'Export'),
    action: 'export this requester’s data',
    ask: async () => {
      const out = await app.api.requestExport(exportEmail.value.trim());
      jobs.unshift({ kind: 'export', id: out.exportId });
      return 'Export asked for; it is built in the background.';
    },
  });

  const eraseEmail = h('input', { type: 'email', name: 'erase-email', required: true, autocomplete: 'off' });
  const reason = h('textarea', { name: 'reason', rows: 2, required: true });
  const eraseForm = jobForm({
    id: 'erase',
    title: 'Erase a requester’s data',
    fields: [
      field('Requester’s address', eraseEmail),
      field('Reason', reason, 'Approvers read it; it is redacted with the data afterwards.'),
    ],
    button: h('button', { type: 'submit', class: 'button button-danger' }, 'Ask for the erasure'),
    action: 'ask for this erasure',
    ask: async () => {
      const out = await app.api.requestErasure(eraseEmail.value.trim(), reason.value.trim());
      jobs.unshift({ kind: 'erasure', id: out.erasureId });
      return `Erasure asked for on ${out.reference}; it waits for its approval.`;
    },
  });

  /** A form that asks for one job: on success its answer is announced and the screen shows the job. */
  function jobForm(spec: {
    id: string;
    title: string;
    fields: HTMLElement[];
    button: HTMLButtonElement;
    action: string;
    ask: () => Promise<string>;
  }): HTMLFormElement {
    const slot = h('div', { class: 'error-slot' });
    const form = h(
      'form',
      { 'aria-labelledby': `${spec.id}-title`, class: 'panel' },
      h('h2', { id: `${spec.id}-title` }, spec.title),
      spec.fields,
      slot,
      spec.button,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(slot);
      try {
        announce(await spec.ask());
        await app.refresh();
      } catch (err: unknown) {
        showError(slot, err, spec.action);
      }
    });
    return form;
  }
  host.append(exportForm, eraseForm);

  const list = h('ul', { class: 'privacy-jobs' });
  for (const job of jobs) {
    try {
      list.append(
        job.kind === 'export'
          ? exportItem(await app.api.exportStatus(job.id))
          : erasureItem(await app.api.erasureStatus(job.id)),
      );
    } catch (err: unknown) {
      const slot = h('li', { class: 'error-slot' });
      list.append(slot);
      showError(slot, err, `read ${job.kind} ${job.id}`);
    }
  }
  host.append(
    h(
      'section',
      { 'aria-labelledby': 'jobs-title', class: 'panel' },
      h('h2', { id: 'jobs-title' }, 'Asked for in this tab'),
      jobs.length ? list : h('p', { class: 'empty' }, 'Nothing yet.'),
      jobs.length
        ? h('button', { type: 'button', class: 'button', onclick: () => app.refresh() }, 'Refresh')
        : null,
    ),
  );
  return undefined;
};

function exportItem(job: ExportView): HTMLElement {
  return h(
    'li',
    { 'data-export': job.exportId, 'data-state': job.state },
    h('strong', {}, 'Export '),
    `of ${job.requester}: `,
    h('span', { class: 'badge' }, job.state),
    ` (${job.progress.done}/${job.progress.total} tickets), asked ${formatDateTime(job.requestedAt)}`,
    job.problem ? ` — ${job.problem}` : '',
    job.files?.length
      ? h(
          'ul',
          {},
          job.files.map((f) =>
            h('li', {}, h('a', { href: f.url, download: f.name }, f.name), ` (${f.size} bytes)`),
          ),
        )
      : null,
  );
}

function erasureItem(job: ErasureView): HTMLElement {
  return h(
    'li',
    { 'data-erasure': job.erasureId, 'data-state': job.state },
    h('strong', {}, 'Erasure '),
    `of ${job.requester}: `,
    h('span', { class: 'badge' }, job.state.replace('_', ' ')),
    job.reference ? [' — tracked on ', h('a', { href: `#/tickets/${job.reference}` }, job.reference)] : '',
    job.decidedBy?.length ? `, decided by ${job.decidedBy.join(' and ')}` : '',
    job.counts
      ? `; ${job.counts.tickets} tickets, ${job.counts.messages} messages and ${job.counts.objects} files erased`
      : '',
  );
}
