import {
  Channel,
  IsoDateTime,
  type Message,
  Priority,
  Reference,
  type Ticket,
  TicketId,
  TicketState,
} from './ticket';
import * as z from './zod';

const automationEventTypes = [
  'automation.reminder',
  'automation.status_update',
  'automation.team_nudge',
  'automation.follow_up',
  'automation.auto_resolved',
  'automation.auto_closed',
  'automation.idle',
] as const;

/** Every event Frontdoor puts on its bus (source `frontdoor`, detail-type = the name). */
export const eventTypes = [
  'ticket.created',
  'ticket.triaged',
  'ticket.assigned',
  'ticket.state_changed',
  'ticket.message_added',
  'ticket.priority_changed',
  'sla.warning',
  'sla.breached',
  'ticket.escalated',
  'approval.requested',
  'approval.decided',
  'csat.submitted',
  // What the ticket's clock did on its own (reminders, status updates, follow-ups, closing, idle rule).
  ...automationEventTypes,
  // A ticket moved to another queue by hand (handoff.ts); the assigner serves the queue it enters (issue 17).
  'ticket.handed_off',
  // An incident's update or resolution reaches its linked tickets page by page (incident.ts).
  'incident.fan_out',
] as const;
export const EventType = z.enum(eventTypes);

/** One `automation.<action>` event per automatic action the ticket's clock takes. */
export const automationActions = [
  'reminder',
  'status_update',
  'team_nudge',
  'follow_up',
  'auto_resolved',
  'auto_closed',
  'idle',
] as const;
export type AutomationAction = (typeof automationActions)[number];
export type EventType = z.infer<typeof EventType>;

// Consumers are at-least-once: `ticketId` + `version` let them drop stale or repeated deliveries, and
// `eventId` (set by the outbox when the change that made the event commits) is the same on every
// publication of one event.
const eventDetail = {
  ticketId: TicketId,
  version: z.int().check(z.minimum(1)),
  occurredAt: IsoDateTime,
  eventId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
};

export const TicketCreatedEvent = z.object({
  type: z.literal('ticket.created'),
  detail: z.object({
    ...eventDetail,
    reference: Reference,
    channel: Channel,
    source: z.string(),
    state: TicketState,
    priority: Priority,
    queue: z.string(),
    requestType: z.string(),
    missingFields: z.array(z.string()),
    requesterEmail: z.string(),
    suppressAutoMail: z.boolean(),
    followUpOf: z.optional(TicketId),
  }),
});
export type TicketCreatedEvent = z.infer<typeof TicketCreatedEvent>;

export const TicketStateChangedEvent = z.object({
  type: z.literal('ticket.state_changed'),
  detail: z.object({
    ...eventDetail,
    from: TicketState,
    to: TicketState,
    /** Why, when the ticket's clock moved it: `automation:no_reply`, `automation:quiet_days`. */
    cause: z.optional(z.string().check(z.maxLength(64))),
  }),
});
export type TicketStateChangedEvent = z.infer<typeof TicketStateChangedEvent>;

export const TicketMessageAddedEvent = z.object({
  type: z.literal('ticket.message_added'),
  detail: z.object({
    ...eventDetail,
    messageId: TicketId,
    direction: z.enum(['inbound', 'outbound']),
    visibility: z.enum(['public', 'internal']),
    channel: Channel,
    authorKind: z.enum(['customer', 'agent', 'system', 'integration']),
    /** For outbound mail the notifier still has to send (an agent's public reply). */
    deliver: z.boolean(),
  }),
});
export type TicketMessageAddedEvent = z.infer<typeof TicketMessageAddedEvent>;

export const TicketAssignedEvent = z.object({
  type: z.literal('ticket.assigned'),
  detail: z.object({
    ...eventDetail,
    queue: z.string(),
    from: z.nullable(z.string()),
    to: z.nullable(z.string()),
  }),
});
export type TicketAssignedEvent = z.infer<typeof TicketAssignedEvent>;

