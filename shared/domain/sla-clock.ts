import { addBusinessTime, type BusinessCalendar, businessTimeBetween } from './calendar';
import { DomainError } from './errors';
import { IsoDateTime, TicketState } from './ticket';
import * as z from './zod';

// The SLA clock: given a policy, its calendar and the ticket's state history, when is each target
// due and where does it stand. Pure, so the timer workflow can just loop
// `wait until nextCheckAt → ask the clock` and never cancel a timer when a ticket pauses.
//
// The model: a target's clock counts open business time from its start while the ticket is in a
// counting state (not a pause state, not resolved/closed). It is met by its stop event, breached
// when the counted time reaches the target first. Which policy applies (priority, request type) is
// the caller's choice; the clock only does the arithmetic.

const STOP_STATES: ReadonlySet<TicketState> = new Set<TicketState>(['resolved', 'closed']);

const targetMinutes = z.int().check(z.minimum(1, 'must be at least 1 minute'));

export const SlaPolicySchema = z
  .object({
    firstResponseMinutes: targetMinutes,
    /** Time to answer a customer's message that arrives after the first response; absent = no target. */
    nextResponseMinutes: z.optional(targetMinutes),
    resolutionMinutes: targetMinutes,
    /** Share of a target's time after which it warns (0.8 = at 80 %). */
    warnAtShare: z.number().check(z.gte(0), z.lte(1)),
    /** The name of a business calendar (`24x7` for always open). */
    calendar: z.string().check(z.minLength(1)),
    /** States in which no target's clock runs. */
    pauseStates: z._default(z.array(TicketState), ['waiting_on_customer']),
  })
  .check(
    z.superRefine((policy, ctx) => {
      policy.pauseStates.forEach((state, i) => {
        if (STOP_STATES.has(state)) {
          ctx.addIssue({
            code: 'custom',
            path: ['pauseStates', i],
            message: `${state} stops the clock already; it cannot be a pause state`,
          });
        }
      });
    }),
  );
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;
export type SlaPolicyInput = z.input<typeof SlaPolicySchema>;

/** One entry of a ticket's state history: the state it entered and when. */
export const SlaStateChangeSchema = z.object({ at: IsoDateTime, state: TicketState });
export type SlaStateChange = z.infer<typeof SlaStateChangeSchema>;

export const slaTargets = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaTarget = (typeof slaTargets)[number];

export const slaStatuses = ['running', 'paused', 'met', 'breached', 'warning'] as const;
export type SlaStatus = (typeof slaStatuses)[number];

export interface SlaInput {
  readonly policy: SlaPolicy;
  readonly calendar: BusinessCalendar;
  /** State changes in order, the first one being the ticket's creation. */
  readonly history: readonly SlaStateChange[];
  /** The first public agent reply. */
  readonly firstResponseAt?: string | undefined;
  /** The customer's latest message and the agent's latest reply: together they drive next response. */
  readonly lastCustomerMessageAt?: string | undefined;
  readonly lastAgentReplyAt?: string | undefined;
  /** When the ticket was resolved, if it is resolved now; derived from the history when absent. */
  readonly resolvedAt?: string | undefined;
  readonly now: Date;
}

export interface SlaTargetResult {
  readonly target: SlaTarget;
  /** When the target is (or was) due; null while paused (the due time moves) and once met. */
  readonly dueAt: string | null;
  /** When it warns (or warned); null while paused and once met. */
  readonly warnAt: string | null;
  readonly status: SlaStatus;
  /** Business time counted so far, pauses excluded. */
  readonly elapsedMs: number;
  readonly metAt?: string;
  readonly breachedAt?: string;
}

export interface SlaEvaluation {
  readonly targets: readonly SlaTargetResult[];
  /** The earliest future moment a status can change (a warning or a due time); null when none can. */
  readonly nextCheckAt: string | null;
}

export class InvalidSlaInputError extends DomainError {
  override readonly name = 'InvalidSlaInputError';
  readonly code = 'SLA.INVALID_INPUT';
}

