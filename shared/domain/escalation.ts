import type { EscalationPath, EscalationTrigger, WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import type { TicketEscalatedEvent } from './events';
import type { SlaTarget } from './sla-clock';
import type { Ticket } from './ticket';
import { firstFailedCondition } from './triage';

// Escalation paths (seed 003: tiers 0–3, escalation on breach). A ticket follows the first path with
// a matching trigger and stays on it; each escalation takes the next step, which moves the owning
// queue (and so the tier), tells the receiving group, and — unless acknowledged within its window —
// is followed by the next step.

export type EscalationCause =
  | { readonly kind: 'sla.warning' | 'sla.breached'; readonly target: SlaTarget }
  | { readonly kind: 'ticket.created' }
  | { readonly kind: 'manual'; readonly reason: string }
  /** Nobody on the team touched the ticket since `since` (the automation's idle rule). */
  | { readonly kind: 'idle'; readonly since: string }
  | { readonly kind: 'unacknowledged'; readonly path: string; readonly step: number };

/** The same cause twice escalates once (redelivered events); each manual escalation is its own cause. */
export function causeKey(cause: EscalationCause, at: Date): string {
  switch (cause.kind) {
    case 'sla.warning':
    case 'sla.breached':
      return `${cause.kind}:${cause.target}`;
    case 'ticket.created':
      return cause.kind;
    case 'manual':
      return `manual:${at.toISOString()}`;
    case 'idle':
      return `idle:${cause.since}`;
    case 'unacknowledged':
      return `unacknowledged:${cause.path}:${cause.step}`;
  }
}

function describeCause(cause: EscalationCause): string {
  switch (cause.kind) {
    case 'sla.warning':
      return `SLA warning on ${cause.target}`;
    case 'sla.breached':
      return `SLA breached on ${cause.target}`;
    case 'ticket.created':
      return 'an escalation rule matched the new ticket';
    case 'manual':
      return `escalated by an agent: ${cause.reason}`;
    case 'idle':
      return `no agent activity since ${cause.since}`;
    case 'unacknowledged':
      return `step ${cause.step} of ${cause.path} was not acknowledged in time`;
  }
}

function triggerMatches(
  trigger: EscalationTrigger,
  cause: EscalationCause,
  ticket: Ticket,
  intentFloor: number | undefined,
): boolean {
  if (trigger.on !== cause.kind) return false;
  if ((trigger.on === 'sla.warning' || trigger.on === 'sla.breached') && 'target' in cause) {
    if (trigger.targets && !trigger.targets.includes(cause.target)) return false;
  }
  return !trigger.when || firstFailedCondition(trigger.when, ticket, intentFloor) === undefined;
}

export type EscalationOutcome =
  | {
      readonly ok: true;
      readonly ticket: Ticket;
      readonly audit: AuditEvent;
      readonly event: TicketEscalatedEvent;
    }
  | {
      readonly ok: false;
      /** `no_path`: no trigger matches; `repeated`: this cause escalated already; `exhausted`: no step left. */
      readonly code: 'no_path' | 'repeated' | 'exhausted' | 'closed';
      readonly reason: string;
    };

/**
 * The first step from `from` that moves the ticket up or across: a step into its own queue moves
 * nothing, and escalation never hands a ticket down to a lower tier than it is at.
 */
function nextStepIndex(
  path: EscalationPath,
  from: number,
  queue: string,
  queues: WorkflowConfig['queues'],
): number | undefined {
  const tier = queues[queue]?.tier ?? 0;
  for (let i = from; i < path.steps.length; i++) {
    const step = path.steps[i];
    if (step && step.queue !== queue && (queues[step.queue]?.tier ?? 0) >= tier) return i;
  }
  return undefined;
}

/**
 * Escalates a ticket one step for a cause. On a path already, only that path's triggers (and an
 * unacknowledged step, and an agent's manual escalation) move it on; otherwise the first path with a
 * matching trigger takes it. Refusals say why, so consumers can log and drop them.
 */
export function escalate(
  ticket: Ticket,
  cause: EscalationCause,
  config: Pick<WorkflowConfig, 'escalationPaths' | 'queues'> & Partial<Pick<WorkflowConfig, 'intent'>>,
  ctx: { actor: Actor; at: Date; newId: () => string },
): EscalationOutcome {
  if (ticket.state === 'closed' || ticket.state === 'resolved')
    return { ok: false, code: 'closed', reason: `${ticket.reference} is ${ticket.state}` };
  const key = causeKey(cause, ctx.at);
  const current = ticket.escalation;
  if (current?.causes.includes(key))
    return { ok: false, code: 'repeated', reason: `${ticket.reference} was escalated for ${key} already` };

  let pathId: string | undefined;
  if (current) {
    const path = config.escalationPaths[current.path];
    const follows =
      cause.kind === 'manual' ||
      (cause.kind === 'unacknowledged' && cause.path === current.path && cause.step === current.step) ||
      path?.triggers.some((t) => triggerMatches(t, cause, ticket, config.intent?.minConfidence));
    if (path && follows) pathId = current.path;
  } else {
    pathId = Object.entries(config.escalationPaths).find(([, p]) =>
      p.triggers.some((t) => triggerMatches(t, cause, ticket, config.intent?.minConfidence)),
    )?.[0];
  }
  const path = pathId === undefined ? undefined : config.escalationPaths[pathId];
  if (pathId === undefined || !path)
    return { ok: false, code: 'no_path', reason: `no escalation path takes ${describeCause(cause)}` };

  const index = nextStepIndex(path, current?.path === pathId ? current.step : 0, ticket.queue, config.queues);
  const step = index === undefined ? undefined : path.steps[index];
  if (index === undefined || !step)
    return {
      ok: false,
      code: 'exhausted',
      reason: `${ticket.reference} is at the end of escalation path ${pathId}`,
    };

  const tier = config.queues[step.queue]?.tier ?? 0;
  const fromTier = config.queues[ticket.queue]?.tier ?? 0;
  const hasNext = nextStepIndex(path, index + 1, step.queue, config.queues) !== undefined;
  const acknowledgeBy = hasNext
    ? new Date(ctx.at.getTime() + step.acknowledgeWithinMinutes * 60_000).toISOString()
    : null;
  const notify = step.notify ?? config.queues[step.queue]?.defaultOwner;
  const base = nextRevision(ticket, ctx.at);
  const next: Ticket = {
    ...base,
    queue: step.queue,
    // The receiving group picks it up; the previous assignee no longer owns it.
    assignee: null,
    escalation: {
      path: pathId,
      step: index + 1,
      queue: step.queue,
      tier,
      escalatedAt: ctx.at.toISOString(),
      acknowledgeBy,
      causes: [...(current?.causes ?? []), key],
    },
  };
  const reason = describeCause(cause);
  return {
    ok: true,
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'ticket.escalated',
      before: { queue: ticket.queue, tier: fromTier, step: current?.step ?? 0 },
      after: { queue: step.queue, tier, path: pathId, step: index + 1, cause: key, acknowledgeBy },
      reason,
    }),
    event: {
      type: 'ticket.escalated',
      detail: {
        ticketId: ticket.id,
        version: next.version,
        occurredAt: ctx.at.toISOString(),
        reference: ticket.reference,
        path: pathId,
        step: index + 1,
        cause: key,
        fromQueue: ticket.queue,
        toQueue: step.queue,
        tier,
        ...(notify !== undefined ? { notify } : {}),
        acknowledgeBy,
      },
    },
  };
}

