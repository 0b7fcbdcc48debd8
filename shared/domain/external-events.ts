/**
 * Events other systems put on the Frontdoor bus (or post to `POST /v1/events/{source}`, signed), each with
 * its zod schema. EventBridge `source` is the system (`billing`, `product`), `detail-type` the event name.
 * Integration rules in the workflow config say what Frontdoor does with them.
 */
import { Email, IsoDateTime } from './ticket';
import { RequesterInput } from './ticket-input';
import * as z from './zod';

const accountId = z.string().check(z.minLength(1), z.maxLength(128));
/**
 * Who to write to: it becomes the requester of a proactive ticket, so it is taken exactly as a ticket's
 * requester is (`name: ""` is no name, not a name the ticket's read side would refuse).
 */
const Contact = z.object({ email: Email, name: RequesterInput.shape.name });
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
  contact: Contact,
});

export const PaymentFailed = z.object({
  accountId,
  invoiceId: z.string().check(z.minLength(1), z.maxLength(128)),
  amount: money,
  attempt: z.int().check(z.minimum(1)),
  failedAt: IsoDateTime,
  reason: z.optional(z.string().check(z.maxLength(2000))),
  contact: Contact,
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

export type ExternalEventDetail<T extends ExternalEventType = ExternalEventType> = z.output<
  (typeof externalEvents)[T]
>;

/** An external event once its detail has been checked against the catalog. */
export type ExternalEvent = {
  [T in ExternalEventType]: { readonly type: T; readonly detail: ExternalEventDetail<T> };
}[ExternalEventType];

export function isExternalEventType(type: unknown): type is ExternalEventType {
  return typeof type === 'string' && Object.hasOwn(externalEvents, type);
}

/**
 * What makes two deliveries the same fact: the business key the sending system owns, never the bus's
 * event id (a system may put the same fact twice, each time with a new id). A subscription cancelled,
 * reactivated and cancelled again is two facts, hence the cancellation time beside the subscription.
 */
export const businessKeys: { readonly [T in ExternalEventType]: (detail: ExternalEventDetail<T>) => string } =
  {
    'billing.subscription_cancelled': (d) => `${d.subscriptionId}@${d.cancelledAt}`,
    'billing.payment_failed': (d) => `${d.invoiceId}#${d.attempt}`,
    'product.incident_opened': (d) => d.incidentId,
  };

export function businessKeyOf(event: ExternalEvent): string {
  // The mapped type cannot follow the correlation between event.type and event.detail.
  const key = businessKeys[event.type] as (detail: ExternalEvent['detail']) => string;
  return key(event.detail);
}

/** What a path into an event's detail leads to: a value a template can print, a list of them, or an object. */
export type DetailFieldKind = 'value' | 'list' | 'object';

/**
 * Every path into an event type's detail (`contact.email`, `amount.value`, `components`) and what it
 * leads to, read from the catalog's schema so config checks and templates cannot drift from it.
 */
export function detailFields(type: ExternalEventType): ReadonlyMap<string, DetailFieldKind> {
  const out = new Map<string, DetailFieldKind>();
  const walk = (schema: z.core.$ZodType, path: string): DetailFieldKind => {
    const def = schema._zod.def as unknown as {
      type: string;
      shape?: Record<string, z.core.$ZodType>;
      innerType?: z.core.$ZodType;
      element?: z.core.$ZodType;
    };
    if (def.innerType) return walk(def.innerType, path);
    if (def.type === 'object' && def.shape) {
      for (const [key, child] of Object.entries(def.shape)) {
        const childPath = path === '' ? key : `${path}.${key}`;
        out.set(childPath, walk(child, childPath));
      }
      return 'object';
    }
    if (def.type === 'array') return 'list';
    return 'value';
  };
  walk(externalEvents[type], '');
  return out;
}