/** `ticket.assigned` for a change of assignee from `ticket` to `next` (by an agent, a lead or the assigner). */
export function ticketAssignedEvent(ticket: Ticket, next: Ticket): TicketAssignedEvent {
  return {
    type: 'ticket.assigned',
    detail: {
      ticketId: ticket.id,
      version: next.version,
      queue: ticket.queue,
      from: ticket.assignee,
      to: next.assignee,
      occurredAt: next.updatedAt,
    },
  };
}

export const TicketPriorityChangedEvent = z.object({
  type: z.literal('ticket.priority_changed'),
  detail: z.object({ ...eventDetail, from: Priority, to: Priority }),
});
export type TicketPriorityChangedEvent = z.infer<typeof TicketPriorityChangedEvent>;

const SlaTargetName = z.enum(['firstResponse', 'nextResponse', 'resolution']);

// A warning and a breach say the same things about a target: which, of which policy, due when.
const slaDetail = z.object({
  ...eventDetail,
  reference: Reference,
  policy: z.string(),
  target: SlaTargetName,
  dueAt: IsoDateTime,
  priority: Priority,
  queue: z.string(),
});

export const SlaWarningEvent = z.object({ type: z.literal('sla.warning'), detail: slaDetail });
export type SlaWarningEvent = z.infer<typeof SlaWarningEvent>;

export const SlaBreachedEvent = z.object({ type: z.literal('sla.breached'), detail: slaDetail });
export type SlaBreachedEvent = z.infer<typeof SlaBreachedEvent>;

export const TicketEscalatedEvent = z.object({
  type: z.literal('ticket.escalated'),
  detail: z.object({
    ...eventDetail,
    reference: Reference,
    path: z.string(),
    step: z.int().check(z.minimum(1)),
    cause: z.string(),
    fromQueue: z.string(),
    toQueue: z.string(),
    tier: z.int(),
    /** The receiving group's address. */
    notify: z.optional(z.string()),
    acknowledgeBy: z.nullable(IsoDateTime),
  }),
});
export type TicketEscalatedEvent = z.infer<typeof TicketEscalatedEvent>;

export const TicketHandedOffEvent = z.object({
  type: z.literal('ticket.handed_off'),
  detail: z.object({
    ...eventDetail,
    fromQueue: z.string(),
    toQueue: z.string(),
    /** Who held it before; a queue that assigns automatically takes it from them. */
    assigneeBefore: z.nullable(z.string()),
  }),
});
export type TicketHandedOffEvent = z.infer<typeof TicketHandedOffEvent>;

// What every approval event says: which approval, of what, under which policy, asked of whom, by whom.
const approvalDetail = {
  ...eventDetail,
  reference: Reference,
  approvalId: TicketId,
  kind: z.string(),
  policy: z.string(),
  /** The approver group (`approver-<group>` decides) and its address. */
  group: z.string(),
  notify: z.string(),
  amount: z.optional(z.object({ value: z.number(), currency: z.string() })),
  summary: z.string(),
  requestedBy: z.string(),
  expireAt: z.nullable(IsoDateTime),
};

/**
 * An approval is asked for: first (`initial`), again when nobody decided within the reminder window
 * (`reminder`), or of the policy's second group when the first let it expire (`escalated`).
 */
export const ApprovalRequestedEvent = z.object({
  type: z.literal('approval.requested'),
  detail: z.object({ ...approvalDetail, round: z.enum(['initial', 'reminder', 'escalated']) }),
});
export type ApprovalRequestedEvent = z.infer<typeof ApprovalRequestedEvent>;

export const ApprovalDecidedEvent = z.object({
  type: z.literal('approval.decided'),
  detail: z.object({
    ...approvalDetail,
    outcome: z.enum(['approved', 'rejected', 'expired']),
    /** Who decided (approvers' ids), or `system` for an expiry. */
    decidedBy: z.array(z.string()),
    reason: z.string(),
  }),
});
export type ApprovalDecidedEvent = z.infer<typeof ApprovalDecidedEvent>;

