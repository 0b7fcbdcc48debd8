import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { outboxItems } from '../../shared/adapters/ticket-repository';
import { messageAddedEvent, ticketCreatedEvent } from '../../shared/domain';
import { aMessage, aTicket } from '../domain/builders';
import { lambdaContext } from './events';

vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const bus = mockClient(EventBridgeClient);
type Handler = (event: DynamoDBStreamEvent, context: unknown) => Promise<{ batchItemFailures: unknown[] }>;
let handler: Handler;
beforeAll(async () => {
  ({ handler } = (await import('../../functions/publish-events/handler')) as unknown as { handler: Handler });
});

/** The stream record DynamoDB makes of a new item (what the event source hands over). */
function inserted(item: Record<string, unknown>, sequence: number): DynamoDBRecord {
  return {
    eventID: `e${sequence}`,
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: String(sequence),
      NewImage: marshall(item) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
    },
  };
}

const ticket = aTicket({ version: 3 });
const message = aMessage({ ticketId: ticket.id });
const committed = outboxItems(ticket, [ticketCreatedEvent(ticket), messageAddedEvent(ticket, message, true)]);

describe('publish-events handler (the outbox, from the table stream)', () => {
  beforeEach(() => {
    bus.reset();
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
  });

  it('puts each committed event on the bus once, in commit order, with the stable event id in its detail', async () => {
    const out = await handler({ Records: committed.map((item, i) => inserted(item, i + 1)) }, lambdaContext);
    expect(out).toEqual({ batchItemFailures: [] });
    const entries = bus.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => [e.Source, e.DetailType, e.EventBusName])).toEqual([
      ['frontdoor', 'ticket.created', 'frontdoor-test-bus'],
      ['frontdoor', 'ticket.message_added', 'frontdoor-test-bus'],
    ]);
    expect(entries.map((e) => JSON.parse(e.Detail ?? '{}').eventId)).toEqual([
      `${ticket.id}:3:0`,
      `${ticket.id}:3:1`,
    ]);
  });

  it('ignores what is not a new outbox item: other entities, and the TTL deletion of an old one', async () => {
    const removal: DynamoDBRecord = { ...inserted(committed[0] ?? {}, 9), eventName: 'REMOVE' };
    const other = inserted({ pk: `TICKET#${ticket.id}`, sk: 'META', entity: 'ticket' }, 10);
    expect(await handler({ Records: [removal, other] }, lambdaContext)).toEqual({ batchItemFailures: [] });
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('reports the first event the bus refused, so the stream hands it and what follows over again', async () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      outboxItems({ ...ticket, version: 10 + i }, [ticketCreatedEvent(ticket)]),
    ).flat();
    bus
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [] })
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const out = await handler({ Records: many.map((item, i) => inserted(item, 100 + i)) }, lambdaContext);
    // The first ten went in one PutEvents; the second call (entries 11 and 12) was refused.
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: '110' }] });
  });
});
