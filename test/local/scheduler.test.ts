import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableList, DurableRecords } from '../../infra/local/durable-records';
import { LocalScheduler, type ScheduleDeadLetter, type StoredSchedule } from '../../infra/local/scheduler';
import { VirtualClock } from '../../infra/local/virtual-clock';
import { AwsJsonService, SCHEDULER } from '../../shared/adapters/aws-json';
import { billingMeter } from '../../shared/adapters/billing-meter';
import { EventBridgeWakeUps, WakeUpMessage, wakeUpScheduleName } from '../../shared/adapters/wake-ups';

const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:ticket-clock';
const GROUP = 'wake-ups';
const TICKET = '01JD0000000000000000000000';

/** `at(...)` for START + ms (whole seconds). */
const at = (ms: number) => `at(${new Date(START.getTime() + ms).toISOString().slice(0, 19)})`;

/** A local queue stand-in: what was delivered, and a promise for the next delivery. */
function queueSink(arns: readonly string[] = [QUEUE]) {
  const delivered: Array<{ arn: string; input: string }> = [];
  let waiters: Array<() => void> = [];
  return {
    delivered,
    deliver: (arn: string, input: string) => {
      if (!arns.includes(arn)) throw new Error(`no local queue has the ARN ${arn}`);
      delivered.push({ arn, input });
      const waiting = waiters;
      waiters = [];
      for (const w of waiting) w();
    },
    /** Resolves once `n` messages have been delivered in all. */
    until: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (delivered.length >= n ? resolve() : waiters.push(check));
        check();
      }),
  };
}

function body(expression: string, input = '{"n":1}', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    GroupName: GROUP,
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: QUEUE, RoleArn: 'arn:aws:iam::000000000000:role/scheduler', Input: input },
    ...extra,
  });
}

const noQuery = new URLSearchParams();
const inGroup = new URLSearchParams({ groupName: GROUP });

