import { Channel, IsoDateTime, Priority, Reference, type Ticket, TicketId, TicketState } from './ticket';
import * as z from './zod';

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
] as const;
export const EventType = z.enum(eventTypes);
export type EventType = z.infer<typeof EventType>;

// Consumers are at-least-once: `ticketId` + `version` let them drop stale or repeated deliveries.
const eventDetail = {
  ticketId: TicketId,
  version: z.int().check(z.minimum(1)),
  occurredAt: IsoDateTime,
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
  }),
});
export type TicketCreatedEvent = z.infer<typeof TicketCreatedEvent>;

export const TicketStateChangedEvent = z.object({
  type: z.literal('ticket.state_changed'),
  detail: z.object({
    ...eventDetail,
    from: TicketState,
    to: TicketState,
  }),
});
export type TicketStateChangedEvent = z.infer<typeof TicketStateChangedEvent>;

export const DomainEventSchema = z.discriminatedUnion('type', [TicketCreatedEvent, TicketStateChangedEvent]);
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
      occurredAt: ticket.createdAt,
    },
  };
}
