import type { WebhookPayload } from '../http/webhook-payload';
import { type IntakePorts, type IntakeResult, intakeRequest } from './intake';

export type ReceiveWebhookPorts = IntakePorts;
export type ReceiveWebhookResult = IntakeResult;

/** A signed, parsed webhook delivery becomes a ticket; `(source, id)` is its dedupe key. */
export function receiveWebhook(
  input: { source: string; payload: WebhookPayload },
  ports: ReceiveWebhookPorts,
): Promise<ReceiveWebhookResult> {
  const { source, payload } = input;
  return intakeRequest(
    {
      draft: {
        channel: 'webhook',
        source,
        externalId: payload.id,
        subject: payload.subject,
        body: payload.body,
        requester: payload.requester,
        account: payload.account,
        requestType: payload.requestType,
        fields: payload.fields ?? {},
        tags: payload.tags ?? [],
      },
      dedupe: { channel: 'webhook', key: `${source}#${payload.id}` },
      actor: { kind: 'integration', id: `webhook:${source}` },
    },
    ports,
  );
}
