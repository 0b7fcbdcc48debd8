import type { WorkflowConfig } from '../config';
import { purgeDueAt } from '../config/privacy';
import {
  type AuditEvent,
  type DomainEvent,
  escalate,
  escalationDueAt,
  newId,
  overdueEscalation,
  type PlannedAction,
  recordSla,
  runAutomation,
} from '../domain';
import { closedAtOf, isPseudonym } from '../domain/privacy-erasure';
import type {
  Clock,
  ObjectEraserPort,
  PersonalDataPort,
  TicketHistory,
  TicketRepositoryPort,
  WakeUpScheduler,
  WakeUpStorePort,
} from './ports';
import { purgeTicket } from './privacy-erasure';
import { changeTicket } from './ticket-change';

export interface TicketClockPorts {
  readonly tickets: Pick<TicketRepositoryPort, 'history' | 'append'>;
  readonly wakeUps: WakeUpScheduler;
  readonly store: Pick<WakeUpStorePort, 'get' | 'claim'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
  /** Retention: a closed ticket whose time is up is purged (issue 22). */
  readonly personalData: Pick<PersonalDataPort, 'redactTicket'>;
  readonly objects: ObjectEraserPort;
}

export type ClockResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | {
      readonly kind: 'looked';
      /** What it recorded and announced (audit actions). */
      readonly acted: readonly string[];
      /** The ticket's next wake-up; null when nothing can become due until it changes. */
      readonly wakeAt: string | null;
      readonly scheduled: 'set' | 'unchanged' | 'superseded' | 'none';
    };

const CLOCK_ACTOR = { kind: 'system', id: 'sla-clock' } as const;

/**
 * The clock's view of a ticket now: the SLA targets it records (warnings, breaches, met), an overdue
 * escalation step, and the automation's due actions (reminders, status updates, follow-ups, closing, the
 * idle rule); and the earliest moment anything can become due next.
 */
export function lookAt(history: TicketHistory, config: WorkflowConfig, now: Date) {
  const sla = recordSla({ ...history, config, now, newId: () => newId(now) });
  let ticket = sla.ticket;
  const audit: AuditEvent[] = [...sla.audit];
  const events: DomainEvent[] = [...sla.events];
  const overdue = overdueEscalation(ticket, now);
  if (overdue) {
    const escalated = escalate(ticket, overdue, config, {
      actor: CLOCK_ACTOR,
      at: now,
      newId: () => newId(now),
    });
    if (escalated.ok) {
      ticket = escalated.ticket;
      audit.push(escalated.audit);
      events.push(escalated.event);
    }
  }
  const automation = runAutomation({
    ticket,
    audit: [...history.audit, ...audit],
    messages: history.messages,
    config,
    now,
    newId: () => newId(now),
  });
  ticket = automation.ticket;
  audit.push(...automation.audit);
  events.push(...automation.events);
  const slaNext = ticket.state === 'closed' ? null : sla.nextCheckAt;
  // Retention: when a closed ticket's bodies and attachments go (once; a purged ticket's requester is a pseudonym).
  const purgeAt = isPseudonym(ticket.requester.email)
    ? null
    : purgeDueAt(ticket, closedAtOf([...history.audit, ...audit]), config.privacy);
  const candidates = [slaNext, escalationDueAt(ticket), automation.upcoming[0]?.at ?? null].filter(
    (t): t is string => t !== null,
  );
  return {
    ticket,
    audit,
    events,
    changed: ticket !== history.ticket,
    next: candidates.toSorted()[0] ?? null,
    purgeAt,
    upcoming: automation.upcoming,
  };
}

/** What the clock will do next for a ticket (for the agent UI): its automation's coming actions. */
export function upcomingActions(history: TicketHistory, config: WorkflowConfig, now: Date): PlannedAction[] {
  return lookAt(history, config, now).upcoming;
}

/**
 * A ticket changed, or its wake-up came. Primary course:
 *  1. look at the ticket now: record and announce (through the outbox, with the change) whatever is due;
 *  2. work out its next wake-up, the earliest moment anything can become due;
 *  3. make that the ticket's one pending wake-up, unless it already is, or a decision from a newer
 *     version of the ticket was recorded meanwhile.
 * Looking twice at an unchanged ticket writes nothing the second time; a stale wake-up finds nothing due.
 * `delivery.fired` is the moment of the wake-up that brought this look, if one did (that schedule is spent).
 * `delivery.redelivered` says the message came before: the look it brought may have died between recording
 * the wake-up and scheduling it, so the record is not trusted and the wake-up is set again (an upsert).
 */
export async function runTicketClock(
  ticketId: string,
  ports: TicketClockPorts,
  delivery: { readonly fired?: string; readonly redelivered?: boolean } = {},
): Promise<ClockResult> {
  const { fired, redelivered = false } = delivery;
  const outcome = await changeTicket(ticketId, ports.tickets, (history) => {
    if (!history) return { result: undefined };
    const look = lookAt(history, ports.config, ports.clock.now());
    const result = {
      acted: look.audit.map((a) => a.action),
      next: look.next,
      purgeAt: look.purgeAt,
      requestType: look.ticket.requestType,
      version: look.ticket.version,
    };
    return look.changed
      ? { write: { ticket: look.ticket, audit: look.audit, events: look.events }, result }
      : { result };
  });
  if (!outcome) return { kind: 'skipped', reason: `ticket ${ticketId} not found` };
  const now = ports.clock.now();
  const acted = [...outcome.acted];
  let next = outcome.next;
  if (outcome.purgeAt !== null && Date.parse(outcome.purgeAt) <= now.getTime()) {
    const days = ports.config.privacy.retention[outcome.requestType]?.purgeClosedAfterDays;
    const purged = await purgeTicket(
      ticketId,
      `retention: ${outcome.requestType} tickets are purged ${days} days after closing`,
      ports,
    );
    if (purged.purged) acted.push('ticket.purged');
  } else if (outcome.purgeAt !== null && (next === null || outcome.purgeAt < next)) next = outcome.purgeAt;
  const looked = { kind: 'looked', acted, wakeAt: next } as const;
  if (next === null) return { ...looked, scheduled: 'none' };

  const current = await ports.store.get(ticketId);
  const pending =
    !redelivered &&
    current !== undefined &&
    current.wakeAt === next &&
    current.wakeAt !== fired &&
    Date.parse(current.wakeAt) > now.getTime();
  if (pending) return { ...looked, scheduled: 'unchanged' };
  const claimed = await ports.store.claim(ticketId, {
    wakeAt: next,
    version: outcome.version,
    updatedAt: now.toISOString(),
  });
  if (!claimed) return { ...looked, scheduled: 'superseded' };
  await ports.wakeUps.schedule(ticketId, new Date(next));
  // A look at a newer version may have recorded its wake-up between our claim and our schedule call,
  // and ours may have reached the scheduler last: set theirs again, so the newest decision stands.
  const after = await ports.store.get(ticketId);
  if (after && after.version > outcome.version && after.wakeAt !== next)
    await ports.wakeUps.schedule(ticketId, new Date(after.wakeAt));
  return { ...looked, scheduled: 'set' };
}
