/**
 * What-if replay (issue 20): a stored ticket's history replayed under a workflow configuration, and the
 * difference a candidate configuration would have made. Pure and deterministic: the same history, config
 * and `now` always give the same outcome; no ids are made and no clock is read but `now`.
 *
 * The replay reuses the domain rather than re-implementing it: intake is `openTicket` (triage, routing,
 * missing fields, the opening SLA) on the request as it arrived; the SLA is `recordSla` asked at every
 * moment the real timer would have asked it (each recorded state change and message, and each
 * `nextCheckAt`) over the ticket's recorded state history; its warnings and breaches (and `ticket.created`)
 * go to `escalate`; approvals to `approvalPolicyFor`; automation to `plannedActions`. What agents did is
 * taken as recorded (see REPLAY_LIMITS): the replay measures the configuration, not the people.
 */
import type { WorkflowConfig } from '../config/schema';
import type { Approval } from './approvals';
import { approvalPolicyFor } from './approvals';
import type { Actor, AuditEvent } from './audit';
import { AUTOMATION_ACTOR, type PlannedAction, plannedActions } from './automation';
import { type EscalationCause, escalate } from './escalation';
import { openTicket } from './intake';
import { openingSla, recordSla, stateHistory, UnknownSlaPolicyError } from './sla';
import type { SlaStateChange } from './sla-clock';
import {
  type Message,
  PredictedIntent,
  type Priority,
  type Ticket,
  type TicketDraft,
  type TicketState,
} from './ticket';
import { fieldLimitIssues, normaliseTags } from './ticket-input';
import { triage } from './triage';

/** One stored ticket, read as it is. */
export interface TicketHistory {
  /** The ticket item now. */
  readonly ticket: Ticket;
  /** All its messages, oldest first. */
  readonly messages: readonly Message[];
  /** Its whole audit trail, oldest first (by seq). */
  readonly audit: readonly AuditEvent[];
  /** Its approvals. */
  readonly approvals: readonly Approval[];
}

/** Where an SLA target ends up: met, breached, not decided yet at `now`, or no SLA under the config. */
export type SlaVerdict = 'met' | 'breached' | 'pending' | 'none';

export interface ReplayOutcome {
  readonly requestType: string;
  readonly priority: Priority;
  readonly queue: string;
  /** Sorted. */
  readonly tags: readonly string[];
  /** Sorted; the ticket opens in needs_info when non-empty. */
  readonly missingFields: readonly string[];
  readonly needsInfo: boolean;
  /** `<policy>/<priority>`, e.g. `enterprise/high`; `none` when the config has no policy for it. */
  readonly slaPolicy: string;
  readonly sla: { readonly firstResponse: SlaVerdict; readonly resolution: SlaVerdict };
  /** The escalation steps the ticket would have taken (`<path>:<step>`, e.g. `sla-breach:1`), in order. */
  readonly escalations: readonly string[];
  /** Per recorded approval request (in request order): the policy id that would govern it, or `none`. */
  readonly approvalsRequired: readonly string[];
  readonly automations: {
    readonly reminders: number;
    readonly statusUpdates: number;
    readonly autoClosed: boolean;
  };
  /**
   * Why intake would have refused the request under this config (`path: message`, sorted): a value the
   * config no longer accepts. Empty when it would have been taken; the replay goes on with triage's answer.
   */
  readonly intakeIssues: readonly string[];
}

export interface ReplayChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ReplayResult {
  readonly ticketId: string;
  readonly reference: string;
  readonly createdAt: string;
  readonly before: ReplayOutcome;
  readonly after: ReplayOutcome;
  readonly changes: readonly ReplayChange[];
  /** What in this ticket's history the replay could not reproduce (agents' edits after intake, …). */
  readonly notes: readonly string[];
}

export interface ReplayOptions {
  /**
   * The config taken to have been in force when the ticket was opened: it tells rule-made tags from the
   * sender's and, for tickets recorded before `requestTypeBy` existed, an inferred request type from a
   * named one. Defaults to the config being replayed; `whatIf` passes the current config for both sides,
   * so both replay exactly the same request.
   */
  readonly intakeConfig?: WorkflowConfig;
}

const REPLAY_ACTOR: Actor = { kind: 'system', id: 'what-if' };
const AUTOMATION_WAITS: readonly TicketState[] = ['needs_info', 'waiting_on_customer'];
/** Guards against a config whose durations are minutes over a history of years; far above real use. */
const MAX_STEPS = 100_000;

