import {
  type Actor,
  newId,
  type TicketScope,
  type TicketState,
  type TransitionRefusedError,
  transition,
} from '../domain';
import { type IncidentRefusedError, incidentCloseRefusal, isIncident } from '../domain/incident';
import { linkedTicketsOf } from './incident-links';
import type { Clock, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

/**
 * An agent moves a ticket to another state: the transition table and its guards decide (a refusal says
 * which guard and why); the move is announced as `ticket.state_changed` (mail to the customer, SLA
 * clocks pausing or resuming). An incident closes only once none of its linked tickets is open (409 rule
 * `incident-links-resolved`, listing them).
 */
export async function transitionTicket(
  input: {
    ticketId: string;
    to: TicketState;
    reason?: string;
    expectedVersion: number;
    actor: Actor;
    scope: TicketScope;
  },
  ports: { tickets: Pick<TicketRepositoryPort, 'get' | 'append'>; clock: Clock },
): Promise<AgentChangeResult<TransitionRefusedError | IncidentRefusedError>> {
  const linked =
    input.to === 'closed'
      ? await linkedTicketsOf(await ports.tickets.get(input.ticketId), ports.tickets)
      : [];
  return changeTicketAsAgent<TransitionRefusedError | IncidentRefusedError>(input, ports, (ticket) => {
    const refusal = isIncident(ticket) ? incidentCloseRefusal(ticket, linked) : undefined;
    if (refusal) return { ok: false, error: refusal };
    const now = ports.clock.now();
    return transition(ticket, input.to, {
      actor: input.actor,
      at: now,
      newId: () => newId(now),
      nextSeq: ticket.auditSeq + 1,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    });
  });
}
