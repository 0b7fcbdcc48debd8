import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { IntegrationLedger } from '../../shared/adapters/integration-ledger';
import type { Account } from '../../shared/domain';
import { freshTable } from '../support/dynamodb';

const at = new Date('2026-01-05T10:00:00Z');
const shop: Account = {
  id: 'acct-shop',
  name: 'Shop',
  tier: 'smb',
  status: 'active',
  domains: ['shop.example'],
};
const cause = {
  by: 'integration:subscription-cancelled',
  cause: 'subscription-cancelled:sub-1',
  eventType: 'billing.subscription_cancelled',
};

describe('AccountDirectory.change against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let directory: AccountDirectory;
  beforeAll(async () => {
    table = await freshTable();
    directory = new AccountDirectory(table.db, table.tableName);
    await directory.upsert({ ...shop, tags: ['vip'] }, at);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('adds tags as a set, sets the status and leaves one change record saying who, why, before and after', async () => {
    const outcome = await directory.change(
      'acct-shop',
      { addTags: ['vip', 'churned'], status: 'cancelled' },
      cause,
      at,
    );
    expect(outcome).toEqual({
      kind: 'changed',
      account: { ...shop, tags: ['vip', 'churned'], status: 'cancelled' },
      before: { status: 'active', tags: ['vip'] },
      after: { status: 'cancelled', tags: ['vip', 'churned'] },
    });
    expect(await directory.get('acct-shop')).toEqual({
      ...shop,
      tags: ['vip', 'churned'],
      status: 'cancelled',
    });
    expect(await directory.byDomain('shop.example')).toMatchObject({ status: 'cancelled' });
    expect(await directory.changes('acct-shop')).toEqual([
      {
        at: at.toISOString(),
        ...cause,
        before: outcome.kind === 'changed' ? outcome.before : null,
        after: { status: 'cancelled', tags: ['vip', 'churned'] },
      },
    ]);
  });

  it('writes nothing when the change is already true of the account', async () => {
    const outcome = await directory.change(
      'acct-shop',
      { addTags: ['churned'], status: 'cancelled' },
      cause,
      at,
    );
    expect(outcome.kind).toBe('unchanged');
    expect(await directory.changes('acct-shop')).toHaveLength(1);
  });

  it('does not invent an account it does not know', async () => {
    expect(await directory.change('acct-ghost', { addTags: ['x'] }, cause, at)).toEqual({
      kind: 'unknown_account',
    });
    expect(await directory.get('acct-ghost')).toBeUndefined();
  });
});

describe('AccountDirectory.change when another writer gets there first', () => {
  it('reads again and decides again instead of overwriting the other write', async () => {
    const db = mockClient(DynamoDBDocumentClient);
    const item = (a: Account, updatedAt: string) => ({
      pk: `ACCOUNT#${a.id}`,
      sk: 'META',
      entity: 'account',
      ...a,
      updatedAt,
    });
    db.on(GetCommand)
      .resolvesOnce({ Item: item(shop, 't1') })
      // Meanwhile someone else made the account past due (and tagged it).
      .resolvesOnce({ Item: item({ ...shop, status: 'past_due', tags: ['payment-failed'] }, 't2') });
    db.on(TransactWriteCommand)
      .rejectsOnce(
        new TransactionCanceledException({
          message: 'cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
        }),
      )
      .resolves({});
    const directory = new AccountDirectory(db as unknown as DynamoDBDocumentClient, 'table');
    const outcome = await directory.change(
      'acct-shop',
      { addTags: ['churned'], status: 'cancelled' },
      cause,
      at,
    );
    expect(outcome).toMatchObject({
      kind: 'changed',
      after: { status: 'cancelled', tags: ['payment-failed', 'churned'] },
    });
    const writes = db.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(2);
    expect(writes[0]?.args[0].input.TransactItems?.[0]?.Put?.ExpressionAttributeValues).toEqual({
      ':seen': 't1',
    });
    expect(writes[1]?.args[0].input.TransactItems?.[0]?.Put?.ExpressionAttributeValues).toEqual({
      ':seen': 't2',
    });
    db.restore();
  });
});

describe('IntegrationLedger against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let ledger: IntegrationLedger;
  beforeAll(async () => {
    table = await freshTable();
    ledger = new IntegrationLedger(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('remembers a fact as applied, once, with an expiry', async () => {
    expect(await ledger.applied('rule-a:key-1')).toBe(false);
    await ledger.markApplied('rule-a:key-1', { ticketId: 'T1' }, at);
    await ledger.markApplied('rule-a:key-1', { ticketId: 'T2' }, at);
    expect(await ledger.applied('rule-a:key-1')).toBe(true);
    expect(await ledger.applied('rule-b:key-1')).toBe(false);
    const out = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'INTEGRATION#rule-a:key-1', sk: 'APPLIED' } }),
    );
    expect(out.Item).toMatchObject({
      ticketId: 'T1',
      expiresAt: Math.floor(at.getTime() / 1000) + 90 * 86_400,
    });
  });
});