/** Every limit of the replay, one sentence each (the report shows them). */
export const REPLAY_LIMITS: readonly string[] = [
  'The ticket’s recorded timeline (state changes, agent replies, customer messages) is replayed as it happened: an agent would have behaved differently under other routing or priorities, and that cannot be simulated.',
  'Replies and mail already sent stay sent; a first response counts when it was really given, whichever queue the candidate would have routed the ticket to.',
  'Changes agents made after intake (priority and tag edits, handoffs, macros, manual escalations and acknowledgements) are not replayed: the replayed ticket keeps its replayed triage priority and queue, moved only by the escalations the config itself would have made.',
  'The SLA uses one priority for the ticket’s whole life (as the SLA clock does), the replayed triage priority, so a ticket whose priority an agent changed shows the SLA of its triaged priority.',
  'A different needs-info verdict at intake is reported, but the recorded state history is kept: when the customer would have supplied missing context is unknowable.',
  'Escalations are those started by ticket.created triggers and by the SLA warnings and breaches of the replayed clock; unacknowledged steps moving on, idle escalations and agents’ manual escalations depend on people and are not replayed.',
  'Approvals are replayed as the policy that would govern each recorded request (kind and amount, on the replayed ticket at the time of the request); requests agents would have made or not made under the candidate are not invented.',
  'Automation is counted over the recorded time in each state up to its end or now; automatic resolutions and closings the recorded config made are taken out of the timeline and re-decided by the replayed config, but what the customer would then have done is not.',
  'The request is reconstructed from the ticket, its first inbound message and its opening audit entries: fields supplied after intake are removed (those the opening triage listed as missing), agents’ field edits are undone from the audit, and tags that matched rules of the intake config add are taken for rule-made.',
  'A field the customer supplied again after intake although it was given at intake keeps its later value, because ticket.context_supplied records which fields changed but not their earlier values (the result’s notes say so).',
  'Older tickets without `requestTypeBy` count as named by the sender only when the intake config would not have inferred their request type by itself.',
  'A ticket the candidate would have refused at intake is still replayed (with triage’s answer) and its refusal reasons are shown as intakeIssues.',
  'Tickets opened by an integration rule get that rule’s priority and queue on top of triage, as at intake; a candidate without the rule replays them with triage alone.',
];

const time = (iso: string) => Date.parse(iso);
const bySeq = (a: AuditEvent, b: AuditEvent) => a.seq - b.seq;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

function opening(history: TicketHistory) {
  const audit = history.audit.toSorted(bySeq);
  const triaged = audit.find((a) => a.action === 'ticket.triaged');
  const created = audit.find((a) => a.action === 'ticket.created');
  return { audit, triaged: triaged?.after ?? undefined, created: created?.after ?? undefined };
}

/** The fields as they arrived: agents' edits undone, context supplied after intake taken out. */
function intakeFields(history: TicketHistory, audit: readonly AuditEvent[], missingAtIntake: string[]) {
  const fields: Record<string, string> = { ...history.ticket.fields };
  for (const a of audit.toReversed()) {
    if (a.action !== 'ticket.updated' && a.action !== 'macro.applied') continue;
    const before = a.before?.fields;
    if (!isRecord(before)) continue;
    for (const [name, value] of Object.entries(before)) {
      if (typeof value === 'string') fields[name] = value;
      else delete fields[name];
    }
  }
  for (const name of missingAtIntake) delete fields[name];
  return fields;
}

/**
 * The request as it arrived (the TicketDraft `openTicket` got), rebuilt from the ticket, its first inbound
 * message and its opening audit entries. `intakeConfig` is the config taken to have been in force then.
 */
