/**
 * Flow metrics (seed 000: backlog, aging, reopens, time to first response, time blocked; seed 003: FRT,
 * time to resolution, CSAT, backlog growth; "an issue seen more than 20 times a month deserves
 * documentation"). Pure: what one change of the table adds to the aggregates, how aggregates add up,
 * percentiles, and the KB-gap driver of a ticket. The stream consumer applies these increments once per
 * stream record; the API sums them over days.
 *
 * The back half of the lifecycle (issue 14) comes from the audit trail, which names who acted: reminders,
 * status updates and follow-ups the ticket's clock sent, "no reply" resolutions, and each closing by who
 * closed it (the clock after the quiet days, the customer's confirmation, an agent with a note, a merge),
 * with the time to close of tickets closed after resolution.
 */
import type { Approval } from './approvals';
import type { AuditEvent } from './audit';
import { ARTICLE_SOLVED, solvedCounters } from './deflection';
import type { BlockedOn, Ticket } from './ticket';

/** One aggregate cell: a day × queue × request type. */
export interface MetricKey {
  readonly day: string;
  readonly queue: string;
  readonly requestType: string;
}

/** What a change adds to its cell: counters (summed) and durations (appended, for exact percentiles). */
export interface MetricIncrement {
  readonly key: MetricKey;
  readonly counters: Readonly<Record<string, number>>;
  readonly firstResponseMinutes?: readonly number[];
  readonly resolutionHours?: readonly number[];
  /** Hours from creation to closing, for tickets closed after resolution (merged duplicates left out). */
  readonly closeHours?: readonly number[];
}

/** A request type plus the normalised subject: what customers keep asking about. */
export interface DriverIncrement {
  readonly day: string;
  readonly driver: string;
  readonly requestType: string;
  readonly label: string;
  readonly example: { readonly ticketId: string; readonly reference: string; readonly subject: string };
}

const day = (iso: string) => iso.slice(0, 10);
/** At most `n` characters (code points, so a surrogate pair is never cut in half). */
const clip = (text: string, n: number) => Array.from(text).slice(0, n).join('');
const BLOCK_KINDS: readonly BlockedOn[] = ['customer', 'team', 'approval'];
const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

const STOPWORDS = new Set(
  'a an and are as at be but by can cannot do does for from has have how i in is it its me my no not of on or our please re fw fwd the this to was we what when why with you your still again help issue problem question'.split(
    ' ',
  ),
);

/**
 * The driver of a ticket: request type + the subject's significant words (lower case, no references, ids,
 * numbers or punctuation, no stopwords), sorted so word order does not split a driver.
 */
/** Letters of a subject word a driver keeps (5 words × 32 letters × 4 bytes stays far below a key's 1 KB). */
export const DRIVER_WORD_LETTERS = 32;

