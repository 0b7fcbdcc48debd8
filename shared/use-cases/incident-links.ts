/**
 * Declaring incidents and linking tickets to them: a lead turns a ticket into an incident or opens a new
 * one for a selection of tickets; tickets are linked and unlinked by hand (one result per ticket, nothing
 * half-linked per ticket); an open incident takes matching new tickets at intake. `linkTicketsToIncident`
 * is the one way to link: the bulk actions call it too.
 */
import type { WorkflowConfig } from '../config';
import {
  type Actor,
  type AuditEvent,
  auditEvent,
  changeRefusal,
  formatReference,
  type IncidentRule,
  isTicketId,
  newId,
  openTicket,
  parseReference,
  type ScopeRefusal,
  type Ticket,
  type TicketScope,
} from '../domain';
import {
  addIncidentLinks,
  affectedLinks,
  declareIncident,
  type IncidentRefusedError,
  type IntakeFacts,
  incidentDetails,
  incidentRefusal,
  incidentRuleMatches,
  isIncident,
  isOpenTicket,
  linkRefusal,
  MAX_INCIDENT_LINKS,
  removeIncidentLinks,
} from '../domain/incident';
import type { Clock, IncidentRegistryPort, OpenIncident, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicket, changeTicketAsAgent } from './ticket-change';

export interface IncidentLinkPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'history' | 'append' | 'ticketIdForReference'>;
  readonly incidents: Pick<IncidentRegistryPort, 'put'>;
  readonly clock: Clock;
}

/** What became of one ticket of a link or unlink request. */
export interface LinkOutcome {
  /** The ticket as the caller named it (id or reference). */
  readonly ticket: string;
  readonly outcome: 'linked' | 'already_linked' | 'unlinked' | 'not_linked' | 'refused' | 'not_found';
  readonly ticketId?: string;
  readonly reference?: string;
  /** For `refused`: the rule (`own-queues`, `ticket-open`, `incident-in-incident`, `incident-full` …). */
  readonly rule?: string;
  readonly message?: string;
}

/** Which tickets to link to (or unlink from) which incident, by whom, within which queues. */
export interface IncidentTicketsInput {
  readonly incidentId: string;
  /** Ticket ids or references (`FD-<n>`). */
  readonly tickets: readonly string[];
  readonly actor: Actor;
  readonly scope: TicketScope;
}

export type IncidentLinksResult =
  | { readonly kind: 'done'; readonly incident: Ticket; readonly results: readonly LinkOutcome[] }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'forbidden'; readonly refusal: ScopeRefusal }
  | { readonly kind: 'refused'; readonly error: IncidentRefusedError };

const ctxOf = (clock: Clock, actor: Actor) => {
  const now = clock.now();
  return { actor, at: now, newId: () => newId(now) };
};

/** The entry intake matches new tickets against. */
export const openIncidentOf = (t: Ticket): OpenIncident => ({
  ticketId: t.id,
  reference: t.reference,
  title: t.incident?.title ?? t.subject,
  rule: t.incident?.rule ?? { accountIds: [], requestTypes: [], keywords: [] },
});

/**
 * The tickets an incident affects, as they are now (none for a plain ticket or no ticket): what
 * `incidentCloseRefusal` checks wherever a ticket may close (transition, the requester's "solved", merge).
 */
export async function linkedTicketsOf(
  ticket: Pick<Ticket, 'kind' | 'links'> | undefined,
  tickets: Pick<TicketRepositoryPort, 'get'>,
): Promise<Ticket[]> {
  if (!ticket || !isIncident(ticket)) return [];
  const read = await Promise.all(affectedLinks(ticket).map((l) => tickets.get(l.ticketId)));
  return read.filter((t) => t !== undefined);
}

/** A lead turns a ticket into an incident (If-Match), with its title and intake rule; announced to intake. */
export async function declareIncidentOnTicket(
  input: {
    readonly ticketId: string;
    readonly expectedVersion: number;
    readonly actor: Actor;
    readonly scope: TicketScope;
    readonly title?: string | undefined;
    readonly rule?: IncidentRule | undefined;
  },
  ports: IncidentLinkPorts,
): Promise<AgentChangeResult<IncidentRefusedError>> {
  const result = await changeTicketAsAgent(input, ports, (ticket) =>
    declareIncident(ticket, input, ctxOf(ports.clock, input.actor)),
  );
  if (result.kind === 'changed') await ports.incidents.put(openIncidentOf(result.ticket));
  return result;
}

