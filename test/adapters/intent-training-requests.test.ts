import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeTrainingRequests } from '../../shared/adapters/intent-training-requests';

const bus = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'eu-central-1' });
const requests = new EventBridgeTrainingRequests(client, 'frontdoor-bus-test');

describe('EventBridgeTrainingRequests', () => {
  beforeEach(() => bus.reset());
  afterAll(() => bus.restore());

  it('puts one intent.training_requested event from frontdoor.intent onto the bus, naming who asked', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await requests.request('lead@example.com');

    const calls = bus.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entries = calls[0]?.args[0].input.Entries ?? [];
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.EventBusName).toBe('frontdoor-bus-test');
    expect(entry?.Source).toBe('frontdoor.intent');
    expect(entry?.DetailType).toBe('intent.training_requested');
    expect(JSON.parse(entry?.Detail ?? 'null')).toEqual({ requestedBy: 'lead@example.com' });
  });

  it('keeps an unusual requester intact in the detail (it is JSON, not spliced text)', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
    const by = 'schedule "weekly" \\ ü';
    await requests.request(by);
    const detail = bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail;
    expect(JSON.parse(detail ?? 'null')).toEqual({ requestedBy: by });
  });

  it('throws naming the error code when the bus refuses the entry', async () => {
    bus.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    await expect(requests.request('lead@example.com')).rejects.toThrow(/InternalFailure/);
  });

  it('throws on a refused entry even without an error code', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{}] });
    await expect(requests.request('lead@example.com')).rejects.toThrow(/refused the training request/);
  });

  it('lets a failing call to the bus reach the caller', async () => {
    bus.on(PutEventsCommand).rejects(new Error('AccessDeniedException: not allowed'));
    await expect(requests.request('lead@example.com')).rejects.toThrow(/AccessDeniedException/);
  });
});
