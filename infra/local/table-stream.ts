/**
 * The table's stream, locally: DynamoDB Local's own stream (the table is created with NEW_AND_OLD_IMAGES)
 * read with the real DynamoDB Streams SDK client and handed to the topology's `table-stream` consumers in
 * the Lambda event shape, as the event source mapping does in AWS: only the trigger's entities (the
 * mapping's filter), batches up to `batchSize`, partial failures retried from the failed record, and a
 * record that still fails after 5 retries moved to the local dead letters. Positions are kept under
 * `DATA_DIR/streams/` so a restart neither loses nor (beyond the last batch) repeats records; consumers
 * are idempotent anyway.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  ResourceNotFoundException,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { FunctionSpec, TableStreamTrigger } from '../../shared/topology';
import { DurableList } from './durable-records';

const POLL_MS = 200;
const MAX_ATTEMPTS = 6;

export interface StreamDeadLetter {
  readonly consumer: string;
  readonly eventID: string;
  readonly sequenceNumber: string;
  /** The shard the record is on (absent on dead letters kept before it was recorded). */
  readonly shardId?: string;
  readonly error: string;
}

interface Consumer {
  readonly fn: FunctionSpec;
  readonly trigger: TableStreamTrigger;
}

interface ShardState {
  iterator?: string | undefined;
  /** Last sequence number handed over (or skipped) for this consumer. */
  checkpoint?: string | undefined;
  closed: boolean;
}

export class LocalTableStream {
  private readonly client: DynamoDBStreamsClient;
  private readonly positions: Record<string, Record<string, string>>;
  private readonly shards = new Map<string, Map<string, ShardState>>();
  private readonly attempts = new Map<string, number>();
  private streamArn: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly dead: DurableList<StreamDeadLetter>;
  /** Records read so far: `/local/drain` watches it settle. */
  handed = 0;