/** An id or `FD-<n>` as a ticket id, when it names one. */
async function idOf(named: string, tickets: IncidentLinkPorts['tickets']): Promise<string | undefined> {
  if (isTicketId(named)) return named;
  return parseReference(named) ? tickets.ticketIdForReference(named) : undefined;
}

/** The incident, read and checked for the caller: it exists, is in their queues and is an incident. */
async function incidentFor(
  incidentId: string,
  scope: TicketScope,
  ports: IncidentLinkPorts,
): Promise<Exclude<IncidentLinksResult, { kind: 'done' }> | { kind: 'ok'; incident: Ticket }> {
  const incident = await ports.tickets.get(incidentId);
  if (!incident) return { kind: 'not_found' };
  const refusal = changeRefusal(scope, incident);
  if (refusal) return { kind: 'forbidden', refusal };
  return { kind: 'ok', incident };
}

/**
 * Links tickets to an incident, each on its own: a ticket that is not found, is out of the caller's queues
 * (`own-queues`) or may not be linked (closed, an incident itself, the incident closed or full) is refused
 * with its rule, the others are linked. Primary course: check the incident (not an incident or not open →
 * refused as a whole); for each ticket, write its side (`affected_by`); then the incident's side (`affects`)
 * for all of them in one write. Links are sets, so a repeated request links nothing twice.
 */
export async function linkTicketsToIncident(
  input: IncidentTicketsInput,
  ports: IncidentLinkPorts,
): Promise<IncidentLinksResult> {
  const found = await incidentFor(input.incidentId, input.scope, ports);
  if (found.kind !== 'ok') return found;
  const { incident } = found;
  const wholeRefusal = incidentRefusal(incident);
  if (wholeRefusal) return { kind: 'refused', error: wholeRefusal };

  const results: LinkOutcome[] = [];
  const toLink: Ticket[] = [];
  let room = MAX_INCIDENT_LINKS - affectedLinks(incident).length;
  for (const named of [...new Set(input.tickets)]) {
    const ticketId = await idOf(named, ports.tickets);
    const ticket = ticketId ? await ports.tickets.get(ticketId) : undefined;
    if (!ticket) {
      results.push({ ticket: named, outcome: 'not_found', message: `no ticket ${named}` });
      continue;
    }
    const who = { ticket: named, ticketId: ticket.id, reference: ticket.reference };
    const scoped = changeRefusal(input.scope, ticket);
    const already = incident.links.some((l) => l.ticketId === ticket.id && l.relation === 'affects');
    const refusal = scoped ?? (already ? undefined : linkRefusal(incident, ticket));
    if (refusal) {
      results.push({ ...who, outcome: 'refused', rule: refusal.rule, message: refusal.message });
      continue;
    }
    if (!already && room <= 0) {
      results.push({
        ...who,
        outcome: 'refused',
        rule: 'incident-full',
        message: `${incident.reference} already affects ${MAX_INCIDENT_LINKS} tickets`,
      });
      continue;
    }
    const wrote = await linkSide(ticket.id, incident, 'affected_by', input.actor, ports);
    if (!already) room--;
    results.push({ ...who, outcome: already && !wrote ? 'already_linked' : 'linked' });
    toLink.push(ticket);
  }
  await linkSide(incident.id, toLink, 'affects', input.actor, ports);
  return { kind: 'done', incident: (await ports.tickets.get(incident.id)) ?? incident, results };
}

/** Writes one side of incident links on one ticket (a system write, retried on a concurrent change). */
function linkSide(
  ticketId: string,
  others: Pick<Ticket, 'id' | 'reference'> | ReadonlyArray<Pick<Ticket, 'id' | 'reference'>>,
  relation: 'affects' | 'affected_by',
  actor: Actor,
  ports: { readonly tickets: Pick<TicketRepositoryPort, 'history' | 'append'>; readonly clock: Clock },
): Promise<boolean> {
  const list = Array.isArray(others) ? others : [others as Pick<Ticket, 'id' | 'reference'>];
  if (list.length === 0) return Promise.resolve(false);
  return changeTicket(ticketId, ports.tickets, (history) => {
    const linked = history
      ? addIncidentLinks(history.ticket, list, relation, {
          ...ctxOf(ports.clock, actor),
          cause: 'incident.link',
        })
      : undefined;
    return linked
      ? { write: { ticket: linked.ticket, audit: linked.audit }, result: true }
      : { result: false };
  });
}

