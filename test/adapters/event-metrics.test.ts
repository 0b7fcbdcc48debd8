/**
 * The events the outbox relay puts on the bus are counted per detail-type as CloudWatch Embedded Metric
 * Format lines (namespace Frontdoor, dimension EventBus): the operations dashboard's tickets created, SLA
 * breaches and escalations. The lines carry detail-types and counts, never an event's detail.
 */
import type { EventBridgeClient, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { EVENT_METRICS } from '../../shared/adapters/event-metrics';
import { EventBridgePublisher } from '../../shared/adapters/event-publisher';
import type { DomainEvent } from '../../shared/domain';

const REQUESTER = 'dana@bigcorp.example';
const event = (type: string) =>
  ({
    type,
    detail: { ticketId: 'T1', version: 1, requesterEmail: REQUESTER, subject: 'Invoice' },
  }) as unknown as DomainEvent;

/** A bus that answers every PutEvents with `answer(entries)`. */
function fakeBus(answer: (count: number) => PutEventsResponse) {
  return {
    send: async (command: { input: { Entries?: unknown[] } }) => answer(command.input.Entries?.length ?? 0),
  } as unknown as EventBridgeClient;
}
const allAccepted = (count: number): PutEventsResponse => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: count }, (_, i) => ({ EventId: `e${i}` })),
});

describe('counting published events (EMF)', () => {
  let stdout: MockInstance<typeof process.stdout.write>;
  const emfLines = () =>
    stdout.mock.calls
      .map(([chunk]) => String(chunk))
      .filter((line) => line.startsWith('{"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeEach(() => {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
  });

  it('writes one line per batch: a Count per detail-type, in namespace Frontdoor, by the bus name only', async () => {
    const publisher = new EventBridgePublisher(fakeBus(allAccepted), 'frontdoor-test');
    await publisher.publish([event('ticket.created'), event('sla.breached'), event('ticket.created')]);

    const [line, ...more] = emfLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: EVENT_METRICS.namespace,
            Dimensions: [[EVENT_METRICS.dimension]],
            Metrics: [
              { Name: 'ticket.created', Unit: 'Count' },
              { Name: 'sla.breached', Unit: 'Count' },
            ],
          },
        ],
      },
    });
    const { _aws, ...values } = line ?? {};
    expect(values).toEqual({ EventBus: 'frontdoor-test', 'ticket.created': 2, 'sla.breached': 1 });
  });

  it('never writes an event’s detail', async () => {
    const publisher = new EventBridgePublisher(fakeBus(allAccepted), 'frontdoor-test');
    await publisher.publish([event('ticket.created')]);
    const lines = emfLines();
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(REQUESTER);
    expect(JSON.stringify(lines)).not.toContain('Invoice');
  });

  it('counts only the entries the bus accepted, and one line per batch of ten', async () => {
    const rejectSecond = (count: number): PutEventsResponse => ({
      FailedEntryCount: 1,
      Entries: Array.from({ length: count }, (_, i) =>
        i === 1 ? { ErrorCode: 'InternalFailure' } : { EventId: `e${i}` },
      ),
    });
    const publisher = new EventBridgePublisher(fakeBus(rejectSecond), 'frontdoor-test');
    await expect(publisher.publish([event('ticket.created'), event('ticket.escalated')])).rejects.toThrow(
      /not accepted/,
    );
    const [line] = emfLines();
    expect(line?.['ticket.created']).toBe(1);
    expect(line).not.toHaveProperty('ticket.escalated');

    stdout.mockClear();
    const eleven = Array.from({ length: 11 }, () => event('ticket.escalated'));
    await new EventBridgePublisher(fakeBus(allAccepted), 'frontdoor-test').publish(eleven);
    expect(emfLines().map((l) => l['ticket.escalated'])).toEqual([10, 1]);
  });
});
