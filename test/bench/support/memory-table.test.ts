import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import { AccountDirectory } from '../../../shared/adapters/account-directory';
import { ApprovalStore } from '../../../shared/adapters/approval-store';
import { IncidentRegistry } from '../../../shared/adapters/incident-registry';
import { IntentModelStore } from '../../../shared/adapters/intent-store';
import { TicketRepository } from '../../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../../shared/config';
import { addAgentMessage, newId, openTicket } from '../../../shared/domain';
import { ConcurrentUpdateError } from '../../../shared/use-cases/ports';
import { freshTable } from '../../support/dynamodb';
import { memoryRequestHandler, mockDocumentClient } from './in-memory-aws';
import { MemoryTable, UnsupportedByMemoryTable } from './memory-table';

/*
 * The CPU bench's in-memory table (memory-table.ts) answers the calls of intake, get-ticket and add-message
 * as DynamoDB does: the same adapter calls, in the same order, against DynamoDB Local and against the
 * table (through the full SDK, and through aws-sdk-client-mock), give the same answers.
 */

const now = new Date('2026-11-23T10:00:00.000Z');
function must<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok) throw (result as { error?: unknown }).error;
  return result as Extract<T, { ok: true }>;
}
const opened = must(
  openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      externalId: 'x-1',
      subject: 'Question about invoice INV-1',
      body: 'We were charged twice.',
      requester: { email: 'dana@bigcorp.example' },
      account: { id: 'acct-1', tier: 'enterprise' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-1', customerId: 'C-1' },
      tags: [],
    },
    {
      config: workflowConfig,
      now,
      reference: 'FD-1',
      newId: () => newId(now),
      actor: { kind: 'integration', id: 't' },
    },
  ),
);
const reply = must(
  addAgentMessage(
    opened.ticket,
    { visibility: 'public', body: 'Looking into it.', author: { email: 'agent@example.com' } },
    {
      actor: { kind: 'agent', id: 'agent@example.com' },
      at: new Date(now.getTime() + 60_000),
      newId: () => newId(now),
    },
  ),
);
const account = {
  id: 'acct-1',
  name: 'Big Corp',
  tier: 'enterprise',
  status: 'active' as const,
  domains: ['bigcorp.example'],
};

/** The three handlers' adapter calls, in their order; every answer (or error name) recorded. */
async function scenario(db: DynamoDBDocumentClient, tableName: string): Promise<unknown[]> {
  const tickets = new TicketRepository(db, tableName);
  const accounts = new AccountDirectory(db, tableName);
  const incidents = new IncidentRegistry(db, tableName);
  const approvals = new ApprovalStore(db, tableName);
  const models = new IntentModelStore(db, tableName, async () => {
    throw new Error('no object store');
  });
  const dedupe = { channel: 'webhook', key: 'demo#x-1', expiresAt: 1_900_000_000 };
  const out: unknown[] = [];
  const record = async (what: string, call: () => Promise<unknown>) => {
    try {
      out.push([what, await call()]);
    } catch (e: unknown) {
      out.push([
        what,
        'threw',
        (e as Error).name,
        (e as { CancellationReasons?: unknown }).CancellationReasons,
      ]);
    }
  };
  await accounts.upsert(account, now);
  // intake
  await record('findDuplicate', () => tickets.findDuplicate(dedupe));
  await record('accounts.get', () => accounts.get('acct-1'));
  await record('accounts.byDomain', () => accounts.byDomain('BigCorp.example'));
  await record('model', () => models.current());
  await record('reference', () => tickets.nextReferenceNumber());
  await record('reference', () => tickets.nextReferenceNumber());
  await record('incidents', () => incidents.open());
  await record('create', () => tickets.create({ ...opened, dedupe }));
  await record('create again', () => tickets.create({ ...opened, dedupe }));
  await record('findDuplicate', () => tickets.findDuplicate(dedupe));
  // get-ticket
  await record('byReference', () => tickets.ticketIdForReference('FD-1'));
  await record('history', () => tickets.history(opened.ticket.id));
  await record('approvals', () => approvals.forTicket(opened.ticket.id));
  // add-message
  await record('get', () => tickets.get(opened.ticket.id));
  const change = {
    ticket: reply.ticket,
    expectedVersion: opened.ticket.version,
    audit: [reply.audit],
    messages: [reply.message],
    events: [reply.event],
  };
  await record('append', () => tickets.append(change));
  await record('append stale', () =>
    tickets.append(change).catch((e: unknown) => {
      throw e instanceof ConcurrentUpdateError
        ? Object.assign(new Error(), { name: 'ConcurrentUpdateError' })
        : e;
    }),
  );
  await record('history after', () => tickets.history(opened.ticket.id));
  return out;
}

describe('the CPU bench in-memory table', () => {
  let local: Awaited<ReturnType<typeof freshTable>>;
  let expected: unknown[];
  beforeAll(async () => {
    local = await freshTable();
    expected = await scenario(local.db, local.tableName);
  });
  afterAll(async () => {
    await local?.drop();
  });

  it('answers the full SDK as DynamoDB Local does', async () => {
    const table = new MemoryTable('bench');
    const client = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: memoryRequestHandler(table),
    });
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    expect(await scenario(db, 'bench')).toEqual(expected);
  });

  it('answers aws-sdk-client-mock as DynamoDB Local does', async () => {
    const table = new MemoryTable('bench');
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: LOCAL_REGION }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const mock = mockDocumentClient(table, db);
    try {
      expect(await scenario(db, 'bench')).toEqual(expected);
      await expect(db.send(new ScanCommand({ TableName: 'bench' }))).rejects.toThrow(
        UnsupportedByMemoryTable,
      );
    } finally {
      mock.undo();
    }
  });

  it('refuses what it cannot answer rather than answer wrongly', () => {
    const table = new MemoryTable('bench');
    const q = (input: Record<string, unknown>) => () =>
      table.query({ TableName: 'bench', ExpressionAttributeValues: { ':pk': 'A', ':x': 1 }, ...input });
    expect(q({ KeyConditionExpression: 'pk = :pk', FilterExpression: 'x = :x' })).toThrow(
      UnsupportedByMemoryTable,
    );
    expect(q({ KeyConditionExpression: 'pk = :pk AND contains(sk, :x)' })).toThrow(UnsupportedByMemoryTable);
    expect(() =>
      table.put({
        TableName: 'bench',
        Item: { pk: 'A', sk: 'B' },
        ConditionExpression: 'size(pk) > :x',
        ExpressionAttributeValues: { ':x': 1 },
      }),
    ).toThrow(UnsupportedByMemoryTable);
  });

  it('evaluates conditions with AND, OR, NOT and parentheses', () => {
    const table = new MemoryTable('bench');
    table.seed([{ pk: 'A', sk: 'B', version: 2, accountId: 'x' }]);
    const put = (ConditionExpression: string, values: Record<string, unknown>) => () =>
      table.put({
        TableName: 'bench',
        Item: { pk: 'A', sk: 'B', version: 2, accountId: 'x' },
        ConditionExpression,
        ExpressionAttributeValues: values,
      });
    expect(put('attribute_not_exists(pk) OR accountId = :id', { ':id': 'x' })).not.toThrow();
    expect(put('attribute_not_exists(pk) OR accountId = :id', { ':id': 'y' })).toThrow('conditional');
    expect(put('NOT (version <> :v) AND attribute_exists(pk)', { ':v': 2 })).not.toThrow();
    expect(put('version > :v', { ':v': 2 })).toThrow('conditional');
  });
});
