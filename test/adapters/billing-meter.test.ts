import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import {
  BillingMeter,
  eventBridgeEvents,
  meterClient,
  sesRecipients,
  sqsRequests,
} from '../../shared/adapters/billing-meter';
import { lambdaDurationMs } from '../../shared/metrics/memory-sizing';
import { freshTable } from '../support/dynamodb';

// The meter counts through the SDK's own middleware stack against AWS's DynamoDB Local, so what is
// asserted is what a handler's call is billed for, not what a mock was told.

describe('the billing meter on a DynamoDB client (DynamoDB Local)', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let db: DynamoDBDocumentClient;
  const meter = new BillingMeter();
  const units = () => meter.snapshot().counts;

  beforeAll(async () => {
    table = await freshTable();
    // A client of its own, metered, on the test's table (freshTable's client stays unmetered).
    const client = new DynamoDBClient({
      endpoint: inject('dynamoEndpoint'),
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    db = DynamoDBDocumentClient.from(meterClient(client, meter));
  });
  afterAll(async () => {
    db?.destroy();
    await table?.drop();
  });
  beforeEach(() => meter.reset());

  it('counts one write unit per started kilobyte of a put, and an item read by its 4 KB and consistency', async () => {
    const TableName = table.tableName;
    await db.send(new PutCommand({ TableName, Item: { pk: 'A', sk: 'small', n: 1 } }));
    expect(units()['dynamodb.writeRequestUnits']).toBe(1);
    await db.send(new PutCommand({ TableName, Item: { pk: 'A', sk: 'big', body: 'x'.repeat(5000) } }));
    expect(units()['dynamodb.writeRequestUnits']).toBe(1 + 5);

    await db.send(new GetCommand({ TableName, Key: { pk: 'A', sk: 'big' }, ConsistentRead: true }));
    expect(units()['dynamodb.readRequestUnits']).toBe(2);
    await db.send(new GetCommand({ TableName, Key: { pk: 'A', sk: 'big' } }));
    expect(units()['dynamodb.readRequestUnits']).toBe(2 + 1);
  });

  it('counts a query by the kilobytes it read, not by the items', async () => {
    const TableName = table.tableName;
    for (const sk of ['1', '2', '3'])
      await db.send(new PutCommand({ TableName, Item: { pk: 'Q', sk, v: 'y'.repeat(1000) } }));
    meter.reset();
    const out = await db.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'Q' },
        ConsistentRead: true,
      }),
    );
    expect(out.Items).toHaveLength(3);
    expect(units()['dynamodb.readRequestUnits']).toBe(1); // ~3 KB, strongly consistent: one 4 KB unit
  });

  it('doubles transactional writes, including the writes to each index the item is in', async () => {
    const TableName = table.tableName;
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: 'T', sk: 'META', state: 'new' } } },
          {
            Put: {
              TableName,
              // In the queue and requester indexes (gsi1, gsi2): a transactional write in each.
              Item: { pk: 'T', sk: 'IDX', gsi1pk: 'QUEUE#q', gsi1sk: '1', gsi2pk: 'REQ#a@b', gsi2sk: '1' },
            },
          },
        ],
      }),
    );
    expect(units()['dynamodb.writeRequestUnits']).toBe(2 * 2 + 2 * 2);
  });

  it('counts the index writes an update causes: a changed entry, a moved one, a removed one', async () => {
    const TableName = table.tableName;
    await db.send(
      new PutCommand({ TableName, Item: { pk: 'U', sk: 'META', gsi4pk: 'APPROVER#x', gsi4sk: '1' } }),
    );
    const update = async (UpdateExpression: string, values?: Record<string, unknown>) => {
      meter.reset();
      await db.send(
        new UpdateCommand({
          TableName,
          Key: { pk: 'U', sk: 'META' },
          UpdateExpression,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return units()['dynamodb.writeRequestUnits'];
    };
    // The approver index projects all attributes: any change to an item in it rewrites its entry.
    expect(await update('SET decided = :d', { ':d': true })).toBe(1 + 1);
    // A key change deletes the old entry and puts the new one.
    expect(await update('SET gsi4pk = :k', { ':k': 'APPROVER#y' })).toBe(1 + 2);
    expect(await update('REMOVE gsi4pk, gsi4sk')).toBe(1 + 1);
    // A counter outside every index: the table's unit only.
    meter.reset();
    await db.send(
      new UpdateCommand({
        TableName,
        Key: { pk: 'COUNTER', sk: 'COUNTER' },
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'value' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    expect(units()['dynamodb.writeRequestUnits']).toBe(1);
  });

  it('spends nothing on an index that holds none of what a write changed (keys-only, include)', async () => {
    const TableName = table.tableName;
    const item = { pk: 'K', sk: 'META', gsi1pk: 'QUEUE#q', gsi1sk: '1', gsi2pk: 'REQ#a@b', gsi2sk: '1' };
    await db.send(new PutCommand({ TableName, Item: { ...item, body: 'a', priority: 'normal' } }));
    meter.reset();
    // Neither index holds `body`: the table's unit only.
    await db.send(new PutCommand({ TableName, Item: { ...item, body: 'b', priority: 'normal' } }));
    expect(units()['dynamodb.writeRequestUnits']).toBe(1);
    meter.reset();
    // The queue view holds `priority` (table-design.ts): its entry is rewritten, the requester's is not.
    await db.send(new PutCommand({ TableName, Item: { ...item, body: 'b', priority: 'high' } }));
    expect(units()['dynamodb.writeRequestUnits']).toBe(1 + 1);
    expect(meter.snapshot().writesByItem.k).toEqual({ items: 1, table: 1, indexes: { 'gsi1-queue': 1 } });
  });

  it("shares a transaction's units out to the kinds of item it wrote, by size, and the index units to their carriers", async () => {
    const TableName = table.tableName;
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: {
                pk: 'S',
                sk: 'META',
                entity: 'ticket',
                gsi2pk: 'REQ#s@b',
                gsi2sk: '1',
                v: 'x'.repeat(1500),
              },
            },
          },
          { Put: { TableName, Item: { pk: 'S', sk: 'EVT#1', entity: 'audit', v: 'y'.repeat(100) } } },
        ],
      }),
    );
    const { writesByItem } = meter.snapshot();
    const total = (k: string) =>
      (writesByItem[k]?.table ?? 0) +
      Object.values(writesByItem[k]?.indexes ?? {}).reduce((a, b) => a + b, 0);
    // 2 × (2 KB ticket + 1 KB audit) on the table, 2 × 1 on the requester index (the ticket's only).
    expect(total('ticket') + total('audit')).toBeCloseTo(units()['dynamodb.writeRequestUnits'] ?? 0, 6);
    expect(writesByItem.ticket?.indexes).toEqual({ 'gsi2-requester': 2 });
    expect(writesByItem.audit?.indexes).toEqual({});
    expect(total('ticket')).toBeGreaterThan(total('audit'));
  });

  it('still counts a write whose condition failed, and leaves the caller its error and its input', async () => {
    const TableName = table.tableName;
    await db.send(new PutCommand({ TableName, Item: { pk: 'C', sk: 'C' } }));
    meter.reset();
    const input = { TableName, Item: { pk: 'C', sk: 'C' }, ConditionExpression: 'attribute_not_exists(pk)' };
    await expect(db.send(new PutCommand(input))).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect(units()['dynamodb.writeRequestUnits']).toBe(1);
    expect(input).not.toHaveProperty('ReturnConsumedCapacity');
  });

  it('counts nothing for a client it was not put on', async () => {
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'N', sk: 'N' } }));
    expect(units()).toEqual({});
  });
});

