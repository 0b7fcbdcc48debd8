import type { TicketDraft } from '../domain';
import { type IntakePorts, type IntakeResult, intakeRequest } from './intake';

/** A webhook delivery as the public webhook contract (the HTTP edge's) parsed it. */
export interface WebhookPayload
  extends Pick<TicketDraft, 'subject' | 'body' | 'requester' | 'account' | 'requestType'> {
  /** The sender's own id for the request: with the source, its dedupe key. */
  readonly id: string;
  readonly fields?: TicketDraft['fields'] | undefined;
  readonly tags?: TicketDraft['tags'] | undefined;
}

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
