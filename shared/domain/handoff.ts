import type { Condition, WorkflowConfig } from '../config/schema';
import { assignmentOf } from './assignment';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { nextRevision } from './conversation';
import { DomainError } from './errors';
import type { TicketHandedOffEvent } from './events';
import type { Ticket } from './ticket';
import { firstFailedCondition } from './triage';

export class HandoffRefusedError extends DomainError {
  override readonly name = 'HandoffRefusedError';
  readonly code = 'TICKET.HANDOFF_REFUSED';
  constructor(
    message: string,
    readonly rule?: string,
    readonly condition?: Condition,
  ) {
    super(message);
  }
}

const describe = (c: Condition) =>
  c.op === 'exists'
    ? `${c.field} is present`
    : `${c.field} ${c.op} ${Array.isArray(c.value) ? c.value.join('|') : c.value}`;

/**
 * Hands a ticket's ownership to another queue. The handoff rules for the target queue say what must be
 * true first (e.g. a bug goes to engineering only once validated); a refusal names the rule and the
 * condition that failed. Every handoff records from, to, reason and who.
 */
export function handOff(
  ticket: Ticket,
  to: string,
  config: Pick<WorkflowConfig, 'queues' | 'handoffs'> & Partial<Pick<WorkflowConfig, 'intent'>>,
  ctx: { actor: Actor; at: Date; reason: string; newId: () => string },
):
  | { ok: true; ticket: Ticket; audit: AuditEvent; event: TicketHandedOffEvent }
  | { ok: false; error: HandoffRefusedError } {
  if (!Object.hasOwn(config.queues, to)) {
    return {
      ok: false,
      error: new HandoffRefusedError(
        `unknown queue "${to}"; queues: ${Object.keys(config.queues).join(', ')}`,
      ),
    };
  }
  if (ticket.queue === to)
    return { ok: false, error: new HandoffRefusedError(`${ticket.reference} is already in ${to}`) };
  if (ticket.state === 'closed')
    return { ok: false, error: new HandoffRefusedError(`${ticket.reference} is closed`) };
  for (const rule of config.handoffs) {
    if (rule.to !== to || (rule.from && !rule.from.includes(ticket.queue))) continue;
    const failed = firstFailedCondition(rule.requires, ticket, config.intent?.minConfidence);
    if (failed) {
      return {
        ok: false,
        error: new HandoffRefusedError(
          `handoff to ${to} refused by rule "${rule.id}" (${rule.description}): needs ${describe(failed)}`,
          rule.id,
          failed,
        ),
      };
    }
  }
  // A queue that assigns automatically (assignment.ts) gives the ticket an owner of its own.
  const assignee = assignmentOf(config, to).strategy === 'manual' ? ticket.assignee : null;
  const next: Ticket = { ...nextRevision(ticket, ctx.at), queue: to, assignee };
  return {
    ok: true,
    ticket: next,
    event: {
      type: 'ticket.handed_off',
      detail: {
        ticketId: ticket.id,
        version: next.version,
        fromQueue: ticket.queue,
        toQueue: to,
        assigneeBefore: ticket.assignee,
        occurredAt: next.updatedAt,
      },
    },
    audit: auditEvent({
      newId: ctx.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: ctx.at,
      actor: ctx.actor,
      action: 'ticket.handed_off',
      before: { queue: ticket.queue, ...(assignee !== ticket.assignee ? { assignee: ticket.assignee } : {}) },
      after: {
        queue: to,
        tier: config.queues[to]?.tier ?? null,
        ...(assignee !== ticket.assignee ? { assignee } : {}),
      },
      reason: ctx.reason,
    }),
  };
}
