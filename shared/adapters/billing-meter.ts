import { lambdaDurationMs } from '../metrics/memory-sizing';
import type { BillableOperation, OperationCounts } from '../metrics/pricing';

/**
 * A process-wide count of the operations AWS bills Frontdoor for (see shared/metrics/pricing.ts). SDK calls
 * are counted by middleware on the shared clients (`meterClient`, wired in clients.ts); what the local
 * runtime does itself — Lambda invocations, SQS traffic, state transitions, scheduler invocations (the
 * wake-ups its EventBridge Scheduler stand-in fires), API Gateway requests, S3 and SES — is counted where it
 * does it. `GET /local/costs` shows it, `npm run cost` prices it.
 */

export interface FunctionUsage {
  readonly invocations: number;
  /**
   * Billed milliseconds: each invocation's duration as it would run at the function's memory (see
   * `lambdaDurationMs`), rounded up to the millisecond as Lambda bills it.
   */
  readonly billedMs: number;
  /** The wall time the invocations took here. */
  readonly wallMs: number;
  /** The process CPU time measured during the invocations (an upper bound when invocations overlapped). */
  readonly cpuMs: number;
  readonly gbSeconds: number;
}

export interface MeterSnapshot {
  /** When counting started (process start or the last reset). */
  readonly since: string;
  readonly at: string;
  /** Only the operations counted at least once. */
  readonly counts: OperationCounts;
  /** Lambda invocations and duration by function. */
  readonly functions: Readonly<Record<string, FunctionUsage>>;
  /** DynamoDB write units by the kind of item written (see `writeUnitsByItem`). */
  readonly writesByItem: Readonly<Record<string, ItemWrites>>;
}

/** Where write units went: the items of one kind written, and the units spent on the table and on each index. */
export interface ItemWrites {
  readonly items: number;
  readonly table: number;
  readonly indexes: Readonly<Record<string, number>>;
}

export class BillingMeter {
  private counts = new Map<BillableOperation, number>();
  private functions = new Map<
    string,
    { invocations: number; billedMs: number; wallMs: number; cpuMs: number; gbSeconds: number }
  >();
  private writes = new Map<string, { items: number; table: number; indexes: Record<string, number> }>();
  private since = new Date();

  /** Write units spent on one kind of item (`entity`), on the table or on an index. */
  addWrite(kind: string, items: number, table: number, indexes: Readonly<Record<string, number>> = {}): void {
    const w = this.writes.get(kind) ?? { items: 0, table: 0, indexes: {} };
    w.items += items;
    w.table += table;
    for (const [name, units] of Object.entries(indexes)) w.indexes[name] = (w.indexes[name] ?? 0) + units;
    this.writes.set(kind, w);
  }

  add(operation: BillableOperation, amount = 1): void {
    if (!Number.isFinite(amount) || amount <= 0) return;
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + amount);
  }

  /**
   * One Lambda invocation: a request, and memory × duration rounded up to the millisecond, the duration
   * being the wall time with its CPU part (`cpuMs`, measured) run at the memory's CPU share.
   */
  invocation(functionName: string, memoryMb: number, durationMs: number, cpuMs = 0): void {
    const billedMs = Math.max(1, Math.ceil(lambdaDurationMs(durationMs, cpuMs, memoryMb)));
    const gbSeconds = (memoryMb / 1024) * (billedMs / 1000);
    this.add('lambda.requests');
    this.add('lambda.gbSeconds', gbSeconds);
    const usage = this.functions.get(functionName) ?? {
      invocations: 0,
      billedMs: 0,
      wallMs: 0,
      cpuMs: 0,
      gbSeconds: 0,
    };
    usage.invocations++;
    usage.billedMs += billedMs;
    usage.wallMs += Math.max(0, durationMs);
    usage.cpuMs += Math.max(0, cpuMs);
    usage.gbSeconds += gbSeconds;
    this.functions.set(functionName, usage);
  }

  snapshot(now = new Date()): MeterSnapshot {
    const counts: Partial<Record<BillableOperation, number>> = {};
    for (const [operation, n] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      counts[operation] = operation === 'lambda.gbSeconds' ? Math.round(n * 1e6) / 1e6 : n;
    }
    const functions: Record<string, FunctionUsage> = {};
    for (const [name, u] of [...this.functions].sort(([a], [b]) => a.localeCompare(b))) {
      functions[name] = {
        ...u,
        wallMs: Math.round(u.wallMs * 1000) / 1000,
        cpuMs: Math.round(u.cpuMs * 1000) / 1000,
        gbSeconds: Math.round(u.gbSeconds * 1e6) / 1e6,
      };
    }
    const round = (n: number) => Math.round(n * 1000) / 1000;
    const writesByItem: Record<string, ItemWrites> = {};
    for (const [kind, w] of [...this.writes].sort(([a], [b]) => a.localeCompare(b))) {
      writesByItem[kind] = {
        items: w.items,
        table: round(w.table),
        indexes: Object.fromEntries(Object.entries(w.indexes).map(([k, v]) => [k, round(v)])),
      };
    }
    return { since: this.since.toISOString(), at: now.toISOString(), counts, functions, writesByItem };
  }

  reset(now = new Date()): void {
    this.counts = new Map();
    this.functions = new Map();
    this.writes = new Map();
    this.since = now;
  }
}

