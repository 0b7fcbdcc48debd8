import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ExternalEvent } from '../domain/external-events';
import type { ExternalEventPublisher } from '../use-cases/ports';
import { EventPublishError } from './event-publisher';

/**
 * An external event onto the Frontdoor bus as its system would put it: source = the system (the type
 * before the dot), detail-type = the type. The integrations queue's rule matches exactly these.
 */
export class EventBridgeExternalPublisher implements ExternalEventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: ExternalEvent): Promise<string | undefined> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: event.type.split('.')[0],
            DetailType: event.type,
            Detail: JSON.stringify(event.detail),
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      const codes = (out.Entries ?? []).map((x) => x.ErrorCode).filter(Boolean);
      throw new EventPublishError(`${event.type} not accepted by the bus: ${codes.join(', ')}`);
    }
    return out.Entries?.[0]?.EventId;
  }
}