export function driverOf(ticket: Pick<Ticket, 'requestType' | 'subject'>): { driver: string; label: string } {
  const words = ticket.subject
    .toLowerCase()
    .replace(/\[fd-\d+\]/g, ' ')
    .replace(/\b[a-z]*[-_]?\d[\w-]*\b/g, ' ')
    .replace(/[^\p{L}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOPWORDS.has(w))
    // A driver is a key part (at most 1,024 bytes in DynamoDB): a word counts by its first 32 letters.
    .map((w) => Array.from(w).slice(0, DRIVER_WORD_LETTERS).join(''));
  const significant = [...new Set(words)].sort().slice(0, 5);
  const label = significant.join(' ') || '(no subject words)';
  return { driver: `${ticket.requestType}#${label.replace(/\s+/g, '-')}`, label };
}

const keyOf = (ticket: Pick<Ticket, 'queue' | 'requestType'>, at: string): MetricKey => ({
  day: day(at),
  queue: ticket.queue,
  requestType: ticket.requestType,
});

/**
 * What a change of a ticket item (its old and new image) adds: created, resolved (with its resolution
 * time), reopened, closed, time blocked by kind (when a block ends), SLA targets met or breached (first
 * response time when the first-response target is met), escalations by tier; and the driver of a new ticket.
 */
export function ticketIncrements(
  previous: Ticket | undefined,
  ticket: Ticket,
): { increments: MetricIncrement[]; drivers: DriverIncrement[] } {
  const increments: MetricIncrement[] = [];
  const drivers: DriverIncrement[] = [];
  const add = (at: string, counters: Record<string, number>, extra: Partial<MetricIncrement> = {}) =>
    increments.push({ key: keyOf(ticket, at), counters, ...extra });

  if (!previous) {
    // Form tickets are the denominator of the deflection rate (issue 18) beside the form's deflections.
    add(ticket.createdAt, ticket.channel === 'form' ? { created: 1, createdForm: 1 } : { created: 1 });
    const { driver, label } = driverOf(ticket);
    drivers.push({
      day: day(ticket.createdAt),
      driver,
      requestType: ticket.requestType,
      label,
      example: { ticketId: ticket.id, reference: ticket.reference, subject: clip(ticket.subject, 200) },
    });
  }
  const before = previous?.state;
  if (previous && before !== ticket.state) {
    if (ticket.state === 'resolved')
      add(
        ticket.updatedAt,
        { resolved: 1 },
        { resolutionHours: [round2(minutesBetween(ticket.createdAt, ticket.updatedAt) / 60)] },
      );
    if (before === 'resolved' && ticket.state === 'in_progress') add(ticket.updatedAt, { reopened: 1 });
    if (ticket.state === 'closed') add(ticket.updatedAt, { closed: 1 });
  }
  const blocked: Record<string, number> = {};
  for (const kind of BLOCK_KINDS) {
    const delta = (ticket.timeBlockedSeconds[kind] ?? 0) - (previous?.timeBlockedSeconds[kind] ?? 0);
    if (delta > 0) blocked[`blockedSeconds_${kind}`] = delta;
  }
  if (Object.keys(blocked).length > 0) add(ticket.updatedAt, blocked);

  for (const target of ticket.sla?.targets ?? []) {
    const old = previous?.sla?.targets.find((t) => t.target === target.target);
    if (target.metAt && !old?.metAt) {
      add(
        target.metAt,
        { [`slaMet_${target.target}`]: 1, slaMet: 1 },
        target.target === 'firstResponse'
          ? { firstResponseMinutes: [round2(minutesBetween(ticket.createdAt, target.metAt))] }
          : {},
      );
    }
    if (target.breachedAt && !old?.breachedAt)
      add(target.breachedAt, { [`slaBreached_${target.target}`]: 1, slaBreached: 1 });
  }
  const esc = ticket.escalation;
  if (esc && (esc.path !== previous?.escalation?.path || esc.step !== previous?.escalation?.step)) {
    add(esc.escalatedAt, { [`escalations_tier${esc.tier}`]: 1, escalations: 1 });
  }
  incidentIncrements(previous, ticket, add);
  return { increments, drivers };
}

/**
 * Incidents (issue 17), from the incident's own item: declared (counted once), tickets linked to it (the
 * change in its `affects` links), and its first public update (minutes from declaring it, summed with a
 * count so a range averages them).
 */
function incidentIncrements(
  previous: Ticket | undefined,
  ticket: Ticket,
  add: (at: string, counters: Record<string, number>) => void,
): void {
  const details = ticket.incident;
  if (ticket.kind !== 'incident' || !details) return;
  if (previous?.kind !== 'incident') add(details.declaredAt, { incidentsDeclared: 1 });
  const affects = (t: Ticket | undefined) => t?.links.filter((l) => l.relation === 'affects').length ?? 0;
  const linked = affects(ticket) - (previous?.kind === 'incident' ? affects(previous) : 0);
  if (linked !== 0) add(ticket.updatedAt, { incidentTicketsLinked: linked });
  if (details.firstUpdateAt && !previous?.incident?.firstUpdateAt)
    add(details.firstUpdateAt, {
      incidentFirstUpdates: 1,
      incidentFirstUpdateMinutes: round2(
        Math.max(0, minutesBetween(details.declaredAt, details.firstUpdateAt)),
      ),
    });
}

/** Credits asked for and approved (counts and amounts per currency), attributed to the ticket's cell. */
export function approvalIncrements(
  previous: Approval | undefined,
  approval: Approval,
  ticket: Pick<Ticket, 'queue' | 'requestType'>,
): MetricIncrement[] {
  if (approval.kind !== 'credit' || !approval.amount) return [];
  const out: MetricIncrement[] = [];
  const currency = approval.amount.currency;
  if (!previous)
    out.push({
      key: keyOf(ticket, approval.requestedAt),
      counters: { creditsRequested: 1, [`creditsRequestedAmount_${currency}`]: approval.amount.value },
    });
  if (approval.state === 'approved' && previous?.state !== 'approved')
    out.push({
      key: keyOf(ticket, approval.decidedAt ?? approval.requestedAt),
      counters: { creditsApproved: 1, [`creditsApprovedAmount_${currency}`]: approval.amount.value },
    });
  return out;
}

/** A CSAT answer, attributed to the ticket's cell on the day it was given. */
export function csatIncrement(
  score: number,
  at: string,
  ticket: Pick<Ticket, 'queue' | 'requestType'>,
): MetricIncrement {
  return { key: keyOf(ticket, at), counters: { csatCount: 1, csatSum: score, [`csat_${score}`]: 1 } };
}

/** Audit actions that count in the flow metrics (the projection reads the ticket only for these). */
export const FLOW_AUDIT_ACTIONS: ReadonlySet<string> = new Set([
  'csat.submitted',
  'automation.reminded',
  'automation.status_updated',
  'automation.followed_up',
  'automation.auto_resolved',
  'ticket.state_changed',
  'ticket.merged',
  ARTICLE_SOLVED,
]);

const SENT_BY_THE_CLOCK: Readonly<Record<string, string>> = {
  'automation.reminded': 'remindersSent',
  'automation.status_updated': 'statusUpdatesSent',
  'automation.followed_up': 'followUpsSent',
  'automation.auto_resolved': 'resolvedNoReply',
};

/** Who closed a ticket, as the closures split counts it. */
export type ClosedBy = 'automation' | 'customer' | 'agent' | 'merge' | 'other';

function closedBy(audit: Pick<AuditEvent, 'action' | 'actor'>): ClosedBy {
  if (audit.action === 'ticket.merged') return 'merge';
  const { kind, id } = audit.actor;
  if (kind === 'system' && id === 'automation') return 'automation';
  return kind === 'customer' || kind === 'agent' ? kind : 'other';
}

const isScore = (score: number) => Number.isInteger(score) && score >= 1 && score <= 5;
const closes = (audit: Pick<AuditEvent, 'action' | 'after'>) =>
  (audit.action === 'ticket.state_changed' || audit.action === 'ticket.merged') &&
  audit.after?.state === 'closed';

/** Whether an audit entry adds anything to the flow metrics (the projection reads its ticket only then). */
export function countsInFlowMetrics(audit: Pick<AuditEvent, 'action' | 'after'>): boolean {
  if (audit.action === 'csat.submitted') return isScore(Number(audit.after?.score));
  if (audit.action === ARTICLE_SOLVED) return true;
  return Object.hasOwn(SENT_BY_THE_CLOCK, audit.action) || closes(audit);
}

/**
 * What an audit entry adds, in its ticket's cell on the day it was written: a CSAT answer; a reminder,
 * status update or follow-up the ticket's clock recorded (`automation.*`; the notifier mails it unless the
 * requester is a robot); a "no reply" resolution; a closing, counted by who closed it (`closedBy_<who>`),
 * with the time to close (creation → closing, like resolution time) unless it was a merge. Anything else:
 * nothing.
 */
export function auditIncrement(
  audit: Pick<AuditEvent, 'action' | 'actor' | 'after' | 'at'>,
  ticket: Pick<Ticket, 'queue' | 'requestType' | 'createdAt'>,
): MetricIncrement | undefined {
  if (!countsInFlowMetrics(audit)) return undefined;
  if (audit.action === 'csat.submitted') return csatIncrement(Number(audit.after?.score), audit.at, ticket);
  if (audit.action === ARTICLE_SOLVED)
    return { key: keyOf(ticket, audit.at), counters: solvedCounters(audit.after) };
  const sent = SENT_BY_THE_CLOCK[audit.action];
  if (sent) return { key: keyOf(ticket, audit.at), counters: { [sent]: 1 } };
  // A closing (countsInFlowMetrics let nothing else through).
  const by = closedBy(audit);
  return {
    key: keyOf(ticket, audit.at),
    counters: { [`closedBy_${by}`]: 1 },
    ...(by === 'merge' ? {} : { closeHours: [round2(minutesBetween(ticket.createdAt, audit.at) / 60)] }),
  };
}

/** The aggregate of one cell (or any sum of cells). */
export interface Aggregate {
  counters: Record<string, number>;
  firstResponseMinutes: number[];
  resolutionHours: number[];
  closeHours: number[];
}

export const emptyAggregate = (): Aggregate => ({
  counters: {},
  firstResponseMinutes: [],
  resolutionHours: [],
  closeHours: [],
});

export function addInto(
  into: Aggregate,
  part: Pick<MetricIncrement, 'counters' | 'firstResponseMinutes' | 'resolutionHours' | 'closeHours'>,
): Aggregate {
  for (const [name, n] of Object.entries(part.counters)) into.counters[name] = (into.counters[name] ?? 0) + n;
  into.firstResponseMinutes.push(...(part.firstResponseMinutes ?? []));
  into.resolutionHours.push(...(part.resolutionHours ?? []));
  into.closeHours.push(...(part.closeHours ?? []));
  return into;
}

/** Nearest-rank percentile (p in 0..100); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** The numbers a dashboard shows for an aggregate (one day, or a range). */
export function flowNumbers(a: Aggregate) {
  const c = (name: string) => a.counters[name] ?? 0;
  const byPrefix = (prefix: string) =>
    Object.fromEntries(
      Object.entries(a.counters)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  const hours = (s: number) => round2(s / 3600);
  return {
    created: c('created'),
    resolved: c('resolved'),
    reopened: c('reopened'),
    closed: c('closed'),
    firstResponse: {
      count: a.firstResponseMinutes.length,
      p50Minutes: percentile(a.firstResponseMinutes, 50),
      p90Minutes: percentile(a.firstResponseMinutes, 90),
    },
    resolution: {
      count: a.resolutionHours.length,
      p50Hours: percentile(a.resolutionHours, 50),
      p90Hours: percentile(a.resolutionHours, 90),
    },
    /** Who closed: the clock after the quiet days, the customer's confirmation, an agent with a note, a merge. */
    closures: {
      auto: c('closedBy_automation'),
      confirmed: c('closedBy_customer'),
      agent: c('closedBy_agent'),
      merged: c('closedBy_merge'),
      other: c('closedBy_other'),
    },
    /** Creation → closing, for tickets closed after resolution (merged duplicates left out). */
    timeToClose: {
      count: a.closeHours.length,
      p50Hours: percentile(a.closeHours, 50),
      p90Hours: percentile(a.closeHours, 90),
    },
    /** What the ticket's clock did on its own. */
    automation: {
      remindersSent: c('remindersSent'),
      statusUpdatesSent: c('statusUpdatesSent'),
      followUpsSent: c('followUpsSent'),
      resolvedNoReply: c('resolvedNoReply'),
    },
    blockedHours: {
      customer: hours(c('blockedSeconds_customer')),
      team: hours(c('blockedSeconds_team')),
      approval: hours(c('blockedSeconds_approval')),
    },
    sla: { met: c('slaMet'), breached: c('slaBreached') },
    escalations: {
      tier1: c('escalations_tier1'),
      tier2: c('escalations_tier2'),
      tier3: c('escalations_tier3'),
    },
    csat: { count: c('csatCount'), sum: c('csatSum') },
    /** Incidents declared, tickets linked to them, and their first public updates (minutes summed). */
    incidents: {
      declared: c('incidentsDeclared'),
      ticketsLinked: c('incidentTicketsLinked'),
      firstUpdates: c('incidentFirstUpdates'),
      firstUpdateMinutesSum: c('incidentFirstUpdateMinutes'),
    },
    /**
     * Tier 0 (issue 18): deflections the forms recorded, tickets filed through a form, tickets the customer
     * resolved from an article of their acknowledgement, "this solved it" answers, article views by source.
     */
    deflection: {
      deflections: c('deflections'),
      formTickets: c('createdForm'),
      selfServed: c('selfServed'),
      solved: c('articleSolved'),
      articleViews: c('articleViews'),
      viewsBySource: byPrefix('articleViews_'),
    },
    credits: {
      requested: c('creditsRequested'),
      approved: c('creditsApproved'),
      requestedAmount: byPrefix('creditsRequestedAmount_'),
      approvedAmount: byPrefix('creditsApprovedAmount_'),
    },
  };
}

/** Range totals with the rates leads read at a glance. */
export function totals(a: Aggregate) {
  const n = flowNumbers(a);
  const judged = n.sla.met + n.sla.breached;
  return {
    ...n,
    reopenRate: n.resolved > 0 ? round2(n.reopened / n.resolved) : null,
    slaAttainment: judged > 0 ? round2(n.sla.met / judged) : null,
    csatAverage: n.csat.count > 0 ? round2(n.csat.sum / n.csat.count) : null,
    ticketsPerIncident:
      n.incidents.declared > 0 ? round2(n.incidents.ticketsLinked / n.incidents.declared) : null,
    /** Deflections ÷ (deflections + form tickets): how often the form's suggestions answered instead. */
    deflectionRate: deflectionRate(n.deflection),
    minutesToFirstIncidentUpdate:
      n.incidents.firstUpdates > 0
        ? round2(n.incidents.firstUpdateMinutesSum / n.incidents.firstUpdates)
        : null,
  };
}

function deflectionRate(d: { deflections: number; formTickets: number }): number | null {
  const asked = d.deflections + d.formTickets;
  return asked > 0 ? round2(d.deflections / asked) : null;
}

/** Open tickets by age, as of `now`. */
export function agingBuckets(createdAts: readonly string[], now: Date) {
  const buckets = { lt1d: 0, d1to3: 0, d3to7: 0, d7to30: 0, gt30d: 0 };
  for (const at of createdAts) {
    const days = (now.getTime() - Date.parse(at)) / 86_400_000;
    if (days < 1) buckets.lt1d++;
    else if (days < 3) buckets.d1to3++;
    else if (days < 7) buckets.d3to7++;
    else if (days < 30) buckets.d7to30++;
    else buckets.gt30d++;
  }
  return buckets;
}

/** The days from `from` to `to` inclusive (YYYY-MM-DD, UTC). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
