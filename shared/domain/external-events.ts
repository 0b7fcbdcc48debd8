/**
 * Events other systems put on the Frontdoor bus (or post to `POST /v1/events/{source}`, signed), each with
 * its zod schema. EventBridge `source` is the system (`billing`, `product`), `detail-type` the event name.
 * Integration rules in the workflow config say what Frontdoor does with them.
 */
import { Email, IsoDateTime } from './ticket';
import * as z from './zod';

const accountId = z.string().check(z.minLength(1), z.maxLength(128));
const money = z.object({
  value: z.number().check(z.gte(0)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code like EUR')),
});

export const SubscriptionCancelled = z.object({
  accountId,
  subscriptionId: z.string().check(z.minLength(1), z.maxLength(128)),
  plan: z.optional(z.string().check(z.maxLength(128))),
  cancelledAt: IsoDateTime,
  /** When service actually stops (end of the paid period). */
  effectiveAt: z.optional(IsoDateTime),
  reason: z.optional(z.string().check(z.maxLength(2000))),
  /** Who to write to about it. */
  contact: z.object({ email: Email, name: z.optional(z.string().check(z.maxLength(200))) }),
});

export const PaymentFailed = z.object({
  accountId,
  invoiceId: z.string().check(z.minLength(1), z.maxLength(128)),
  amount: money,
  attempt: z.int().check(z.minimum(1)),
  failedAt: IsoDateTime,
  reason: z.optional(z.string().check(z.maxLength(2000))),
  contact: z.object({ email: Email, name: z.optional(z.string().check(z.maxLength(200))) }),
});

export const IncidentOpened = z.object({
  incidentId: z.string().check(z.minLength(1), z.maxLength(128)),
  title: z.string().check(z.minLength(1), z.maxLength(500)),
  severity: z.enum(['sev1', 'sev2', 'sev3', 'sev4']),
  startedAt: IsoDateTime,
  components: z.array(z.string().check(z.minLength(1), z.maxLength(128))),
  /** Accounts known to be affected (may be empty while it is being assessed). */
  accountIds: z._default(z.array(accountId), []),
  statusPageUrl: z.optional(z.url()),
});

/** The catalog: detail-type → schema of `detail`. */
export const externalEvents = {
  'billing.subscription_cancelled': SubscriptionCancelled,
  'billing.payment_failed': PaymentFailed,
  'product.incident_opened': IncidentOpened,
} as const;

export type ExternalEventType = keyof typeof externalEvents;
export const EXTERNAL_EVENT_TYPES = Object.keys(externalEvents) as ExternalEventType[];
/** EventBridge `source` of an external event: the part of its name before the dot. */
export const EXTERNAL_EVENT_SOURCES = [...new Set(EXTERNAL_EVENT_TYPES.map((t) => t.split('.')[0] ?? t))];
