/**
 * Incidents: one problem that many requests share. An incident is a ticket of kind `incident` that
 * `affects` other tickets (each of them is `affected_by` it). Pure rules: declaring one, which tickets may
 * be linked, which new tickets an open incident takes at intake, and the rule that an incident closes only
 * once every linked ticket is resolved. What an incident's update and resolution do to the linked tickets
 * is in incident-fan-out.ts.
 */
import type { IncidentsConfig } from '../config/incidents';
import type { AgentContext } from './agent-work';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import { DomainError } from './errors';
import { linkTicket } from './integrations';
import type { IncidentDetails, IncidentRule, Ticket, TicketLink } from './ticket';

/** How many tickets one incident may affect: its links live on its item, which must stay storable. */
export const MAX_INCIDENT_LINKS = 500;

/** An incident action refused, naming its rule (and the tickets it is about, when there are some). */
export class IncidentRefusedError extends DomainError {
  override readonly name = 'IncidentRefusedError';
  readonly code = 'INCIDENT.REFUSED';
  constructor(
    /** `already-incident`, `incident-open`, `not-incident`, `ticket-open`, `incident-in-incident`, `incident-full`, `incident-links-resolved`. */
    readonly rule: string,
    /** `invalid` → 422, `conflict` → 409. */
    readonly kind: 'invalid' | 'conflict',
    message: string,
    /** The references the refusal is about (the open linked tickets of an incident that may not close). */
    readonly references: readonly string[] = [],
  ) {
    super(message);
  }
}

type Refusal = { readonly ok: false; readonly error: IncidentRefusedError };
const refuse = (rule: string, message: string, kind: 'invalid' | 'conflict' = 'invalid'): Refusal => ({
  ok: false,
  error: new IncidentRefusedError(rule, kind, message),
});

export const isIncident = (ticket: Pick<Ticket, 'kind'>): boolean => ticket.kind === 'incident';

/** Neither resolved nor closed. */
export const isOpenTicket = (ticket: Pick<Ticket, 'state'>): boolean =>
  ticket.state !== 'resolved' && ticket.state !== 'closed';

/** The links of an incident to the tickets it affects, in ticket-id order (the fan-out's page order). */
export function affectedLinks(incident: Pick<Ticket, 'links'>): TicketLink[] {
  return incident.links
    .filter((l) => l.relation === 'affects')
    .toSorted((a, b) => a.ticketId.localeCompare(b.ticketId));
}

/** The incidents a ticket is linked to. */
export function incidentLinksOf(ticket: Pick<Ticket, 'links'>): TicketLink[] {
  return ticket.links.filter((l) => l.relation === 'affected_by');
}

/** An empty rule: the incident takes no ticket at intake by itself. */
export const EMPTY_INCIDENT_RULE: IncidentRule = { accountIds: [], requestTypes: [], keywords: [] };

/**
 * A lead turns a ticket into an incident (or an integration rule opens one): its title (the subject when
 * none is given) and its intake rule are kept on it. A closed ticket, or one that already is an incident,
 * is refused.
 */
export function declareIncident(
  ticket: Ticket,
  input: { readonly title?: string | undefined; readonly rule?: IncidentRule | undefined },
  ctx: AgentContext,
): { ok: true; ticket: Ticket; audit: AuditEvent } | Refusal {
  if (isIncident(ticket)) return refuse('already-incident', `${ticket.reference} already is an incident`);
  if (ticket.state === 'closed')
    return refuse('ticket-open', `${ticket.reference} is closed; declare the incident on an open ticket`);
  const incident = incidentDetails(ticket, input, ctx.actor, ctx.at);
  const next: Ticket = { ...nextRevision(ticket, ctx.at), kind: 'incident', incident };
  return {
    ok: true,
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'incident.declared',
      before: { kind: ticket.kind },
      after: { kind: 'incident', title: incident.title, rule: incident.rule },
    }),
  };
}

/** The incident part of a ticket: title (its subject when none is given, cut to 200), rule, who and when. */
export function incidentDetails(
  ticket: Pick<Ticket, 'subject'>,
  input: { readonly title?: string | undefined; readonly rule?: IncidentRule | undefined },
  actor: Actor,
  at: Date,
): IncidentDetails {
  const title = (input.title?.trim() || ticket.subject.replace(/\s+/g, ' ').trim()).slice(0, 200);
  return {
    title,
    rule: input.rule ?? EMPTY_INCIDENT_RULE,
    declaredBy: actor.id,
    declaredAt: at.toISOString(),
  };
}

const no = (rule: string, message: string) => new IncidentRefusedError(rule, 'invalid', message);

/** Why nothing may be linked to `incident`, if so: it is not an incident, or no longer open. */
export function incidentRefusal(
  incident: Pick<Ticket, 'kind' | 'reference' | 'state'>,
): IncidentRefusedError | undefined {
  if (!isIncident(incident)) return no('not-incident', `${incident.reference} is not an incident`);
  if (!isOpenTicket(incident))
    return no(
      'incident-open',
      `${incident.reference} is ${incident.state}; link tickets to an open incident`,
    );
  return undefined;
}

