import { Readable } from 'node:stream';
import type { HttpRequest } from '@smithy/core/transport';
import type { HttpResponse } from '@smithy/types';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsJsonService, SCHEDULER } from '../../shared/adapters/aws-json';
import {
  atExpression,
  EventBridgeWakeUps,
  WakeUpMessage,
  wakeUpScheduleName,
} from '../../shared/adapters/wake-ups';

// The adapter's calls as EventBridge Scheduler receives them (method, path, JSON body), answered by a script
// of Scheduler's answers; test/adapters/aws-json.test.ts checks the requests against the SDK client's.
const target = {
  group: 'frontdoor-test-wake-ups',
  queueArn: 'arn:aws:sqs:us-east-1:111122223333:ticket-clock',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:ticket-clock-dlq',
};
const ticketId = '01JD0000000000000000000000';
const at = new Date('2026-11-23T10:00:00.250Z');

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}
let calls: Call[] = [];
/** Scheduler's answer to each call: by default UpdateSchedule and CreateSchedule succeed. */
let answer: (call: Call, index: number) => { status: number; errorType?: string } = () => ({ status: 200 });

const wakeUps = new EventBridgeWakeUps(
  new AwsJsonService(SCHEDULER, {
    region: 'us-east-1',
    credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
    send: async (request: HttpRequest) => {
      const call = { method: request.method, path: request.path, body: JSON.parse(String(request.body)) };
      calls.push(call);
      const { status, errorType } = answer(call, calls.length - 1);
      const json = errorType ? { Message: `fake ${errorType}` } : { ScheduleArn: 'arn' };
      return {
        statusCode: status,
        headers: errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/` } : {},
        body: Readable.from([Buffer.from(JSON.stringify(json))]),
      } as HttpResponse;
    },
  }),
  target,
);
const creates = () => calls.filter((c) => c.method === 'POST');
const updates = () => calls.filter((c) => c.method === 'PUT');
const notFound = { status: 404, errorType: 'ResourceNotFoundException' };
const conflict = { status: 409, errorType: 'ConflictException' };

describe('EventBridgeWakeUps.schedule', () => {
  beforeEach(() => {
    calls = [];
    answer = () => ({ status: 200 });
  });

  it('updates the schedule named for the ticket: a one-time, UTC, self-deleting schedule into the queue', async () => {
    await wakeUps.schedule(ticketId, at);
    expect(creates()).toHaveLength(0);
    const [update] = updates();
    expect(update?.path).toBe(`/schedules/ticket-${ticketId}`);
    expect(update?.body).toEqual({
      GroupName: target.group,
      ScheduleExpression: 'at(2026-11-23T10:00:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.queueArn,
        RoleArn: target.roleArn,
        Input: expect.any(String),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
      ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('creates the schedule when the ticket has none (never made, or deleted after it fired)', async () => {
    answer = (call) => (call.method === 'PUT' ? notFound : { status: 200 });
    await wakeUps.schedule(ticketId, at);
    const [update] = updates();
    const [create] = creates();
    expect(updates()).toHaveLength(1);
    expect(create?.path).toBe(update?.path);
    const { ClientToken: a, ...created } = create?.body ?? {};
    const { ClientToken: b, ...updated } = update?.body ?? {};
    expect(created).toEqual(updated);
    expect(a).not.toBe(b);
  });

  it('updates the schedule a concurrent caller created first, so the last caller’s moment stands', async () => {
    answer = (call, i) => (call.method === 'POST' ? conflict : i === 0 ? notFound : { status: 200 });
    await wakeUps.schedule(ticketId, at);
    expect(creates()).toHaveLength(1);
    expect(updates()).toHaveLength(2);
    expect(updates()[1]?.body.ScheduleExpression).toBe('at(2026-11-23T10:00:01)');
  });

  it('lets any other failure through (the caller’s message is retried)', async () => {
    answer = () => ({ status: 400, errorType: 'ValidationException' });
    await expect(wakeUps.schedule(ticketId, at)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(creates()).toHaveLength(0);
  });

  it('sends a body the wake-up consumer parses: the ticket and the moment asked for', async () => {
    await wakeUps.schedule(ticketId, at);
    const input = (updates()[0]?.body.Target as { Input?: string } | undefined)?.Input;
    expect(WakeUpMessage.parse(JSON.parse(String(input)))).toEqual({
      kind: 'wake-up',
      ticketId,
      at: '2026-11-23T10:00:00.250Z',
    });
  });
});

describe('the wake-up schedule', () => {
  it('rounds its moment up to the next whole second, in UTC', () => {
    expect(atExpression(new Date('2026-11-23T10:00:00.000Z'))).toBe('at(2026-11-23T10:00:00)');
    expect(atExpression(new Date('2026-11-23T10:00:00.001Z'))).toBe('at(2026-11-23T10:00:01)');
    expect(atExpression(new Date('2026-12-31T23:59:59.999Z'))).toBe('at(2027-01-01T00:00:00)');
    expect(() => atExpression(new Date('not a date'))).toThrow(RangeError);
  });

  it('is named for the ticket', () => {
    expect(wakeUpScheduleName(ticketId)).toBe('ticket-01JD0000000000000000000000');
  });

  it('refuses a body that is not a wake-up', () => {
    expect(WakeUpMessage.safeParse({ kind: 'wake-up', ticketId: 'nope', at: at.toISOString() }).success).toBe(
      false,
    );
    expect(WakeUpMessage.safeParse({ kind: 'other', ticketId, at: at.toISOString() }).success).toBe(false);
  });
});
