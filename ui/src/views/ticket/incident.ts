/**
 * Incidents on the ticket screen (issue 17): the banner on a ticket linked to an incident (its updates
 * reach this customer here), the banner on the incident itself pointing to its view, and the panel that
 * links this ticket to an open incident, unlinks it, or (leads) declares it an incident.
 */
import { field, h } from '../../dom';
import type { IncidentSummary, Ticket } from '../../types';
import { act, actForm, type Ctx, panel } from './section';

export const incidentHref = (reference: string) => `#/incidents/${encodeURIComponent(reference)}`;

/** The incidents this ticket is linked to (`affected_by` links). */
export const incidentLinks = (t: Ticket) => (t.links ?? []).filter((l) => l.relation === 'affected_by');

/** The banner at the top: this ticket is an incident, or is linked to one (or more). */
export function incidentBanner(t: Ticket, open: IncidentSummary[]): HTMLElement | null {
  if (t.kind === 'incident')
    return h(
      'div',
      { class: 'banner banner-incident', role: 'note', 'data-testid': 'incident-banner' },
      h('strong', {}, 'Incident'),
      `: ${t.incident?.title ?? t.subject}. A public reply here is an update every linked ticket’s requester gets. `,
      h('a', { href: incidentHref(t.reference) }, 'Open the incident view'),
      '.',
    );
  const links = incidentLinks(t);
  if (links.length === 0) return null;
  const titled = new Map(open.map((i) => [i.reference, i.title]));
  return h(
    'div',
    { class: 'banner banner-incident', role: 'note', 'data-testid': 'incident-banner' },
    h('strong', {}, 'Part of an incident'),
    ': ',
    links.map((l, i) => [
      i > 0 ? ', ' : '',
      h('a', { href: incidentHref(l.reference) }, l.reference),
      titled.has(l.reference) ? ` (${titled.get(l.reference)})` : '',
    ]),
    '. Its updates reach this customer on this ticket.',
  );
}

/** Link to an open incident, unlink, or (leads) declare this ticket an incident. */
export function incidentSection(ctx: Ctx, open: IncidentSummary[]): HTMLElement | null {
  const { app, ticket } = ctx;
  if (!ctx.works || ticket.kind === 'incident') return null;
  const slot = h('div', { class: 'error-slot' });
  const linked = new Set(incidentLinks(ticket).map((l) => l.reference));
  const children: Array<Node | null> = [];

  for (const ref of linked) {
    const button: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button',
        'data-unlink': ref,
        onclick: () =>
          void act(
            ctx,
            button,
            slot,
            `unlink ${ticket.reference} from ${ref}`,
            () => linkOrRefuse(ctx, ref, true),
            `${ticket.reference} unlinked from ${ref}.`,
          ),
      },
      `Unlink from ${ref}`,
    );
    children.push(button);
  }

  const candidates = open.filter((i) => !linked.has(i.reference));
  if (candidates.length) {
    const pick = h(
      'select',
      { id: 'incident-pick', name: 'incident', required: true },
      h('option', { value: '' }, 'Choose an open incident'),
      candidates.map((i) => h('option', { value: i.reference }, `${i.reference} · ${i.title}`)),
    );
    const button = h('button', { type: 'submit', class: 'button', id: 'incident-link' }, 'Link');
    children.push(
      actForm(
        ctx,
        { class: 'inline-form' },
        {
          button,
          slot,
          action: () => `link ${ticket.reference} to ${pick.value}`,
          run: () => linkOrRefuse(ctx, pick.value, false),
          done: () => `${ticket.reference} linked to ${pick.value}.`,
        },
        field('Link to incident', pick),
        button,
      ),
    );
  } else if (linked.size === 0) children.push(h('p', { class: 'muted' }, 'No open incident.'));

  // Declaring is a lead's call (the API answers agents 403 route-roles).
  if (app.has('lead')) {
    const title = h('input', { id: 'incident-title', name: 'title', autocomplete: 'off' });
    const button = h(
      'button',
      { type: 'submit', class: 'button', id: 'incident-declare' },
      'Declare incident',
    );
    children.push(
      actForm(
        ctx,
        { class: 'lead-only' },
        {
          button,
          slot,
          action: () => `declare ${ticket.reference} an incident`,
          run: (target) => {
            const t = title.value.trim();
            return app.api.writeTicket(target, 'POST', 'incident', t ? { title: t } : {});
          },
          done: () => `${ticket.reference} is now an incident.`,
        },
        field('Incident title', title, 'Leave empty to use the subject.'),
        button,
      ),
    );
  }
  children.push(slot);
  return panel('Incident', ...children);
}

/** Links or unlinks this one ticket; a per-ticket refusal (its rule) becomes the action's error. */
async function linkOrRefuse(ctx: Ctx, incident: string, unlink: boolean): Promise<void> {
  const { results } = await ctx.app.api.linkIncident(incident, [ctx.ticket.id], unlink);
  const mine = results[0];
  if (mine && (mine.outcome === 'refused' || mine.outcome === 'not_found'))
    throw new RefusedResult(mine.rule, mine.message ?? mine.outcome);
}

/** A refusal the API put in a result list rather than a status; shown like any refusal. */
export class RefusedResult extends Error {
  constructor(
    readonly rule: string | undefined,
    message: string,
  ) {
    super(rule ? `refused by rule ${rule}: ${message}` : message);
  }
}
