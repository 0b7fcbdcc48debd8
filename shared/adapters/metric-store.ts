import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DriverIncrement, MetricIncrement } from '../domain';
import type { DriverCell, MetricCell, MetricStorePort, ProjectedRecord } from '../use-cases/ports';

const MAX_ITEMS = 100;
/** Seen-markers outlive the stream's 24-hour retention (and Lambda's retries) with room to spare. */
const SEEN_TTL_SECONDS = 7 * 86_400;
const cellSk = (queue: string, requestType: string) => `CELL#${queue}#${requestType}`;

type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

/** Cancelled-by-conflict transactions retried before the batch is handed back to the stream's retries. */
const MAX_CONFLICT_RETRIES = 10;

/**
 * Flow-metric aggregates in the single table: `METRIC#<day>` / `CELL#<queue>#<requestType>` (counters,
 * and the durations behind the percentiles: `frt` first response minutes, `res` resolution hours, `cls`
 * time-to-close hours) and `METRIC#<day>` / `DRIVER#<driver>` (KB-gap drivers). One
 * day is one partition, so a date range is a Query per day — never a Scan.
 *
 * Exactly once per stream record: each record's increments are written in the same transaction as a
 * `METRICSEEN#<record id>` marker that must not exist yet, so a redelivered record adds nothing.
 */