export function reconstructDraft(history: TicketHistory, intakeConfig: WorkflowConfig): TicketDraft {
  const { ticket } = history;
  const { audit, triaged } = opening(history);
  const first = history.messages
    .filter((m) => m.direction === 'inbound')
    .toSorted((a, b) => time(a.createdAt) - time(b.createdAt))[0];
  const missingAtIntake = strings(triaged?.missingFields);
  const fields = intakeFields(history, audit, missingAtIntake);

  // The sender's tags: the opening triage's tags less those the matched rules add.
  const matched = new Set(strings(triaged?.matchedRules));
  const ruleTags = new Set(
    intakeConfig.triageRules.filter((r) => matched.has(r.id)).flatMap((r) => r.then.tags ?? []),
  );
  const recordedTags = triaged?.tags !== undefined ? strings(triaged.tags) : ticket.tags;
  const tags = normaliseTags(recordedTags.filter((t) => !ruleTags.has(t)));

  const predicted = PredictedIntent.safeParse(ticket.intent?.predicted);
  const base: TicketDraft = {
    channel: ticket.channel,
    source: ticket.source,
    ...(ticket.externalId !== undefined ? { externalId: ticket.externalId } : {}),
    subject: ticket.subject,
    body: first?.body ?? '',
    requester: ticket.requester,
    ...(ticket.account !== undefined ? { account: ticket.account } : {}),
    fields,
    tags,
    ...(ticket.language !== undefined ? { language: ticket.language } : {}),
    ...(predicted.success ? { intent: predicted.data } : {}),
    ...(ticket.suppressAutoMail ? { suppressAutoMail: true } : {}),
    ...(ticket.followUpOf !== undefined ? { followUpOf: ticket.followUpOf } : {}),
    ...(first !== undefined && (first.messageId !== undefined || first.mailClass !== undefined)
      ? {
          firstMessage: {
            ...(first.messageId !== undefined ? { messageId: first.messageId } : {}),
            ...(first.mailClass !== undefined ? { mailClass: first.mailClass } : {}),
          },
        }
      : {}),
  };

  const recordedType = typeof triaged?.requestType === 'string' ? triaged.requestType : ticket.requestType;
  const by = triaged?.requestTypeBy;
  if (by === 'sender') return { ...base, requestType: recordedType };
  if (typeof by === 'string') return base;
  // Recorded before requestTypeBy existed: named by the sender unless the config would infer it anyway.
  const inferred = triage(base, intakeConfig).requestType;
  return inferred === recordedType ? base : { ...base, requestType: recordedType };
}

/** The integration rule that opened the ticket, if one did (`integration:<rule>` among the matched rules). */
function integrationRuleOf(triaged: Record<string, unknown> | undefined): string | undefined {
  const tag = strings(triaged?.matchedRules).find((r) => r.startsWith('integration:'));
  return tag?.slice('integration:'.length);
}

interface Intake {
  readonly ticket: Ticket;
  readonly intakeIssues: string[];
  readonly hasSla: boolean;
}

/** Intake under `config`: `openTicket` on the draft, an opening integration rule's priority/queue on top. */
function replayIntake(history: TicketHistory, draft: TicketDraft, config: WorkflowConfig): Intake {
  const recorded = history.ticket;
  const ctx = {
    config,
    now: new Date(recorded.createdAt),
    reference: recorded.reference,
    // No ids are made: everything the replay opens takes the recorded ticket's id.
    newId: () => recorded.id,
    actor: REPLAY_ACTOR,
  };
  let ticket: Ticket;
  let intakeIssues: string[] = [];
  let hasSla = true;
  const fromTriage = (): Ticket => {
    const t = triage(draft, config);
    intakeIssues = [...t.invalidFields, ...fieldLimitIssues(t.fields)].map((i) => `${i.path}: ${i.message}`);
    const state = t.missingFields.length > 0 ? 'needs_info' : 'new';
    return {
      ...recorded,
      requestType: t.requestType,
      fields: t.fields,
      missingFields: t.missingFields,
      priority: t.priority,
      queue: t.queue,
      tags: t.tags,
      state,
      assignee: null,
      pendingApprovals: [],
      slaPolicy: null,
    };
  };
  try {
    const opened = openTicket(draft, ctx);
    ticket = opened.ok ? opened.ticket : fromTriage();
    if (!opened.ok) intakeIssues = opened.error.issues.map((i) => `${i.path}: ${i.message}`);
  } catch (error) {
    if (!(error instanceof UnknownSlaPolicyError)) throw error;
    ticket = fromTriage();
  }
  const { sla: _recordedSla, escalation: _recordedEscalation, ...plain } = ticket;
  ticket = {
    ...plain,
    kind: recorded.kind,
    ...(recorded.incident !== undefined ? { incident: recorded.incident } : {}),
    auditSeq: 0,
  };

  const ruleId = integrationRuleOf(opening(history).triaged);
  const rule = ruleId !== undefined ? config.integrationRules[ruleId] : undefined;
  const open = rule?.actions.find((a) => a.do === 'open_ticket');
  if (open?.do === 'open_ticket') {
    ticket = {
      ...ticket,
      ...(open.priority !== undefined ? { priority: open.priority } : {}),
      ...(open.queue !== undefined ? { queue: open.queue } : {}),
    };
  }
  try {
    ticket = { ...ticket, ...openingSla(ticket, [], config, new Date(recorded.createdAt)) };
  } catch (error) {
    if (!(error instanceof UnknownSlaPolicyError)) throw error;
    hasSla = false;
    ticket = { ...ticket, slaPolicy: null };
  }
  return { ticket, intakeIssues: intakeIssues.toSorted(), hasSla };
}

