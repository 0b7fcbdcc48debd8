import type { WorkflowConfig } from '../config/schema';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import { ALWAYS_OPEN, ALWAYS_OPEN_CALENDAR, type BusinessCalendar } from './calendar';
import { nextRevision } from './conversation';
import { DomainError } from './errors';
import type { SlaBreachedEvent, SlaWarningEvent } from './events';
import { evaluateSla, type SlaPolicy, type SlaStateChange, type SlaTargetResult } from './sla-clock';
import { type Message, type Ticket, TicketSlaTarget, TicketState } from './ticket';

// The SLA as the workflow sees it: which policy a ticket is on (account tier × priority), its state
// history from the audit trail, and what the clock's answer means for the ticket — targets to record,
// warnings and breaches to announce once, and when to look again.

export class UnknownSlaPolicyError extends DomainError {
  override readonly name = 'UnknownSlaPolicyError';
  readonly code = 'CONFIG.UNKNOWN_SLA_POLICY';
}

export interface ResolvedSlaPolicy {
  /** `<policy>/<priority>`, as recorded on the ticket. */
  readonly id: string;
  readonly policy: SlaPolicy;
  readonly calendar: BusinessCalendar;
}

/** The account tier picks the policy, the priority picks its targets. */
export function slaPolicyFor(
  ticket: Pick<Ticket, 'priority' | 'account'>,
  config: Pick<WorkflowConfig, 'sla'>,
): ResolvedSlaPolicy {
  const tier = ticket.account?.tier;
  const name =
    (tier !== undefined && Object.hasOwn(config.sla.policyByAccountTier, tier)
      ? config.sla.policyByAccountTier[tier]
      : undefined) ?? config.sla.defaultPolicy;
  const spec = config.sla.policies[name];
  const targets = spec?.targets[ticket.priority];
  if (!spec || !targets) throw new UnknownSlaPolicyError(`no SLA policy "${name}" for ${ticket.priority}`);
  const calendar = spec.calendar === ALWAYS_OPEN_CALENDAR ? ALWAYS_OPEN : config.sla.calendars[spec.calendar];
  if (!calendar)
    throw new UnknownSlaPolicyError(`SLA policy "${name}" names unknown calendar ${spec.calendar}`);
  return {
    id: `${name}/${ticket.priority}`,
    calendar,
    policy: {
      ...targets,
      warnAtShare: spec.warnAtShare,
      calendar: spec.calendar,
      pauseStates: spec.pauseStates,
    },
  };
}

/** The ticket's states over time, from its audit trail (creation first). */
export function stateHistory(
  ticket: Pick<Ticket, 'state' | 'createdAt'>,
  audit: readonly AuditEvent[],
): SlaStateChange[] {
  const changes = audit
    .filter((a) => a.action === 'ticket.state_changed')
    .toSorted((a, b) => a.seq - b.seq)
    .flatMap((a) => {
      const before = TicketState.safeParse(a.before?.state);
      const after = TicketState.safeParse(a.after?.state);
      return after.success
        ? [{ at: a.at, before: before.success ? before.data : undefined, state: after.data }]
        : [];
    });
  const initial = changes[0]?.before ?? ticket.state;
  return [{ at: ticket.createdAt, state: initial }, ...changes.map(({ at, state }) => ({ at, state }))];
}

/** What the response targets look at in a conversation. */
export function responseMoments(messages: readonly Message[]): {
  firstResponseAt?: string;
  lastCustomerMessageAt?: string;
  lastAgentReplyAt?: string;
} {
  const sorted = messages.toSorted((a, b) => a.createdAt.localeCompare(b.createdAt));
  const agentReplies = sorted.filter(
    (m) => m.direction === 'outbound' && m.visibility === 'public' && m.author.kind === 'agent',
  );
  // Auto-replies, list mail and bounces are not the customer writing: they start no next-response clock.
  const customer = sorted.filter(
    (m) =>
      m.direction === 'inbound' &&
      m.author.kind === 'customer' &&
      (m.mailClass === undefined || m.mailClass === 'human'),
  );
  const first = agentReplies[0]?.createdAt;
  const lastReply = agentReplies.at(-1)?.createdAt;
  const lastCustomer = customer.at(-1)?.createdAt;
  return {
    ...(first ? { firstResponseAt: first } : {}),
    ...(lastReply ? { lastAgentReplyAt: lastReply } : {}),
    ...(lastCustomer ? { lastCustomerMessageAt: lastCustomer } : {}),
  };
}

export interface SlaRecord {
  /** The ticket with its SLA targets recorded (a new revision only when `changed`). */
  readonly ticket: Ticket;
  readonly changed: boolean;
  readonly audit: AuditEvent[];
  /** Warnings before breaches, each target's once. */
  readonly events: Array<SlaWarningEvent | SlaBreachedEvent>;
  /** The next moment the clock's answer can change; null when nothing runs (paused, met, closed). */
  readonly nextCheckAt: string | null;
}

const SLA_ACTOR: Actor = { kind: 'system', id: 'sla-clock' };

function startOf(result: SlaTargetResult, ticket: Ticket, moments: ReturnType<typeof responseMoments>) {
  return result.target === 'nextResponse'
    ? (moments.lastCustomerMessageAt ?? ticket.createdAt)
    : ticket.createdAt;
}

/**
 * Asks the clock about a ticket and says what to record. Warnings and breaches are announced once per
 * target (and per start, for next response, which restarts with each customer message); a breach never
 * comes without its warning first. Recording is a change only when a target's standing changed, so
 * re-asking the clock about an unchanged ticket writes nothing.
 */
