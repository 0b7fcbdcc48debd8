import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { freshTable, outboxEvents } from '../support/dynamodb';
import { lambdaContext, sqsEvent } from './events';

// The queue consumer with real DynamoDB Local and a mocked bus: partial batch failures, a bad event
// failing only its own record, and a redelivered record changing and announcing nothing.
const bus = mockClient(EventBridgeClient);
let table: Awaited<ReturnType<typeof freshTable>>;
type Handler = (
  event: SQSEvent,
  context: unknown,
) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;
let handler: Handler;

beforeAll(async () => {
  table = await freshTable();
  const { inject } = await import('vitest');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('TABLE_NAME', table.tableName);
  vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  ({ handler } = (await import('../../functions/apply-integrations/handler')) as unknown as {
    handler: Handler;
  });
  await new AccountDirectory(table.db, table.tableName).upsert(
    {
      id: 'acct-smallshop',
      name: 'Small Shop',
      tier: 'smb',
      status: 'active',
      domains: ['smallshop.example'],
    },
    new Date(),
  );
});
afterAll(async () => {
  await table.drop();
});

const record = (messageId: string, event: { type: string; detail: unknown }) =>
  sqsEvent(
    {
      id: crypto.randomUUID(),
      source: event.type.split('.')[0],
      'detail-type': event.type,
      detail: event.detail,
    },
    messageId,
    'integrations',
  ).Records[0] as SQSEvent['Records'][number];
const batch = (...records: ReturnType<typeof record>[]): SQSEvent => ({ Records: records });

const cancelled = {
  type: 'billing.subscription_cancelled',
  detail: {
    accountId: 'acct-smallshop',
    subscriptionId: 'sub-1',
    cancelledAt: '2026-01-05T09:00:00Z',
    contact: { email: 'owner@smallshop.example' },
  },
};

describe('apply-integrations handler', () => {
  beforeEach(() => {
    bus.reset();
    bus
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }, { EventId: 'e2' }] });
  });

  it('applies a good event and fails only the record whose detail does not match its schema (it goes to the DLQ)', async () => {
    const bad = { type: 'billing.payment_failed', detail: { accountId: 'acct-smallshop' } };
    const out = await handler(batch(record('m-1', cancelled), record('m-2', bad)), lambdaContext);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });

    // Announced through the outbox, committed with the writes (publish-events puts them on the bus).
    expect((await outboxEvents(table)).map((e) => e.type)).toEqual([
      'ticket.created',
      'ticket.message_added',
    ]);
    expect(await outboxEvents(table)).toHaveLength(2);
    const tickets = new TicketRepository(table.db, table.tableName);
    expect((await tickets.listByRequester('owner@smallshop.example', { limit: 10 })).tickets).toHaveLength(1);
    expect(await new AccountDirectory(table.db, table.tableName).get('acct-smallshop')).toMatchObject({
      status: 'cancelled',
      tags: ['subscription-cancelled'],
    });
  });

  it('changes and announces nothing when the same fact is delivered again', async () => {
    expect(await handler(batch(record('m-3', cancelled)), lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(await outboxEvents(table)).toHaveLength(2);
    const tickets = new TicketRepository(table.db, table.tableName);
    expect((await tickets.listByRequester('owner@smallshop.example', { limit: 10 })).tickets).toHaveLength(1);
  });
});
