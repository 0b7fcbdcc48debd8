import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { IsoDateTime, TicketId } from '../domain/ticket';
import * as z from '../domain/zod';
import type { WakeUpScheduler } from '../use-cases/ports';

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

/**
 * EventBridge Scheduler: an upsert of the ticket's one-time schedule (flexible window off, deleted after
 * it ran). UpdateSchedule first (the common case: the ticket already has one); a schedule that is not there
 * (never made, or deleted after it fired) is created; a create that loses to a concurrent create updates
 * the winner's schedule instead, so the last caller's `at` stands either way.
 */
export class EventBridgeWakeUps implements WakeUpScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: WakeUpTarget,
  ) {}

  async schedule(ticketId: string, at: Date): Promise<void> {
    const input = this.input(ticketId, at);
    try {
      await this.client.send(new UpdateScheduleCommand(input));
      return;
    } catch (e: unknown) {
      if (!isNamed(e, 'ResourceNotFoundException')) throw e;
    }
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (e: unknown) {
      if (!isNamed(e, 'ConflictException')) throw e;
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  private input(ticketId: string, at: Date): CreateScheduleCommandInput {
    const message: WakeUpMessage = { kind: 'wake-up', ticketId, at: at.toISOString() };
    return {
      Name: wakeUpScheduleName(ticketId),
      GroupName: this.target.group,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: this.target.queueArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify(message),
        RetryPolicy: RETRY_POLICY,
        DeadLetterConfig: { Arn: this.target.deadLetterArn },
      },
    };
  }
}

function isNamed(e: unknown, name: string): boolean {
  return e instanceof Error && e.name === name;
}