/** Takes tickets off an incident, both sides, each with its own result (`unlinked` or `not_linked`). */
export async function unlinkTicketsFromIncident(
  input: IncidentTicketsInput,
  ports: IncidentLinkPorts,
): Promise<IncidentLinksResult> {
  const found = await incidentFor(input.incidentId, input.scope, ports);
  if (found.kind !== 'ok') return found;
  const { incident } = found;
  const results: LinkOutcome[] = [];
  const ids: string[] = [];
  for (const named of [...new Set(input.tickets)]) {
    const ticketId = await idOf(named, ports.tickets);
    const link = incident.links.find((l) => l.ticketId === ticketId && l.relation === 'affects');
    if (!ticketId || !link) {
      results.push({
        ticket: named,
        outcome: 'not_linked',
        ...(ticketId ? { ticketId } : {}),
        message: `${named} is not linked to ${incident.reference}`,
      });
      continue;
    }
    await unlinkSide(ticketId, [incident.id], 'affected_by', input.actor, ports);
    results.push({ ticket: named, ticketId, reference: link.reference, outcome: 'unlinked' });
    ids.push(ticketId);
  }
  if (ids.length > 0) await unlinkSide(incident.id, ids, 'affects', input.actor, ports);
  return { kind: 'done', incident: (await ports.tickets.get(incident.id)) ?? incident, results };
}

function unlinkSide(
  ticketId: string,
  otherIds: readonly string[],
  relation: 'affects' | 'affected_by',
  actor: Actor,
  ports: Pick<IncidentLinkPorts, 'tickets' | 'clock'>,
): Promise<boolean> {
  return changeTicket(ticketId, ports.tickets, (history) => {
    const removed = history
      ? removeIncidentLinks(history.ticket, otherIds, relation, ctxOf(ports.clock, actor))
      : undefined;
    return removed
      ? { write: { ticket: removed.ticket, audit: removed.audit }, result: true }
      : { result: false };
  });
}

export interface OpenIncidentPorts extends IncidentLinkPorts {
  readonly tickets: IncidentLinkPorts['tickets'] &
    Pick<TicketRepositoryPort, 'nextReferenceNumber' | 'create'>;
  readonly config: WorkflowConfig;
}

/**
 * A lead opens a new incident for a selection of tickets: a ticket of kind `incident` (requested by the
 * lead, the workflow's incident request type, no automatic mail to the lead), then the selection linked,
 * one result per ticket.
 */
export async function openIncidentForTickets(
  input: {
    readonly title: string;
    readonly body?: string | undefined;
    readonly rule?: IncidentRule | undefined;
    readonly tickets: readonly string[];
    readonly requester: { readonly email: string; readonly name?: string | undefined };
    readonly actor: Actor;
    readonly scope: TicketScope;
  },
  ports: OpenIncidentPorts,
): Promise<{ readonly incident: Ticket; readonly results: readonly LinkOutcome[] }> {
  const ctx = ctxOf(ports.clock, input.actor);
  const opened = openTicket(
    {
      channel: 'event',
      source: 'incident',
      subject: input.title,
      body: input.body ?? `Incident declared by ${input.actor.id}.`,
      requester: {
        email: input.requester.email,
        ...(input.requester.name ? { name: input.requester.name } : {}),
      },
      requestType: ports.config.incidents.requestType,
      fields: {},
      tags: ['incident'],
      suppressAutoMail: true,
    },
    {
      config: ports.config,
      now: ctx.at,
      reference: formatReference(await ports.tickets.nextReferenceNumber()),
      newId: ctx.newId,
      actor: input.actor,
    },
  );
  if (!opened.ok) throw opened.error;
  const declared = declaredAtOpening(opened.ticket, input, ctx);
  await ports.tickets.create({
    ticket: declared.ticket,
    message: opened.message,
    audit: [...opened.audit, declared.audit],
    dedupe: {
      channel: 'incident',
      key: declared.ticket.id,
      expiresAt: Math.floor(ctx.at.getTime() / 1000) + 86_400,
    },
    events: opened.events,
  });
  await ports.incidents.put(openIncidentOf(declared.ticket));
  const linked = await linkTicketsToIncident(
    { incidentId: declared.ticket.id, tickets: input.tickets, actor: input.actor, scope: input.scope },
    ports,
  );
  return linked.kind === 'done'
    ? { incident: linked.incident, results: linked.results }
    : { incident: declared.ticket, results: [] };
}

