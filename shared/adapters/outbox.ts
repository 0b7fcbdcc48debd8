import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { OutboxEntry } from '../use-cases/ports';

type Image = Parameters<typeof unmarshall>[0];

/**
 * The outbox items (see `outboxItems` in ticket-repository.ts) a batch of table-stream records carries,
 * in stream order: only inserts of `entity = outbox` (a TTL deletion is not an event). An item that does
 * not read as one is a defect, not a reason to skip an event: it throws, so the record is retried and
 * then kept in the stream consumer's DLQ.
 */
export function outboxEntries(records: readonly DynamoDBRecord[]): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const item = unmarshall(image as Image);
    if (item.entity !== 'outbox') continue;
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const detail: unknown = typeof item.detail === 'string' ? JSON.parse(item.detail) : undefined;
    if (typeof item.eventId !== 'string' || typeof item.type !== 'string' || !isObject(detail)) {
      throw new Error(`outbox item ${String(item.pk)}/${String(item.sk)} is not an event`);
    }
    entries.push({ sequenceNumber, eventId: item.eventId, type: item.type, detail });
  }
  return entries;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
