import { randomUUID } from 'node:crypto';
import { IsoDateTime, TicketId } from '../domain/ticket';
import * as z from '../domain/zod';
import type { WakeUpScheduler } from '../use-cases/ports';
import type { AwsJsonService } from './aws-json';

/**
 * The ticket clock's wake-ups: each ticket has at most one pending wake-up, an EventBridge Scheduler
 * one-time schedule named for the ticket. Setting a new one replaces the old; nothing is ever cancelled for
 * correctness (a stale wake-up finds nothing due). The schedule sends `WakeUpMessage` to the wake-up queue.
 */

/** The schedule that holds a ticket's wake-up (names are unique within the schedule group). */
export const wakeUpScheduleName = (ticketId: string) => `ticket-${ticketId}`;

/** The body of the message the schedule puts on the wake-up queue: `at` is the moment asked for. */
export const WakeUpMessage = z.object({
  kind: z.literal('wake-up'),
  ticketId: TicketId,
  at: IsoDateTime,
});
export type WakeUpMessage = z.infer<typeof WakeUpMessage>;

/**
 * A one-time schedule expression, `at(yyyy-mm-ddThh:mm:ss)` in UTC. The expression has whole seconds, so
 * the moment is rounded up: the wake-up never comes before `at` (it comes when something is due, not just
 * before).
 */
export function atExpression(at: Date): string {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('a wake-up needs a valid date');
  const second = new Date(Math.ceil(ms / 1000) * 1000);
  return `at(${second.toISOString().slice(0, 19)})`;
}

export interface WakeUpTarget {
  /** The schedule group the stack owns (its schedules are the wake-ups). */
  readonly group: string;
  /** The wake-up queue. */
  readonly queueArn: string;
  /** The role the scheduler assumes to send to the queue (sqs:SendMessage on it only). */
  readonly roleArn: string;
  /** Where a wake-up that could not be sent after the retries goes. */
  readonly deadLetterArn: string;
}

/**
 * Retries of a failed send: the scheduler backs off exponentially, stopping after 10 attempts or once the
 * wake-up is a day old, then puts it on the dead-letter queue (whose alarm tells someone).
 */
const RETRY_POLICY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 24 * 60 * 60 } as const;

/** A ticket's wake-up schedule as CreateSchedule and UpdateSchedule take it (the API reference's names). */
export interface WakeUpSchedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: 'UTC';
  readonly FlexibleTimeWindow: { readonly Mode: 'OFF' };
  readonly ActionAfterCompletion: 'DELETE';
  readonly Target: {
    readonly Arn: string;
    readonly RoleArn: string;
    readonly Input: string;
    readonly RetryPolicy: typeof RETRY_POLICY;
    readonly DeadLetterConfig: { readonly Arn: string };
  };
}

/** The schedule that wakes `ticketId` at `at`: one-time, UTC, deleted after it ran, into the queue. */
export function wakeUpSchedule(ticketId: string, at: Date, target: WakeUpTarget): WakeUpSchedule {
  const message: WakeUpMessage = { kind: 'wake-up', ticketId, at: at.toISOString() };
  return {
    Name: wakeUpScheduleName(ticketId),
    GroupName: target.group,
    ScheduleExpression: atExpression(at),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: target.queueArn,
      RoleArn: target.roleArn,
      Input: JSON.stringify(message),
      RetryPolicy: RETRY_POLICY,
      DeadLetterConfig: { Arn: target.deadLetterArn },
    },
  };
}

/**
 * EventBridge Scheduler (REST-JSON through ./aws-json.ts, without the SDK client): an upsert of the
 * ticket's one-time schedule (flexible window off, deleted after it ran). UpdateSchedule first (the common
 * case: the ticket already has one); a schedule that is not there (never made, or deleted after it fired)
 * is created; a create that loses to a concurrent create updates the winner's schedule instead, so the last
 * caller's `at` stands either way. Each call carries a fresh ClientToken, as the SDK fills it in.
 */
export class EventBridgeWakeUps implements WakeUpScheduler {
  constructor(
    private readonly scheduler: AwsJsonService,
    private readonly target: WakeUpTarget,
  ) {}

  async schedule(ticketId: string, at: Date): Promise<void> {
    const schedule = wakeUpSchedule(ticketId, at, this.target);
    try {
      await this.send('PUT', schedule);
      return;
    } catch (e: unknown) {
      if (!isNamed(e, 'ResourceNotFoundException')) throw e;
    }
    try {
      await this.send('POST', schedule);
    } catch (e: unknown) {
      if (!isNamed(e, 'ConflictException')) throw e;
      await this.send('PUT', schedule);
    }
  }

  /** CreateSchedule (POST) or UpdateSchedule (PUT) of the schedule, its name in the path. */
  private async send(method: 'POST' | 'PUT', { Name, ...body }: WakeUpSchedule): Promise<void> {
    await this.scheduler.call(
      method,
      `/schedules/${encodeURIComponent(Name)}`,
      { 'content-type': 'application/json' },
      { ...body, ClientToken: randomUUID() },
    );
  }
}

function isNamed(e: unknown, name: string): boolean {
  return e instanceof Error && e.name === name;
}
