import type { WorkflowConfig } from '../config';
import {
  type Actor,
  type AgentActionRefusedError,
  addAgentMessage,
  assignTicket,
  changeRefusal,
  isStaleVersion,
  type Message,
  mergeTickets,
  newId,
  type Priority,
  type Ticket,
  type TicketScope,
  updateTicket,
} from '../domain';
import { type IncidentRefusedError, incidentCloseRefusal, isIncident } from '../domain/incident';
import { linkedTicketsOf } from './incident-links';
import { type Clock, ConcurrentUpdateError, type TicketRepositoryPort } from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

export interface AgentWorkPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'append'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

interface Write {
  readonly ticketId: string;
  readonly expectedVersion: number;
  readonly actor: Actor;
  /** The tickets the caller may change (queue isolation). */
  readonly scope: TicketScope;
}

const ctxOf = (ports: AgentWorkPorts, actor: Actor) => {
  const now = ports.clock.now();
  return { actor, at: now, newId: () => newId(now) };
};

/** A public reply (mailed to the requester by the notifier) or an internal note, written with the ticket (If-Match). */
export async function addMessageAsAgent(
  input: Write & {
    readonly visibility: 'public' | 'internal';
    readonly body: string;
    readonly author: { email?: string; name?: string };
  },
  ports: AgentWorkPorts,
): Promise<{ result: AgentChangeResult<AgentActionRefusedError>; message?: Message }> {
  let message: Message | undefined;
  const result = await changeTicketAsAgent(input, ports, (ticket) => {
    const outcome = addAgentMessage(ticket, input, ctxOf(ports, input.actor));
    if (!outcome.ok) return outcome;
    message = outcome.message;
    return { ...outcome, messages: [outcome.message] };
  });
  return result.kind === 'changed' && message ? { result, message } : { result };
}

/** Take, release or (leads) reassign a ticket (If-Match); announces `ticket.assigned`. */
export function assignAsAgent(
  input: Write & { readonly assignee: string | null; readonly mayReassign: boolean },
  ports: AgentWorkPorts,
): Promise<AgentChangeResult<AgentActionRefusedError>> {
  return changeTicketAsAgent(input, ports, (ticket) =>
    assignTicket(ticket, input.assignee, { ...ctxOf(ports, input.actor), mayReassign: input.mayReassign }),
  );
}

/** Priority, tags, fields (If-Match); a priority change announces `ticket.priority_changed`. */
export function updateAsAgent(
  input: Write & {
    readonly change: {
      readonly priority?: Priority;
      readonly tags?: readonly string[];
      readonly fields?: Readonly<Record<string, string>>;
    };
  },
  ports: AgentWorkPorts,
): Promise<AgentChangeResult<AgentActionRefusedError>> {
  return changeTicketAsAgent(input, ports, (ticket) =>
    updateTicket(ticket, input.change, ports.config, ctxOf(ports, input.actor)),
  );
}

export type MergeResult =
  | AgentChangeResult<AgentActionRefusedError | IncidentRefusedError>
  | { readonly kind: 'target_not_found'; readonly into: string };

/**
 * A lead merges a duplicate (If-Match on the duplicate) into the ticket that stays. Primary course: read
 * both (each in the caller's queues); decide; link the survivor first (retried on a concurrent change:
 * it is a system-side write the lead did not see), then close the duplicate at the version the lead saw.
 * Merging closes the duplicate, so an incident as the duplicate is refused like its close while any of its
 * linked tickets is open (rule `incident-links-resolved`), before anything is written.
 */
export async function mergeAsLead(
  input: Write & { readonly intoTicketId: string; readonly reason?: string | undefined },
  ports: AgentWorkPorts,
): Promise<MergeResult> {
  const duplicate = await ports.tickets.get(input.ticketId);
  if (!duplicate) return { kind: 'not_found' };
  const refusal = changeRefusal(input.scope, duplicate);
  if (refusal) return { kind: 'forbidden', refusal };
  if (isStaleVersion(duplicate, input.expectedVersion))
    return { kind: 'stale', currentVersion: duplicate.version };
  const linked = await linkedTicketsOf(duplicate, ports.tickets);
  const closeRefusal = (t: Ticket) => (isIncident(t) ? incidentCloseRefusal(t, linked) : undefined);
  const incidentRefusal = closeRefusal(duplicate);
  if (incidentRefusal) return { kind: 'refused', error: incidentRefusal };
  let survivor: Ticket | undefined;
  for (let attempt = 0; ; attempt++) {
    survivor = await ports.tickets.get(input.intoTicketId);
    if (!survivor) return { kind: 'target_not_found', into: input.intoTicketId };
    const survivorRefusal = changeRefusal(input.scope, survivor);
    if (survivorRefusal) return { kind: 'forbidden', refusal: survivorRefusal };
    const outcome = mergeTickets(duplicate, survivor, { ...ctxOf(ports, input.actor), reason: input.reason });
    if (!outcome.ok) return { kind: 'refused', error: outcome.error };
    if (survivor.links.some((l) => l.ticketId === duplicate.id && l.relation === 'duplicated_by')) break;
    try {
      await ports.tickets.append({
        ticket: outcome.survivor.ticket,
        expectedVersion: survivor.version,
        audit: [outcome.survivor.audit],
      });
      break;
    } catch (e: unknown) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= 3) throw e;
    }
  }
  return changeTicketAsAgent<AgentActionRefusedError | IncidentRefusedError>(input, ports, (ticket) => {
    const refusal = closeRefusal(ticket);
    if (refusal) return { ok: false, error: refusal };
    const outcome = mergeTickets(ticket, survivor, { ...ctxOf(ports, input.actor), reason: input.reason });
    return outcome.ok
      ? { ok: true, ticket: outcome.duplicate.ticket, audit: outcome.duplicate.audit }
      : outcome;
  });
}