/** The process's meter: every metered client and the local runtime count into it. */
export const billingMeter = new BillingMeter();

const KB = 1024;

/** SQS bills each 64 KB chunk of a payload as one request. */
export function sqsRequests(body: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(body, 'utf8') / (64 * KB)));
}

/** API Gateway HTTP APIs bill each 512 KB of a request as one request. */
export function apiGatewayRequests(bodyBytes: number): number {
  return Math.max(1, Math.ceil(bodyBytes / (512 * KB)));
}

/**
 * EventBridge bills each 64 KB chunk of an entry as one event. An entry's size, per the PutEvents docs:
 * Time 14 bytes if present, and the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function eventBridgeEvents(entry: {
  Time?: unknown;
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
}): number {
  const text = (v: unknown) =>
    v === undefined || v === null
      ? 0
      : Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
  const resources = Array.isArray(entry.Resources)
    ? entry.Resources.reduce((n: number, r) => n + text(r), 0)
    : 0;
  const size =
    (entry.Time ? 14 : 0) + text(entry.Source) + text(entry.DetailType) + text(entry.Detail) + resources;
  return Math.max(1, Math.ceil(size / (64 * KB)));
}

const DYNAMO_READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const DYNAMO_WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

interface ConsumedCapacity {
  /** The request's total: table plus every index it read or wrote (ReturnConsumedCapacity INDEXES). */
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

type Marshalled = Record<string, Record<string, unknown> | undefined>;

/** One item a write touched: its kind, its weight (the kilobytes it is billed by) and the index keys it carries. */
interface WrittenItem {
  readonly kind: string;
  readonly weight: number;
  readonly attributes: ReadonlySet<string>;
}

/**
 * An item's size as DynamoDB counts it, from its marshalled form: each attribute's name and value (strings
 * and binaries by their bytes, numbers by about one byte per two digits, maps and lists 3 bytes plus one
 * per element). Close enough to share a transaction's units out; the units themselves are DynamoDB's.
 */
function attributesBytes(attributes: Marshalled): number {
  return Object.entries(attributes).reduce((n, [name, v]) => n + Buffer.byteLength(name) + valueBytes(v), 0);
}

function valueBytes(v: unknown): number {
  if (v === null || typeof v !== 'object') return 1;
  const [type, value] = Object.entries(v as Record<string, unknown>)[0] ?? ['NULL', null];
  if (type === 'S') return Buffer.byteLength(String(value));
  if (type === 'B') return (value as { length?: number } | null)?.length ?? 0;
  if (type === 'N') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (type === 'M') return 3 + attributesBytes((value ?? {}) as Marshalled) + Object.keys(value ?? {}).length;
  if (type === 'L' || type === 'SS' || type === 'NS')
    return (
      3 +
      (value as unknown[]).reduce<number>(
        (n, e) => n + 1 + (type === 'L' ? valueBytes(e) : Buffer.byteLength(String(e))),
        0,
      )
    );
  return 1;
}

