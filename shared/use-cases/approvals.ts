import type { WorkflowConfig } from '../config';
import {
  type Actor,
  type Approval,
  type ApprovalRefusedError,
  type ApprovalRequest,
  type Approver,
  type DomainEvent,
  decideApproval,
  decidedEvent,
  expireApproval,
  newId,
  nextApprovalStep,
  readRefusal,
  remindApproval,
  requestApproval,
  type ScopeRefusal,
  type Ticket,
  type TicketScope,
} from '../domain';
import {
  type ApprovalStorePort,
  type Clock,
  ConcurrentUpdateError,
  EVENT_SOURCE,
  type TaskCallback,
  type TicketRepositoryPort,
} from './ports';
import { type AgentChangeResult, changeTicketAsAgent } from './ticket-change';

const MAX_CONFLICT_RETRIES = 3;

export interface ApprovalPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'get' | 'append'>;
  readonly approvals: Pick<ApprovalStorePort, 'get' | 'ofTicket'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

/**
 * An agent asks for an approval on a ticket (If-Match). Primary course: the policy for the kind (and
 * amount) decides whether approval is needed; if so the approval is written with the ticket, which is now
 * blocked on `approval`, and `approval.requested` is announced (its workflow starts, the group is mailed).
 * Under the threshold it is recorded as not required and nothing blocks.
 */
export async function requestApprovalAsAgent(
  input: {
    ticketId: string;
    expectedVersion: number;
    actor: Actor;
    request: ApprovalRequest;
    scope: TicketScope;
  },
  ports: Omit<ApprovalPorts, 'approvals'>,
): Promise<{ result: AgentChangeResult<ApprovalRefusedError>; approval?: Approval }> {
  let approval: Approval | undefined;
  const result = await changeTicketAsAgent(input, ports, (ticket) => {
    const now = ports.clock.now();
    const outcome = requestApproval(ticket, input.request, ports.config, {
      actor: input.actor,
      at: now,
      newId: () => newId(now),
    });
    if (!outcome.ok) return outcome;
    approval = outcome.approval;
    return outcome;
  });
  return result.kind === 'changed' && approval ? { result, approval } : { result };
}

/** An approvals read for a caller: found, not found, or out of their scope (queue isolation). */
export type ApprovalRead<T> =
  | { readonly kind: 'found'; readonly value: T }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'forbidden'; readonly refusal: ScopeRefusal };

/**
 * Every approval asked for on a ticket, for a caller who may read the ticket. Primary course: read its
 * approvals; unless the caller sees every queue, read the ticket, and the scope decides (its queue is the
 * caller's, or one of the approvals is of their approver group). A ticket that does not exist has none.
 */
export async function approvalsOfTicket(
  input: { readonly ticketId: string; readonly scope: TicketScope },
  ports: {
    readonly tickets: Pick<TicketRepositoryPort, 'get'>;
    readonly approvals: Pick<ApprovalStorePort, 'forTicket'>;
  },
): Promise<ApprovalRead<Approval[]>> {
  const approvals = await ports.approvals.forTicket(input.ticketId);
  const ticket = input.scope.queues === 'all' ? undefined : await ports.tickets.get(input.ticketId);
  const groups = approvals.map((a) => a.group);
  const refusal = ticket && readRefusal(input.scope, ticket, groups);
  return refusal ? { kind: 'forbidden', refusal } : { kind: 'found', value: approvals };
}

/** One approval, for a caller who may read its ticket (as `approvalsOfTicket` decides). */
export async function approvalForCaller(
  input: { readonly approvalId: string; readonly scope: TicketScope },
  ports: {
    readonly tickets: Pick<TicketRepositoryPort, 'get'>;
    readonly approvals: Pick<ApprovalStorePort, 'get' | 'forTicket'>;
  },
): Promise<ApprovalRead<Approval>> {
  const approval = await ports.approvals.get(input.approvalId);
  if (!approval) return { kind: 'not_found' };
  const ofTicket = await approvalsOfTicket({ ticketId: approval.ticketId, scope: input.scope }, ports);
  return ofTicket.kind === 'found' ? { kind: 'found', value: approval } : ofTicket;
}

export type DecisionResult =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'refused'; readonly error: ApprovalRefusedError }
  | {
      readonly kind: 'recorded';
      readonly approval: Approval;
      readonly ticket: Ticket;
      readonly decided: boolean;
    };

/**
 * An approver approves or rejects with a reason. Primary course: read the approval and its ticket; the
 * separation-of-duties rules decide who may (a refusal names the rule); the vote, the approval's new state,
 * the ticket (unblocked once decided) and the audit entry are written in one transaction, retried from a
 * fresh read if either changed meanwhile; once decided, the decision is handed to the waiting workflow
 * through its task token (the workflow announces `approval.decided`).
 */
