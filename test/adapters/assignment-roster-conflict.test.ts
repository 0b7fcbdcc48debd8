import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AgentRoster } from '../../shared/adapters/agent-roster';
import { aTicket } from '../domain/builders';

// DynamoDB Local serialises concurrent transactions on one item; real DynamoDB cancels one of them with
// TransactionConflict. Only a mock shows how the roster reads each cancellation: the ticket moved on (read it
// again), or the agent may not take it any more (pick again). The items: ticket, audit, agent, pointer.
const db = mockClient(DynamoDBDocumentClient);
const roster = new AgentRoster(db as unknown as DynamoDBDocumentClient, 'frontdoor-test');
const ticket = aTicket({ version: 2 });
const write = {
  change: { ticket: { ...ticket, assignee: 'ana@x', version: 3 }, expectedVersion: 2, audit: [] },
  agent: 'ana@x',
  queue: 'frontline',
  capacity: 2,
};
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('the agent roster under cancelled transactions', () => {
  beforeEach(() => db.reset());

  it('answers agent_refused when only the agent’s condition failed (away, out of the queue, no room)', async () => {
    db.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'None']));
    expect(await roster.assign(write)).toBe('agent_refused');
  });

  it('answers ticket_changed when the ticket moved on, or on a TransactionConflict', async () => {
    db.on(TransactWriteCommand).rejects(
      cancelled(['ConditionalCheckFailed', 'ConditionalCheckFailed', 'None']),
    );
    expect(await roster.assign(write)).toBe('ticket_changed');
    db.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None', 'None']));
    expect(await roster.assign(write)).toBe('ticket_changed');
  });

  it('answers ticket_changed when keeping the load in step loses a race', async () => {
    db.on(GetCommand).resolves({});
    db.on(GetCommand, { Key: { pk: 'AGENTS', sk: 'AGENT#ana@x' } }).resolves({
      Item: {
        id: 'ana@x',
        availability: 'available',
        skills: { requestTypes: [], languages: [] },
        queues: ['frontline'],
        updatedAt: ticket.updatedAt,
      },
    });
    db.on(TransactWriteCommand).rejects(cancelled(['None', 'TransactionConflict', 'None']));
    expect(await roster.syncLoad({ ...ticket, assignee: 'ana@x' })).toEqual({ kind: 'ticket_changed' });
  });

  it('throws what is not a cancellation', async () => {
    db.on(TransactWriteCommand).rejects(new Error('network down'));
    await expect(roster.assign(write)).rejects.toThrow('network down');
  });
});
