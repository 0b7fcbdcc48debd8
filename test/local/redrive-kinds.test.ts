import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SESEvent, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { DurableList, DurableRecords } from '../../infra/local/durable-records';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { type DeadLetter, LocalEventBus, type PendingDelivery } from '../../infra/local/event-bus';
import { LocalInboundMail, type MailDeadLetter } from '../../infra/local/inbound-mail';
import { localQueueArn } from '../../infra/local/local-environment';
import { type DeadMessage, LocalQueue, type QueuedMessage } from '../../infra/local/queues';
import {
  type LocalRedriveResult,
  type LocalRedriveServices,
  redriveLocally,
} from '../../infra/local/redrive';
import { LocalScheduler, type ScheduleDeadLetter, type StoredSchedule } from '../../infra/local/scheduler';
import { LocalTableStream } from '../../infra/local/table-stream';
import { VirtualClock } from '../../infra/local/virtual-clock';
import { inboundMailConsumer, queues, tableStreamConsumers, WAKE_UP_QUEUE } from '../../shared/topology';
import { freshTable } from '../support/dynamodb';

// `POST /local/redrive` for every name the local runtime has an equivalent for, on the runtime's real
// pieces (queues, bus, inbound mail, scheduler, the table stream on DynamoDB Local): each consumer fails
// until it is healed, so its work dead-letters; a dry run lists it with the error; a redrive hands it to
// the same consumer again, which now takes it.

const START = new Date('2026-03-02T09:00:00.000Z');

function sesEvent(messageId: string): SESEvent {
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: { mail: { messageId, source: 'ann@example.com', commonHeaders: { subject: 'Help' } } },
      },
    ],
  } as unknown as SESEvent;
}

