import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket } from '../../shared/domain';

// DynamoDB Local serialises concurrent transactions on one item; real DynamoDB cancels one of them
// with TransactionConflict. Only a mock can show that case.
const db = mockClient(DynamoDBDocumentClient);
const now = new Date('2026-11-23T10:00:00.000Z');
const opened = openTicket(
  {
    channel: 'webhook',
    source: 'demo',
    subject: 'Hello',
    body: '',
    requester: { email: 'a@b.example' },
    fields: {},
    tags: [],
  },
  {
    config: workflowConfig,
    now,
    reference: 'FD-1',
    newId: () => newId(now),
    actor: { kind: 'integration', id: 't' },
  },
);
if (!opened.ok) throw opened.error;
const input = { ...opened, dedupe: { channel: 'webhook', key: 'demo#1', expiresAt: 1 } };
const itemCount = 2 + opened.audit.length + 2;

const conflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: Array.from({ length: itemCount }, (_, i) => ({
      Code: i === itemCount - 1 ? 'TransactionConflict' : 'None',
    })),
  });

describe('TicketRepository.create under a real-DynamoDB TransactionConflict', () => {
  beforeEach(() => db.reset());

  it('retries and creates the ticket when the competing transaction did not create the key', async () => {
    db.on(TransactWriteCommand).rejectsOnce(conflict()).resolves({});
    db.on(GetCommand).resolves({});
    const repo = new TicketRepository(db as unknown as DynamoDBDocumentClient, 't');
    expect(await repo.create(input)).toEqual({ kind: 'created' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('answers duplicate when the competing transaction created the key', async () => {
    db.on(TransactWriteCommand).rejects(conflict());
    db.on(GetCommand).resolves({ Item: { ticketId: 'T-OTHER', reference: 'FD-9' } });
    const repo = new TicketRepository(db as unknown as DynamoDBDocumentClient, 't');
    expect(await repo.create(input)).toEqual({ kind: 'duplicate', ticketId: 'T-OTHER', reference: 'FD-9' });
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('gives up after a few conflicts and lets the error reach the caller', async () => {
    db.on(TransactWriteCommand).rejects(conflict());
    db.on(GetCommand).resolves({});
    const repo = new TicketRepository(db as unknown as DynamoDBDocumentClient, 't');
    await expect(repo.create(input)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(4);
  });
});
