import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { INTENT_EVENT_SOURCE, INTENT_TRAINING_REQUESTED } from '../domain/intent-events';
import type { IntentTrainingRequestsPort } from '../use-cases/ports';

/**
 * `intent.training_requested` onto the Frontdoor bus (source `frontdoor.intent`: not a ticket event), which
 * puts it on the intent-training queue; an entry the bus refuses is an error, so the caller answers 5xx and
 * the lead can ask again rather than wait for a model that was never asked for.
 */
export class EventBridgeTrainingRequests implements IntentTrainingRequestsPort {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async request(by: string): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: INTENT_EVENT_SOURCE,
            DetailType: INTENT_TRAINING_REQUESTED,
            Detail: JSON.stringify({ requestedBy: by }),
          },
        ],
      }),
    );
    const failed = out.Entries?.[0]?.ErrorCode;
    if (failed || (out.FailedEntryCount ?? 0) > 0)
      throw new Error(`the bus refused the training request: ${failed ?? 'unknown error'}`);
  }
}