interface Timeline {
  /** The recorded state history (creation first), as the SLA clock reads it. */
  readonly states: readonly SlaStateChange[];
  readonly stateChanges: readonly AuditEvent[];
  readonly messages: readonly Message[];
  /** Every recorded moment something happened that the clock would be asked at, ascending (ms). */
  readonly moments: readonly number[];
  readonly approvals: readonly Approval[];
}

function timelineOf(history: TicketHistory): Timeline {
  const audit = history.audit.toSorted(bySeq);
  const stateChanges = audit.filter((a) => a.action === 'ticket.state_changed');
  const states = stateHistory(history.ticket, audit);
  const messages = history.messages.toSorted((a, b) => time(a.createdAt) - time(b.createdAt));
  const approvals = history.approvals.toSorted(
    (a, b) => time(a.requestedAt) - time(b.requestedAt) || a.id.localeCompare(b.id),
  );
  const moments = [
    ...new Set(
      [
        ...states.map((s) => s.at),
        ...messages.map((m) => m.createdAt),
        ...approvals.map((a) => a.requestedAt),
      ]
        .map(time)
        .filter(Number.isFinite),
    ),
  ].toSorted((a, b) => a - b);
  return { states, stateChanges, messages, moments, approvals };
}

function stateAt(states: readonly SlaStateChange[], at: number): TicketState {
  let state = states[0]?.state ?? 'new';
  for (const s of states) {
    if (time(s.at) > at) break;
    state = s.state;
  }
  return state;
}

const verdictOf = (status: string | undefined, hasSla: boolean): SlaVerdict =>
  !hasSla || status === undefined
    ? 'none'
    : status === 'met'
      ? 'met'
      : status === 'breached'
        ? 'breached'
        : 'pending';

/** The approval a recorded request would need under `config`: its policy id, or `none`. */
function approvalChoice(approval: Approval, ticket: Ticket, config: WorkflowConfig): string {
  const choice = approvalPolicyFor(
    { kind: approval.kind, ...(approval.amount ? { amount: approval.amount } : {}) },
    ticket,
    config,
  );
  return choice.required ? choice.id : 'none';
}

interface ClockReplay {
  readonly ticket: Ticket;
  readonly escalations: string[];
  readonly approvals: string[];
}

/**
 * The recorded timeline under the config's clock: asked at creation, at every recorded moment and at each
 * `nextCheckAt` (as the timer does), up to `now`; its warnings and breaches go to the escalation paths.
 */
function replayClock(intake: Intake, timeline: Timeline, config: WorkflowConfig, now: Date): ClockReplay {
  const end = now.getTime();
  const createdAt = time(intake.ticket.createdAt);
  const escalations: string[] = [];
  const approvals = new Map<number, string>();
  const newId = () => intake.ticket.id;
  let ticket: Ticket = { ...intake.ticket, state: stateAt(timeline.states, createdAt) };

  const escalateFor = (cause: EscalationCause, at: number) => {
    const e = escalate(ticket, cause, config, { actor: REPLAY_ACTOR, at: new Date(at), newId });
    if (!e.ok) return;
    ticket = e.ticket;
    escalations.push(`${e.ticket.escalation?.path}:${e.ticket.escalation?.step}`);
  };
  const decideApprovals = (upTo: number) => {
    timeline.approvals.forEach((a, i) => {
      if (!approvals.has(i) && time(a.requestedAt) <= upTo)
        approvals.set(i, approvalChoice(a, ticket, config));
    });
  };

  if (createdAt <= end) escalateFor({ kind: 'ticket.created' }, createdAt);
  let t = Math.min(createdAt, end);
  for (let step = 0; step < MAX_STEPS; step++) {
    ticket = { ...ticket, state: stateAt(timeline.states, t) };
    if (intake.hasSla) {
      const record = recordSla({
        ticket,
        audit: timeline.stateChanges.filter((a) => time(a.at) <= t),
        messages: timeline.messages.filter((m) => time(m.createdAt) <= t),
        config,
        now: new Date(t),
        newId,
      });
      ticket = record.ticket;
      for (const event of record.events) escalateFor({ kind: event.type, target: event.detail.target }, t);
      const nextCheck = record.nextCheckAt === null ? undefined : time(record.nextCheckAt);
      decideApprovals(t);
      const nextMoment = timeline.moments.find((m) => m > t);
      const next = Math.min(nextCheck ?? Number.POSITIVE_INFINITY, nextMoment ?? Number.POSITIVE_INFINITY);
      if (t >= end) break;
      // The last look is at `now`, so what is still running reads as pending.
      t = next > end || !Number.isFinite(next) ? end : Math.max(next, t + 1);
    } else {
      decideApprovals(t);
      const next = timeline.moments.find((m) => m > t);
      if (t >= end) break;
      t = next === undefined || next > end ? end : next;
    }
  }
  // Requests recorded after `now` (or with unreadable times) are decided on the ticket as it ends up.
  decideApprovals(Number.POSITIVE_INFINITY);
  return {
    ticket,
    escalations,
    approvals: timeline.approvals.map((_, i) => approvals.get(i) ?? 'none'),
  };
}

