/**
 * What the incident view reads: an incident with its linked tickets (state, requester, account), the
 * accounts they belong to, the public updates sent, and its two measures — tickets per incident and time to
 * the first update. Also the list of open incidents. Reads only (the linked tickets by id, a few at a time).
 */
import type { ScopeRefusal, Ticket, TicketScope } from '../domain';
import { readRefusal } from '../domain';
import { affectedLinks, isIncident, isOpenTicket } from '../domain/incident';
import type { IncidentRegistryPort, TicketRepositoryPort } from './ports';

export interface IncidentViewPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'history'>;
  readonly incidents: Pick<IncidentRegistryPort, 'open'>;
}

export interface LinkedTicketSummary {
  readonly ticketId: string;
  readonly reference: string;
  /** Null when the linked ticket can no longer be read. */
  readonly state: Ticket['state'] | null;
  readonly subject?: string;
  readonly requester?: string;
  readonly accountId?: string;
  readonly linkedAt: string;
}

export interface IncidentMetrics {
  readonly linkedTickets: number;
  readonly openLinkedTickets: number;
  /** The first public update's time, and the minutes from declaring the incident to it. */
  readonly firstUpdateAt: string | null;
  readonly minutesToFirstUpdate: number | null;
}

export interface IncidentView {
  readonly incident: Ticket;
  readonly linked: readonly LinkedTicketSummary[];
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly tickets: number }>;
  readonly updates: ReadonlyArray<{
    readonly messageId: string;
    readonly at: string;
    readonly author?: string;
    readonly body: string;
  }>;
  readonly metrics: IncidentMetrics;
}

export type IncidentViewResult =
  | { readonly kind: 'found'; readonly view: IncidentView }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'not_incident'; readonly reference: string }
  | { readonly kind: 'forbidden'; readonly refusal: ScopeRefusal };

const READ_CONCURRENCY = 10;

async function readAll(
  ids: readonly string[],
  tickets: IncidentViewPorts['tickets'],
): Promise<Map<string, Ticket>> {
  const out = new Map<string, Ticket>();
  for (let i = 0; i < ids.length; i += READ_CONCURRENCY) {
    const batch = await Promise.all(
      ids.slice(i, i + READ_CONCURRENCY).map((id) => tickets.get(id).catch(() => undefined)),
    );
    for (const t of batch) if (t) out.set(t.id, t);
  }
  return out;
}

/** One incident as its view shows it; a ticket that is not an incident answers `not_incident`. */
export async function getIncident(
  input: { readonly incidentId: string; readonly scope: TicketScope },
  ports: IncidentViewPorts,
): Promise<IncidentViewResult> {
  const history = await ports.tickets.history(input.incidentId);
  if (!history) return { kind: 'not_found' };
  const { ticket: incident, messages } = history;
  const refusal = readRefusal(input.scope, incident, []);
  if (refusal) return { kind: 'forbidden', refusal };
  if (!isIncident(incident)) return { kind: 'not_incident', reference: incident.reference };
  const links = affectedLinks(incident);
  const read = await readAll(
    links.map((l) => l.ticketId),
    ports.tickets,
  );
  const linked: LinkedTicketSummary[] = links.map((l) => {
    const t = read.get(l.ticketId);
    return {
      ticketId: l.ticketId,
      reference: l.reference,
      state: t?.state ?? null,
      ...(t ? { subject: t.subject, requester: t.requester.email } : {}),
      ...(t?.account?.id ? { accountId: t.account.id } : {}),
      linkedAt: l.at,
    };
  });
  const perAccount = new Map<string, number>();
  for (const l of linked)
    if (l.accountId) perAccount.set(l.accountId, (perAccount.get(l.accountId) ?? 0) + 1);
  const updates = messages
    .filter((m) => m.direction === 'outbound' && m.visibility === 'public' && m.author.kind === 'agent')
    .map((m) => ({
      messageId: m.id,
      at: m.createdAt,
      ...(m.author.email ? { author: m.author.email } : {}),
      body: m.body,
    }));
  return {
    kind: 'found',
    view: {
      incident,
      linked,
      accounts: [...perAccount].map(([id, tickets]) => ({ id, tickets })),
      updates,
      metrics: incidentMetrics(incident, linked, updates[0]?.at),
    },
  };
}

/** Tickets per incident and time to the first incident update. */
export function incidentMetrics(
  incident: Pick<Ticket, 'incident' | 'createdAt'>,
  linked: ReadonlyArray<Pick<LinkedTicketSummary, 'state'>>,
  firstUpdateAt: string | undefined,
): IncidentMetrics {
  const declaredAt = incident.incident?.declaredAt ?? incident.createdAt;
  return {
    linkedTickets: linked.length,
    openLinkedTickets: linked.filter((l) => l.state !== null && isOpenTicket({ state: l.state })).length,
    firstUpdateAt: firstUpdateAt ?? null,
    minutesToFirstUpdate:
      firstUpdateAt !== undefined
        ? Math.max(0, Math.round((Date.parse(firstUpdateAt) - Date.parse(declaredAt)) / 60_000))
        : null,
  };
}

export interface IncidentListEntry {
  readonly ticketId: string;
  readonly reference: string;
  readonly title: string;
  readonly state: Ticket['state'];
  readonly queue: string;
  readonly linkedTickets: number;
  readonly declaredAt: string | null;
}

/** The open incidents the caller may read, newest first. */
export async function listOpenIncidents(
  input: { readonly scope: TicketScope },
  ports: IncidentViewPorts,
): Promise<IncidentListEntry[]> {
  const open = await ports.incidents.open();
  const read = await readAll(
    open.map((o) => o.ticketId),
    ports.tickets,
  );
  return [...read.values()]
    .filter((t) => isIncident(t) && isOpenTicket(t) && !readRefusal(input.scope, t, []))
    .map((t) => ({
      ticketId: t.id,
      reference: t.reference,
      title: t.incident?.title ?? t.subject,
      state: t.state,
      queue: t.queue,
      linkedTickets: affectedLinks(t).length,
      declaredAt: t.incident?.declaredAt ?? null,
    }))
    .toSorted((a, b) => b.ticketId.localeCompare(a.ticketId));
}
