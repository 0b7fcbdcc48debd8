import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableList, DurableRecords } from '../../infra/local/durable-records';
import {
  type DeadMessage,
  LocalQueue,
  type QueuedMessage,
  redriveDeadLetters,
} from '../../infra/local/queues';
import type { QueueSpec } from '../../shared/topology';

/** `POST /local/redrive`'s work: a queue's dead letters back onto it, durably, or listed in a dry run. */
const spec: QueueSpec = {
  name: 'notifications',
  description: 'test',
  visibilityTimeoutSeconds: 1,
  maxReceiveCount: 1,
  subscriptions: [],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redrive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A queue whose consumer fails every message until `healed`, so each dead-letters on its first delivery. */
function failingQueue() {
  const deadLetters = new DurableList<DeadMessage>(join(dir, 'dead-letters', 'queues.jsonl'));
  const store = new DurableRecords<QueuedMessage>(join(dir, 'queues', spec.name));
  const delivered: string[] = [];
  const state = { healed: false };
  const consumer = async (event: SQSEvent): Promise<SQSBatchResponse> => {
    delivered.push(...event.Records.map((r) => r.body));
    if (state.healed) return { batchItemFailures: [] };
    throw new Error('mail provider down');
  };
  const queue = new LocalQueue(spec, consumer, 10, deadLetters, () => {}, store, 1000, 10);
  return { queue, deadLetters, store, delivered, state };
}

const event = (ticketId: string) => JSON.stringify({ 'detail-type': 'ticket.created', detail: { ticketId } });

describe('redriving a local queue', () => {
  it('a dry run lists the dead letters with their error and moves nothing', async () => {
    const { queue, deadLetters } = failingQueue();
    queue.start();
    queue.send(event('T-1'));
    await queue.drain();
    await queue.stop();
    const out = redriveDeadLetters(queue, deadLetters, true);
    expect(out).toMatchObject({ queue: 'notifications', dryRun: true, moved: 0 });
    expect(out.deadLetters).toEqual([
      expect.objectContaining({ body: event('T-1'), receiveCount: 1, error: 'mail provider down' }),
    ]);
    expect(deadLetters.items).toHaveLength(1);
    expect(queue.depth).toBe(0);
  });

  it('moves every dead letter back onto its queue, where the healed consumer handles it', async () => {
    const { queue, deadLetters, store, delivered, state } = failingQueue();
    queue.start();
    queue.send(event('T-1'));
    queue.send(event('T-2'));
    await queue.drain();
    state.healed = true;
    const out = redriveDeadLetters(queue, deadLetters, false);
    expect(out.moved).toBe(2);
    // Taken off the dead-letter list on disk too: a restart does not bring them back.
    expect(new DurableList<DeadMessage>(join(dir, 'dead-letters', 'queues.jsonl')).items).toEqual([]);
    await queue.drain();
    await queue.stop();
    expect(delivered.filter((b) => b === event('T-2'))).toHaveLength(2);
    expect(store.list()).toEqual([]);
    expect(deadLetters.items).toEqual([]);
  });

  it("leaves another queue's dead letters where they are", () => {
    const { queue, deadLetters } = failingQueue();
    deadLetters.push({ queue: 'escalations', messageId: 'm-1', body: '{}', receiveCount: 5, error: 'x' });
    expect(redriveDeadLetters(queue, deadLetters, false).moved).toBe(0);
    expect(deadLetters.items).toHaveLength(1);
    expect(queue.depth).toBe(0);
  });
});