/** A ticket being opened as an incident: kind, details and its `incident.declared` line, still version 1. */
function declaredAtOpening(
  ticket: Ticket,
  input: { readonly title?: string | undefined; readonly rule?: IncidentRule | undefined },
  ctx: ReturnType<typeof ctxOf>,
): { ticket: Ticket; audit: AuditEvent } {
  const incident = incidentDetails(ticket, input, ctx.actor, ctx.at);
  const next: Ticket = { ...ticket, kind: 'incident', incident, auditSeq: ticket.auditSeq + 1 };
  const audit = auditEvent({
    newId: ctx.newId,
    ticketId: ticket.id,
    seq: next.auditSeq,
    at: ctx.at,
    actor: ctx.actor,
    action: 'incident.declared',
    before: null,
    after: { kind: 'incident', title: incident.title, rule: incident.rule },
  });
  return { ticket: next, audit };
}

export interface IntakeIncidentPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'history' | 'append'>;
  readonly incidents: Pick<IncidentRegistryPort, 'open'>;
  readonly clock: Clock;
}

/**
 * A ticket being opened, linked to every open incident whose rule takes it (its side only, still at its
 * opening version, so it is created with its links); the incidents to complete once it exists.
 */
async function linkAtIntake(
  opened: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] },
  facts: IntakeFacts,
  ports: IntakeIncidentPorts,
): Promise<{ ticket: Ticket; audit: AuditEvent[]; incidents: Ticket[] }> {
  // Linking is a help, never a reason to lose a request: unreadable open incidents take nothing.
  const open = await ports.incidents.open().catch(() => []);
  const candidates = open.filter((i) => incidentRuleMatches(i.rule, facts));
  const incidents = (await Promise.all(candidates.map((c) => ports.tickets.get(c.ticketId)))).filter(
    (t): t is Ticket => t !== undefined && isIncident(t) && isOpenTicket(t),
  );
  const actor: Actor = { kind: 'system', id: 'incidents' };
  const linked = addIncidentLinks(opened.ticket, incidents, 'affected_by', {
    ...ctxOf(ports.clock, actor),
    cause: 'incident.rule',
  });
  if (!linked) return { ticket: opened.ticket, audit: [...opened.audit], incidents: [] };
  // Still the ticket's first version: it is created with its links.
  const ticket = { ...linked.ticket, version: opened.ticket.version, updatedAt: opened.ticket.updatedAt };
  return { ticket, audit: [...opened.audit, ...linked.audit], incidents };
}

/** The incidents' side of links made at intake, once the ticket exists. */
async function completeIntakeLinks(
  ticket: Pick<Ticket, 'id' | 'reference'>,
  incidents: readonly Ticket[],
  ports: Pick<IntakeIncidentPorts, 'tickets' | 'clock'>,
): Promise<void> {
  for (const incident of incidents)
    await linkSide(incident.id, ticket, 'affects', { kind: 'system', id: 'incidents' }, ports);
}

/** What a door may give intake to link with open incidents: all of it, or no `incidents` (some tests). */
export interface MaybeIntakeIncidentPorts {
  readonly tickets: Partial<IntakeIncidentPorts['tickets']>;
  readonly incidents?: IntakeIncidentPorts['incidents'] | undefined;
  readonly clock: Clock;
}

/**
 * A new ticket created linked to the open incidents whose rule takes it: its side goes into `create`
 * (so the acknowledgement can name the incident), the incidents' side follows once it exists. Without the
 * incident ports, just `create`.
 */
export async function createLinkedToIncidents<O extends { readonly kind: string }>(
  opened: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] },
  facts: IntakeFacts,
  ports: MaybeIntakeIncidentPorts,
  create: (linked: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] }) => Promise<O>,
): Promise<O> {
  const { get, history, append } = ports.tickets;
  if (!ports.incidents || !get || !history || !append) return create(opened);
  const full: IntakeIncidentPorts = {
    tickets: ports.tickets as IntakeIncidentPorts['tickets'],
    incidents: ports.incidents,
    clock: ports.clock,
  };
  const linked = await linkAtIntake(opened, facts, full);
  const outcome = await create(linked);
  if (outcome.kind === 'created' && linked.incidents.length > 0)
    await completeIntakeLinks(linked.ticket, linked.incidents, full);
  return outcome;
}
