import type { DomainEvent } from '../domain';
import type { EventSink, OutboxEntry } from './ports';

export type PublishOutcome =
  | { readonly kind: 'published'; readonly count: number }
  /** Everything before `failedAt` is on the bus; it and what follows must be handed over again. */
  | { readonly kind: 'partial'; readonly count: number; readonly failedAt: string; readonly error: unknown };

/** PutEvents takes at most 10 entries per call. */
const PUT_EVENTS_LIMIT = 10;

/**
 * The transactional outbox's publisher: events committed with their change, handed over by the table
 * stream. Primary course: put them on the bus in stream order, ten at a time; if a put fails, report
 * the first entry not published, so the stream hands it (and what follows) over again. At least once:
 * an entry may be published twice (a retry after a put that did land); it carries the same `eventId`
 * every time, and consumers drop repeats.
 */
export async function publishOutbox(
  entries: readonly OutboxEntry[],
  ports: { readonly events: EventSink },
): Promise<PublishOutcome> {
  let count = 0;
  for (let i = 0; i < entries.length; i += PUT_EVENTS_LIMIT) {
    const batch = entries.slice(i, i + PUT_EVENTS_LIMIT);
    try {
      await ports.events.publish(batch.map((e) => ({ type: e.type, detail: e.detail }) as DomainEvent));
    } catch (error: unknown) {
      return { kind: 'partial', count, failedAt: batch[0]?.sequenceNumber ?? '', error };
    }
    count += batch.length;
  }
  return { kind: 'published', count };
}
