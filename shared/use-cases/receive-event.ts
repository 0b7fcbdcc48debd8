import type { WorkflowConfig } from '../config';
import { DomainError, type Issue } from '../domain';
import type { ExternalEventType } from '../domain/external-events';
import { externalEventTypeIssue, parseExternalEvent } from '../domain/integrations';
import type { ExternalEventPublisher } from './ports';

export interface ReceiveEventPorts {
  readonly publisher: ExternalEventPublisher;
  readonly config: Pick<WorkflowConfig, 'webhookSources'>;
}

export type ReceiveEventResult =
  | { readonly kind: 'accepted'; readonly type: ExternalEventType; readonly eventId?: string }
  | { readonly kind: 'rejected'; readonly issues: readonly Issue[] }
  | { readonly kind: 'forbidden'; readonly error: EmitNotAllowedError };

/** The source may not emit this event type (`webhookSources.<source>.emits` does not list it). */
export class EmitNotAllowedError extends DomainError {
  override readonly name = 'EmitNotAllowedError';
  readonly code = 'INTEGRATION.EMIT_NOT_ALLOWED';
}

/**
 * A system reports a fact through a signed webhook instead of putting it on the bus itself.
 * Primary course (the signature was checked before, by the webhook authentication middleware):
 *  1. the type must be in the catalog (400 naming `type`);
 *  2. the source must be allowed to emit it: `webhookSources.<source>.emits` (403 naming that list);
 *  3. the detail must match the type's schema (400 naming each `detail.` field);
 *  4. put it on the bus as the system would (source = the system, detail-type = the type), where the
 *     integration rules pick it up exactly like an event put there directly. Sending the same fact twice
 *     is harmless: the rules act once per business key.
 */
export async function receiveEvent(
  input: { readonly source: string; readonly type: string; readonly detail: unknown },
  ports: ReceiveEventPorts,
): Promise<ReceiveEventResult> {
  const typeIssue = externalEventTypeIssue(input.type);
  if (typeIssue) return { kind: 'rejected', issues: [typeIssue] };

  const spec = Object.hasOwn(ports.config.webhookSources, input.source)
    ? ports.config.webhookSources[input.source]
    : undefined;
  const emits: readonly string[] = spec?.emits ?? [];
  if (!emits.includes(input.type)) {
    return {
      kind: 'forbidden',
      error: new EmitNotAllowedError(
        `source "${input.source}" may not emit ${input.type}: webhookSources.${input.source}.emits lists ${emits.join(', ') || '(nothing)'}`,
      ),
    };
  }

  const parsed = parseExternalEvent(input);
  if (!parsed.ok) return { kind: 'rejected', issues: parsed.issues };
  const eventId = await ports.publisher.publish(parsed.event);
  return { kind: 'accepted', type: parsed.event.type, ...(eventId ? { eventId } : {}) };
}