export async function decideApprovalAsApprover(
  input: { approvalId: string; decision: 'approve' | 'reject'; reason: string; approver: Approver },
  ports: ApprovalPorts & { readonly callback: TaskCallback },
): Promise<DecisionResult> {
  for (let attempt = 0; ; attempt++) {
    const approval = await ports.approvals.get(input.approvalId);
    const ticket = approval ? await ports.tickets.get(approval.ticketId) : undefined;
    if (!approval || !ticket) return { kind: 'not_found' };
    const now = ports.clock.now();
    const outcome = decideApproval(approval, ticket, input, input.approver, {
      at: now,
      newId: () => newId(now),
    });
    if (!outcome.ok) return { kind: 'refused', error: outcome.error };
    try {
      await ports.tickets.append({
        ticket: outcome.ticket,
        expectedVersion: ticket.version,
        audit: [outcome.audit],
        approvals: [{ approval: outcome.approval, expectedVersion: approval.version }],
      });
    } catch (e: unknown) {
      if (e instanceof ConcurrentUpdateError && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    if (outcome.decided && outcome.approval.taskToken) {
      await ports.callback.succeed(outcome.approval.taskToken, { state: outcome.approval.state });
    }
    return { kind: 'recorded', approval: outcome.approval, ticket: outcome.ticket, decided: outcome.decided };
  }
}

/** What the approval workflow's Plan state gets back (`approval.asl.json` reads exactly these fields). */
export interface PlanAnswer {
  readonly action: 'await' | 'done';
  /** How long AwaitDecision waits for the token before looking again (≥ 1). */
  readonly timeoutSeconds: number;
  readonly entries: Array<{ Source: string; DetailType: string; Detail: unknown; EventBusName: string }>;
  readonly state: string;
}

/**
 * One look of the approval workflow. Primary course: read the approval and its ticket; decided → announce
 * `approval.decided` and end; otherwise remind once after the reminder window, expire (reject, or escalate
 * once to the policy's second group) after the expiry window, and wait for the token until the next moment.
 * Writes are retried from a fresh read on a concurrent change, so a decision landing meanwhile wins.
 */
export async function planApproval(
  input: { ticketId: string; approvalId: string },
  ports: ApprovalPorts & { readonly busName: string },
): Promise<PlanAnswer> {
  const announced: DomainEvent[] = [];
  for (let attempt = 0; ; attempt++) {
    const approval = await ports.approvals.ofTicket(input.ticketId, input.approvalId);
    const ticket = await ports.tickets.get(input.ticketId);
    if (!approval || !ticket) return answer('done', 1, announced, 'missing', ports.busName);
    const now = ports.clock.now();
    const step = nextApprovalStep(approval, now);
    if (step.action === 'announce_decision') {
      return answer('done', 1, [...announced, decidedEvent(ticket, approval)], approval.state, ports.busName);
    }
    if (step.action === 'await') {
      const seconds = Math.max(1, Math.ceil((Date.parse(step.until) - now.getTime()) / 1000));
      return answer('await', seconds, announced, approval.state, ports.busName);
    }
    const ctx = { at: now, newId: () => newId(now) };
    const change =
      step.action === 'remind'
        ? remindApproval(approval, ticket, ctx)
        : expireApproval(approval, ticket, ports.config, ctx);
    if (!change.ok) return answer('done', 1, announced, approval.state, ports.busName);
    try {
      await ports.tickets.append({
        ticket: change.ticket,
        expectedVersion: ticket.version,
        audit: [change.audit],
        approvals: [{ approval: change.approval, expectedVersion: approval.version }],
      });
    } catch (e: unknown) {
      if (e instanceof ConcurrentUpdateError && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
    // A reminder or an escalation is announced, then the next look decides (wait, or announce an expiry).
    if (change.event.type === 'approval.decided') {
      return answer('done', 1, [...announced, change.event], change.approval.state, ports.busName);
    }
    announced.push(change.event);
    attempt = -1;
  }
}

function answer(
  action: PlanAnswer['action'],
  timeoutSeconds: number,
  events: readonly DomainEvent[],
  state: string,
  busName: string,
): PlanAnswer {
  return {
    action,
    timeoutSeconds,
    state,
    entries: events.map((e) => ({
      Source: EVENT_SOURCE,
      DetailType: e.type,
      Detail: e.detail,
      EventBusName: busName,
    })),
  };
}

/**
 * The workflow's AwaitDecision state handed over its task token: keep it on the approval. If the approval
 * was decided before the token arrived, hand the decision over at once (the decision API found no token).
 */
export async function keepTaskToken(
  input: { ticketId: string; approvalId: string; taskToken: string },
  ports: { readonly approvals: Pick<ApprovalStorePort, 'saveTaskToken'>; readonly callback: TaskCallback },
): Promise<{ state: string }> {
  const approval = await ports.approvals.saveTaskToken(input.ticketId, input.approvalId, input.taskToken);
  if (!approval) {
    await ports.callback.succeed(input.taskToken, { state: 'missing' });
    return { state: 'missing' };
  }
  if (approval.state !== 'pending') await ports.callback.succeed(input.taskToken, { state: approval.state });
  return { state: approval.state };
}