export class MetricStore implements MetricStorePort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /**
   * Applies records, several per transaction (up to 100 items: the markers plus the merged cell updates);
   * a record already applied is dropped from its transaction and the rest retried. Answers how many
   * records were newly applied.
   */
  async apply(records: readonly ProjectedRecord[]): Promise<number> {
    let applied = 0;
    let pending = records.filter((r) => r.increments.length > 0 || r.drivers.length > 0);
    while (pending.length > 0) {
      const chunk: ProjectedRecord[] = [];
      for (const record of pending) {
        if (this.items([...chunk, record]).length > MAX_ITEMS && chunk.length > 0) break;
        chunk.push(record);
      }
      pending = pending.slice(chunk.length);
      applied += await this.applyChunk(chunk);
    }
    return applied;
  }

  private async applyChunk(chunk: ProjectedRecord[]): Promise<number> {
    let remaining = chunk;
    for (let conflicts = 0; ; ) {
      if (remaining.length === 0) return 0;
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: this.items(remaining) }));
        return remaining.length;
      } catch (e: unknown) {
        const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
        if (!reasons) throw e;
        // Markers come first, one per record: a failed condition there means "already applied".
        const seen = new Set(
          remaining.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((r) => r.id),
        );
        if (seen.size === 0) {
          // Two batches (two shards) adding to the same day's cells at once: the SDK does not retry a
          // cancelled transaction, so back off and try again (jittered, up to ~10 s in all).
          if (!reasons.some((r) => r.Code === 'TransactionConflict') || ++conflicts > MAX_CONFLICT_RETRIES)
            throw e;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(2_000, 25 * 2 ** conflicts)));
          continue;
        }
        remaining = remaining.filter((r) => !seen.has(r.id));
      }
    }
  }

  private items(records: readonly ProjectedRecord[]): TransactItem[] {
    const expiresAt = this.nowSeconds() + SEEN_TTL_SECONDS;
    const markers: TransactItem[] = records.map((r) => ({
      Put: {
        TableName: this.tableName,
        Item: { pk: `METRICSEEN#${r.id}`, sk: 'SEEN', entity: 'metric-seen', expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    // One update per cell and per driver, however many records touch it.
    const cells = new Map<
      string,
      {
        key: MetricIncrement['key'];
        counters: Record<string, number>;
        frt: number[];
        res: number[];
        cls: number[];
      }
    >();
    for (const inc of records.flatMap((r) => r.increments)) {
      const id = `${inc.key.day}|${inc.key.queue}|${inc.key.requestType}`;
      const cell = cells.get(id) ?? { key: inc.key, counters: {}, frt: [], res: [], cls: [] };
      for (const [name, n] of Object.entries(inc.counters))
        cell.counters[name] = (cell.counters[name] ?? 0) + n;
      cell.frt.push(...(inc.firstResponseMinutes ?? []));
      cell.res.push(...(inc.resolutionHours ?? []));
      cell.cls.push(...(inc.closeHours ?? []));
      cells.set(id, cell);
    }
    const drivers = new Map<
      string,
      { inc: DriverIncrement; count: number; examples: DriverIncrement['example'][] }
    >();
    for (const d of records.flatMap((r) => r.drivers)) {
      const id = `${d.day}|${d.driver}`;
      const entry = drivers.get(id) ?? { inc: d, count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < 3) entry.examples.push(d.example);
      drivers.set(id, entry);
    }
    const updates: TransactItem[] = [...cells.values()].map((cell) => {
      const names: Record<string, string> = {
        '#q': 'queue',
        '#rt': 'requestType',
        '#day': 'day',
        '#e': 'entity',
      };
      const values: Record<string, unknown> = {
        ':q': cell.key.queue,
        ':rt': cell.key.requestType,
        ':day': cell.key.day,
        ':e': 'metric',
        ':empty': [],
      };
      const adds = Object.entries(cell.counters).map(([name, n], i) => {
        names[`#c${i}`] = name;
        values[`:c${i}`] = n;
        return `#c${i} :c${i}`;
      });
      const sets = ['#q = :q', '#rt = :rt', '#day = :day', '#e = :e'];
      if (cell.frt.length > 0) {
        sets.push('frt = list_append(if_not_exists(frt, :empty), :frt)');
        values[':frt'] = cell.frt;
      }
      if (cell.res.length > 0) {
        sets.push('res = list_append(if_not_exists(res, :empty), :res)');
        values[':res'] = cell.res;
      }
      if (cell.cls.length > 0) {
        sets.push('cls = list_append(if_not_exists(cls, :empty), :cls)');
        values[':cls'] = cell.cls;
      }
      if (cell.frt.length === 0 && cell.res.length === 0 && cell.cls.length === 0) delete values[':empty'];
      return {
        Update: {
          TableName: this.tableName,
          Key: { pk: `METRIC#${cell.key.day}`, sk: cellSk(cell.key.queue, cell.key.requestType) },
          UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
    const driverUpdates: TransactItem[] = [...drivers.values()].map(({ inc, count, examples }) => ({
      Update: {
        TableName: this.tableName,
        Key: { pk: `METRIC#${inc.day}`, sk: `DRIVER#${inc.driver}` },
        UpdateExpression:
          // The first batch's examples stay: appending each batch's would grow a common driver's item
          // past DynamoDB's 400 KB (a busy driver sees thousands of tickets a day).
          'SET #e = :e, requestType = :rt, label = :label, #day = :day, examples = if_not_exists(examples, :ex) ADD #count :n',
        ExpressionAttributeNames: { '#e': 'entity', '#day': 'day', '#count': 'count' },
        ExpressionAttributeValues: {
          ':e': 'metric-driver',
          ':rt': inc.requestType,
          ':label': inc.label,
          ':day': inc.day,
          ':ex': examples,
          ':n': count,
        },
      },
    }));
    return [...markers, ...updates, ...driverUpdates];
  }

  /** One day's cells and drivers (one partition, paged). */
  async day(day: string): Promise<{ cells: MetricCell[]; drivers: DriverCell[] }> {
    const cells: MetricCell[] = [];
    const drivers: DriverCell[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `METRIC#${day}` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith('CELL#')) {
          const counters: Record<string, number> = {};
          for (const [k, v] of Object.entries(item)) if (typeof v === 'number') counters[k] = v;
          cells.push({
            day,
            queue: String(item.queue),
            requestType: String(item.requestType),
            counters,
            firstResponseMinutes: (item.frt as number[] | undefined) ?? [],
            resolutionHours: (item.res as number[] | undefined) ?? [],
            closeHours: (item.cls as number[] | undefined) ?? [],
          });
        } else if (sk.startsWith('DRIVER#')) {
          drivers.push({
            day,
            driver: sk.slice('DRIVER#'.length),
            requestType: String(item.requestType),
            label: String(item.label),
            count: Number(item.count ?? 0),
            examples: ((item.examples as DriverCell['examples'] | undefined) ?? []).slice(0, 3),
          });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { cells, drivers };
  }
}
