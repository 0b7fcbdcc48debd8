/**
 * Approvals (seed 000: "who approves what for refunds, credits, cancellations, security requests and data
 * changes", "finance approves credits above a threshold", "high-risk requires approval and audit note").
 * Pure decisions: which policy governs a request, what asking does to the ticket, who may decide (separation
 * of duties), and what the approval workflow does next (wait, remind, expire, escalate, announce).
 */
import type { ApprovalPolicy, WorkflowConfig } from '../config/schema';
import { ApprovalKind, CurrencyCode, MONETARY_KINDS } from './approval-kinds';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { DomainError } from './errors';
import type { ApprovalDecidedEvent, ApprovalRequestedEvent } from './events';
import { blockClock, blockFor } from './states';
import { IsoDateTime, Reference, type Ticket, TicketId } from './ticket';
import { firstFailedCondition } from './triage';
import * as z from './zod';

export { ApprovalKind, approvalKinds, CurrencyCode, MONETARY_KINDS } from './approval-kinds';

export const Money = z.object({
  value: z.number().check(z.gt(0, 'must be more than 0'), z.lte(1_000_000_000)),
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

export const ApprovalState = z.enum(['pending', 'approved', 'rejected', 'expired', 'not_required']);
export type ApprovalState = z.infer<typeof ApprovalState>;

export const ApprovalVote = z.object({
  by: z.string(),
  decision: z.enum(['approve', 'reject']),
  reason: z.string(),
  at: IsoDateTime,
});
export type ApprovalVote = z.infer<typeof ApprovalVote>;

export const ApprovalSchema = z.object({
  id: TicketId,
  ticketId: TicketId,
  reference: Reference,
  kind: ApprovalKind,
  /** The policy id that governed the request (config `approvalPolicies`), or `none`. */
  policy: z.string(),
  /** Members of `approver-<group>` decide; escalation on expiry may move it to the policy's second group. */
  group: z.string(),
  notify: z.string(),
  amount: z.optional(Money),
  summary: z.string(),
  /** The agent who asked (their id as the API saw it, usually the mail address). */
  requestedBy: z.string(),
  requestedAt: IsoDateTime,
  approvalsRequired: z.int().check(z.minimum(1)),
  votes: z.array(ApprovalVote),
  state: ApprovalState,
  /** Null once reminded (or for decided approvals). */
  remindAt: z.nullable(IsoDateTime),
  expireAt: z.nullable(IsoDateTime),
  remindedAt: z.optional(IsoDateTime),
  escalatedAt: z.optional(IsoDateTime),
  decidedAt: z.optional(IsoDateTime),
  /** The deciding reason (the rejecting or last approving vote's, or why it expired / was not needed). */
  reason: z.optional(z.string()),
  /** The waiting workflow's task token (never shown by the API). */
  taskToken: z.optional(z.string()),
  /** Optimistic concurrency on the approval item. */
  version: z.int().check(z.minimum(1)),
});
export type Approval = z.infer<typeof ApprovalSchema>;

export const ApprovalRequestSchema = z.object({
  kind: ApprovalKind,
  amount: z.optional(Money),
  summary: z.string().check(z.trim(), z.minLength(1, 'say what is to be approved'), z.maxLength(2000)),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** A refusal names the rule, so the person refused knows exactly why (the API answers 403/409/422 with it). */
export class ApprovalRefusedError extends DomainError {
  override readonly name = 'ApprovalRefusedError';
  readonly code = 'APPROVAL.REFUSED';
  constructor(
    /** The rule: `approver-group`, `not-own-request`, `not-the-customer`, `one-vote-each`, `approval-pending`, `ticket-open`, `amount-required`. */
    readonly rule: string,
    /** `forbidden` (who may), `conflict` (the approval's state), `invalid` (the request). */
    readonly kind: 'forbidden' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export type PolicyChoice =
  | { readonly required: true; readonly id: string; readonly policy: ApprovalPolicy }
  | { readonly required: false; readonly id: string; readonly reason: string };

export function formatMoney(m: Money): string {
  return `${m.value} ${m.currency}`;
}

/**
 * The policy governing a request: the first of its kind whose `when` holds for the ticket. Credits and
 * refunds at or below the policy's threshold for their currency need no approval; a currency without a
 * threshold always does. No policy for the kind: nothing to approve.
 */
export function approvalPolicyFor(
  request: Pick<ApprovalRequest, 'kind' | 'amount'>,
  ticket: Ticket,
  config: Pick<WorkflowConfig, 'approvalPolicies'> & Partial<Pick<WorkflowConfig, 'intent'>>,
): PolicyChoice {
  const match = Object.entries(config.approvalPolicies).find(
    ([, p]) =>
      p.kind === request.kind &&
      (!p.when || firstFailedCondition(p.when, ticket, config.intent?.minConfidence) === undefined),
  );
  if (!match) return { required: false, id: 'none', reason: `no approval policy covers ${request.kind}` };
  const [id, policy] = match;
  if (policy.thresholds && request.amount) {
    const threshold = policy.thresholds[request.amount.currency];
    if (threshold !== undefined && request.amount.value <= threshold) {
      return {
        required: false,
        id,
        reason: `${formatMoney(request.amount)} is within the ${threshold} ${request.amount.currency} threshold of ${id}`,
      };
    }
  }
  return { required: true, id, policy };
}

export interface ApprovalContext {
  readonly actor: Actor;
  readonly at: Date;
  readonly newId: () => string;
}

const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000).toISOString();

function snapshot(approval: Approval): Record<string, unknown> {
  return {
    approvalId: approval.id,
    kind: approval.kind,
    policy: approval.policy,
    group: approval.group,
    ...(approval.amount ? { amount: approval.amount } : {}),
    state: approval.state,
  };
}

/** The ticket after a change of its pending approvals: blocked on `approval` while any is pending. */
function withPending(ticket: Ticket, pendingApprovals: string[], at: Date, seq: number): Ticket {
  return {
    ...ticket,
    pendingApprovals,
    ...blockClock(ticket, blockFor(ticket.state, pendingApprovals), at),
    version: ticket.version + 1,
    updatedAt: at.toISOString(),
    auditSeq: seq,
  };
}

export type RequestOutcome =
  | {
      readonly ok: true;
      readonly ticket: Ticket;
      readonly approval: Approval;
      readonly audit: AuditEvent;
      /** Absent when no approval was needed (nothing to wait for). */
      readonly event?: ApprovalRequestedEvent;
    }
  | { readonly ok: false; readonly error: ApprovalRefusedError };

/**
 * An agent asks for an approval on a ticket. Needed: the ticket is blocked on `approval` until it is
 * decided, and the approver group is asked. Not needed (under the threshold, or no policy): recorded as
 * `not_required` with the reason, and nothing blocks.
 */
export function requestApproval(
  ticket: Ticket,
  request: ApprovalRequest,
  config: Pick<WorkflowConfig, 'approvalPolicies'>,
  ctx: ApprovalContext,
): RequestOutcome {
  if (ticket.state === 'resolved' || ticket.state === 'closed') {
    return refuse(
      'ticket-open',
      'invalid',
      `${ticket.reference} is ${ticket.state}; approvals are asked for on open tickets`,
    );
  }
  if (MONETARY_KINDS.includes(request.kind) && !request.amount) {
    return refuse('amount-required', 'invalid', `a ${request.kind} approval needs an amount`);
  }
  const choice = approvalPolicyFor(request, ticket, config);
  const at = ctx.at.toISOString();
  const seq = ticket.auditSeq + 1;
  const base = {
    id: ctx.newId(),
    ticketId: ticket.id,
    reference: ticket.reference,
    kind: request.kind,
    policy: choice.id,
    ...(request.amount ? { amount: request.amount } : {}),
    summary: request.summary,
    requestedBy: ctx.actor.id,
    requestedAt: at,
    votes: [],
    version: 1,
  };

  if (!choice.required) {
    const approval: Approval = {
      ...base,
      group: 'none',
      notify: '',
      approvalsRequired: 1,
      state: 'not_required',
      remindAt: null,
      expireAt: null,
      decidedAt: at,
      reason: choice.reason,
    };
    const next = { ...ticket, version: ticket.version + 1, updatedAt: at, auditSeq: seq };
    const audit = approvalAudit(
      ticket,
      seq,
      ctx,
      'approval.not_required',
      null,
      snapshot(approval),
      choice.reason,
    );
    return { ok: true, ticket: next, approval, audit };
  }

  const { policy } = choice;
  const approval: Approval = {
    ...base,
    group: policy.group,
    notify: policy.notify,
    approvalsRequired: policy.approvalsRequired,
    state: 'pending',
    remindAt: minutes(ctx.at, policy.remindAfterMinutes),
    expireAt: minutes(ctx.at, policy.expireAfterMinutes),
  };
  const next = withPending(ticket, [...ticket.pendingApprovals, approval.id], ctx.at, seq);
  const audit = approvalAudit(
    ticket,
    seq,
    ctx,
    'approval.requested',
    { blockedOn: ticket.blockedOn },
    {
      ...snapshot(approval),
      summary: approval.summary,
      approvalsRequired: approval.approvalsRequired,
      expireAt: approval.expireAt,
      blockedOn: next.blockedOn,
    },
    request.summary,
  );
  return { ok: true, ticket: next, approval, audit, event: requestedEvent(next, approval, 'initial') };
}

export interface Approver {
  /** As the API knows them (mail address, or the token's subject). */
  readonly id: string;
  readonly email: string | undefined;
  readonly groups: readonly string[];
}

/** The separation-of-duties rules, in the order they are checked; each refusal names its rule. */
export const separationOfDuties: ReadonlyArray<{
  readonly id: string;
  readonly description: string;
  readonly allows: (approval: Approval, ticket: Ticket, approver: Approver) => boolean;
}> = [
  {
    id: 'approver-group',
    description: 'only members of the approval’s approver group decide',
    allows: (a, _t, who) => who.groups.includes(`approver-${a.group}`),
  },
  {
    id: 'not-own-request',
    description: 'nobody decides on an approval they asked for',
    allows: (a, _t, who) => !isPerson(a.requestedBy, who),
  },
  {
    id: 'not-the-customer',
    description: 'the ticket’s requester never approves their own request',
    allows: (_a, t, who) => !isPerson(t.requester.email, who),
  },
  {
    id: 'one-vote-each',
    description: 'each approver decides once; a further approval must come from someone else',
    allows: (a, _t, who) => !a.votes.some((v) => isPerson(v.by, who)),
  },
];

/** Whether `id` (an address or a subject) names this approver. */
function isPerson(id: string, who: Approver): boolean {
  const same = (x: string) => x.trim().toLowerCase() === id.trim().toLowerCase();
  return same(who.id) || (who.email !== undefined && same(who.email));
}

export type DecisionOutcome =
  | {
      readonly ok: true;
      readonly approval: Approval;
      readonly ticket: Ticket;
      readonly audit: AuditEvent;
      /** True once the approval is decided (not only a vote towards it). */
      readonly decided: boolean;
    }
  | { readonly ok: false; readonly error: ApprovalRefusedError };

/**
 * An approver approves or rejects, with a reason. Separation of duties first (each refusal names its
 * rule). One rejection decides; approvals decide once `approvalsRequired` distinct approvers agreed. A
 * decided approval no longer blocks the ticket; the audit entry says who, when, policy, amount, before/after.
 */
export function decideApproval(
  approval: Approval,
  ticket: Ticket,
  vote: { readonly decision: 'approve' | 'reject'; readonly reason: string },
  approver: Approver,
  ctx: Omit<ApprovalContext, 'actor'>,
): DecisionOutcome {
  if (approval.state !== 'pending') {
    const when = approval.decidedAt ? ` at ${approval.decidedAt}` : '';
    return refuse(
      'approval-pending',
      'conflict',
      `approval ${approval.id} is already ${approval.state}${when}`,
    );
  }
  const failed = separationOfDuties.find((rule) => !rule.allows(approval, ticket, approver));
  if (failed) {
    return refuse(
      failed.id,
      'forbidden',
      `refused by rule ${failed.id}: ${failed.description}${failed.id === 'approver-group' ? ` (needs the group approver-${approval.group})` : ''}`,
    );
  }
  const at = ctx.at.toISOString();
  const votes = [
    ...approval.votes,
    { by: approver.email ?? approver.id, decision: vote.decision, reason: vote.reason, at },
  ];
  const approvals = votes.filter((v) => v.decision === 'approve').length;
  const state: ApprovalState =
    vote.decision === 'reject'
      ? 'rejected'
      : approvals >= approval.approvalsRequired
        ? 'approved'
        : 'pending';
  const decided = state !== 'pending';
  const next: Approval = {
    ...approval,
    votes,
    state,
    version: approval.version + 1,
    ...(decided ? { decidedAt: at, reason: vote.reason, remindAt: null, expireAt: null } : {}),
  };
  const seq = ticket.auditSeq + 1;
  const actor: Actor = { kind: 'agent', id: approver.email ?? approver.id };
  const nextTicket = decided
    ? withPending(
        ticket,
        ticket.pendingApprovals.filter((id) => id !== approval.id),
        ctx.at,
        seq,
      )
    : { ...ticket, version: ticket.version + 1, updatedAt: at, auditSeq: seq };
  const audit = approvalAudit(
    ticket,
    seq,
    { ...ctx, actor },
    decided ? 'approval.decided' : 'approval.voted',
    { ...snapshot(approval), approvals: approval.votes.length, blockedOn: ticket.blockedOn },
    {
      ...snapshot(next),
      vote: vote.decision,
      approvals,
      approvalsRequired: approval.approvalsRequired,
      requestedBy: approval.requestedBy,
      blockedOn: nextTicket.blockedOn,
    },
    vote.reason,
  );
  return { ok: true, approval: next, ticket: nextTicket, audit, decided };
}

/** What the approval workflow does at one look (`track-approval`'s plan step). */
export type ApprovalStep =
  | { readonly action: 'await'; readonly until: string }
  | { readonly action: 'remind' }
  | { readonly action: 'expire' }
  | { readonly action: 'announce_decision' };

/** Pure: where a pending approval stands at `now`; a decided one only has its decision to announce. */
export function nextApprovalStep(approval: Approval, now: Date): ApprovalStep {
  if (approval.state !== 'pending') return { action: 'announce_decision' };
  const t = now.getTime();
  if (approval.expireAt && t >= Date.parse(approval.expireAt)) return { action: 'expire' };
  if (approval.remindAt && t >= Date.parse(approval.remindAt)) return { action: 'remind' };
  const until = [approval.remindAt, approval.expireAt].filter((x): x is string => x !== null).toSorted()[0];
  // A pending approval always has an expiry; without one (should not happen) look again in a day.
  return { action: 'await', until: until ?? new Date(t + 86_400_000).toISOString() };
}

export type SystemChange =
  | {
      readonly ok: true;
      readonly approval: Approval;
      readonly ticket: Ticket;
      readonly audit: AuditEvent;
      readonly event: ApprovalRequestedEvent | ApprovalDecidedEvent;
    }
  | { readonly ok: false; readonly reason: string };

const WORKFLOW_ACTOR: Actor = { kind: 'system', id: 'approvals' };

/** Nobody decided within the reminder window: ask the group again (once). */
export function remindApproval(
  approval: Approval,
  ticket: Ticket,
  ctx: Omit<ApprovalContext, 'actor'>,
): SystemChange {
  if (approval.state !== 'pending' || approval.remindAt === null)
    return { ok: false, reason: 'nothing to remind' };
  const at = ctx.at.toISOString();
  const next: Approval = { ...approval, remindAt: null, remindedAt: at, version: approval.version + 1 };
  const seq = ticket.auditSeq + 1;
  const nextTicket = { ...ticket, version: ticket.version + 1, updatedAt: at, auditSeq: seq };
  const audit = approvalAudit(ticket, seq, { ...ctx, actor: WORKFLOW_ACTOR }, 'approval.reminded', null, {
    ...snapshot(next),
    notify: next.notify,
    expireAt: next.expireAt,
  });
  return {
    ok: true,
    approval: next,
    ticket: nextTicket,
    audit,
    event: requestedEvent(nextTicket, next, 'reminder'),
  };
}

/**
 * Nobody decided in time: the policy says what happens. `reject` ends it as `expired` (the ticket is no
 * longer blocked by it); `escalate` asks the policy's second group once, with its own window, after
 * which it expires.
 */
export function expireApproval(
  approval: Approval,
  ticket: Ticket,
  config: Pick<WorkflowConfig, 'approvalPolicies'>,
  ctx: Omit<ApprovalContext, 'actor'>,
): SystemChange {
  if (approval.state !== 'pending') return { ok: false, reason: `approval is ${approval.state}` };
  const at = ctx.at.toISOString();
  const seq = ticket.auditSeq + 1;
  const policy = config.approvalPolicies[approval.policy];
  const actorCtx = { ...ctx, actor: WORKFLOW_ACTOR };
  if (policy?.onExpiry.action === 'escalate' && approval.escalatedAt === undefined) {
    const to = policy.onExpiry;
    const next: Approval = {
      ...approval,
      group: to.group,
      notify: to.notify,
      escalatedAt: at,
      remindAt: null,
      expireAt: minutes(ctx.at, to.expireAfterMinutes),
      version: approval.version + 1,
    };
    const nextTicket = { ...ticket, version: ticket.version + 1, updatedAt: at, auditSeq: seq };
    const audit = approvalAudit(
      ticket,
      seq,
      actorCtx,
      'approval.escalated',
      snapshot(approval),
      { ...snapshot(next), expireAt: next.expireAt },
      `nobody in ${approval.group} decided by ${approval.expireAt}; policy ${approval.policy} escalates to ${to.group}`,
    );
    return {
      ok: true,
      approval: next,
      ticket: nextTicket,
      audit,
      event: requestedEvent(nextTicket, next, 'escalated'),
    };
  }
  const reason = `nobody in ${approval.group} decided by ${approval.expireAt}; policy ${approval.policy} rejects on expiry`;
  const next: Approval = {
    ...approval,
    state: 'expired',
    decidedAt: at,
    reason,
    remindAt: null,
    expireAt: null,
    version: approval.version + 1,
  };
  const nextTicket = withPending(
    ticket,
    ticket.pendingApprovals.filter((id) => id !== approval.id),
    ctx.at,
    seq,
  );
  const audit = approvalAudit(
    ticket,
    seq,
    actorCtx,
    'approval.expired',
    { ...snapshot(approval), blockedOn: ticket.blockedOn },
    { ...snapshot(next), blockedOn: nextTicket.blockedOn },
    reason,
  );
  return { ok: true, approval: next, ticket: nextTicket, audit, event: decidedEvent(nextTicket, next) };
}

function detailOf(ticket: Ticket, approval: Approval) {
  return {
    ticketId: ticket.id,
    version: ticket.version,
    reference: ticket.reference,
    approvalId: approval.id,
    kind: approval.kind,
    policy: approval.policy,
    group: approval.group,
    notify: approval.notify,
    ...(approval.amount ? { amount: approval.amount } : {}),
    summary: approval.summary,
    requestedBy: approval.requestedBy,
    expireAt: approval.expireAt,
  };
}

export function requestedEvent(
  ticket: Ticket,
  approval: Approval,
  round: ApprovalRequestedEvent['detail']['round'],
): ApprovalRequestedEvent {
  const occurredAt =
    (round === 'initial'
      ? approval.requestedAt
      : round === 'reminder'
        ? approval.remindedAt
        : approval.escalatedAt) ?? ticket.updatedAt;
  return { type: 'approval.requested', detail: { ...detailOf(ticket, approval), round, occurredAt } };
}

/** `approval.decided` for a decided (approved, rejected or expired) approval. */
export function decidedEvent(ticket: Ticket, approval: Approval): ApprovalDecidedEvent {
  const outcome = approval.state === 'approved' || approval.state === 'rejected' ? approval.state : 'expired';
  return {
    type: 'approval.decided',
    detail: {
      ...detailOf(ticket, approval),
      outcome,
      decidedBy: outcome === 'expired' ? ['system'] : approval.votes.map((v) => v.by),
      reason: approval.reason ?? '',
      occurredAt: approval.decidedAt ?? ticket.updatedAt,
    },
  };
}

function approvalAudit(
  ticket: Ticket,
  seq: number,
  ctx: ApprovalContext,
  action: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  reason?: string,
): AuditEvent {
  return auditEvent({
    newId: ctx.newId,
    ticketId: ticket.id,
    seq,
    at: ctx.at,
    actor: ctx.actor,
    action,
    before,
    after,
    reason,
  });
}

function refuse(
  rule: string,
  kind: ApprovalRefusedError['kind'],
  message: string,
): { ok: false; error: ApprovalRefusedError } {
  return { ok: false, error: new ApprovalRefusedError(rule, kind, message) };
}
