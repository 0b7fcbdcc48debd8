import type { WorkflowConfig } from '../config';
import { type Actor, HandoffRefusedError, handOff, newId, type TicketScope } from '../domain';
import type { Clock, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

/**
 * An agent hands a ticket of their queues to another queue (one they need not work: the queue it leaves
 * decides who may): the handoff rules' preconditions decide, and the new owner is written with its audit
 * entry only if nobody changed the ticket meanwhile.
 */
export function handOffTicket(
  input: {
    ticketId: string;
    to: string;
    reason: string;
    expectedVersion: number;
    actor: Actor;
    scope: TicketScope;
  },
  ports: { tickets: Pick<TicketRepositoryPort, 'get' | 'append'>; clock: Clock; config: WorkflowConfig },
): Promise<AgentChangeResult<HandoffRefusedError>> {
  return changeTicketAsAgent(input, ports, (ticket) => {
    const now = ports.clock.now();
    return handOff(ticket, input.to, ports.config, {
      actor: input.actor,
      at: now,
      reason: input.reason,
      newId: () => newId(now),
    });
  });
}

export { HandoffRefusedError };