/** An item's kind: its `entity`, else its partition key's prefix (`IDEMPOTENCY`, `METRIC`, …). */
function itemKind(item: Marshalled | undefined, key: Marshalled | undefined): string {
  const entity = item?.entity?.S;
  if (typeof entity === 'string') return entity;
  const pk = (item ?? key)?.pk?.S;
  return typeof pk === 'string' ? (pk.split('#')[0] ?? '').toLowerCase() || 'unknown' : 'unknown';
}

function writtenItems(command: string, input: Record<string, unknown>): WrittenItem[] {
  const one = (op: Record<string, unknown> | undefined): WrittenItem | undefined => {
    if (!op) return undefined;
    const item = op.Item as Marshalled | undefined;
    const key = op.Key as Marshalled | undefined;
    const updated = typeof op.UpdateExpression === 'string' ? op.UpdateExpression : '';
    const values = op.ExpressionAttributeValues as Marshalled | undefined;
    return {
      kind: itemKind(item, key),
      weight: Math.max(1, Math.ceil(attributesBytes(item ?? values ?? key ?? {}) / KB)),
      attributes: new Set([
        ...Object.keys(item ?? {}),
        ...Object.values((op.ExpressionAttributeNames as Record<string, string> | undefined) ?? {}),
        ...(updated.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []),
      ]),
    };
  };
  if (command === 'TransactWriteItemsCommand') {
    const items = (input.TransactItems ?? []) as Array<Record<string, Record<string, unknown>>>;
    return items.flatMap((t) => {
      const w = one(t.Put ?? t.Update ?? t.Delete);
      return w ? [w] : [];
    });
  }
  if (command === 'BatchWriteItemCommand') {
    const byTable = (input.RequestItems ?? {}) as Record<
      string,
      Array<Record<string, Record<string, unknown>>>
    >;
    return Object.values(byTable).flatMap((requests) =>
      requests.flatMap((r) => {
        const w = one(r.PutRequest ?? r.DeleteRequest);
        return w ? [w] : [];
      }),
    );
  }
  const w = one(input);
  return w ? [w] : [];
}

/**
 * Shares a write's consumed units out to the kinds of item it wrote: the table's units by each item's
 * started kilobytes, an index's units among the items that carry an attribute of that index's keys (`gsiNpk`/`gsiNsk`
 * for index `gsiN-…`). Exact for a single-item write; for a transaction or batch, DynamoDB reports only
 * the totals, so the split is by the kilobytes each item is billed by.
 */
function countWritesByItem(
  meter: BillingMeter,
  command: string,
  input: Record<string, unknown>,
  consumed: unknown,
): void {
  const items = writtenItems(command, input);
  if (items.length === 0) return;
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as ConsumedCapacity[];
  const table = list.reduce((n, c) => n + (c.Table?.CapacityUnits ?? 0), 0);
  const indexes: Record<string, number> = {};
  for (const c of list)
    for (const [name, u] of Object.entries(c.GlobalSecondaryIndexes ?? {}))
      indexes[name] = (indexes[name] ?? 0) + (u.CapacityUnits ?? 0);
  const share = (units: number, among: readonly WrittenItem[], item: WrittenItem) => {
    const total = among.reduce((n, i) => n + i.weight, 0);
    return total > 0 && among.includes(item) ? (units * item.weight) / total : 0;
  };
  for (const item of items) {
    const onIndexes: Record<string, number> = {};
    for (const [name, units] of Object.entries(indexes)) {
      const prefix = name.split('-')[0];
      const carriers = items.filter(
        (i) => i.attributes.has(`${prefix}pk`) || i.attributes.has(`${prefix}sk`),
      );
      const u = share(units, carriers.length ? carriers : items, item);
      if (u > 0) onIndexes[name] = u;
    }
    meter.addWrite(item.kind, 1, share(table, items, item), onIndexes);
  }
}

function capacityUnits(consumed: unknown): number {
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as ConsumedCapacity[];
  return list.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
}

