import type { Clock } from '../adapters/clock';
import { EVENT_SOURCE } from '../adapters/event-publisher';
import { executionName, generationOf, type SlaTimerStore, type TimerStarter } from '../adapters/sla-timers';
import type { TicketHistory, TicketRepository } from '../adapters/ticket-repository';
import type { WorkflowConfig } from '../config';
import {
  type AuditEvent,
  type DomainEvent,
  escalate,
  escalationDueAt,
  newId,
  overdueEscalation,
  recordSla,
  type Ticket,
} from '../domain';
import { changeTicket } from './ticket-change';

export interface SlaTimerPorts {
  readonly tickets: Pick<TicketRepository, 'history' | 'append'>;
  readonly timers: Pick<SlaTimerStore, 'get' | 'put'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

/** What the SLA timer's AskClock state gets back (`sla-timer.asl.json` reads exactly these fields). */
export interface ClockAnswer {
  readonly action: 'wait' | 'done';
  /** When to ask again; null with `done`. */
  readonly waitUntil: string | null;
  /** EventBridge entries for the Announce state, in order (at most 10). */
  readonly entries: Array<{ Source: string; DetailType: string; Detail: unknown; EventBusName: string }>;
  /** Why it ended, for the execution's history. */
  readonly reason?: string;
}

const CLOCK_ACTOR = { kind: 'system', id: 'sla-clock' } as const;

/** The earliest moment anything about this ticket's SLA or escalation can change; null when nothing can. */
function nextMoment(ticket: Ticket, slaNext: string | null): string | null {
  if (ticket.state === 'closed') return null;
  const candidates = [slaNext, escalationDueAt(ticket)].filter((t): t is string => t !== null);
  return candidates.length > 0 ? (candidates.toSorted()[0] ?? null) : null;
}

/** The clock's view of a ticket now: what to record and announce (including an overdue escalation step). */
function evaluate(history: TicketHistory, config: WorkflowConfig, now: Date) {
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
  return {
    ticket,
    audit,
    events,
    changed: ticket !== history.ticket,
    next: nextMoment(ticket, sla.nextCheckAt),
  };
}

/**
 * The timer's AskClock step. Primary course:
 *  1. end if a newer generation of this ticket's timer exists (a change started one that wakes earlier);
 *  2. ask the clock: record warnings, breaches and met targets on the ticket, escalate an unacknowledged step;
 *  3. record when this execution looks next, and hand the events to the Announce state.
 * Asking twice about an unchanged ticket records and announces nothing the second time.
 */
export async function checkSlaClock(
  input: { ticketId: string; execution: string },
  ports: SlaTimerPorts & { busName: string },
): Promise<ClockAnswer> {
  const generation = generationOf(input.execution);
  const done = (reason: string): ClockAnswer => ({ action: 'done', waitUntil: null, entries: [], reason });
  const timer = await ports.timers.get(input.ticketId);
  if (timer && timer.generation > generation) return done(`superseded by ${timer.execution}`);

  const outcome = await changeTicket(input.ticketId, ports.tickets, (history) => {
    if (!history) return { result: undefined };
    const e = evaluate(history, ports.config, ports.clock.now());
    const result = { events: e.events, next: e.next };
    return e.changed ? { write: { ticket: e.ticket, audit: e.audit }, result } : { result };
  });
  if (!outcome) return done(`ticket ${input.ticketId} not found`);

  const now = ports.clock.now();
  const owned = await ports.timers.put(input.ticketId, {
    generation,
    execution: input.execution,
    wakeAt: outcome.next,
    updatedAt: now.toISOString(),
  });
  const entries = outcome.events.slice(0, 10).map((e) => ({
    Source: EVENT_SOURCE,
    DetailType: e.type,
    Detail: e.detail,
    EventBusName: ports.busName,
  }));
  // More than ten announcements at once (never in practice): the rest go out on an immediate next look.
  const next = outcome.events.length > 10 ? now.toISOString() : outcome.next;
  if (!owned) return { ...done('superseded while looking'), entries };
  if (next === null) return { ...done('nothing can become due until the ticket changes'), entries };
  return { action: 'wait', waitUntil: next, entries };
}

export type StartResult =
  | { readonly kind: 'started'; readonly execution: string; readonly wakeAt: string }
  | { readonly kind: 'skipped'; readonly reason: string };

/** A timer that should have looked this long ago and did not is presumed dead (its execution failed). */
const PRESUMED_DEAD_MS = 5 * 60_000;

/**
 * A ticket changed (created, moved, answered, re-prioritised, escalated): make sure a timer will look at
 * it in time. Starts a new generation only when nothing is due to look by the new next moment, so most
 * changes cost one read. Idempotent: the execution name is derived from the generation it replaces.
 */
export async function startSlaTimer(
  ticketId: string,
  ports: SlaTimerPorts & { starter: TimerStarter },
): Promise<StartResult> {
  const history = await ports.tickets.history(ticketId);
  if (!history) return { kind: 'skipped', reason: `ticket ${ticketId} not found` };
  const now = ports.clock.now();
  const e = evaluate(history, ports.config, now);
  // Something is due right now (recorded by nobody yet): look at once.
  const due = e.changed ? now.toISOString() : e.next;
  if (due === null) return { kind: 'skipped', reason: 'nothing can become due until the ticket changes' };

  const timer = await ports.timers.get(ticketId);
  const alive = timer?.wakeAt != null && Date.parse(timer.wakeAt) >= now.getTime() - PRESUMED_DEAD_MS;
  if (timer?.wakeAt != null && alive && timer.wakeAt <= due) {
    return { kind: 'skipped', reason: `${timer.execution} looks at ${timer.wakeAt}, in time for ${due}` };
  }
  const generation = (timer?.generation ?? 0) + 1;
  const execution = executionName(ticketId, generation);
  // Start first, then record: a lost record is repaired by the execution itself (it claims the timer).
  await ports.starter.start(execution, { ticketId });
  await ports.timers.put(ticketId, { generation, execution, wakeAt: due, updatedAt: now.toISOString() });
  return { kind: 'started', execution, wakeAt: due };
}