describe('the local EventBridge Scheduler', () => {
  let dir: string;
  let clock: VirtualClock;
  let sink: ReturnType<typeof queueSink>;
  const opened: LocalScheduler[] = [];

  const open = (deliver = sink.deliver) => {
    const scheduler = new LocalScheduler({
      clock,
      region: 'us-east-1',
      accountId: '000000000000',
      store: new DurableRecords<StoredSchedule>(join(dir, 'schedules')),
      deadLetters: new DurableList<ScheduleDeadLetter>(join(dir, 'dead-letters', 'schedules.jsonl')),
      deliver,
      log: () => {},
    });
    opened.push(scheduler);
    scheduler.start();
    return scheduler;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontdoor-scheduler-'));
    clock = new VirtualClock({ start: START });
    sink = queueSink();
  });
  afterEach(() => {
    for (const s of opened.splice(0)) s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires a schedule when the virtual clock reaches it, into the queue its target names, then deletes it', async () => {
    const scheduler = open();
    const created = scheduler.serve('POST', '/schedules/s1', noQuery, body(at(HOUR), '{"hello":"queue"}'));
    expect(created).toMatchObject({
      status: 200,
      body: { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${GROUP}/s1` },
    });
    expect(scheduler.pending()).toEqual([
      { name: 's1', group: GROUP, at: '2026-03-02T10:00:00.000Z', target: QUEUE, input: '{"hello":"queue"}' },
    ]);
    clock.advance(HOUR - 1000);
    await scheduler.drain();
    expect(sink.delivered).toEqual([]);

    clock.advance(1000);
    await sink.until(1);
    expect(sink.delivered).toEqual([{ arn: QUEUE, input: '{"hello":"queue"}' }]);
    expect(scheduler.pending()).toEqual([]);
    expect(scheduler.serve('GET', '/schedules/s1', inGroup, '').status).toBe(404);
    expect(new DurableRecords<StoredSchedule>(join(dir, 'schedules')).list()).toEqual([]);
  });

  it('fires as real time passes too (the clock running)', async () => {
    clock.setSpeed(600); // a virtual minute in 0.1 s
    const scheduler = open();
    scheduler.serve('POST', '/schedules/s1', noQuery, body(at(60_000)));
    await sink.until(1);
    expect(clock.now()).toBeGreaterThanOrEqual(START.getTime() + 60_000);
    expect(scheduler.pending()).toEqual([]);
  });

  it('fires in order of their moments when one clock jump passes several', async () => {
    const scheduler = open();
    scheduler.serve('POST', '/schedules/late', noQuery, body(at(3 * HOUR), '"late"'));
    scheduler.serve('POST', '/schedules/early', noQuery, body(at(HOUR), '"early"'));
    scheduler.serve('POST', '/schedules/never', noQuery, body(at(9 * HOUR), '"never"'));
    expect(scheduler.pending().map((s) => s.name)).toEqual(['early', 'late', 'never']);
    clock.advance(4 * HOUR);
    await sink.until(2);
    expect(sink.delivered.map((d) => d.input)).toEqual(['"early"', '"late"']);
    expect(scheduler.pending().map((s) => s.name)).toEqual(['never']);
  });

  it('replaces a schedule on update: only the new moment and input fire', async () => {
    const scheduler = open();
    scheduler.serve('POST', '/schedules/s1', noQuery, body(at(HOUR), '"first"'));
    const updated = scheduler.serve('PUT', '/schedules/s1', noQuery, body(at(2 * HOUR), '"second"'));
    expect(updated.status).toBe(200);
    clock.advance(HOUR);
    await scheduler.drain();
    expect(sink.delivered).toEqual([]);
    clock.advance(HOUR);
    await sink.until(1);
    expect(sink.delivered).toEqual([{ arn: QUEUE, input: '"second"' }]);
  });

  it('answers as EventBridge Scheduler does: 409 on a second create, 404 for a schedule that is not there', () => {
    const scheduler = open();
    expect(scheduler.serve('POST', '/schedules/s1', noQuery, body(at(HOUR))).status).toBe(200);
    const again = scheduler.serve('POST', '/schedules/s1', noQuery, body(at(2 * HOUR)));
    expect(again).toMatchObject({ status: 409, headers: { 'x-amzn-errortype': 'ConflictException' } });
    // The first schedule stands.
    expect(scheduler.pending()[0]?.at).toBe('2026-03-02T10:00:00.000Z');
    for (const [method, path] of [
      ['PUT', '/schedules/s2'],
      ['GET', '/schedules/s2'],
      ['DELETE', '/schedules/s2'],
    ] as const) {
      const answer = scheduler.serve(method, path, inGroup, body(at(HOUR)));
      expect(answer, `${method} ${path}`).toMatchObject({
        status: 404,
        headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
      });
    }
    // Names are per group.
    expect(scheduler.serve('GET', '/schedules/s1', noQuery, '').status).toBe(404);
    expect(scheduler.serve('GET', '/schedules/s1', inGroup, '').status).toBe(200);
  });

  it('refuses what it cannot serve with a ValidationException', () => {
    const scheduler = open();
    const refused = (b: string) => scheduler.serve('POST', '/schedules/s1', noQuery, b);
    expect(refused(body('rate(5 minutes)'))).toMatchObject({
      status: 400,
      headers: { 'x-amzn-errortype': 'ValidationException' },
    });
    expect(refused(body('at(2026-02-30T10:00:00)')).status).toBe(400);
    expect(refused(body(at(HOUR), '"x"', { ScheduleExpressionTimezone: 'Europe/Paris' })).status).toBe(400);
    expect(refused(body(at(HOUR), '"x"', { FlexibleTimeWindow: undefined })).status).toBe(400);
    expect(refused('not json').status).toBe(400);
    expect(scheduler.pending()).toEqual([]);
  });

  it('deletes a schedule before it fires', async () => {
    const scheduler = open();
    scheduler.serve('POST', '/schedules/s1', noQuery, body(at(HOUR)));
    expect(scheduler.serve('DELETE', '/schedules/s1', inGroup, '').status).toBe(200);
    clock.advance(2 * HOUR);
    await scheduler.drain();
    expect(sink.delivered).toEqual([]);
    expect(scheduler.fired).toBe(0);
  });

  it('keeps its schedules across a re-open of the same directory, and fires them from there', async () => {
    const first = open();
    first.serve('POST', '/schedules/s1', noQuery, body(at(HOUR), '"kept"'));
    first.stop();
    const second = open();
    expect(second.pending()).toEqual([
      { name: 's1', group: GROUP, at: '2026-03-02T10:00:00.000Z', target: QUEUE, input: '"kept"' },
    ]);
    expect(second.serve('GET', '/schedules/s1', inGroup, '')).toMatchObject({
      status: 200,
      body: { Name: 's1', GroupName: GROUP, ScheduleExpression: at(HOUR), ActionAfterCompletion: 'DELETE' },
    });
    clock.advance(HOUR);
    await sink.until(1);
    expect(sink.delivered).toEqual([{ arn: QUEUE, input: '"kept"' }]);
  });

  it('fires a schedule that fell due while it was down as soon as it is opened again', async () => {
    const first = open();
    first.serve('POST', '/schedules/s1', noQuery, body(at(HOUR), '"overdue"'));
    first.stop();
    clock.advance(5 * HOUR);
    open();
    await sink.until(1);
    expect(sink.delivered).toEqual([{ arn: QUEUE, input: '"overdue"' }]);
  });

  it('has fired what is due by the time drain resolves, and counts each fire as a billed invocation', async () => {
    const scheduler = open();
    billingMeter.reset();
    scheduler.serve('POST', '/schedules/a', noQuery, body(at(HOUR)));
    scheduler.serve('POST', '/schedules/b', noQuery, body(at(HOUR)));
    clock.advance(HOUR);
    await scheduler.drain();
    expect(sink.delivered).toHaveLength(2);
    expect(scheduler.fired).toBe(2);
    expect(billingMeter.snapshot().counts['scheduler.invocations']).toBe(2);
  });

  it('puts a fire whose target is no queue in the dead letters (kept across a re-open) and removes the schedule', async () => {
    const scheduler = open();
    const missing = 'arn:aws:sqs:us-east-1:000000000000:no-such-queue';
    const b = JSON.parse(body(at(HOUR), '"lost"'));
    b.Target.Arn = missing;
    scheduler.serve('POST', '/schedules/s1', noQuery, JSON.stringify(b));
    clock.advance(HOUR);
    await scheduler.drain();
    expect(scheduler.deadLetters).toEqual([
      expect.objectContaining({
        schedule: 's1',
        group: GROUP,
        target: missing,
        input: '"lost"',
        at: '2026-03-02T10:00:00.000Z',
        error: expect.stringContaining('no local queue'),
      }),
    ]);
    expect(scheduler.pending()).toEqual([]);
    scheduler.stop();
    expect(open().deadLetters).toHaveLength(1);
  });

  it('keeps a schedule that asks for no action after completion, without firing it again', async () => {
    const scheduler = open();
    scheduler.serve(
      'POST',
      '/schedules/s1',
      noQuery,
      body(at(HOUR), '"once"', { ActionAfterCompletion: 'NONE' }),
    );
    clock.advance(HOUR);
    await sink.until(1);
    expect(scheduler.pending()).toEqual([]);
    expect(scheduler.serve('GET', '/schedules/s1', inGroup, '').status).toBe(200);
    scheduler.stop();
    open();
    clock.advance(HOUR);
    await opened.at(-1)?.drain();
    expect(sink.delivered).toHaveLength(1);
  });

  it('serves the real SDK client and the wake-up adapter on the same wire protocol', async () => {
    const scheduler = open();
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (!url.pathname.startsWith('/local/scheduler/')) {
          res.writeHead(404).end();
          return;
        }
        const out = scheduler.serve(
          req.method ?? 'GET',
          url.pathname.slice('/local/scheduler'.length),
          url.searchParams,
          Buffer.concat(chunks).toString('utf8'),
        );
        res.writeHead(out.status, out.headers).end(JSON.stringify(out.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new SchedulerClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/local/scheduler`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const scheduler = new AwsJsonService(SCHEDULER, {
        endpoint: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/local/scheduler`),
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
      });
      const wakeUps = new EventBridgeWakeUps(scheduler, {
        group: GROUP,
        queueArn: QUEUE,
        roleArn: 'arn:aws:iam::000000000000:role/scheduler',
        deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:ticket-clock-dlq',
      });
      const name = wakeUpScheduleName(TICKET);
      // No schedule yet: UpdateSchedule answers 404, so the adapter creates it.
      await wakeUps.schedule(TICKET, new Date(START.getTime() + 2 * HOUR));
      // Then it replaces it (an earlier moment: the one that fires).
      await wakeUps.schedule(TICKET, new Date(START.getTime() + HOUR + 500));

      const got = await client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
      expect(got).toMatchObject({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: at(HOUR + 1000),
        ScheduleExpressionTimezone: 'UTC',
        ActionAfterCompletion: 'DELETE',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: QUEUE, RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 } },
      });
      // Stamped on the workflow clock.
      expect(got.CreationDate?.getTime()).toBeGreaterThanOrEqual(START.getTime());
      expect(got.CreationDate?.getTime()).toBeLessThanOrEqual(clock.now());
      const listed = await client.send(new ListSchedulesCommand({ GroupName: GROUP }));
      expect(listed.Schedules?.map((s) => [s.Name, s.Target?.Arn])).toEqual([[name, QUEUE]]);

      const create = new CreateScheduleCommand({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: at(3 * HOUR),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: QUEUE, RoleArn: 'arn:aws:iam::000000000000:role/scheduler' },
      });
      await expect(client.send(create)).rejects.toBeInstanceOf(ConflictException);
      await expect(
        client.send(new DeleteScheduleCommand({ Name: 'ticket-none', GroupName: GROUP })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);

      clock.advance(HOUR + 1000);
      await sink.until(1);
      expect(sink.delivered).toHaveLength(1);
      expect(WakeUpMessage.parse(JSON.parse(sink.delivered[0]?.input ?? ''))).toEqual({
        kind: 'wake-up',
        ticketId: TICKET,
        at: '2026-03-02T10:00:00.500Z',
      });
      await expect(
        client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    } finally {
      client.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
