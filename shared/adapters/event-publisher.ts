import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../domain';
import { EVENT_SOURCE, type EventSink } from '../use-cases/ports';

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  readonly code = 'EVENTS.PUBLISH_FAILED';
}

/** Domain events onto the Frontdoor bus: source `frontdoor`, detail-type = event type. */
export class EventBridgePublisher implements EventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.type,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if ((out.FailedEntryCount ?? 0) > 0) {
        const codes = (out.Entries ?? []).map((x) => x.ErrorCode).filter(Boolean);
        throw new EventPublishError(
          `${out.FailedEntryCount} event(s) not accepted by the bus: ${codes.join(', ')}`,
        );
      }
    }
  }
}