interface Period {
  readonly state: TicketState;
  readonly from: number;
  readonly to: number;
  readonly before: TicketState | undefined;
}

/**
 * The recorded states without the automation's own resolutions and closings (the replayed config decides
 * those again), each with its span up to the next change or `now`.
 */
function periodsOf(history: TicketHistory, timeline: Timeline, end: number): Period[] {
  const manual = timeline.stateChanges.filter(
    (a) => !(a.actor.kind === AUTOMATION_ACTOR.kind && a.actor.id === AUTOMATION_ACTOR.id),
  );
  const states = stateHistory(history.ticket, manual);
  // The initial state is the recorded one even when the first recorded change was the automation's.
  const initial = timeline.states[0];
  if (initial && states[0]) states[0] = { ...states[0], state: initial.state };
  const periods: Period[] = [];
  states.forEach((s, i) => {
    const from = time(s.at);
    const next = states[i + 1];
    const to = Math.min(next ? time(next.at) : end, end);
    if (!Number.isFinite(from) || from > end) return;
    periods.push({ state: s.state, from, to: Math.max(from, to), before: states[i - 1]?.state });
  });
  return periods;
}

/** An audit entry the automation would have written for a planned action (what `plannedActions` reads). */
function doneEntry(ticket: Ticket, action: string, p: PlannedAction): AuditEvent {
  return {
    id: ticket.id,
    ticketId: ticket.id,
    seq: 1,
    at: p.at,
    actor: AUTOMATION_ACTOR,
    action,
    before: null,
    after: { since: p.since, dueAt: p.at, ...(p.round ? { round: p.round } : {}) },
  };
}

/**
 * What the config's automation would have done over the recorded time in each state: reminders while the
 * customer's move, status updates while another team's, and whether a resolved ticket would have closed.
 */
function replayAutomation(
  history: TicketHistory,
  replayed: Ticket,
  timeline: Timeline,
  pendingAt: (at: number) => string[],
  config: WorkflowConfig,
  now: Date,
): ReplayOutcome['automations'] {
  const end = now.getTime();
  let reminders = 0;
  let statusUpdates = 0;
  let autoClosed = false;
  const publicReplies = timeline.messages
    .filter((m) => m.direction === 'outbound' && m.visibility === 'public' && m.author.kind === 'agent')
    .map((m) => time(m.createdAt));

  const plan = (
    state: TicketState,
    period: { from: number; before: TicketState | undefined },
    at: number,
    done: AuditEvent[],
  ) => {
    const ticket: Ticket = { ...replayed, state, pendingApprovals: pendingAt(at) };
    const entered: AuditEvent[] =
      period.before === undefined
        ? []
        : [
            {
              id: ticket.id,
              ticketId: ticket.id,
              seq: 1,
              at: new Date(period.from).toISOString(),
              actor: REPLAY_ACTOR,
              action: 'ticket.state_changed',
              before: { state: period.before },
              after: { state },
            },
          ];
    return plannedActions({
      ticket:
        period.before === undefined ? { ...ticket, createdAt: new Date(period.from).toISOString() } : ticket,
      audit: [...entered, ...done],
      messages: timeline.messages.filter((m) => time(m.createdAt) <= at),
      config,
      now: new Date(at),
    });
  };
  // Due inside the period: before its recorded end, or by `now` when the period runs until now.
  const dueWithin = (at: string, to: number) => time(at) < to || (to === end && time(at) <= end);

  /** A resolved span: does the config's closing fall due in it? */
  const closes = (period: { from: number; before: TicketState | undefined }, to: number) => {
    const closing = plan('resolved', period, period.from, []).find((p) => p.action === 'auto_closed');
    return closing !== undefined && dueWithin(closing.at, to);
  };

  for (const period of periodsOf(history, timeline, end)) {
    if (AUTOMATION_WAITS.includes(period.state)) {
      let t = period.from;
      const done: AuditEvent[] = [];
      for (let step = 0; step < MAX_STEPS; step++) {
        const planned = plan(period.state, period, t, done);
        const reminder = planned.find((p) => p.action === 'reminder');
        const resolve = planned.find((p) => p.action === 'auto_resolved');
        const reply = publicReplies.find((r) => r > t && r < period.to);
        const reminderAt = reminder && dueWithin(reminder.at, period.to) ? time(reminder.at) : undefined;
        const resolveAt = resolve && dueWithin(resolve.at, period.to) ? time(resolve.at) : undefined;
        const first = Math.min(reminderAt ?? Infinity, resolveAt ?? Infinity, reply ?? Infinity);
        if (!Number.isFinite(first)) break;
        if (resolveAt === first) {
          // The config resolves it here for want of a reply (an ending due makes a reminder due at the
          // same moment moot, as in runAutomation); the rest of the span it is resolved.
          if (closes({ from: resolveAt, before: period.state }, period.to)) autoClosed = true;
          break;
        }
        if (reminder && reminderAt === first) {
          reminders += 1;
          done.push(doneEntry(replayed, 'automation.reminded', reminder));
          t = Math.max(t, reminderAt);
        } else if (reply !== undefined) {
          t = reply;
        } else break;
      }
    } else if (period.state === 'waiting_on_team') {
      let last: AuditEvent | undefined;
      let t = period.from;
      for (let step = 0; step < MAX_STEPS; step++) {
        // Only the latest update matters to the plan (the next one is due `every` after it).
        const update = plan(period.state, period, t, last ? [last] : []).find(
          (p) => p.action === 'status_update',
        );
        if (!update || !dueWithin(update.at, period.to) || time(update.at) < t) break;
        statusUpdates += 1;
        last = doneEntry(replayed, 'automation.status_updated', update);
        t = time(update.at);
      }
    } else if (period.state === 'resolved') {
      if (closes(period, period.to)) autoClosed = true;
    }
  }
  return { reminders, statusUpdates, autoClosed };
}

