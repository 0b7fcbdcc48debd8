// Where events go: the Frontdoor bus (domain events from the outbox) and, for the systems that report
// through a signed webhook, their own events put on the bus as they would put them.
import type { DomainEvent } from '../../domain';
import type { ExternalEvent } from '../../domain/external-events';

/** The source of every Frontdoor event on the bus (the rules and the approval workflow match it). */
export const EVENT_SOURCE = 'frontdoor';

/** One event from the outbox: what a committed change announced, with the stream position it came at. */
export interface OutboxEntry {
  readonly sequenceNumber: string;
  readonly eventId: string;
  readonly type: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Where domain events go (the EventBridge publisher in AWS and locally). */
export interface EventSink {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

export interface ExternalEventPublisher {
  /** Answers the bus's event id. */
  publish(event: ExternalEvent): Promise<string | undefined>;
}
