import * as z from '../domain/zod';

/**
 * A span of time as teams write it: `30m`, `12h`, `4d` (elapsed time) or `8bh`, `2bd` (business hours and
 * business days on the ticket's SLA calendar; a business day is as long as the calendar's longest open day).
 */
export const DURATION_PATTERN = /^([1-9]\d{0,3})(m|h|d|bh|bd)$/;
export const Duration = z
  .string()
  .check(
    z.regex(
      DURATION_PATTERN,
      'must be a duration like 30m, 12h, 4d, 8bh (business hours) or 2bd (business days)',
    ),
  );
export type Duration = z.infer<typeof Duration>;

/** What the clock does for a ticket in the customer's court (`needs_info`, `waiting_on_customer`). */
export const AwaitingCustomerSchema = z.object({
  /** Reminders to the requester, each this long after the ticket started waiting (ascending). */
  remindAfter: z.array(Duration).check(z.maxLength(5)),
  /** After this long without a word from the customer, resolve the ticket as "no reply"; null = never. */
  resolveAfter: z.nullable(Duration),
});

/** What the clock does while the ticket waits on another team (`waiting_on_team`). */
export const WaitingOnTeamSchema = z.object({
  /** A status update to the requester this often (the latest public note, or "no news yet"); null = none. */
  statusUpdateEvery: z.nullable(Duration),
  /** An internal nudge to the owning queue's owner this long after the wait began; null = none. */
  nudgeTeamAfter: z.nullable(Duration),
});

/** What the clock does once a ticket is resolved. */
export const AfterResolutionSchema = z.object({
  /** A follow-up mail to the requester ("is it solved?") this long after resolution; null = none. */
  followUpAfter: z.nullable(Duration),
  /** Close after this many quiet days (no reply, no answer to the links); null = only by confirmation or an agent. */
  closeAfterDays: z.nullable(z.int().check(z.minimum(1), z.maximum(365))),
});

/** A ticket nobody on the team has touched for this long in `new` or `in_progress`. */
export const IdleRuleSchema = z.object({
  after: z.nullable(Duration),
  /** `escalate`: the escalation paths' `idle` triggers take it (a notice when none does); `notify`: a notice to the queue's owner. */
  action: z.enum(['notify', 'escalate']),
});

export const AutomationSchema = z.object({
  awaitingCustomer: AwaitingCustomerSchema,
  waitingOnTeam: WaitingOnTeamSchema,
  afterResolution: AfterResolutionSchema,
  idle: IdleRuleSchema,
});
export type Automation = z.infer<typeof AutomationSchema>;

/** A request type's own automation: any block it names replaces the default's block, field by field. */
export const AutomationOverridesSchema = z.object({
  awaitingCustomer: z.optional(z.partial(AwaitingCustomerSchema)),
  waitingOnTeam: z.optional(z.partial(WaitingOnTeamSchema)),
  afterResolution: z.optional(z.partial(AfterResolutionSchema)),
  idle: z.optional(z.partial(IdleRuleSchema)),
});
export type AutomationOverrides = z.infer<typeof AutomationOverridesSchema>;

/** The defaults the seeds ask for: two reminders, "no reply" after ten business days, close after four quiet days. */
export const DEFAULT_AUTOMATION: Automation = {
  awaitingCustomer: { remindAfter: ['2bd', '5bd'], resolveAfter: '10bd' },
  waitingOnTeam: { statusUpdateEvery: null, nudgeTeamAfter: '2bd' },
  afterResolution: { followUpAfter: null, closeAfterDays: 4 },
  idle: { after: '2bd', action: 'notify' },
};

/** The automation that governs one request type: the defaults with the type's overrides laid over them. */
export function automationFor(defaults: Automation, overrides: AutomationOverrides | undefined): Automation {
  return {
    awaitingCustomer: { ...defaults.awaitingCustomer, ...overrides?.awaitingCustomer },
    waitingOnTeam: { ...defaults.waitingOnTeam, ...overrides?.waitingOnTeam },
    afterResolution: { ...defaults.afterResolution, ...overrides?.afterResolution },
    idle: { ...defaults.idle, ...overrides?.idle },
  };
}