/** The ticket replayed under `config`: its intake, its SLA, escalations, approvals and automation. */
export function replayTicket(
  history: TicketHistory,
  config: WorkflowConfig,
  now: Date,
  options: ReplayOptions = {},
): ReplayOutcome {
  const draft = reconstructDraft(history, options.intakeConfig ?? config);
  const intake = replayIntake(history, draft, config);
  const timeline = timelineOf(history);
  const clock = replayClock(intake, timeline, config, now);
  const required = new Map(timeline.approvals.map((a, i) => [a.id, clock.approvals[i] !== 'none']));
  const pendingAt = (at: number) =>
    timeline.approvals
      .filter(
        (a) =>
          required.get(a.id) === true &&
          time(a.requestedAt) <= at &&
          (a.decidedAt === undefined || time(a.decidedAt) > at),
      )
      .map((a) => a.id);
  let automations: ReplayOutcome['automations'] = { reminders: 0, statusUpdates: 0, autoClosed: false };
  if (intake.hasSla) {
    automations = replayAutomation(history, intake.ticket, timeline, pendingAt, config, now);
  }
  const targets = new Map((clock.ticket.sla?.targets ?? []).map((t) => [t.target, t.status]));
  return {
    requestType: intake.ticket.requestType,
    priority: intake.ticket.priority,
    queue: intake.ticket.queue,
    tags: intake.ticket.tags.toSorted(),
    missingFields: intake.ticket.missingFields.toSorted(),
    needsInfo: intake.ticket.missingFields.length > 0,
    slaPolicy: intake.hasSla ? (intake.ticket.slaPolicy ?? 'none') : 'none',
    sla: {
      firstResponse: verdictOf(targets.get('firstResponse'), intake.hasSla),
      resolution: verdictOf(targets.get('resolution'), intake.hasSla),
    },
    escalations: clock.escalations,
    approvalsRequired: clock.approvals,
    automations,
    intakeIssues: intake.intakeIssues,
  };
}

/** The fields compared, in the order a report lists them. */
const COMPARED: ReadonlyArray<readonly [string, (o: ReplayOutcome) => unknown]> = [
  ['requestType', (o) => o.requestType],
  ['priority', (o) => o.priority],
  ['queue', (o) => o.queue],
  ['tags', (o) => o.tags],
  ['missingFields', (o) => o.missingFields],
  ['needsInfo', (o) => o.needsInfo],
  ['intakeIssues', (o) => o.intakeIssues],
  ['slaPolicy', (o) => o.slaPolicy],
  ['sla.firstResponse', (o) => o.sla.firstResponse],
  ['sla.resolution', (o) => o.sla.resolution],
  ['escalations', (o) => o.escalations],
  ['approvalsRequired', (o) => o.approvalsRequired],
  ['automations.reminders', (o) => o.automations.reminders],
  ['automations.statusUpdates', (o) => o.automations.statusUpdates],
  ['automations.autoClosed', (o) => o.automations.autoClosed],
];