describe('the billing meter on an EventBridge client', () => {
  let server: Server;
  let endpoint: string;
  let answer: unknown;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('counts each published entry by its 64 KB chunks and leaves out entries EventBridge refused', async () => {
    const meter = new BillingMeter();
    const bus = meterClient(
      new EventBridgeClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      meter,
    );
    answer = {
      FailedEntryCount: 1,
      Entries: [{ EventId: 'a' }, { EventId: 'b' }, { ErrorCode: 'InternalFailure' }],
    };
    const entry = (detail: string) => ({ Source: 'frontdoor', DetailType: 'ticket.created', Detail: detail });
    await bus.send(
      new PutEventsCommand({
        Entries: [entry('{}'), entry(JSON.stringify({ body: 'z'.repeat(100 * 1024) })), entry('{}')],
      }),
    );
    expect(meter.snapshot().counts['eventBridge.events']).toBe(1 + 2);
    bus.destroy();
  });
});

describe('billable sizes', () => {
  it('chunks SQS bodies and EventBridge entries by 64 KB', () => {
    expect(sqsRequests('x')).toBe(1);
    expect(sqsRequests('x'.repeat(64 * 1024))).toBe(1);
    expect(sqsRequests('x'.repeat(64 * 1024 + 1))).toBe(2);
    expect(eventBridgeEvents({ Source: 's', DetailType: 'd', Detail: 'x'.repeat(64 * 1024 - 2) })).toBe(1);
    expect(eventBridgeEvents({ Source: 's', DetailType: 'd', Detail: 'x'.repeat(64 * 1024 - 1) })).toBe(2);
  });

  it('counts an outbound mail once per recipient', () => {
    expect(sesRecipients({ Destination: { ToAddresses: ['a@x'], CcAddresses: ['b@x', 'c@x'] } })).toBe(3);
    expect(sesRecipients({})).toBe(0);
  });

  it('bills Lambda duration rounded up to the millisecond, times memory', () => {
    const meter = new BillingMeter();
    meter.invocation('get-ticket', 256, 10.2);
    meter.invocation('get-ticket', 256, 0.3);
    const { counts, functions } = meter.snapshot();
    expect(counts['lambda.requests']).toBe(2);
    expect(counts['lambda.gbSeconds']).toBeCloseTo(0.25 * (0.011 + 0.001), 9);
    expect(functions['get-ticket']).toMatchObject({ invocations: 2, billedMs: 12 });
  });

  it("runs an invocation's CPU time at the CPU share its memory buys (1,769 MB: one vCPU); waiting is not stretched", () => {
    const meter = new BillingMeter();
    // 30 ms wall of which 10 ms CPU: at 1,769 MB as measured, at 884.5 MB the CPU takes twice as long.
    meter.invocation('a', 1769, 30, 10);
    meter.invocation('b', 884.5, 30, 10);
    meter.invocation('c', 256, 30, 0);
    const { functions } = meter.snapshot();
    expect(functions.a).toMatchObject({ billedMs: 30, cpuMs: 10 });
    expect(functions.b).toMatchObject({ billedMs: 40, cpuMs: 10 });
    expect(functions.c).toMatchObject({ billedMs: 30 });
    // Above one vCPU nothing gets faster; CPU time beyond the wall time (other work overlapping) is capped.
    expect(lambdaDurationMs(30, 10, 3538)).toBe(30);
    expect(lambdaDurationMs(30, 50, 1769 / 2)).toBe(60);
  });
});