/** A requester answered the one-click survey in the resolution mail (once per ticket and resolution). */
export const CsatSubmittedEvent = z.object({
  type: z.literal('csat.submitted'),
  detail: z.object({
    ...eventDetail,
    reference: Reference,
    score: z.int().check(z.minimum(1), z.maximum(5)),
    queue: z.string(),
    requestType: z.string(),
  }),
});
export type CsatSubmittedEvent = z.infer<typeof CsatSubmittedEvent>;

/** The ticket's clock acted on its own (`automation.reminder` …); `dueAt` is the moment it was due. */
export const AutomationEvent = z.object({
  type: z.enum(automationEventTypes),
  detail: z.object({
    ...eventDetail,
    reference: Reference,
    queue: z.string(),
    state: TicketState,
    dueAt: IsoDateTime,
    /** When the wait this action belongs to began (the anchor of reminders and status updates). */
    since: IsoDateTime,
    /** The n-th reminder or status update of this wait. */
    round: z.optional(z.int().check(z.minimum(1))),
    /** Who an internal notice goes to (team nudge, idle notice). */
    notify: z.optional(z.string()),
  }),
});
export type AutomationEvent = z.infer<typeof AutomationEvent>;

/**
 * The next page of an incident's fan-out: its public update (`action: update`, `key` = the update's message
 * id) or its resolution (`action: resolve`, `key` = the resolving audit seq) still has linked tickets to
 * reach, those after `after` (ticket ids in order). The first page is done on the event that started it.
 */
export const IncidentFanOutEvent = z.object({
  type: z.literal('incident.fan_out'),
  detail: z.object({
    ...eventDetail,
    reference: Reference,
    action: z.enum(['update', 'resolve']),
    key: z.string().check(z.minLength(1), z.maxLength(64)),
    after: TicketId,
  }),
});
export type IncidentFanOutEvent = z.infer<typeof IncidentFanOutEvent>;

export const DomainEventSchema = z.discriminatedUnion('type', [
  TicketCreatedEvent,
  TicketStateChangedEvent,
  TicketMessageAddedEvent,
  TicketAssignedEvent,
  TicketPriorityChangedEvent,
  SlaWarningEvent,
  SlaBreachedEvent,
  TicketEscalatedEvent,
  TicketHandedOffEvent,
  ApprovalRequestedEvent,
  ApprovalDecidedEvent,
  CsatSubmittedEvent,
  AutomationEvent,
  IncidentFanOutEvent,
]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;

/**
 * `ticket.created` for a ticket as it was opened. Also used to announce an untouched ticket again when
 * its first announcement may have been lost (consumers drop repeats by ticketId + version).
 */
export function ticketCreatedEvent(ticket: Ticket): TicketCreatedEvent {
  return {
    type: 'ticket.created',
    detail: {
      ticketId: ticket.id,
      version: ticket.version,
      reference: ticket.reference,
      channel: ticket.channel,
      source: ticket.source,
      state: ticket.state,
      priority: ticket.priority,
      queue: ticket.queue,
      requestType: ticket.requestType,
      missingFields: ticket.missingFields,
      requesterEmail: ticket.requester.email,
      suppressAutoMail: ticket.suppressAutoMail,
      ...(ticket.followUpOf ? { followUpOf: ticket.followUpOf } : {}),
      occurredAt: ticket.createdAt,
    },
  };
}

export function messageAddedEvent(
  ticket: Ticket,
  message: Message,
  deliver = false,
): TicketMessageAddedEvent {
  return {
    type: 'ticket.message_added',
    detail: {
      ticketId: ticket.id,
      version: ticket.version,
      messageId: message.id,
      direction: message.direction,
      visibility: message.visibility,
      channel: message.channel,
      authorKind: message.author.kind,
      deliver,
      occurredAt: message.createdAt,
    },
  };
}
