import {
  type Actor,
  newId,
  type TicketScope,
  type TicketState,
  type TransitionRefusedError,
  transition,
} from '../domain';
import type { Clock, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

/**
 * An agent moves a ticket to another state: the transition table and its guards decide (a refusal says
 * which guard and why); the move is announced as `ticket.state_changed` (mail to the customer, SLA
 * clocks pausing or resuming).
 */
export function transitionTicket(
  input: {
    ticketId: string;
    to: TicketState;
    reason?: string;
    expectedVersion: number;
    actor: Actor;
    scope: TicketScope;
  },
  ports: { tickets: Pick<TicketRepositoryPort, 'get' | 'append'>; clock: Clock },
): Promise<AgentChangeResult<TransitionRefusedError>> {
  return changeTicketAsAgent(input, ports, (ticket) => {
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
