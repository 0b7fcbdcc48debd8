import type { Ticket } from './ticket';

/**
 * Queue isolation: which tickets a caller may read and change. Agents read and change the tickets of their
 * queues; leads and admins all; approvers read (never change) the tickets an approval of one of their
 * groups is about. The HTTP edge builds the scope from the caller's groups (`shared/http/access.ts`
 * `scopeOf`); use cases take it and answer `forbidden` with the refusal, because only they read the ticket
 * whose queue decides.
 */
export interface TicketScope {
  /** The queues whose tickets the caller reads and changes; `'all'` for leads and admins. */
  readonly queues: readonly string[] | 'all';
  /** The approver groups (`approver-<group>` → `<group>`) whose approvals' tickets the caller may read. */
  readonly approverGroups: readonly string[];
}

/** Why a ticket is out of the caller's scope, naming the rule (the API's 403 `rule`). */
export interface ScopeRefusal {
  /** `own-queues`: agents work their queues' tickets; `approver-tickets`: approvers read their approvals' tickets. */
  readonly rule: 'own-queues' | 'approver-tickets';
  readonly message: string;
}

/** Whether the caller works this queue (reads and changes its tickets). */
export function worksQueue(scope: Pick<TicketScope, 'queues'>, queue: string): boolean {
  return scope.queues === 'all' || scope.queues.includes(queue);
}

/** The `own-queues` refusal; `what` says what lies outside (a queue, a ticket). */
export function queueRefusal(scope: Pick<TicketScope, 'queues'>, what: string): ScopeRefusal {
  const mine = scope.queues === 'all' ? 'all' : scope.queues.join(', ') || 'none';
  return { rule: 'own-queues', message: `agents work the tickets of their own queues (${mine}); ${what}` };
}

/**
 * Changing a ticket (and finding it in a search): only in a queue the caller works. A handoff or an
 * escalation that moves the ticket away is decided by the queue it is in before the change.
 */
export function changeRefusal(
  scope: TicketScope,
  ticket: Pick<Ticket, 'queue' | 'reference'>,
): ScopeRefusal | undefined {
  return worksQueue(scope, ticket.queue)
    ? undefined
    : queueRefusal(scope, `${ticket.reference} is in the queue ${ticket.queue}`);
}

/**
 * Reading a ticket (and its approvals): its queue is the caller's, or an approval of one of the caller's
 * approver groups is on it (`approvalGroups`: the groups of the approvals asked for on the ticket). An
 * approver who works no queue is refused by `approver-tickets`, anyone else by `own-queues`.
 */
export function readRefusal(
  scope: TicketScope,
  ticket: Pick<Ticket, 'queue' | 'reference'>,
  approvalGroups: readonly string[],
): ScopeRefusal | undefined {
  if (worksQueue(scope, ticket.queue)) return undefined;
  if (approvalGroups.some((g) => scope.approverGroups.includes(g))) return undefined;
  const approverOnly = scope.queues !== 'all' && scope.queues.length === 0 && scope.approverGroups.length > 0;
  if (approverOnly) {
    return {
      rule: 'approver-tickets',
      message: `approvers read the tickets their approvals are about (${scope.approverGroups.join(', ')}); ${ticket.reference} has no approval of theirs`,
    };
  }
  const approvals =
    scope.approverGroups.length > 0 ? ` and has no approval of ${scope.approverGroups.join(', ')}` : '';
  return queueRefusal(scope, `${ticket.reference} is in the queue ${ticket.queue}${approvals}`);
}