/** What differs between two outcomes, field by field; [] when they are the same. */
export function compareOutcomes(before: ReplayOutcome, after: ReplayOutcome): ReplayChange[] {
  return COMPARED.flatMap(([field, read]) => {
    const a = read(before);
    const b = read(after);
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ field, before: a, after: b }];
  });
}

/** What in the history the replay cannot reproduce, in plain words (config-independent). */
function notesOf(history: TicketHistory): string[] {
  const { audit, triaged } = opening(history);
  const notes: string[] = [];
  if (triaged === undefined)
    notes.push('no ticket.triaged audit entry: the request was rebuilt from the ticket as it is now');
  else if (typeof triaged.requestTypeBy !== 'string')
    notes.push('recorded before requestTypeBy: whether the sender named the request type was inferred');
  const missingAtIntake = new Set(strings(triaged?.missingFields));
  const overwritten = [
    ...new Set(
      audit
        .filter((a) => a.action === 'ticket.context_supplied')
        .flatMap((a) => strings(a.after?.supplied))
        .filter((name) => !missingAtIntake.has(name)),
    ),
  ].sort();
  if (overwritten.length > 0)
    notes.push(
      `context supplied after intake overwrote ${overwritten.join(', ')}, given at intake; the audit keeps no earlier value, so the later one is replayed`,
    );
  const has = (pred: (a: AuditEvent) => boolean) => audit.some(pred);
  if (
    has(
      (a) =>
        (a.action === 'ticket.updated' || a.action === 'macro.applied') && a.after?.priority !== undefined,
    )
  )
    notes.push('an agent changed the priority after intake; the replay keeps the triaged priority');
  if (
    has(
      (a) =>
        a.action === 'ticket.handed_off' || (a.action === 'macro.applied' && a.after?.queue !== undefined),
    )
  )
    notes.push('the ticket was handed to another queue after intake; handoffs are not replayed');
  if (has((a) => a.action === 'ticket.escalated' && String(a.after?.cause ?? '').startsWith('manual:')))
    notes.push('an agent escalated the ticket by hand; manual escalations are not replayed');
  if (
    has(
      (a) =>
        a.action === 'ticket.state_changed' &&
        a.actor.id === AUTOMATION_ACTOR.id &&
        a.actor.kind === AUTOMATION_ACTOR.kind,
    )
  )
    notes.push('the automation resolved or closed the ticket; each config decides that again');
  return notes;
}

/** The ticket under the current and the candidate config, and what differs. */
export function whatIf(
  history: TicketHistory,
  current: WorkflowConfig,
  candidate: WorkflowConfig,
  now: Date,
): ReplayResult {
  // Both sides replay the same request: the one the current config is taken to have received.
  const before = replayTicket(history, current, now, { intakeConfig: current });
  const after = replayTicket(history, candidate, now, { intakeConfig: current });
  return {
    ticketId: history.ticket.id,
    reference: history.ticket.reference,
    createdAt: history.ticket.createdAt,
    before,
    after,
    changes: compareOutcomes(before, after),
    notes: notesOf(history),
  };
}

export interface WhatIfSummary {
  tickets: number;
  changed: number;
  changedByField: Record<string, number>;
  /** Share of tickets with a decided resolution verdict (met or breached) that met it; null when none. */
  slaAttainment: { before: number | null; after: number | null };
  /** SLA targets (first response and resolution, per ticket) breached after but not before. */
  breachesAdded: number;
  /** SLA targets breached before but not after. */
  breachesAvoided: number;
  /** Escalation steps taken, all tickets together. */
  escalations: { before: number; after: number };
  /** Recorded approval requests that would need an approval. */
  approvalsRequired: { before: number; after: number };
  /** Share of tickets that would open in needs_info; null when there are no tickets. */
  needsInfoRate: { before: number | null; after: number | null };
  /** By the queue the candidate routes to. */
  byQueue: Record<
    string,
    {
      tickets: number;
      changed: number;
      attainmentBefore: number | null;
      attainmentAfter: number | null;
      /** The counts the attainments are shares of (so summaries can be folded). */
      resolution: ResolutionCounts;
    }
  >;
  /** By the request type the candidate gives. */
  byRequestType: Record<string, { tickets: number; changed: number }>;
  /** The counts behind slaAttainment and needsInfoRate. */
  counts: { resolution: ResolutionCounts; needsInfo: { before: number; after: number } };
}

export interface ResolutionCounts {
  readonly metBefore: number;
  readonly decidedBefore: number;
  readonly metAfter: number;
  readonly decidedAfter: number;
}

