import type { WorkflowConfig } from '../config';
import {
  type Actor,
  acknowledgeEscalation,
  DomainError,
  type EscalationCause,
  escalate,
  newId,
  type SlaBreachedEvent,
  type SlaWarningEvent,
  type TicketCreatedEvent,
  type TicketEscalatedEvent,
  type TicketScope,
} from '../domain';
import type { Clock, TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicket, changeTicketAsAgent } from './ticket-change';

export interface EscalationPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'history' | 'append'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

export type TriggerResult =
  | { readonly kind: 'escalated'; readonly path: string; readonly step: number; readonly queue: string }
  | { readonly kind: 'skipped'; readonly reason: string };

const ESCALATION_ACTOR: Actor = { kind: 'system', id: 'escalations' };

/** An agent's escalation (or acknowledgement) with nothing to do: the reason names why. */
export class EscalationRefusedError extends DomainError {
  override readonly name = 'EscalationRefusedError';
  constructor(
    readonly code: 'ESCALATION.REFUSED' | 'ESCALATION.NOTHING_TO_ACKNOWLEDGE',
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * An SLA warning or breach, or a new ticket, may match an escalation path's trigger.
 * Primary course: read the ticket; take the next step of its path for this cause (once per cause, so a
 * redelivered event changes nothing twice); write it; announce `ticket.escalated` (the receiving group
 * is mailed by the notifier).
 */
export async function applyEscalationTriggers(
  event: SlaWarningEvent | SlaBreachedEvent | TicketCreatedEvent,
  ports: EscalationPorts,
): Promise<TriggerResult> {
  const cause: EscalationCause =
    event.type === 'ticket.created'
      ? { kind: 'ticket.created' }
      : { kind: event.type, target: event.detail.target };
  type Decided =
    | { readonly kind: 'skipped'; readonly reason: string }
    | { readonly kind: 'escalated'; readonly event: TicketEscalatedEvent };
  const outcome = await changeTicket<Decided>(event.detail.ticketId, ports.tickets, (history) => {
    if (!history) return { result: { kind: 'skipped', reason: `ticket ${event.detail.ticketId} not found` } };
    const now = ports.clock.now();
    const e = escalate(history.ticket, cause, ports.config, {
      actor: ESCALATION_ACTOR,
      at: now,
      newId: () => newId(now),
    });
    if (!e.ok) return { result: { kind: 'skipped', reason: e.reason } };
    return {
      write: { ticket: e.ticket, audit: [e.audit], events: [e.event] },
      result: { kind: 'escalated', event: e.event },
    };
  });
  if (outcome.kind === 'skipped') return outcome;
  const d = outcome.event.detail;
  return { kind: 'escalated', path: d.path, step: d.step, queue: d.toQueue };
}

/**
 * An agent escalates a ticket (If-Match), or acknowledges the escalation step their group received. Both
 * only in the caller's queues: the queue the ticket is in before the change decides (an escalation moves
 * it to the step's queue, whose agents acknowledge it).
 */
export function escalateByAgent(
  input: {
    ticketId: string;
    expectedVersion: number;
    actor: Actor;
    scope: TicketScope;
    action: { kind: 'escalate'; reason: string } | { kind: 'acknowledge' };
  },
  ports: EscalationPorts,
): Promise<AgentChangeResult<EscalationRefusedError>> {
  return changeTicketAsAgent(input, ports, (ticket) => {
    const now = ports.clock.now();
    const ctx = { actor: input.actor, at: now, newId: () => newId(now) };
    const outcome =
      input.action.kind === 'escalate'
        ? escalate(ticket, { kind: 'manual', reason: input.action.reason }, ports.config, ctx)
        : acknowledgeEscalation(ticket, ctx);
    if (outcome.ok) return outcome;
    const code =
      input.action.kind === 'escalate' ? 'ESCALATION.REFUSED' : 'ESCALATION.NOTHING_TO_ACKNOWLEDGE';
    return { ok: false, error: new EscalationRefusedError(code, outcome.reason) };
  });
}
