import type { WorkflowConfig } from '../config';
import {
  type Approval,
  DomainError,
  isTicketId,
  type PlannedAction,
  parseReference,
  plannedActions,
  readRefusal,
  type ScopeRefusal,
  type TicketScope,
} from '../domain';
import type { ApprovalStorePort, Clock, TicketHistory, TicketRepositoryPort } from './ports';

/** Neither a ticket id (ULID) nor a reference (`FD-<n>`). */
export class InvalidTicketIdError extends DomainError {
  override readonly name = 'InvalidTicketIdError';
  readonly code = 'TICKET.INVALID_ID';
  constructor(readonly id: string) {
    super(`"${id}" is neither a ticket id (ULID) nor a reference (FD-<n>)`);
  }
}

export type GetTicketResult =
  | {
      readonly kind: 'found';
      readonly history: TicketHistory;
      readonly approvals: readonly Approval[];
      /** What the ticket's clock will do next on its own ("reminder in 2 days"), soonest first. */
      readonly upcoming: readonly PlannedAction[];
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'invalid_id' }
  /** Out of the caller's scope (queue isolation): the refusal names the rule. */
  | { readonly kind: 'forbidden'; readonly refusal: ScopeRefusal };

/**
 * One ticket with its conversation, audit trail and approvals, by ULID or by its `FD-<n>` reference, for a
 * caller who may read it. Primary course: resolve a reference to its id; read the ticket's partition and
 * its approvals; the caller's scope decides (their queue, or an approval of their approver group on it).
 */
export async function getTicket(
  input: { readonly idOrReference: string; readonly scope: TicketScope },
  ports: {
    tickets: Pick<TicketRepositoryPort, 'history' | 'ticketIdForReference'>;
    approvals: Pick<ApprovalStorePort, 'forTicket'>;
    clock: Clock;
    config: WorkflowConfig;
  },
): Promise<GetTicketResult> {
  const { idOrReference } = input;
  let id: string | undefined;
  if (isTicketId(idOrReference)) id = idOrReference;
  else if (parseReference(idOrReference) !== undefined)
    id = await ports.tickets.ticketIdForReference(idOrReference);
  else return { kind: 'invalid_id' };

  const history = id ? await ports.tickets.history(id) : undefined;
  if (!history) return { kind: 'not_found' };
  // The history's Query read them with the ticket (same partition); a second Query only where it did not.
  const approvals = history.approvals ?? (await ports.approvals.forTicket(history.ticket.id));
  const groups = approvals.map((a) => a.group);
  const refusal = readRefusal(input.scope, history.ticket, groups);
  if (refusal) return { kind: 'forbidden', refusal };
  const upcoming = plannedActions({ ...history, config: ports.config, now: ports.clock.now() });
  return { kind: 'found', history, approvals, upcoming };
}