describe('redriving each kind of local dead letter', () => {
  let dir: string;
  let table: Awaited<ReturnType<typeof freshTable>>;
  let s: LocalRedriveServices;
  let clock: VirtualClock;
  const state = { healed: false };
  const received: Record<string, string[]> = {};

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontdoor-redrive-kinds-'));
    table = await freshTable();
    state.healed = false;
    for (const key of Object.keys(received)) delete received[key];
    const got = (where: string, what: string) => {
      received[where] = [...(received[where] ?? []), what];
    };
    const failUnlessHealed = (what: string) => {
      if (!state.healed) throw new Error(`${what} is down`);
    };
    const queueDeadLetters = new DurableList<DeadMessage>(join(dir, 'dead-letters', 'queues.jsonl'));
    const localQueues = new Map(
      queues.map((spec) => {
        const consumer = async (event: SQSEvent) => {
          for (const r of event.Records) got(spec.name, r.body);
          return { batchItemFailures: [] };
        };
        const store = new DurableRecords<QueuedMessage>(join(dir, 'queues', spec.name));
        const queue = new LocalQueue(spec, consumer, 10, queueDeadLetters, () => {}, store, 1000, 10);
        queue.start();
        return [spec.name, queue] as const;
      }),
    );
    const bus = new LocalEventBus(
      [
        {
          name: 'queue:notifications',
          pattern: { source: ['frontdoor'] },
          enqueues: true,
          invoke: async (event) => {
            failUnlessHealed('the notifications queue');
            localQueues.get('notifications')?.send(JSON.stringify(event));
          },
        },
      ],
      () => {},
      {
        pending: new DurableRecords<PendingDelivery>(join(dir, 'bus')),
        deadLetters: new DurableList<DeadLetter>(join(dir, 'dead-letters', 'events.jsonl')),
      },
    );
    const mail = new LocalInboundMail({
      fn: inboundMailConsumer(),
      invoke: async (_fn, event) => {
        failUnlessHealed('the mail parser');
        got('mail', (event as SESEvent).Records[0]?.ses.mail.messageId ?? '?');
      },
      pending: new DurableRecords<SESEvent>(join(dir, 'mail')),
      deadLetters: new DurableList<MailDeadLetter>(join(dir, 'dead-letters', 'mail.jsonl')),
      log: () => {},
    });
    clock = new VirtualClock({ start: START });
    const byArn = new Map([...localQueues].map(([name, q]) => [localQueueArn(name), q]));
    const scheduler = new LocalScheduler({
      clock,
      region: LOCAL_REGION,
      accountId: '000000000000',
      store: new DurableRecords<StoredSchedule>(join(dir, 'schedules')),
      deadLetters: new DurableList<ScheduleDeadLetter>(join(dir, 'dead-letters', 'schedules.jsonl')),
      deliver: (arn, input) => {
        const queue = byArn.get(arn);
        if (!queue) throw new Error(`no local queue has the ARN ${arn}`);
        queue.send(input);
      },
      log: () => {},
    });
    scheduler.start();
    // A dead letter kept from before (its record long gone from the stream): it stays, with the reason.
    mkdirSync(join(dir, 'streams'), { recursive: true });
    writeFileSync(
      join(dir, 'streams', 'dead-letters.jsonl'),
      `${JSON.stringify({ consumer: 'project-metrics', eventID: 'gone', sequenceNumber: '1', error: 'old' })}\n`,
    );
    const tableStream = new LocalTableStream({
      endpoint: inject('dynamoEndpoint'),
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      tableName: table.tableName,
      consumers: tableStreamConsumers().filter((c) => c.fn.name === 'project-metrics'),
      dataDir: dir,
      invoke: async (_fn, event) => {
        failUnlessHealed('the metrics store');
        for (const r of (event as { Records: Array<{ eventID: string }> }).Records) got('stream', r.eventID);
        return { batchItemFailures: [] };
      },
      log: () => {},
    });
    s = { queues: localQueues, queueDeadLetters, bus, mail, scheduler, tableStream };
  });

  afterEach(async () => {
    s.scheduler.stop();
    await s.tableStream.stop();
    for (const q of s.queues.values()) await q.stop();
    await table.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const redrive = async (name: string, dryRun: boolean) =>
    (await redriveLocally(s, name, dryRun)) as LocalRedriveResult;
  const settle = async () => {
    await s.bus.drain();
    await s.mail.settled();
    for (const q of s.queues.values()) await q.drain();
  };

  it('puts the events the bus could not put on a queue back on it (`<queue>-rules`)', async () => {
    s.bus.put([{ Source: 'frontdoor', DetailType: 'ticket.created', Detail: '{"ticketId":"T-1"}' }]);
    await settle();
    const dry = await redrive('notifications-rules', true);
    expect(dry.deadLetters).toEqual([
      expect.objectContaining({
        body: expect.stringContaining('"ticketId":"T-1"'),
        error: 'the notifications queue is down',
      }),
    ]);
    expect(received.notifications).toBeUndefined();
    state.healed = true;
    expect(await redrive('notifications-rules', false)).toMatchObject({ moved: 1, left: [] });
    await settle();
    expect(received.notifications?.map((b) => JSON.parse(b).detail)).toEqual([{ ticketId: 'T-1' }]);
    expect(s.bus.deadLetters).toEqual([]);
  });

  it('hands the mails the inbound-mail function gave up on to it again', async () => {
    s.mail.deliver(sesEvent('ses-1'));
    await settle();
    const dry = await redrive('receive-email', true);
    expect(dry.deadLetters).toEqual([
      expect.objectContaining({ messageId: 'ses-1', error: 'the mail parser is down' }),
    ]);
    state.healed = true;
    expect(await redrive('receive-email', false)).toMatchObject({ moved: 1 });
    await settle();
    expect(received.mail).toEqual(['ses-1']);
    expect(s.mail.deadLetters).toEqual([]);
  });

  it("sends the scheduler's dead wake-ups onto the wake-up queue, as its DLQ's redrive does in AWS", async () => {
    s.scheduler.serve(
      'POST',
      '/schedules/w1',
      new URLSearchParams(),
      JSON.stringify({
        GroupName: 'wake-ups',
        ScheduleExpression: 'at(2026-03-02T09:00:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: localQueueArn('no-such-queue'),
          RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
          Input: '{"ticketId":"T-2"}',
          DeadLetterConfig: { Arn: localQueueArn(`${WAKE_UP_QUEUE}-dlq`) },
        },
      }),
    );
    await s.scheduler.drain();
    const dry = await redrive(WAKE_UP_QUEUE, true);
    expect(dry.deadLetters).toEqual([
      expect.objectContaining({
        messageId: 'wake-ups/w1',
        body: '{"ticketId":"T-2"}',
        error: expect.stringContaining('no local queue'),
      }),
    ]);
    expect(await redrive(WAKE_UP_QUEUE, false)).toMatchObject({ moved: 1 });
    await settle();
    expect(received[WAKE_UP_QUEUE]).toEqual(['{"ticketId":"T-2"}']);
    expect(s.scheduler.deadLetters).toEqual([]);
  });

  it('reads a stream record the consumer gave up on back from the stream and hands it over again', async () => {
    s.tableStream.start();
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'TICKET#T-3', sk: 'TICKET', entity: 'ticket' },
      }),
    );
    await s.tableStream.drain();
    const dry = await redrive('project-metrics-stream', true);
    expect(dry.deadLetters.map((d) => d.messageId)).toEqual(['gone', expect.any(String)]);
    const eventID = dry.deadLetters[1]?.messageId;
    state.healed = true;
    const out = await redrive('project-metrics-stream', false);
    expect(out).toMatchObject({
      moved: 1,
      left: [{ id: 'gone', reason: 'the stream no longer has the record (older than its retention)' }],
    });
    expect(received.stream).toEqual([eventID]);
    expect(s.tableStream.deadLetters.map((d) => d.eventID)).toEqual(['gone']);
  });

  it('says in one sentence that the bus DLQ has no local equivalent', async () => {
    expect(await redriveLocally(s, 'bus', true)).toEqual({
      error:
        'bus has no local equivalent: the local bus encrypts nothing, so it never dead-letters an event for that.',
    });
  });
});