const NO_RESOLUTIONS: ResolutionCounts = { metBefore: 0, decidedBefore: 0, metAfter: 0, decidedAfter: 0 };
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const decided = (v: SlaVerdict) => v === 'met' || v === 'breached';

function addResolution(
  counts: ResolutionCounts,
  r: Pick<ReplayResult, 'before' | 'after'>,
): ResolutionCounts {
  const b = r.before.sla.resolution;
  const a = r.after.sla.resolution;
  return {
    metBefore: counts.metBefore + (b === 'met' ? 1 : 0),
    decidedBefore: counts.decidedBefore + (decided(b) ? 1 : 0),
    metAfter: counts.metAfter + (a === 'met' ? 1 : 0),
    decidedAfter: counts.decidedAfter + (decided(a) ? 1 : 0),
  };
}

/** The summary of no tickets: the start of the fold. */
export function emptySummary(): WhatIfSummary {
  return {
    tickets: 0,
    changed: 0,
    changedByField: {},
    slaAttainment: { before: null, after: null },
    breachesAdded: 0,
    breachesAvoided: 0,
    escalations: { before: 0, after: 0 },
    approvalsRequired: { before: 0, after: 0 },
    needsInfoRate: { before: null, after: null },
    byQueue: {},
    byRequestType: {},
    counts: { resolution: NO_RESOLUTIONS, needsInfo: { before: 0, after: 0 } },
  };
}

/** One more ticket in the summary; returns a new summary (the given one is not changed). */
export function addToSummary(summary: WhatIfSummary, result: ReplayResult): WhatIfSummary {
  const changed = result.changes.length > 0 ? 1 : 0;
  const changedByField = { ...summary.changedByField };
  for (const c of result.changes)
    changedByField[c.field] =
      (Object.hasOwn(changedByField, c.field) ? (changedByField[c.field] ?? 0) : 0) + 1;
  let added = 0;
  let avoided = 0;
  for (const target of ['firstResponse', 'resolution'] as const) {
    const b = result.before.sla[target] === 'breached';
    const a = result.after.sla[target] === 'breached';
    if (a && !b) added += 1;
    if (b && !a) avoided += 1;
  }
  const resolution = addResolution(summary.counts.resolution, result);
  const needsInfo = {
    before: summary.counts.needsInfo.before + (result.before.needsInfo ? 1 : 0),
    after: summary.counts.needsInfo.after + (result.after.needsInfo ? 1 : 0),
  };
  const tickets = summary.tickets + 1;
  const queue = result.after.queue;
  const q = Object.hasOwn(summary.byQueue, queue) ? summary.byQueue[queue] : undefined;
  const qResolution = addResolution(q?.resolution ?? NO_RESOLUTIONS, result);
  const type = result.after.requestType;
  const rt = Object.hasOwn(summary.byRequestType, type) ? summary.byRequestType[type] : undefined;
  const required = (list: readonly string[]) => list.filter((p) => p !== 'none').length;
  return {
    tickets,
    changed: summary.changed + changed,
    changedByField,
    slaAttainment: {
      before: share(resolution.metBefore, resolution.decidedBefore),
      after: share(resolution.metAfter, resolution.decidedAfter),
    },
    breachesAdded: summary.breachesAdded + added,
    breachesAvoided: summary.breachesAvoided + avoided,
    escalations: {
      before: summary.escalations.before + result.before.escalations.length,
      after: summary.escalations.after + result.after.escalations.length,
    },
    approvalsRequired: {
      before: summary.approvalsRequired.before + required(result.before.approvalsRequired),
      after: summary.approvalsRequired.after + required(result.after.approvalsRequired),
    },
    needsInfoRate: { before: share(needsInfo.before, tickets), after: share(needsInfo.after, tickets) },
    byQueue: {
      ...summary.byQueue,
      [queue]: {
        tickets: (q?.tickets ?? 0) + 1,
        changed: (q?.changed ?? 0) + changed,
        attainmentBefore: share(qResolution.metBefore, qResolution.decidedBefore),
        attainmentAfter: share(qResolution.metAfter, qResolution.decidedAfter),
        resolution: qResolution,
      },
    },
    byRequestType: {
      ...summary.byRequestType,
      [type]: { tickets: (rt?.tickets ?? 0) + 1, changed: (rt?.changed ?? 0) + changed },
    },
    counts: { resolution, needsInfo },
  };
}

/** The run in figures: how many tickets changed and how, SLA attainment, escalations, approvals. */
export function summariseWhatIf(results: readonly ReplayResult[]): WhatIfSummary {
  return results.reduce(addToSummary, emptySummary());
}