/** The moment an unacknowledged escalation step moves on, if one is pending. */
export function escalationDueAt(ticket: Pick<Ticket, 'escalation' | 'state'>): string | null {
  if (ticket.state === 'resolved' || ticket.state === 'closed') return null;
  const e = ticket.escalation;
  return e && !e.acknowledgedAt && e.acknowledgeBy ? e.acknowledgeBy : null;
}

/** The cause of the next escalation when the current step's window has passed unacknowledged. */
export function overdueEscalation(ticket: Ticket, now: Date): EscalationCause | undefined {
  const due = escalationDueAt(ticket);
  if (due === null || !ticket.escalation || Date.parse(due) > now.getTime()) return undefined;
  return { kind: 'unacknowledged', path: ticket.escalation.path, step: ticket.escalation.step };
}

export type AcknowledgeOutcome =
  | { readonly ok: true; readonly ticket: Ticket; readonly audit: AuditEvent }
  | { readonly ok: false; readonly reason: string };

/** The receiving group takes the escalation: it stops moving on. */
export function acknowledgeEscalation(
  ticket: Ticket,
  ctx: { actor: Actor; at: Date; newId: () => string },
): AcknowledgeOutcome {
  const e = ticket.escalation;
  if (!e) return { ok: false, reason: `${ticket.reference} is not escalated` };
  if (e.acknowledgedAt)
    return {
      ok: false,
      reason: `step ${e.step} was acknowledged by ${e.acknowledgedBy} at ${e.acknowledgedAt}`,
    };
  const base = nextRevision(ticket, ctx.at);
  const next: Ticket = {
    ...base,
    escalation: {
      ...e,
      acknowledgeBy: null,
      acknowledgedAt: ctx.at.toISOString(),
      acknowledgedBy: ctx.actor.id,
    },
  };
  return {
    ok: true,
    ticket: next,
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'escalation.acknowledged',
      before: { path: e.path, step: e.step, acknowledgeBy: e.acknowledgeBy },
      after: { acknowledgedBy: ctx.actor.id },
    }),
  };
}