/** What a failed write still costs: DynamoDB charges a failed conditional write at least one unit per item. */
function failedWriteUnits(command: string, input: Record<string, unknown>, error: unknown): number {
  const name = error instanceof Error ? error.name : '';
  if (name === 'ConditionalCheckFailedException') return 1;
  if (name === 'TransactionCanceledException' && command === 'TransactWriteItemsCommand') {
    return 2 * ((input.TransactItems as unknown[] | undefined)?.length ?? 0);
  }
  return 0;
}

function countDynamo(
  meter: BillingMeter,
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): void {
  const units = capacityUnits(output.ConsumedCapacity);
  if (DYNAMO_READS.has(command)) meter.add('dynamodb.readRequestUnits', units);
  if (DYNAMO_WRITES.has(command)) {
    meter.add('dynamodb.writeRequestUnits', units);
    countWritesByItem(meter, command, input, output.ConsumedCapacity);
  }
}

function countEventBridge(
  meter: BillingMeter,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): void {
  const entries = (input.Entries ?? []) as Array<Record<string, unknown>>;
  const results = (output.Entries ?? []) as Array<{ ErrorCode?: string }>;
  // An entry EventBridge refused was not published, and is not billed.
  const published = entries.filter((_, i) => !results[i]?.ErrorCode);
  meter.add(
    'eventBridge.events',
    published.reduce((n, e) => n + eventBridgeEvents(e), 0),
  );
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input: object }) => Promise<{ output: object }>,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: object }) => Promise<{ output: object }>,
    options: { step: 'initialize' | 'build'; name: string; override: boolean },
  ): void;
}

/**
 * Counts what `client`'s calls are billed for: DynamoDB request units and EventBridge events (64 KB chunks
 * of the entries published). Every DynamoDB request is made to return its
 * ConsumedCapacity (INDEXES): DynamoDB computes the units itself — item sizes rounded up to 4 KB per read
 * and 1 KB per write, eventually consistent reads at ½, transactions at 2×, every index write (a key change
 * is a delete and a put) — and DynamoDB Local does the same (test/adapters/billing-meter.test.ts). Counting happens once per command (retries
 * of a throttled request are not billed); a failed conditional write counts its minimum. S3 and SES are
 * counted where the local runtime serves them, so metering their clients too would count them twice.
 */
export function meterClient<C extends { middlewareStack: unknown }>(
  client: C,
  meter: BillingMeter = billingMeter,
): C {
  const stack = client.middlewareStack as MiddlewareStackLike;
  // Before the document client marshals: every DynamoDB request reports the capacity it consumed.
  stack.add(
    (next, context) => async (args) => {
      if (context.clientName !== 'DynamoDBClient' || !isCapacityCommand(context.commandName))
        return next(args);
      const input = args.input as Record<string, unknown>;
      return next({ ...args, input: { ReturnConsumedCapacity: 'INDEXES', ...input } });
    },
    { step: 'initialize', name: 'frontdoorBillingMeterAsk', override: true },
  );
  // After serialisation (the input is marshalled) and around the retries (one count per command).
  stack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      try {
        const result = await next(args);
        const output = result.output as Record<string, unknown>;
        if (context.clientName === 'DynamoDBClient') countDynamo(meter, command, input, output);
        else if (context.clientName === 'EventBridgeClient' && command === 'PutEventsCommand')
          countEventBridge(meter, input, output);
        return result;
      } catch (e: unknown) {
        if (context.clientName === 'DynamoDBClient' && DYNAMO_WRITES.has(command))
          meter.add('dynamodb.writeRequestUnits', failedWriteUnits(command, input, e));
        throw e;
      }
    },
    { step: 'build', name: 'frontdoorBillingMeterCount', override: true },
  );
  return client;
}

function isCapacityCommand(command: string | undefined): boolean {
  return command !== undefined && (DYNAMO_READS.has(command) || DYNAMO_WRITES.has(command));
}

/** SES bills each recipient of an outbound mail as one message (SES v2 SendEmail input). */
export function sesRecipients(input: unknown): number {
  const d = (input as { Destination?: Record<string, unknown> } | null)?.Destination ?? {};
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  return count(d.ToAddresses) + count(d.CcAddresses) + count(d.BccAddresses);
}