export function recordSla(input: {
  ticket: Ticket;
  audit: readonly AuditEvent[];
  messages: readonly Message[];
  config: Pick<WorkflowConfig, 'sla'>;
  now: Date;
  newId: () => string;
}): SlaRecord {
  const { ticket, now } = input;
  const resolved = slaPolicyFor(ticket, input.config);
  const moments = responseMoments(input.messages);
  const evaluation = evaluateSla({
    policy: resolved.policy,
    calendar: resolved.calendar,
    history: stateHistory(ticket, input.audit),
    ...moments,
    now,
  });

  // Kept across policy changes (a priority change): a recorded warning or breach stays a fact.
  const previous = new Map((ticket.sla?.targets ?? []).map((t) => [t.target, t]));
  const pending: Array<{ kind: 'warning' | 'breach' | 'met'; target: TicketSlaTarget; at: string }> = [];
  const targets: TicketSlaTarget[] = evaluation.targets.map((result) => {
    const startedAt = startOf(result, ticket, moments);
    const before = previous.get(result.target);
    const same = before?.startedAt === undefined || before.startedAt === startedAt ? before : undefined;
    const warnReached =
      result.status === 'warning' ||
      result.status === 'breached' ||
      (result.warnAt !== null && result.warnAt <= now.toISOString());
    const record: TicketSlaTarget = {
      target: result.target,
      status: result.status,
      dueAt: result.dueAt,
      warnAt: result.warnAt,
      startedAt,
      ...(same?.warnedAt ? { warnedAt: same.warnedAt } : {}),
      ...(same?.breachedAt ? { breachedAt: same.breachedAt } : {}),
      ...(result.metAt ? { metAt: result.metAt } : {}),
    };
    if (warnReached && !record.warnedAt && result.status !== 'met') {
      const at = result.warnAt ?? result.breachedAt ?? now.toISOString();
      Object.assign(record, { warnedAt: at });
      pending.push({ kind: 'warning', target: record, at });
    }
    if (result.status === 'breached' && result.breachedAt && !record.breachedAt) {
      Object.assign(record, { breachedAt: result.breachedAt });
      pending.push({ kind: 'breach', target: record, at: result.breachedAt });
    }
    if (result.status === 'met' && result.metAt && !same?.metAt) {
      pending.push({ kind: 'met', target: record, at: result.metAt });
    }
    return record;
  });

  // In the schema's key order, so a ticket read back from storage compares equal to a fresh record.
  const strip = (list: readonly TicketSlaTarget[]) =>
    JSON.stringify(list.map((t) => TicketSlaTarget.parse(t)));
  const changed =
    ticket.sla?.policy !== resolved.id ||
    ticket.slaPolicy !== resolved.id ||
    strip(ticket.sla?.targets ?? []) !== strip(targets);
  if (!changed) return { ticket, changed: false, audit: [], events: [], nextCheckAt: evaluation.nextCheckAt };

  // Warnings before breaches (in time order), so consumers and the audit trail read in order.
  pending.sort((a, b) => a.at.localeCompare(b.at) || order(a.kind) - order(b.kind));
  let next = nextRevision(ticket, now);
  next = {
    ...next,
    slaPolicy: resolved.id,
    sla: { policy: resolved.id, targets, evaluatedAt: now.toISOString() },
    auditSeq: ticket.auditSeq + pending.length,
  };
  const audit = pending.map((p, i) =>
    auditEvent({
      newId: input.newId,
      ticketId: ticket.id,
      seq: ticket.auditSeq + i + 1,
      at: now,
      actor: SLA_ACTOR,
      action: p.kind === 'warning' ? 'sla.warned' : p.kind === 'breach' ? 'sla.breached' : 'sla.met',
      before: null,
      after: {
        policy: resolved.id,
        target: p.target.target,
        dueAt: p.target.dueAt,
        ...(p.kind === 'met'
          ? { metAt: p.at }
          : p.kind === 'breach'
            ? { breachedAt: p.at }
            : { warnedAt: p.at }),
      },
    }),
  );
  const events = pending.flatMap((p): Array<SlaWarningEvent | SlaBreachedEvent> => {
    if (p.kind === 'met') return [];
    const detail = {
      ticketId: ticket.id,
      version: next.version,
      occurredAt: now.toISOString(),
      reference: ticket.reference,
      policy: resolved.id,
      target: p.target.target,
      dueAt: p.target.dueAt ?? p.target.breachedAt ?? p.at,
      priority: ticket.priority,
      queue: ticket.queue,
    };
    return [p.kind === 'warning' ? { type: 'sla.warning', detail } : { type: 'sla.breached', detail }];
  });
  return { ticket: next, changed: true, audit, events, nextCheckAt: evaluation.nextCheckAt };
}

const order = (kind: 'warning' | 'breach' | 'met') => (kind === 'met' ? 0 : kind === 'warning' ? 1 : 2);

/** A new ticket's SLA: its policy and targets as of its opening (nothing can be due yet). */
export function openingSla(
  ticket: Ticket,
  messages: readonly Message[],
  config: Pick<WorkflowConfig, 'sla'>,
  now: Date,
): Pick<Ticket, 'slaPolicy' | 'sla'> {
  const recorded = recordSla({ ticket, audit: [], messages, config, now, newId: () => '' });
  return {
    slaPolicy: recorded.ticket.slaPolicy,
    ...(recorded.ticket.sla ? { sla: recorded.ticket.sla } : {}),
  };
}