/** Why `ticket` may not be linked to `incident` (the caller's queues aside), if it may not. */
export function linkRefusal(
  incident: Pick<Ticket, 'kind' | 'reference' | 'state' | 'links' | 'id'>,
  ticket: Pick<Ticket, 'kind' | 'reference' | 'state' | 'id'>,
): IncidentRefusedError | undefined {
  const whole = incidentRefusal(incident);
  if (whole) return whole;
  if (ticket.id === incident.id || isIncident(ticket))
    return no(
      'incident-in-incident',
      `${ticket.reference} is an incident; an incident affects plain tickets`,
    );
  if (ticket.state === 'closed')
    return no('ticket-open', `${ticket.reference} is closed; a closed ticket stays as it was`);
  if (affectedLinks(incident).length >= MAX_INCIDENT_LINKS)
    return no('incident-full', `${incident.reference} already affects ${MAX_INCIDENT_LINKS} tickets`);
  return undefined;
}

/** One side of incident links (a set: a link already there is not added again; none new → undefined). */
export function addIncidentLinks(
  ticket: Ticket,
  others: ReadonlyArray<Pick<Ticket, 'id' | 'reference'>>,
  relation: 'affects' | 'affected_by',
  ctx: { readonly actor: Actor; readonly at: Date; readonly newId: () => string; readonly cause: string },
): { readonly ticket: Ticket; readonly audit: AuditEvent[]; readonly added: TicketLink[] } | undefined {
  return linkTicket(ticket, others, {
    relation,
    by: ctx.actor.kind === 'agent' ? `agent:${ctx.actor.id}` : ctx.actor.id,
    cause: ctx.cause,
    actor: ctx.actor,
    now: ctx.at,
    newId: ctx.newId,
  });
}

/** One side of incident links taken away (links not there are ignored; none removed → undefined). */
export function removeIncidentLinks(
  ticket: Ticket,
  otherIds: readonly string[],
  relation: 'affects' | 'affected_by',
  ctx: { readonly actor: Actor; readonly at: Date; readonly newId: () => string },
): { readonly ticket: Ticket; readonly audit: AuditEvent[]; readonly removed: TicketLink[] } | undefined {
  const ids = new Set(otherIds);
  const removed = ticket.links.filter((l) => l.relation === relation && ids.has(l.ticketId));
  if (removed.length === 0) return undefined;
  const audit = removed.map((link, i) =>
    auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: ticket.auditSeq + 1 + i,
      at: ctx.at,
      actor: ctx.actor,
      action: 'ticket.unlinked',
      before: { ticketId: link.ticketId, reference: link.reference, relation: link.relation },
      after: null,
    }),
  );
  const next: Ticket = {
    ...ticket,
    links: ticket.links.filter((l) => !removed.includes(l)),
    version: ticket.version + 1,
    updatedAt: ctx.at.toISOString(),
    auditSeq: ticket.auditSeq + removed.length,
  };
  return { ticket: next, audit, removed };
}

/** What of a new request an incident's rule looks at. */
export interface IntakeFacts {
  readonly subject: string;
  readonly body: string;
  readonly requestType: string;
  readonly accountId?: string | undefined;
}

/**
 * Whether an open incident takes a new request: every part of its rule that lists something must hold —
 * the account is one of its accounts, the request type one of its types, a keyword appears in the subject
 * or the first message (case-insensitive). A rule that lists nothing takes nothing.
 */
export function incidentRuleMatches(rule: IncidentRule, facts: IntakeFacts): boolean {
  const parts = [
    rule.accountIds.length > 0
      ? facts.accountId !== undefined && rule.accountIds.includes(facts.accountId)
      : undefined,
    rule.requestTypes.length > 0 ? rule.requestTypes.includes(facts.requestType) : undefined,
    rule.keywords.length > 0
      ? ((text: string) => rule.keywords.some((k) => text.includes(k.toLowerCase())))(
          `${facts.subject}\n${facts.body}`.toLowerCase(),
        )
      : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 && parts.every(Boolean);
}

/**
 * The incident may close only once none of the tickets it affects is open (neither resolved nor closed);
 * the refusal lists the open ones.
 */
export function incidentCloseRefusal(
  incident: Pick<Ticket, 'reference'>,
  linked: ReadonlyArray<Pick<Ticket, 'reference' | 'state'>>,
): IncidentRefusedError | undefined {
  const open = linked.filter(isOpenTicket).map((t) => t.reference);
  if (open.length === 0) return undefined;
  return new IncidentRefusedError(
    'incident-links-resolved',
    'conflict',
    `${incident.reference} closes only once every linked ticket is resolved; still open: ${open.join(', ')}`,
    open,
  );
}

/** The note a linked ticket is resolved with, from the workflow's template. */
export function resolutionNoteFor(
  config: Pick<IncidentsConfig, 'resolutionNote'>,
  incident: Pick<Ticket, 'reference' | 'subject' | 'incident'>,
  note: string,
): string {
  const vars: Record<string, string> = {
    incidentReference: incident.reference,
    incidentTitle: incident.incident?.title ?? incident.subject,
    note: note.trim(),
  };
  return config.resolutionNote
    .replace(/\{\{\s*([^}\s]*)\s*\}\}/g, (_, name: string) => vars[name] ?? '')
    .trim();
}

/** The acknowledgement's sentence for a ticket linked at intake (a leading space, to end a line). */
export function incidentNotice(incident: Pick<Ticket, 'reference' | 'subject' | 'incident'>): string {
  const title = incident.incident?.title ?? incident.subject;
  return ` It is linked to incident ${incident.reference} ("${title}"): we are working on it and will send updates to this thread.`;
}