interface Segment {
  readonly from: number;
  readonly to: number;
  readonly state: TicketState;
  readonly counts: boolean;
}

function instant(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new InvalidSlaInputError(`${what} is not a date-time: ${JSON.stringify(iso)}`);
  return ms;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Defined and not in the future: the clock answers as of `now`. */
function happened(iso: string | undefined, what: string, now: number): number | undefined {
  if (iso === undefined) return undefined;
  const ms = instant(iso, what);
  return ms <= now ? ms : undefined;
}

/**
 * The history as back-to-back segments up to `now`. Entries are taken in the order given (audit
 * order); a timestamp earlier than its predecessor (clock skew between writers) counts as equal.
 */
function segmentsOf(history: readonly SlaStateChange[], pause: ReadonlySet<TicketState>, now: number) {
  const segments: Segment[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  const times = history.map((change, i) => {
    previous = Math.max(previous, instant(change.at, `history[${i}].at`));
    return previous;
  });
  history.forEach((change, i) => {
    const from = times[i] ?? 0;
    if (from > now) return;
    const to = Math.min(times[i + 1] ?? Number.POSITIVE_INFINITY, now);
    segments.push({
      from,
      to,
      state: change.state,
      counts: !pause.has(change.state) && !STOP_STATES.has(change.state),
    });
  });
  return segments;
}

/** The first moment at or after `since` the ticket entered resolved or closed (not after now). */
function firstStopAt(segments: readonly Segment[], since: number): number | undefined {
  return segments.find((s) => s.from >= since && STOP_STATES.has(s.state))?.from;
}

interface TargetSpec {
  readonly target: SlaTarget;
  readonly start: number;
  readonly amount: number;
  /** When the target was satisfied, if it was (not after now). */
  readonly metAt: number | undefined;
}

interface Evaluated {
  readonly result: SlaTargetResult;
  /** The next moment this target's status can change, if it is running. */
  readonly nextChange: number | undefined;
}

function evaluateTarget(
  spec: TargetSpec,
  segments: readonly Segment[],
  calendar: BusinessCalendar,
  warnAtShare: number,
  now: number,
): Evaluated {
  const metAt = spec.metAt === undefined ? undefined : Math.max(spec.metAt, spec.start);
  const end = metAt ?? now;
  const warnAmount = Math.round(spec.amount * warnAtShare);
  let elapsed = 0;
  let warnedAt: number | undefined;
  let breachedAt: number | undefined;
  for (const segment of segments) {
    if (!segment.counts) continue;
    const from = Math.max(segment.from, spec.start);
    const to = Math.min(segment.to, end);
    if (to <= from) continue;
    const counted = businessTimeBetween(calendar, new Date(from), new Date(to));
    const reach = (amount: number) => addBusinessTime(calendar, new Date(from), amount - elapsed).getTime();
    if (warnedAt === undefined && elapsed + counted >= warnAmount) warnedAt = reach(warnAmount);
    if (breachedAt === undefined && elapsed + counted >= spec.amount) breachedAt = reach(spec.amount);
    elapsed += counted;
  }

  const result = (
    status: SlaStatus,
    dueAt: number | null,
    warnAt: number | null,
    extra: Pick<SlaTargetResult, 'metAt' | 'breachedAt'> = {},
  ): SlaTargetResult => ({
    target: spec.target,
    status,
    dueAt: dueAt === null ? null : iso(dueAt),
    warnAt: warnAt === null ? null : iso(warnAt),
    elapsedMs: elapsed,
    ...extra,
  });

  // Reaching the target at the very moment it is met is on time.
  if (breachedAt !== undefined && breachedAt !== metAt) {
    return {
      result: result('breached', breachedAt, warnedAt ?? breachedAt, { breachedAt: iso(breachedAt) }),
      nextChange: undefined,
    };
  }
  if (metAt !== undefined) {
    return { result: result('met', null, null, { metAt: iso(metAt) }), nextChange: undefined };
  }
  const current = segments.at(-1);
  if (current?.counts !== true || spec.start > now) {
    return { result: result('paused', null, null), nextChange: undefined };
  }
  const dueAt = addBusinessTime(calendar, new Date(now), spec.amount - elapsed).getTime();
  // Only with a zero warning share before any time counted: the warning is due from the start.
  if (warnedAt === undefined && warnAmount <= elapsed) warnedAt = now;
  if (warnedAt !== undefined) return { result: result('warning', dueAt, warnedAt), nextChange: dueAt };
  const warnAt = addBusinessTime(calendar, new Date(now), warnAmount - elapsed).getTime();
  return { result: result('running', dueAt, warnAt), nextChange: warnAt };
}

/**
 * Where each SLA target of a ticket stands at `now`.
 *
 * - firstResponse: from creation until `firstResponseAt`, or until the ticket is first resolved.
 * - nextResponse (only with `policy.nextResponseMinutes`, once the first response was given and the
 *   customer wrote after it): from `lastCustomerMessageAt` until `lastAgentReplyAt` (or resolution).
 * - resolution: from creation until resolved; time spent resolved before a reopen does not count.
 *
 * Paused targets never breach; a breach stays a breach once the target is met late.
 */
export function evaluateSla(input: SlaInput): SlaEvaluation {
  const { policy, calendar, history } = input;
  const now = input.now.getTime();
  if (!Number.isFinite(now)) throw new InvalidSlaInputError('now is not a valid date');
  const created = history[0];
  if (created === undefined)
    throw new InvalidSlaInputError('the state history is empty; it starts at creation');
  const createdAt = instant(created.at, 'history[0].at');
  const segments = segmentsOf(history, new Set(policy.pauseStates), now);
  const minutes = (n: number) => n * 60_000;

  const specs: TargetSpec[] = [];
  const firstResponse = [
    happened(input.firstResponseAt, 'firstResponseAt', now),
    firstStopAt(segments, createdAt),
  ]
    .filter((t) => t !== undefined)
    .reduce<number | undefined>((a, b) => (a === undefined ? b : Math.min(a, b)), undefined);
  specs.push({
    target: 'firstResponse',
    start: createdAt,
    amount: minutes(policy.firstResponseMinutes),
    metAt: firstResponse,
  });

  const customerAt = happened(input.lastCustomerMessageAt, 'lastCustomerMessageAt', now);
  if (
    policy.nextResponseMinutes !== undefined &&
    customerAt !== undefined &&
    firstResponse !== undefined &&
    customerAt > firstResponse
  ) {
    const replyAt = happened(input.lastAgentReplyAt, 'lastAgentReplyAt', now);
    const answeredAt = replyAt !== undefined && replyAt >= customerAt ? replyAt : undefined;
    const stoppedAt = firstStopAt(segments, customerAt);
    specs.push({
      target: 'nextResponse',
      start: customerAt,
      amount: minutes(policy.nextResponseMinutes),
      metAt:
        answeredAt === undefined || stoppedAt === undefined
          ? (answeredAt ?? stoppedAt)
          : Math.min(answeredAt, stoppedAt),
    });
  }

  specs.push({
    target: 'resolution',
    start: createdAt,
    amount: minutes(policy.resolutionMinutes),
    metAt: happened(input.resolvedAt, 'resolvedAt', now) ?? currentStopStart(segments),
  });

  const evaluated = specs.map((spec) => evaluateTarget(spec, segments, calendar, policy.warnAtShare, now));
  const changes = evaluated.flatMap((e) => (e.nextChange === undefined ? [] : [e.nextChange]));
  return {
    targets: evaluated.map((e) => e.result),
    nextCheckAt: changes.length > 0 ? iso(Math.min(...changes)) : null,
  };
}

/** When the ticket's current run of resolved/closed began, if it is resolved or closed now. */
function currentStopStart(segments: readonly Segment[]): number | undefined {
  let start: number | undefined;
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    if (!segment || !STOP_STATES.has(segment.state)) break;
    start = segment.from;
  }
  return start;
}
