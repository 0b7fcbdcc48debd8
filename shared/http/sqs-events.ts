import type { SQSRecord } from 'aws-lambda';
import { type DomainEvent, DomainEventSchema } from '../domain';

/**
 * One SQS message = one EventBridge event (the rule's target is the queue, body = the whole event).
 * Not an event we understand: throw, so the record fails and ends in the DLQ for a human, never dropped.
 */
export function domainEventOf(record: SQSRecord, queue: string): DomainEvent {
  const envelope = JSON.parse(record.body) as { 'detail-type'?: unknown; detail?: unknown };
  const parsed = DomainEventSchema.safeParse({ type: envelope['detail-type'], detail: envelope.detail });
  if (!parsed.success) {
    throw new Error(`unrecognised event on the ${queue} queue: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/** The ticket an event on the bus is about (any `frontdoor` event carries `detail.ticketId`). */
export function ticketIdOf(record: SQSRecord, queue: string): string {
  const envelope = JSON.parse(record.body) as { detail?: { ticketId?: unknown } };
  const id = envelope.detail?.ticketId;
  if (typeof id !== 'string' || id.length === 0)
    throw new Error(`an event on the ${queue} queue names no ticketId`);
  return id;
}
