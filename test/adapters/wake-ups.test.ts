import {
  ConflictException,
  CreateScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  atExpression,
  EventBridgeWakeUps,
  WakeUpMessage,
  wakeUpScheduleName,
} from '../../shared/adapters/wake-ups';

const scheduler = mockClient(SchedulerClient);
const target = {
  group: 'frontdoor-test-wake-ups',
  queueArn: 'arn:aws:sqs:us-east-1:111122223333:ticket-clock',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:ticket-clock-dlq',
};
const wakeUps = new EventBridgeWakeUps(scheduler as unknown as SchedulerClient, target);
const ticketId = '01JD0000000000000000000000';
const at = new Date('2026-11-23T10:00:00.250Z');

const notFound = () =>
  new ResourceNotFoundException({
    message: 'Schedule does not exist.',
    Message: 'Schedule does not exist.',
    $metadata: {},
  });
const conflict = () =>
  new ConflictException({
    message: 'Schedule already exists.',
    Message: 'Schedule already exists.',
    $metadata: {},
  });

describe('EventBridgeWakeUps.schedule', () => {
  beforeEach(() => scheduler.reset());

  it('updates the schedule named for the ticket: a one-time, UTC, self-deleting schedule into the queue', async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await wakeUps.schedule(ticketId, at);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    const [update] = scheduler.commandCalls(UpdateScheduleCommand);
    expect(update?.args[0].input).toEqual({
      Name: `ticket-${ticketId}`,
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
    });
  });

  it('creates the schedule when the ticket has none (never made, or deleted after it fired)', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(notFound());
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await wakeUps.schedule(ticketId, at);
    const [update] = scheduler.commandCalls(UpdateScheduleCommand);
    const [create] = scheduler.commandCalls(CreateScheduleCommand);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
    expect(create?.args[0].input).toEqual(update?.args[0].input);
  });

  it('updates the schedule a concurrent caller created first, so the last caller’s moment stands', async () => {
    scheduler.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({ ScheduleArn: 'arn' });
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    await wakeUps.schedule(ticketId, at);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    const updates = scheduler.commandCalls(UpdateScheduleCommand);
    expect(updates).toHaveLength(2);
    expect(updates[1]?.args[0].input.ScheduleExpression).toBe('at(2026-11-23T10:00:01)');
  });

  it('lets any other failure through (the caller’s message is retried)', async () => {
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(new ValidationException({ message: 'bad', Message: 'bad', $metadata: {} }));
    await expect(wakeUps.schedule(ticketId, at)).rejects.toThrow('bad');
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('sends a body the wake-up consumer parses: the ticket and the moment asked for', async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await wakeUps.schedule(ticketId, at);
    const input = scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input.Target?.Input;
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
