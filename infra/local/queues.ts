import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { billingMeter, sqsRequests } from '../../shared/adapters/billing-meter';
import type { QueueSpec } from '../../shared/topology';
import { type DurableRecords, timeOrderedId } from './durable-records';

export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
  /** When the last delivery began (epoch ms). */
  receivedAt?: number;
}

export interface DeadMessage {
  readonly queue: string;
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly error: string;
}

/**
 * An SQS queue with a redrive policy, in process: messages are handed to the consumer in batches,
 * hidden while in flight, retried when the consumer reports them failed (partial batch response) or
 * throws, and moved to the dead-letter list after `maxReceiveCount` deliveries. Retries come after
 * `retryDelayMs` rather than the full visibility timeout, so local feedback stays quick.
 * Every message is kept in `store` (under DATA_DIR) from the moment it is sent until it is deleted or
 * dead-lettered, with its receive count: after a crash the queue starts with what it held, and a message
 * that was in flight is delivered again (at least once, as SQS does after the visibility timeout).
 */
export class LocalQueue {
  private readonly messages: QueuedMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** Deliveries finished (handled, retried or dead-lettered): `/local/drain` watches it settle. */
  handled = 0;

  constructor(
    readonly spec: QueueSpec,
    private readonly consumer: ((event: SQSEvent) => Promise<unknown>) | undefined,
    private readonly batchSize: number,
    private readonly deadLetters: { push(dead: DeadMessage): void },
    private readonly log: (line: string) => void,
    private readonly store: DurableRecords<QueuedMessage>,
    /** The consumer's timeout: no delivery cut off by a crash can still be running after it. */
    private readonly consumerTimeoutMs: number,
    private readonly retryDelayMs = 1000,
  ) {
    // A message that was in flight when the runtime died comes back once that delivery's function would
    // have timed out (AWS waits the whole visibility timeout): only then has its idempotency record
    // (send-notification's, e.g.) stopped saying "in progress", so the redelivery can do the work.
    for (const { record } of store.list()) {
      const inFlightUntil =
        record.receivedAt !== undefined ? record.receivedAt + this.consumerTimeoutMs + 1000 : 0;
      this.messages.push({ ...record, visibleAt: Math.min(record.visibleAt, inFlightUntil) });
    }
    if (this.messages.length > 0)
      log(`queue ${spec.name}: ${this.messages.length} message(s) kept from before the restart`);
  }

  send(body: string): string {
    const messageId = timeOrderedId();
    // SQS bills the SendMessage (EventBridge's, for the rule targets) per 64 KB chunk.
    billingMeter.add('sqs.requests', sqsRequests(body));
    const message = { messageId, body, sentAt: Date.now(), receiveCount: 0, visibleAt: 0 };
    // Stored before SendMessage returns: the sender goes on only once the message is safe.
    this.store.put(messageId, message);
    this.messages.push(message);
    return messageId;
  }

  get depth(): number {
    return this.messages.length;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), 50);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * Resolves once nothing is waiting or in flight (tests, `/local/drain`). It always ends: every message
   * is handled or, after `maxReceiveCount` deliveries, dead-lettered.
   */
  async drain(): Promise<void> {
    while (this.consumer && (this.messages.length > 0 || this.busy))
      await new Promise((r) => setTimeout(r, 25));
  }

  private async poll(): Promise<void> {
    if (this.busy || !this.consumer) return;
    const now = Date.now();
    const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, this.batchSize);
    if (batch.length === 0) return;
    this.busy = true;
    // The Lambda event source's ReceiveMessage that returned this batch (its empty polls are not per ticket).
    billingMeter.add('sqs.requests');
    for (const m of batch) {
      m.receiveCount++;
      m.visibleAt = now + this.spec.visibilityTimeoutSeconds * 1000;
      m.receivedAt = now;
      this.store.put(m.messageId, m);
    }
    let failed: Set<string>;
    let error = '';
    try {
      const result = (await this.consumer(this.event(batch))) as SQSBatchResponse | undefined;
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size) error = 'reported as failed by the consumer';
    } catch (e: unknown) {
      failed = new Set(batch.map((m) => m.messageId));
      error = e instanceof Error ? e.message : String(e);
    }
    // The event source deletes the batch's successes in one DeleteMessageBatch.
    if (batch.some((m) => !failed.has(m.messageId))) billingMeter.add('sqs.requests');
    for (const m of batch) {
      if (!failed.has(m.messageId)) {
        this.remove(m);
      } else if (m.receiveCount >= this.spec.maxReceiveCount) {
        this.remove(m);
        this.deadLetters.push({
          queue: this.spec.name,
          messageId: m.messageId,
          body: m.body,
          receiveCount: m.receiveCount,
          error,
        });
        this.log(
          `queue ${this.spec.name}: message ${m.messageId} failed ${m.receiveCount}× and went to the DLQ (${error})`,
        );
      } else {
        m.visibleAt = Date.now() + this.retryDelayMs * m.receiveCount;
      }
      this.handled++;
    }
    this.busy = false;
  }

  private remove(m: QueuedMessage): void {
    const i = this.messages.indexOf(m);
    if (i >= 0) this.messages.splice(i, 1);
    this.store.delete(m.messageId);
  }

  private event(batch: QueuedMessage[]): SQSEvent {
    return {
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: `${m.messageId}#${m.receiveCount}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${this.spec.name}`,
        awsRegion: 'local',
      })),
    };
  }
}

/**
 * `POST /local/redrive`: the queue's dead letters, and unless `dryRun` each one sent back onto the queue
 * (kept durably first, then taken off the dead-letter list: a crash in between delivers it twice, never
 * loses it) — what SQS StartMessageMoveTask does from the DLQ to its source queue.
 */
export function redriveDeadLetters(
  queue: Pick<LocalQueue, 'spec' | 'send'>,
  deadLetters: {
    readonly items: readonly DeadMessage[];
    take(taken: (d: DeadMessage) => boolean): DeadMessage[];
  },
  dryRun: boolean,
): { queue: string; dryRun: boolean; moved: number; deadLetters: DeadMessage[] } {
  const ofQueue = (d: DeadMessage) => d.queue === queue.spec.name;
  const dead = deadLetters.items.filter(ofQueue);
  if (dryRun) return { queue: queue.spec.name, dryRun, moved: 0, deadLetters: dead };
  for (const d of dead) queue.send(d.body);
  const sent = new Set(dead);
  deadLetters.take((d) => sent.has(d));
  return { queue: queue.spec.name, dryRun, moved: dead.length, deadLetters: dead };
}
