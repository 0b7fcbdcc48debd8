import { type Automation, automationFor, DURATION_PATTERN } from '../config/automation';
import type { WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { addBusinessTime, type BusinessCalendar } from './calendar';
import { escalate } from './escalation';
import type { AutomationAction, AutomationEvent, DomainEvent } from './events';
import { slaPolicyFor, stateHistory } from './sla';
import { transition } from './states';
import type { Message, Ticket, TicketState } from './ticket';

// The back half of the lifecycle, as the ticket's clock sees it (issue 14): everything here is derived
// from the ticket and its history, so asking again about an unchanged ticket does nothing, and a wake-up
// that comes too early or too late only ever acts on what is due by then.

export const AUTOMATION_ACTOR: Actor = { kind: 'system', id: 'automation' };

/** One thing the clock will do for a ticket, and when. */
export interface PlannedAction {
  readonly action: AutomationAction;
  readonly at: string;
  /** The start of the wait it belongs to (state entered, last reply …). */
  readonly since: string;
  readonly round?: number;
}

export interface AutomationRun {
  readonly ticket: Ticket;
  readonly audit: AuditEvent[];
  readonly events: DomainEvent[];
  /** What is still to come, soonest first (the UI's "reminder in 2 days"); empty when nothing is. */
  readonly upcoming: PlannedAction[];
}

interface Input {
  readonly ticket: Ticket;
  readonly audit: readonly AuditEvent[];
  readonly messages: readonly Message[];
  readonly config: Pick<WorkflowConfig, 'automation' | 'requestTypes' | 'sla' | 'escalationPaths' | 'queues'>;
  readonly now: Date;
  readonly newId: () => string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The length of the calendar's longest open day: what one business day of it means. */
export function businessDayMs(cal: BusinessCalendar): number {
  const minutes = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  const days = Object.values(cal.week).map((windows) =>
    windows.reduce((n, w) => n + minutes(w.end) - minutes(w.start), 0),
  );
  return Math.max(1, ...days) * 60_000;
}

/** `start` + a config duration (`30m`, `12h`, `4d`, `8bh`, `2bd`) on the calendar. */
export function addDuration(cal: BusinessCalendar, start: Date, duration: string): Date {
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new RangeError(`not a duration: ${duration}`);
  const n = Number(match[1]);
  switch (match[2]) {
    case 'm':
      return new Date(start.getTime() + n * 60_000);
    case 'h':
      return new Date(start.getTime() + n * HOUR);
    case 'd':
      return new Date(start.getTime() + n * DAY);
    case 'bh':
      return addBusinessTime(cal, start, n * HOUR);
    default:
      return addBusinessTime(cal, start, n * businessDayMs(cal));
  }
}

/** The first instant at or after `at` when the calendar is open (mail to people waits for it). */
export function nextOpening(cal: BusinessCalendar, at: Date): Date {
  return new Date(addBusinessTime(cal, at, 1).getTime() - 1);
}

const iso = (d: Date) => d.toISOString();
const latest = (...times: Array<string | undefined>) =>
  times
    .filter((t): t is string => t !== undefined)
    .toSorted()
    .at(-1) as string;

/** When the ticket entered its current state (its creation, if it never moved). */
export function enteredStateAt(ticket: Ticket, audit: readonly AuditEvent[]): string {
  return stateHistory(ticket, audit).at(-1)?.at ?? ticket.createdAt;
}

/** The automation that governs this ticket: the workflow's defaults under its request type's overrides. */
export function automationOf(ticket: Pick<Ticket, 'requestType'>, config: Input['config']): Automation {
  return automationFor(config.automation, config.requestTypes[ticket.requestType]?.automation);
}

/** Automation audit entries of one kind for one wait (`after.since`). */
function done(audit: readonly AuditEvent[], action: AutomationAction, since: string): AuditEvent[] {
  return audit.filter((a) => a.action === auditAction(action) && a.after?.since === since);
}

export function auditAction(action: AutomationAction): string {
  return `automation.${action === 'idle' ? 'idle_flagged' : action === 'follow_up' ? 'followed_up' : action === 'reminder' ? 'reminded' : action === 'status_update' ? 'status_updated' : action === 'team_nudge' ? 'team_nudged' : action}`;
}

const OPEN_FOR_IDLE: readonly TicketState[] = ['new', 'in_progress'];

/**
 * Everything the clock may do for the ticket as it stands, each with its due moment; those at or before
 * `now` are due. Each kind is planned once per wait, so a done action is never planned again.
 */
export function plannedActions(input: Omit<Input, 'newId'>): PlannedAction[] {
  const { ticket, audit, messages, config } = input;
  if (ticket.state === 'closed') return [];
  const rules = automationOf(ticket, config);
  const cal = slaPolicyFor(ticket, config).calendar;
  const entered = enteredStateAt(ticket, audit);
  const add = (since: string, d: string) => addDuration(cal, new Date(since), d);
  // People get mail in the calendar's open hours only.
  const forPeople = (d: Date) => iso(nextOpening(cal, d));
  const publicReplies = messages
    .filter((m) => m.direction === 'outbound' && m.visibility === 'public' && m.author.kind === 'agent')
    .map((m) => m.createdAt);
  const plan: PlannedAction[] = [];

  if (ticket.state === 'needs_info' || ticket.state === 'waiting_on_customer') {
    // The wait restarts when an agent asks again (a public reply while waiting).
    const since = latest(entered, ...publicReplies.filter((t) => t >= entered));
    const rounds = done(audit, 'reminder', since).map((a) => Number(a.after?.round ?? 0));
    const sent = Math.max(0, ...rounds);
    const reminders = rules.awaitingCustomer.remindAfter.map((d) => forPeople(add(since, d))).toSorted();
    // Only the latest reminder due is sent when several fell due at once (a clock that jumped).
    const dueRounds = reminders.filter((at) => at <= iso(input.now)).length;
    const round = Math.max(sent + 1, dueRounds);
    const at = reminders[round - 1];
    if (at) plan.push({ action: 'reminder', at, since, round });
    const resolveAfter = rules.awaitingCustomer.resolveAfter;
    if (resolveAfter && ticket.pendingApprovals.length === 0)
      plan.push({ action: 'auto_resolved', at: forPeople(add(since, resolveAfter)), since });
  }

  if (ticket.state === 'waiting_on_team') {
    const since = entered;
    const every = rules.waitingOnTeam.statusUpdateEvery;
    if (every) {
      const updates = done(audit, 'status_update', since);
      const last = updates.at(-1)?.at ?? since;
      plan.push({
        action: 'status_update',
        at: forPeople(add(last, every)),
        since,
        round: updates.length + 1,
      });
    }
    const nudge = rules.waitingOnTeam.nudgeTeamAfter;
    if (nudge && done(audit, 'team_nudge', since).length === 0)
      plan.push({ action: 'team_nudge', at: forPeople(add(since, nudge)), since });
  }

  if (ticket.state === 'resolved') {
    const since = entered;
    const followUp = rules.afterResolution.followUpAfter;
    if (followUp && done(audit, 'follow_up', since).length === 0)
      plan.push({ action: 'follow_up', at: forPeople(add(since, followUp)), since });
    const days = rules.afterResolution.closeAfterDays;
    // An incident is closed by a person once its linked tickets are (incident.ts): the clock cannot see them.
    if (days !== null && ticket.kind !== 'incident')
      plan.push({ action: 'auto_closed', at: iso(add(since, `${days}d`)), since });
  }

  const idleAfter = rules.idle.after;
  if (idleAfter && OPEN_FOR_IDLE.includes(ticket.state)) {
    // Anything an agent did: a write with their name on it, or a message they wrote.
    const touched = audit.filter((a) => a.actor.kind === 'agent').map((a) => a.at);
    const wrote = messages.filter((m) => m.author.kind === 'agent').map((m) => m.createdAt);
    const since = latest(ticket.createdAt, entered, ...touched, ...wrote);
    if (done(audit, 'idle', since).length === 0)
      plan.push({ action: 'idle', at: forPeople(add(since, idleAfter)), since });
  }

  return plan.toSorted((a, b) => a.at.localeCompare(b.at));
}

/**
 * Acts on what is due now: records each action (an `automation.*` audit entry and event, which the
 * notifier turns into mail), resolves a ticket nobody answered, closes one that stayed quiet, escalates
 * or flags a forgotten one. Nothing due: the ticket comes back unchanged, with no audit and no events.
 */
export function runAutomation(input: Input): AutomationRun {
  const now = iso(input.now);
  const all = plannedActions(input);
  const due = all.filter((p) => p.at <= now);
  let ticket = input.ticket;
  const audit: AuditEvent[] = [];
  const events: DomainEvent[] = [];
  const history = () => [...input.audit, ...audit];

  // A resolution or closing due makes the reminders and nudges of the same wait moot.
  const ending = due.find((p) => p.action === 'auto_resolved' || p.action === 'auto_closed');
  const acting = ending ? [ending] : due;
  for (const p of acting) {
    const before = ticket;
    if (p.action === 'auto_resolved' || p.action === 'auto_closed') {
      const moved = transition(ticket, p.action === 'auto_resolved' ? 'resolved' : 'closed', {
        actor: AUTOMATION_ACTOR,
        at: input.now,
        reason:
          p.action === 'auto_resolved'
            ? `no reply from the customer since ${p.since}`
            : `no word from the customer since it was resolved (${p.since})`,
        quietDays: Math.floor((input.now.getTime() - Date.parse(p.since)) / DAY),
        closeAfterQuietDays: automationOf(ticket, input.config).afterResolution.closeAfterDays ?? undefined,
        nextSeq: ticket.auditSeq + 1,
        newId: input.newId,
      });
      if (!moved.ok) continue;
      ticket = moved.ticket;
      audit.push(moved.audit);
      events.push({
        ...moved.event,
        detail: {
          ...moved.event.detail,
          cause: p.action === 'auto_resolved' ? 'automation:no_reply' : 'automation:quiet_days',
        },
      });
    }
    if (p.action === 'idle' && automationOf(ticket, input.config).idle.action === 'escalate') {
      const escalated = escalate(ticket, { kind: 'idle', since: p.since }, input.config, {
        actor: AUTOMATION_ACTOR,
        at: input.now,
        newId: input.newId,
      });
      if (escalated.ok) {
        ticket = escalated.ticket;
        audit.push(escalated.audit);
        events.push(escalated.event);
      }
    }
    const seq = ticket.auditSeq + 1;
    ticket = {
      ...ticket,
      version: ticket === before ? ticket.version + 1 : ticket.version,
      updatedAt: now,
      auditSeq: seq,
    };
    audit.push(
      auditEvent({
        newId: input.newId,
        ticketId: ticket.id,
        seq,
        at: input.now,
        actor: AUTOMATION_ACTOR,
        action: auditAction(p.action),
        before: null,
        after: { since: p.since, dueAt: p.at, ...(p.round ? { round: p.round } : {}) },
      }),
    );
    events.push(automationEvent(ticket, p, input.config, now));
  }
  const upcoming =
    audit.length === 0
      ? all.filter((p) => p.at > now)
      : plannedActions({ ...input, ticket, audit: history() }).filter((p) => p.at > now);
  return { ticket, audit, events, upcoming };
}

function automationEvent(
  ticket: Ticket,
  p: PlannedAction,
  config: Input['config'],
  now: string,
): AutomationEvent {
  const internal = p.action === 'team_nudge' || p.action === 'idle';
  return {
    type: `automation.${p.action}`,
    detail: {
      ticketId: ticket.id,
      version: ticket.version,
      occurredAt: now,
      reference: ticket.reference,
      queue: ticket.queue,
      state: ticket.state,
      dueAt: p.at,
      since: p.since,
      ...(p.round ? { round: p.round } : {}),
      ...(internal ? { notify: config.queues[ticket.queue]?.defaultOwner } : {}),
    },
  };
}
