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
  /** Billed milliseconds: each invocation's duration rounded up to the millisecond, as Lambda bills it. */
  readonly billedMs: number;
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
}

export class BillingMeter {
  private counts = new Map<BillableOperation, number>();
  private functions = new Map<string, { invocations: number; billedMs: number; gbSeconds: number }>();
  private since = new Date();

  add(operation: BillableOperation, amount = 1): void {
    if (!Number.isFinite(amount) || amount <= 0) return;
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + amount);
  }

  /** One Lambda invocation: a request, and memory × duration rounded up to the millisecond. */
  invocation(functionName: string, memoryMb: number, durationMs: number): void {
    const billedMs = Math.max(1, Math.ceil(durationMs));
    const gbSeconds = (memoryMb / 1024) * (billedMs / 1000);
    this.add('lambda.requests');
    this.add('lambda.gbSeconds', gbSeconds);
    const usage = this.functions.get(functionName) ?? { invocations: 0, billedMs: 0, gbSeconds: 0 };
    usage.invocations++;
    usage.billedMs += billedMs;
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
      functions[name] = { ...u, gbSeconds: Math.round(u.gbSeconds * 1e6) / 1e6 };
    }
    return { since: this.since.toISOString(), at: now.toISOString(), counts, functions };
  }

  reset(now = new Date()): void {
    this.counts = new Map();
    this.functions = new Map();
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

function countDynamo(meter: BillingMeter, command: string, output: Record<string, unknown>): void {
  const units = capacityUnits(output.ConsumedCapacity);
  if (DYNAMO_READS.has(command)) meter.add('dynamodb.readRequestUnits', units);
  if (DYNAMO_WRITES.has(command)) meter.add('dynamodb.writeRequestUnits', units);
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
 * Counts what `client`'s calls are billed for: DynamoDB request units, EventBridge events (64 KB chunks of
 * the entries published) and Secrets Manager calls. Every DynamoDB request is made to return its
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
        if (context.clientName === 'DynamoDBClient') countDynamo(meter, command, output);
        else if (context.clientName === 'EventBridgeClient' && command === 'PutEventsCommand')
          countEventBridge(meter, input, output);
        else if (context.clientName === 'SecretsManagerClient') meter.add('secretsManager.apiCalls');
        return result;
      } catch (e: unknown) {
        if (context.clientName === 'DynamoDBClient' && DYNAMO_WRITES.has(command))
          meter.add('dynamodb.writeRequestUnits', failedWriteUnits(command, input, e));
        else if (context.clientName === 'SecretsManagerClient') meter.add('secretsManager.apiCalls');
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