  constructor(
    private readonly options: {
      readonly endpoint: string;
      readonly region: string;
      readonly credentials: { accessKeyId: string; secretAccessKey: string };
      readonly tableName: string;
      readonly consumers: readonly Consumer[];
      readonly dataDir: string;
      readonly invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>;
      readonly log: (line: string) => void;
    },
  ) {
    this.client = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: options.credentials,
    });
    mkdirSync(join(options.dataDir, 'streams'), { recursive: true });
    this.dead = new DurableList(join(options.dataDir, 'streams', 'dead-letters.jsonl'));
    this.positions = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Record<string, string>>)
      : {};
  }

  /** Records a consumer gave up on (the event source's DLQ), kept across restarts. */
  get deadLetters(): readonly StreamDeadLetter[] {
    return this.dead.items;
  }

  /**
   * `POST /local/redrive` of `<consumer>-stream`: each record the consumer gave up on, read back from the
   * stream and handed to it again (as `npm run redrive` does in AWS), taken off the list once it succeeded;
   * one it fails again, or the stream no longer has, stays with the reason. A dry run only lists them.
   */
  async redrive(
    consumerName: string,
    dryRun: boolean,
  ): Promise<{
    deadLetters: StreamDeadLetter[];
    moved: number;
    left: Array<{ id: string; reason: string }>;
  }> {
    const dead = this.dead.items.filter((d) => d.consumer === consumerName);
    const consumer = this.options.consumers.find((c) => c.fn.name === consumerName);
    if (dryRun || !consumer || dead.length === 0) return { deadLetters: dead, moved: 0, left: [] };
    const streamArn = await this.stream();
    const done = new Set<StreamDeadLetter>();
    const left: Array<{ id: string; reason: string }> = [];
    for (const d of dead) {
      const reason = streamArn ? await this.redeliver(consumer, streamArn, d) : 'the table has no stream';
      if (reason) left.push({ id: d.eventID, reason });
      else done.add(d);
    }
    this.dead.take((d) => done.has(d));
    return { deadLetters: dead, moved: done.size, left };
  }

  /** One dead letter handed over again; answers why not, or undefined when the consumer took it. */
  private async redeliver(
    consumer: Consumer,
    streamArn: string,
    d: StreamDeadLetter,
  ): Promise<string | undefined> {
    const shards = d.shardId
      ? [d.shardId]
      : (
          (await this.client.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription
            ?.Shards ?? []
        )
          .map((shard) => shard.ShardId)
          .filter((id): id is string => id !== undefined);
    for (const shardId of shards) {
      const at = { streamArn, shardId, first: d.sequenceNumber, last: d.sequenceNumber };
      const records = await readStreamRecords(this.client, at, consumer.trigger).catch(() => undefined);
      if (records === undefined) continue;
      const failed = records.length > 0 ? await this.invoke(consumer, streamArn, records) : undefined;
      return failed === undefined ? undefined : `${consumer.fn.name} failed on it again`;
    }
    return 'the stream no longer has the record (older than its retention)';
  }

  private get file(): string {
    return join(this.options.dataDir, 'streams', 'positions.json');
  }

  start(): void {
    if (this.options.consumers.length === 0) return;
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.pollAll()
        .catch((e: unknown) =>
          this.options.log(`table stream: ${e instanceof Error ? e.message : String(e)}`),
        )
        .finally(() => {
          this.polling = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, POLL_MS);
        });
    };
    tick();
  }

  /** Resolves after a full poll that found nothing new for any consumer (everything written so far is handled). */
  drain(): Promise<void> {
    if (this.options.consumers.length === 0 || this.stopped) return Promise.resolve();
    return new Promise((resolveIdle) => this.idleWaiters.push(resolveIdle));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // Let a pass in flight finish its batch (its checkpoint is then saved), but never hold a shutdown up:
    // what it had not finished is read again by the next start.
    await Promise.race([this.polling, new Promise((r) => setTimeout(r, 2000).unref())]);
    for (const w of this.idleWaiters.splice(0)) w();
    this.client.destroy();
  }

  private async pollAll(): Promise<void> {
    const waiting = this.idleWaiters.splice(0);
    let handed = 0;
    for (const consumer of this.options.consumers) handed += await this.poll(consumer);
    this.handed += handed;
    if (handed === 0) for (const w of waiting) w();
    else this.idleWaiters.unshift(...waiting);
  }

  /** One pass over every shard for one consumer; answers how many records it read. */
  private async poll(consumer: Consumer): Promise<number> {
    const streamArn = await this.stream();
    if (!streamArn) return 0;
    const shards = await this.shardsOf(consumer, streamArn);
    let read = 0;
    for (const [shardId, state] of shards) {
      if (state.closed) continue;
      state.iterator ??= await this.iterator(streamArn, shardId, state.checkpoint);
      let out: Awaited<ReturnType<typeof this.getRecords>>;
      try {
        out = await this.getRecords(state.iterator);
      } catch (e: unknown) {
        if (e instanceof ExpiredIteratorException || e instanceof TrimmedDataAccessException) {
          state.iterator = undefined;
          continue;
        }
        throw e;
      }
      const records = out.Records ?? [];
      read += records.length;
      if (records.length > 0) {
        const done = await this.deliver(consumer, streamArn, shardId, records);
        if (done < records.length) {
          // Retry from the first record not handled: a fresh iterator after the last one that was.
          state.iterator = undefined;
          const last = records[done - 1]?.dynamodb?.SequenceNumber;
          if (last) this.setCheckpoint(consumer, shardId, state, last);
          continue;
        }
        const last = records.at(-1)?.dynamodb?.SequenceNumber;
        if (last) this.setCheckpoint(consumer, shardId, state, last);
      }
      state.iterator = out.NextShardIterator;
      if (!out.NextShardIterator) state.closed = true;
    }
    return read;
  }

  /** Hands records to the consumer in batches; answers how many (from the start) are done. */
  private async deliver(
    consumer: Consumer,
    streamArn: string,
    shardId: string,
    records: StreamRecord[],
  ): Promise<number> {
    let done = 0;
    while (done < records.length) {
      const batch = records.slice(done, done + consumer.trigger.batchSize);
      // The event source mapping's filter: only the trigger's entities reach the function.
      const matching = batch.filter((r) => isFor(consumer.trigger, r));
      const failed = matching.length > 0 ? await this.invoke(consumer, streamArn, matching) : undefined;
      if (failed === undefined) {
        done += batch.length;
        continue;
      }
      const failedAt = batch.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      const index = failedAt < 0 ? 0 : failedAt;
      const record = batch[index];
      const key = `${consumer.fn.name}#${failed}`;
      const attempt = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, attempt);
      if (attempt < MAX_ATTEMPTS || !record) return done + index;
      this.dead.push({
        consumer: consumer.fn.name,
        eventID: record.eventID ?? '',
        sequenceNumber: failed,
        shardId,
        error: `still failing after ${MAX_ATTEMPTS} attempts`,
      });
      this.options.log(
        `table stream: ${consumer.fn.name} gave up on record ${failed}; moved to dead letters`,
      );
      done += index + 1;
    }
    return done;
  }

  /** Runs the consumer; answers the first failed sequence number, or undefined when all succeeded. */
  private async invoke(
    consumer: Consumer,
    streamArn: string,
    records: StreamRecord[],
  ): Promise<string | undefined> {
    const event = lambdaStreamEvent(records, this.options.region, streamArn);
    try {
      const out = (await this.options.invoke(consumer.fn, event)) as DynamoDBBatchResponse | undefined;
      return out?.batchItemFailures?.[0]?.itemIdentifier;
    } catch (e: unknown) {
      this.options.log(
        `table stream: ${consumer.fn.name} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      return records[0]?.dynamodb?.SequenceNumber;
    }
  }

  private async stream(): Promise<string | undefined> {
    if (this.streamArn) return this.streamArn;
    const out = await this.client.send(new ListStreamsCommand({ TableName: this.options.tableName }));
    this.streamArn = out.Streams?.[0]?.StreamArn;
    return this.streamArn;
  }

  private async shardsOf(consumer: Consumer, streamArn: string): Promise<Map<string, ShardState>> {
    let shards = this.shards.get(consumer.fn.name);
    if (!shards) {
      shards = new Map();
      this.shards.set(consumer.fn.name, shards);
    }
    // New shards appear over time; pick them up on every pass.
    const out = await this.client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of out.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      shards.set(shard.ShardId, {
        checkpoint: this.positions[consumer.fn.name]?.[shard.ShardId],
        closed: false,
      });
    }
    return shards;
  }

  private async iterator(
    streamArn: string,
    shardId: string,
    after: string | undefined,
  ): Promise<string | undefined> {
    const out = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator;
  }

  private getRecords(iterator: string | undefined) {
    return this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
  }

  private setCheckpoint(consumer: Consumer, shardId: string, state: ShardState, sequence: string): void {
    state.checkpoint = sequence;
    const mine = this.positions[consumer.fn.name] ?? {};
    mine[shardId] = sequence;
    this.positions[consumer.fn.name] = mine;
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.positions));
    renameSync(tmp, this.file);
  }
}

/** The event source mapping's filter: only the trigger's entities reach the function. */
function isFor(trigger: Pick<TableStreamTrigger, 'entities'>, r: StreamRecord): boolean {
  return trigger.entities.includes(String(r.dynamodb?.NewImage?.entity?.S ?? ''));
}

/** Stream records as Lambda hands them to a consumer (the DynamoDB event source's event shape). */
export function lambdaStreamEvent(records: readonly StreamRecord[], region: string, streamArn: string) {
  return {
    Records: records.map((r) => ({
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      eventSourceARN: streamArn,
      dynamodb: {
        ...r.dynamodb,
        ...(r.dynamodb?.NewImage ? { NewImage: repairEmptyMaps(r.dynamodb.NewImage) } : {}),
        ...(r.dynamodb?.OldImage ? { OldImage: repairEmptyMaps(r.dynamodb.OldImage) } : {}),
        ApproximateCreationDateTime:
          r.dynamodb?.ApproximateCreationDateTime instanceof Date
            ? r.dynamodb.ApproximateCreationDateTime.getTime() / 1000
            : r.dynamodb?.ApproximateCreationDateTime,
      },
    })),
  };
}

/**
 * The records of one shard from `first` to `last` (sequence numbers, both included), read back from the
 * stream — what a redrive of a stream dead letter needs, since the dead letter names records without
 * holding them. Only the trigger's entities are kept (the mapping's filter). `undefined`: the stream no
 * longer has `first` (older than its 24-hour retention, or the shard is gone).
 */
export async function readStreamRecords(
  client: Pick<DynamoDBStreamsClient, 'send'>,
  at: { streamArn: string; shardId: string; first: string; last: string },
  trigger: Pick<TableStreamTrigger, 'entities'>,
): Promise<StreamRecord[] | undefined> {
  let iterator: string | undefined;
  try {
    ({ ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamArn: at.streamArn,
        ShardId: at.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: at.first,
      }),
    ));
  } catch (e: unknown) {
    if (e instanceof TrimmedDataAccessException || e instanceof ResourceNotFoundException) return undefined;
    throw e;
  }
  const last = BigInt(at.last);
  const found: StreamRecord[] = [];
  // An open shard answers empty pages once past its newest record: a few in a row end the read.
  const past = (r: StreamRecord) => BigInt(r.dynamodb?.SequenceNumber ?? '0') > last;
  for (let empty = 0, done = false; iterator && empty < 3 && !done; ) {
    const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const records = out.Records ?? [];
    empty = records.length === 0 ? empty + 1 : 0;
    found.push(...records.filter((r) => !past(r)));
    done = records.some(past) || found.at(-1)?.dynamodb?.SequenceNumber === at.last;
    iterator = out.NextShardIterator;
  }
  if (found[0]?.dynamodb?.SequenceNumber !== at.first) return undefined;
  return found.filter((f) => isFor(trigger, f));
}

type Image = NonNullable<NonNullable<StreamRecord['dynamodb']>['NewImage']>;
type Value = Image[string];

/**
 * The Streams SDK client reads an empty map attribute (`{"M":{}}` on the wire) back as `{}` — no member
 * at all — which no unmarshaller accepts. An attribute value with no member can only have been that.
 */
export function repairEmptyMaps(image: Image): Image {
  const fix = (value: Value): Value => {
    if (value === null || typeof value !== 'object') return value;
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    if (members.length === 0) return { M: {} } as Value;
    if ('M' in value && value.M) return { M: repairEmptyMaps(value.M as Image) } as Value;
    if ('L' in value && value.L) return { L: (value.L as Value[]).map(fix) } as Value;
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fix(v)]));
}
