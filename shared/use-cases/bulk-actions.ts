import type { WorkflowConfig } from '../config';
import {
  type Actor,
  DomainError,
  isTicketId,
  newId,
  parseReference,
  type TicketScope,
  type TicketState,
  updateTicket,
} from '../domain';
import { refusalRule, tagsAfter } from '../domain/macros';
import { assignAsAgent } from './agent-work';
import { type IncidentLinkPorts, type IncidentLinksResult, linkTicketsToIncident } from './incident-links';
import type { Clock, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';
import { transitionTicket } from './transition';

/** Tickets written at the same time: enough to finish a full selection well inside an API's timeout. */
const PARALLEL = 4;
/** A ticket that changes between our read and our write is decided again, this many times at most. */
const MAX_ATTEMPTS = 3;

export type BulkAction =
  | { readonly action: 'assign'; readonly assignee: string | null }
  | { readonly action: 'tag'; readonly add?: readonly string[]; readonly remove?: readonly string[] }
  | { readonly action: 'transition'; readonly to: TicketState; readonly reason?: string | undefined };

/** What became of one ticket of the selection. */
export interface BulkOutcome {
  /** The ticket as the request named it (id or reference). */
  readonly ticket: string;
  readonly outcome: 'applied' | 'refused';
  readonly reference?: string;
  /** The ticket's version after the change (applied). */
  readonly version?: number;
  /** The rule that refused (`own-queues`, `reassign-lead`, a guard id, `state-table`, `not-found` …). */
  readonly rule?: string;
  readonly message?: string;
}

export interface BulkPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'append' | 'ticketIdForReference'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

interface BulkRequest {
  readonly tickets: readonly string[];
  readonly action: BulkAction;
  readonly actor: Actor;
  readonly scope: TicketScope;
  /** Leads give tickets to anyone; agents take or release them (rule `reassign-lead`). */
  readonly mayReassign: boolean;
}

type Write = { ticketId: string; expectedVersion: number; actor: Actor; scope: TicketScope };

/** The one action on one ticket at the version just read, by the use case that does it alone. */
function act(
  write: Write,
  action: BulkAction,
  request: BulkRequest,
  ports: BulkPorts,
): Promise<AgentChangeResult<DomainError>> {
  switch (action.action) {
    case 'assign':
      return assignAsAgent({ ...write, assignee: action.assignee, mayReassign: request.mayReassign }, ports);
    case 'transition':
      return transitionTicket(
        { ...write, to: action.to, ...(action.reason !== undefined ? { reason: action.reason } : {}) },
        ports,
      );
    case 'tag':
      // The tags are computed from the ticket as it is when written, so a concurrent tag is kept.
      return changeTicketAsAgent(write, ports, (ticket) => {
        const now = ports.clock.now();
        return updateTicket(ticket, { tags: tagsAfter(ticket, action) }, ports.config, {
          actor: write.actor,
          at: now,
          newId: () => newId(now),
        });
      });
  }
}

/**
 * One ticket of a bulk request: its own write, whole or not at all. Primary course: find it; act at the
 * version read now (the selection is not an If-Match: whoever selects acts on the tickets as they are);
 * a change landing between read and write is decided again; a refusal names its rule.
 */
async function applyToOne(name: string, request: BulkRequest, ports: BulkPorts): Promise<BulkOutcome> {
  const refused = (rule: string, message: string, reference?: string): BulkOutcome => ({
    ticket: name,
    outcome: 'refused',
    ...(reference ? { reference } : {}),
    rule,
    message,
  });
  try {
    return await decideOne(name, request, ports, refused);
  } catch (e: unknown) {
    // A ticket that cannot be read (stored unreadable …) is that ticket's refusal, not the request's.
    if (e instanceof DomainError) return refused(e.code, e.message);
    throw e;
  }
}

async function decideOne(
  name: string,
  request: BulkRequest,
  ports: BulkPorts,
  refused: (rule: string, message: string, reference?: string) => BulkOutcome,
): Promise<BulkOutcome> {
  const ticketId = isTicketId(name)
    ? name
    : parseReference(name)
      ? await ports.tickets.ticketIdForReference(name)
      : undefined;
  for (let attempt = 0; ticketId && attempt < MAX_ATTEMPTS; attempt++) {
    const ticket = await ports.tickets.get(ticketId);
    if (!ticket) break;
    const write = { ticketId, expectedVersion: ticket.version, actor: request.actor, scope: request.scope };
    const result = await act(write, request.action, request, ports);
    switch (result.kind) {
      case 'changed':
        return {
          ticket: name,
          outcome: 'applied',
          reference: ticket.reference,
          version: result.ticket.version,
        };
      case 'refused':
        return refused(refusalRule(result.error), result.error.message, ticket.reference);
      case 'forbidden':
        return refused(result.refusal.rule, result.refusal.message, ticket.reference);
      case 'not_found':
        return refused('not-found', `ticket ${name} not found`);
      case 'stale':
        continue;
    }
  }
  return ticketId
    ? refused('concurrent-change', `ticket ${name} kept changing; try it again`)
    : refused('not-found', `ticket ${name} not found`);
}

/**
 * A bulk action over a queue view's selection: assign, tag or transition each ticket. Primary course:
 * each ticket is its own write (a refusal or failure of one leaves the others as they come out), a few
 * at a time; the answer lists every ticket in the order given, applied or refused with the rule.
 */
export async function applyBulkAction(request: BulkRequest, ports: BulkPorts): Promise<BulkOutcome[]> {
  const results: BulkOutcome[] = new Array(request.tickets.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < request.tickets.length; i = next++) {
      results[i] = await applyToOne(request.tickets[i] ?? '', request, ports);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, request.tickets.length) }, worker));
  return results;
}

/**
 * The bulk `link_incident` action: the selection linked to an incident by the incidents' own use case
 * (`linkTicketsToIncident`: each ticket its own write, then the incident's side), its outcomes answered
 * like every bulk action's. An incident that is not found, out of the caller's queues or not open refuses
 * the request as a whole (as `POST /v1/incidents/{id}/links` does).
 */
export async function linkSelectionToIncident(
  request: Omit<BulkRequest, 'action' | 'mayReassign'> & { readonly incident: string },
  ports: IncidentLinkPorts,
): Promise<Exclude<IncidentLinksResult, { kind: 'done' }> | { kind: 'done'; results: BulkOutcome[] }> {
  const incidentId = isTicketId(request.incident)
    ? request.incident
    : await ports.tickets.ticketIdForReference(request.incident);
  if (!incidentId) return { kind: 'not_found' };
  const linked = await linkTicketsToIncident({ ...request, incidentId }, ports);
  if (linked.kind !== 'done') return linked;
  const byName = new Map(linked.results.map((r) => [r.ticket, r]));
  const results = request.tickets.map((name): BulkOutcome => {
    const r = byName.get(name);
    const reference = r?.reference ? { reference: r.reference } : {};
    if (r?.outcome === 'linked') return { ticket: name, outcome: 'applied', ...reference };
    if (r?.outcome === 'already_linked')
      return {
        ticket: name,
        outcome: 'applied',
        ...reference,
        message: `already linked to ${linked.incident.reference}`,
      };
    return {
      ticket: name,
      outcome: 'refused',
      ...reference,
      rule: r?.rule ?? 'not-found',
      message: r?.message ?? `ticket ${name} not found`,
    };
  });
  return { kind: 'done', results };
}
