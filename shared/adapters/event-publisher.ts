import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../domain';
import { EVENT_SOURCE, type EventSink } from '../use-cases/ports';
import { busMetrics, recordPublished } from './event-metrics';

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  readonly code = 'EVENTS.PUBLISH_FAILED';
}

/**
 * Domain events onto the Frontdoor bus: source `frontdoor`, detail-type = event type. Each accepted event
 * is counted per detail-type (CloudWatch EMF, see event-metrics.ts).
 */
export class EventBridgePublisher implements EventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly metrics = busMetrics(busName),
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
      // Entries answer in request order; one with an error code did not land.
      recordPublished(
        this.metrics,
        batch.filter((_, j) => !out.Entries?.[j]?.ErrorCode).map((e) => e.type),
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
