import { type AuditEvent, newId, type Ticket } from '../../shared/domain';
import { addIncidentLinks, declareIncident } from '../../shared/domain/incident';
import type { TicketRepositoryPort } from '../../shared/use-cases/ports';

// Stored incidents for tests that are about something else (closing one, answering its resolution mail):
// a lead declares the incident on a stored ticket and links stored tickets to it, both sides written as
// the link use case writes them.

type Tickets = Pick<TicketRepositoryPort, 'get' | 'append'>;

const LEAD = { kind: 'agent', id: 'lead@example.com' } as const;

/** One change to a stored ticket, written at the version read (none when `decide` changes nothing). */
async function change(
  tickets: Tickets,
  ticketId: string,
  decide: (t: Ticket) => { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] } | undefined,
): Promise<Ticket> {
  const ticket = await tickets.get(ticketId);
  if (!ticket) throw new Error(`no ticket ${ticketId}`);
  const out = decide(ticket);
  if (!out) return ticket;
  await tickets.append({ ticket: out.ticket, expectedVersion: ticket.version, audit: out.audit });
  return out.ticket;
}

/** Declares the stored ticket `incidentId` an incident affecting the stored `linkedIds`; answers the incident. */
export async function storedIncident(
  tickets: Tickets,
  incidentId: string,
  linkedIds: readonly string[],
  at: Date,
): Promise<Ticket> {
  const ctx = { actor: LEAD, at, newId: () => newId(at), cause: 'test' };
  const incident = await change(tickets, incidentId, (t) => {
    const declared = declareIncident(t, {}, ctx);
    if (!declared.ok) throw declared.error;
    return { ticket: declared.ticket, audit: [declared.audit] };
  });
  const linked: Ticket[] = [];
  for (const id of linkedIds)
    linked.push(await change(tickets, id, (t) => addIncidentLinks(t, [incident], 'affected_by', ctx)));
  return change(tickets, incidentId, (t) => addIncidentLinks(t, linked, 'affects', ctx));
}
