/**
 * A local EventBridge Scheduler: the one-time schedules (`at(...)`) the tickets' wake-ups are, served over
 * the same REST JSON API the SDK speaks (the functions' signed calls, shared/adapters/wake-ups.ts, and
 * `@aws-sdk/client-scheduler` alike, with AWS_ENDPOINT_URL_SCHEDULER = `<runtime>/local/scheduler`): CreateSchedule, UpdateSchedule, GetSchedule, DeleteSchedule and
 * ListSchedules, with AWS's status codes and error types (404 ResourceNotFoundException, 409
 * ConflictException, 400 ValidationException, in the `x-amzn-errortype` header).
 *
 * Schedules live on the runtime's VirtualClock: one sleeper waits for the soonest, and wakes as soon as its
 * moment is reached in virtual time — when real time passes (≤ 1 s late) and at once when the clock is
 * moved. A due schedule hands `Target.Input` to `deliver` (the local queue whose ARN is `Target.Arn`), is
 * counted as a billed invocation, and is then deleted (ActionAfterCompletion DELETE) or kept as completed
 * (NONE). Every schedule is written under `store` (DATA_DIR) before the API answers, so a kill -9 and a
 * restart lose none; one whose moment passed while the runtime was down fires as soon as it starts again.
 * A fire is written back (deleted or completed) only after the target has the message: at least once,
 * as in AWS (a stale wake-up does nothing).
 *
 * Differences from AWS: only `at(...)` expressions, evaluated in UTC; a schedule fires at its second
 * (AWS: within the minute) and FLEXIBLE windows fire at their start; schedule groups need not exist;
 * ClientToken is not remembered; a target that cannot be delivered to (no local queue with that ARN) goes to
 * the dead letters at once rather than after the retry policy.
 */
import { z } from 'zod';
import { billingMeter } from '../../shared/adapters/billing-meter';
import type { DurableRecords } from './durable-records';
import type { VirtualClock } from './virtual-clock';

export interface ScheduleTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly RetryPolicy?: {
    readonly MaximumEventAgeInSeconds?: number;
    readonly MaximumRetryAttempts?: number;
  };
  readonly DeadLetterConfig?: { readonly Arn?: string };
  readonly [other: string]: unknown;
}

/** A schedule as kept under DATA_DIR (times are virtual epoch milliseconds). */
export interface StoredSchedule {
  readonly name: string;
  readonly group: string;
  readonly expression: string;
  readonly timezone: string;
  /** The moment `expression` names. */
  readonly at: number;
  readonly target: ScheduleTarget;
  readonly flexibleTimeWindow: {
    readonly Mode: 'OFF' | 'FLEXIBLE';
    readonly MaximumWindowInMinutes?: number;
  };
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  readonly state: 'ENABLED' | 'DISABLED';
  readonly description?: string;
  readonly startDate?: number;
  readonly endDate?: number;
  readonly kmsKeyArn?: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  /** When a schedule kept after completion (NONE) fired: it will not fire again. */
  readonly completedAt?: number;
}

/** A fire that could not be handed to its target (`GET /local/dead-letters`, `schedules`). */
export interface ScheduleDeadLetter {
  readonly schedule: string;
  readonly group: string;
  readonly target: string;
  readonly input: string;
  readonly at: string;
  readonly firedAt: string;
  readonly error: string;
  /** The DLQ the schedule names (its target's DeadLetterConfig): where AWS would have put this fire. */
  readonly deadLetterArn?: string;
}

/** `GET /local/schedules`: what will fire, soonest first. */
export interface PendingSchedule {
  readonly name: string;
  readonly group: string;
  readonly at: string;
  readonly target: string;
  readonly input: string;
}

export interface LocalSchedulerOptions {
  readonly clock: VirtualClock;
  readonly region: string;
  readonly accountId: string;
  readonly store: DurableRecords<StoredSchedule>;
  readonly deadLetters: {
    readonly items: readonly ScheduleDeadLetter[];
    push(dead: ScheduleDeadLetter): void;
    take(taken: (dead: ScheduleDeadLetter) => boolean): ScheduleDeadLetter[];
  };
  /** Hands a fire's input to the target (a local queue's SendMessage); throws when it cannot. */
  readonly deliver: (targetArn: string, input: string) => void;
  readonly log: (line: string) => void;
}

export interface SchedulerResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** An API error as EventBridge Scheduler answers it. */
export class SchedulerApiError extends Error {
  override readonly name = 'SchedulerApiError';
  constructor(
    readonly type:
      | 'ValidationException'
      | 'ResourceNotFoundException'
      | 'ConflictException'
      | 'UnknownOperationException',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const NAME = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[0-9a-zA-Z-_.]+$/, 'must match [0-9a-zA-Z-_.]+');
const DEFAULT_GROUP = 'default';

const scheduleInput = z.object({
  ScheduleExpression: z.string().min(1).max(256),
  ScheduleExpressionTimezone: z.string().min(1).max(50).optional(),
  FlexibleTimeWindow: z.object({
    Mode: z.enum(['OFF', 'FLEXIBLE']),
    MaximumWindowInMinutes: z.number().int().min(1).max(1440).optional(),
  }),
  Target: z.looseObject({
    Arn: z.string().min(1).max(1600),
    RoleArn: z.string().min(1).max(1600),
    Input: z.string().min(1).max(8192).optional(),
    RetryPolicy: z
      .object({
        MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
        MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
      })
      .optional(),
    DeadLetterConfig: z.object({ Arn: z.string().min(1).max(1600).optional() }).optional(),
  }),
  GroupName: NAME.optional(),
  ActionAfterCompletion: z.enum(['NONE', 'DELETE']).optional(),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  Description: z.string().max(512).optional(),
  StartDate: z.number().optional(),
  EndDate: z.number().optional(),
  KmsKeyArn: z.string().optional(),
  ClientToken: z.string().optional(),
});

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;

/** The moment of an `at(yyyy-mm-ddThh:mm:ss)` expression in UTC, in epoch ms. */
export function parseAtExpression(expression: string, timezone: string | undefined): number {
  if (timezone !== undefined && timezone !== 'UTC' && timezone !== 'Etc/UTC') {
    throw new SchedulerApiError(
      'ValidationException',
      400,
      `The local scheduler evaluates schedules in UTC only, not ${timezone}.`,
    );
  }
  const m = AT.exec(expression);
  if (!m) {
    throw new SchedulerApiError(
      'ValidationException',
      400,
      `Invalid Schedule Expression ${expression} (the local scheduler serves one-time at(yyyy-mm-ddThh:mm:ss) schedules).`,
    );
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(at);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi
  ) {
    throw new SchedulerApiError('ValidationException', 400, `Invalid Schedule Expression ${expression}.`);
  }
  return at;
}

/** Record ids under DATA_DIR: unambiguous for any group and name (both are [0-9a-zA-Z-_.]). */
function recordId(group: string, name: string): string {
  return `${group.length}.${group}.${name}`;
}

export class LocalScheduler {
  private readonly schedules = new Map<string, StoredSchedule>();
  /** The sleeper waiting for the soonest schedule, and the moment it waits for. */
  private sleeper: { readonly at: number; readonly controller: AbortController } | undefined;
  private stopped = true;
  /** Fires done (handed to their target or dead-lettered): `/local/drain` watches it settle. */
  fired = 0;

  constructor(private readonly options: LocalSchedulerOptions) {
    for (const { record } of options.store.list()) {
      this.schedules.set(recordId(record.group, record.name), record);
    }
    const waiting = this.pendingRecords().length;
    if (waiting > 0) options.log(`scheduler: ${waiting} schedule(s) kept from before the restart`);
  }

  get deadLetters(): readonly ScheduleDeadLetter[] {
    return this.options.deadLetters.items;
  }

  /**
   * `POST /local/redrive` of a queue: the fires whose schedule names `deadLetterArn` as its DLQ (in AWS
   * the wake-ups' DLQ is the wake-up queue's own, redriven with it), and unless `dryRun` each input handed
   * to `send` (that queue) and taken off the list.
   */
  redrive(
    deadLetterArn: string,
    send: (input: string) => void,
    dryRun: boolean,
  ): { deadLetters: ScheduleDeadLetter[]; moved: number } {
    const dead = this.deadLetters.filter((d) => d.deadLetterArn === deadLetterArn);
    if (dryRun) return { deadLetters: dead, moved: 0 };
    for (const d of dead) send(d.input);
    const sent = new Set(dead);
    this.options.deadLetters.take((d) => sent.has(d));
    return { deadLetters: dead, moved: dead.length };
  }

  /** Starts firing: schedules already due fire at once. */
  start(): void {
    this.stopped = false;
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    this.sleeper?.controller.abort(new Error('local scheduler stopped'));
    this.sleeper = undefined;
  }

  /** Resolves once no schedule that is due at the current virtual time is still to fire. */
  async drain(): Promise<void> {
    while (!this.stopped && this.due().length > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** What will fire, soonest first. */
  pending(): PendingSchedule[] {
    return this.pendingRecords().map((s) => ({
      name: s.name,
      group: s.group,
      at: new Date(s.at).toISOString(),
      target: s.target.Arn,
      input: s.target.Input ?? '',
    }));
  }

  /** Serves one API request; `path` is the part after `/local/scheduler`. */
  serve(method: string, path: string, query: URLSearchParams, body: string): SchedulerResponse {
    try {
      return { status: 200, body: this.handle(method, path, query, body), headers: JSON_HEADERS };
    } catch (e: unknown) {
      if (e instanceof SchedulerApiError) return errorResponse(e.type, e.status, e.message);
      if (e instanceof z.ZodError) return errorResponse('ValidationException', 400, z.prettifyError(e));
      const message = e instanceof Error ? e.message : String(e);
      return errorResponse('InternalServerException', 500, message);
    }
  }

  private handle(method: string, path: string, query: URLSearchParams, body: string): unknown {
    if (path === '/schedules' && method === 'GET') return this.list(query);
    const match = /^\/schedules\/([^/]+)$/.exec(path);
    if (match?.[1] === undefined) {
      throw new SchedulerApiError(
        'UnknownOperationException',
        404,
        `${method} ${path} is not served locally`,
      );
    }
    const name = NAME.parse(decodeURIComponent(match[1]));
    switch (method) {
      case 'POST':
        return this.upsert(name, parseBody(body), 'create');
      case 'PUT':
        return this.upsert(name, parseBody(body), 'update');
      case 'GET':
        return this.get(name, groupOf(query.get('groupName')));
      case 'DELETE':
        return this.delete(name, groupOf(query.get('groupName')));
      default:
        throw new SchedulerApiError(
          'UnknownOperationException',
          404,
          `${method} ${path} is not served locally`,
        );
    }
  }

  private upsert(name: string, body: unknown, mode: 'create' | 'update'): { ScheduleArn: string } {
    const input = scheduleInput.parse(body);
    const group = input.GroupName ?? DEFAULT_GROUP;
    const at = parseAtExpression(input.ScheduleExpression, input.ScheduleExpressionTimezone);
    const key = recordId(group, name);
    const existing = this.schedules.get(key);
    if (mode === 'create' && existing) {
      throw new SchedulerApiError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    if (mode === 'update' && !existing) {
      throw new SchedulerApiError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    }
    const now = this.options.clock.now();
    const schedule: StoredSchedule = {
      name,
      group,
      expression: input.ScheduleExpression,
      timezone: input.ScheduleExpressionTimezone ?? 'UTC',
      at,
      target: input.Target,
      flexibleTimeWindow: input.FlexibleTimeWindow,
      actionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
      state: input.State ?? 'ENABLED',
      ...(input.Description !== undefined && { description: input.Description }),
      ...(input.StartDate !== undefined && { startDate: input.StartDate * 1000 }),
      ...(input.EndDate !== undefined && { endDate: input.EndDate * 1000 }),
      ...(input.KmsKeyArn !== undefined && { kmsKeyArn: input.KmsKeyArn }),
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
    };
    // Kept before the answer: a schedule the caller heard about survives a kill -9.
    this.options.store.put(key, schedule);
    this.schedules.set(key, schedule);
    this.rearm();
    return { ScheduleArn: this.arnOf(schedule) };
  }

  private get(name: string, group: string): unknown {
    const s = this.find(name, group);
    return {
      Arn: this.arnOf(s),
      Name: s.name,
      GroupName: s.group,
      ScheduleExpression: s.expression,
      ScheduleExpressionTimezone: s.timezone,
      State: s.state,
      Target: s.target,
      FlexibleTimeWindow: s.flexibleTimeWindow,
      ActionAfterCompletion: s.actionAfterCompletion,
      CreationDate: s.createdAt / 1000,
      LastModificationDate: s.modifiedAt / 1000,
      ...(s.description !== undefined && { Description: s.description }),
      ...(s.startDate !== undefined && { StartDate: s.startDate / 1000 }),
      ...(s.endDate !== undefined && { EndDate: s.endDate / 1000 }),
      ...(s.kmsKeyArn !== undefined && { KmsKeyArn: s.kmsKeyArn }),
    };
  }

  private delete(name: string, group: string): Record<string, never> {
    const s = this.find(name, group);
    const key = recordId(s.group, s.name);
    this.options.store.delete(key);
    this.schedules.delete(key);
    this.rearm();
    return {};
  }

  private list(query: URLSearchParams): unknown {
    const group = query.get('ScheduleGroup');
    const prefix = query.get('NamePrefix') ?? '';
    const state = query.get('State');
    const all = [...this.schedules.values()]
      .filter((s) => (group === null || s.group === group) && s.name.startsWith(prefix))
      .filter((s) => state === null || s.state === state)
      .sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
    // NextToken is the offset of the next page.
    const offset = query.has('NextToken') ? Number(query.get('NextToken')) : 0;
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > all.length) {
      throw new SchedulerApiError('ValidationException', 400, 'Invalid NextToken.');
    }
    const max = query.has('MaxResults') ? Number(query.get('MaxResults')) : 100;
    if (!Number.isSafeInteger(max) || max < 1 || max > 100) {
      throw new SchedulerApiError('ValidationException', 400, 'MaxResults must be 1 to 100.');
    }
    const end = Math.min(offset + max, all.length);
    return {
      Schedules: all.slice(offset, end).map((s) => ({
        Arn: this.arnOf(s),
        Name: s.name,
        GroupName: s.group,
        State: s.state,
        CreationDate: s.createdAt / 1000,
        LastModificationDate: s.modifiedAt / 1000,
        Target: { Arn: s.target.Arn },
      })),
      ...(end < all.length && { NextToken: String(end) }),
    };
  }

  private find(name: string, group: string): StoredSchedule {
    const s = this.schedules.get(recordId(group, name));
    if (!s) throw new SchedulerApiError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return s;
  }

  private arnOf(s: StoredSchedule): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.accountId}:schedule/${s.group}/${s.name}`;
  }

  /** Schedules still to fire, soonest first (ties by group and name, so replays are in a stable order). */
  private pendingRecords(): StoredSchedule[] {
    return [...this.schedules.values()]
      .filter((s) => s.state === 'ENABLED' && s.completedAt === undefined)
      .sort((a, b) => a.at - b.at || a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
  }

  private due(): StoredSchedule[] {
    const now = this.options.clock.now();
    return this.pendingRecords().filter((s) => s.at <= now);
  }

  /** Fires what is due, then sleeps until the soonest of the rest (re-armed on every change). */
  private rearm(): void {
    if (this.stopped) return;
    for (const s of this.due()) this.fire(s);
    const next = this.pendingRecords()[0];
    if (this.sleeper && this.sleeper.at === next?.at) return;
    this.sleeper?.controller.abort(new Error('re-armed'));
    this.sleeper = undefined;
    if (!next) return;
    const controller = new AbortController();
    const sleeper = { at: next.at, controller };
    this.sleeper = sleeper;
    this.options.clock.sleepUntil(next.at, controller.signal).then(
      () => {
        if (this.sleeper === sleeper) this.sleeper = undefined;
        this.rearm();
      },
      () => {
        // Aborted: a change re-armed it, or the scheduler stopped.
      },
    );
  }

  private fire(s: StoredSchedule): void {
    const key = recordId(s.group, s.name);
    if (this.schedules.get(key) !== s) return;
    const input = s.target.Input ?? '{}';
    // Scheduler bills each invocation of a target.
    billingMeter.add('scheduler.invocations');
    try {
      this.options.deliver(s.target.Arn, input);
    } catch (e: unknown) {
      const error = e instanceof Error ? e.message : String(e);
      this.options.deadLetters.push({
        schedule: s.name,
        group: s.group,
        target: s.target.Arn,
        input,
        at: new Date(s.at).toISOString(),
        firedAt: new Date(this.options.clock.now()).toISOString(),
        error,
        ...(s.target.DeadLetterConfig?.Arn ? { deadLetterArn: s.target.DeadLetterConfig.Arn } : {}),
      });
      this.options.log(
        `scheduler: ${s.group}/${s.name} could not reach ${s.target.Arn} and went to the DLQ (${error})`,
      );
    }
    // Only once the target has it (or the dead letters do): a crash before this fires it again.
    if (s.actionAfterCompletion === 'DELETE') {
      this.options.store.delete(key);
      this.schedules.delete(key);
    } else {
      const completed = { ...s, completedAt: this.options.clock.now() };
      this.options.store.put(key, completed);
      this.schedules.set(key, completed);
    }
    this.fired++;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function errorResponse(type: string, status: number, message: string): SchedulerResponse {
  return {
    status,
    body: { Message: message },
    headers: { ...JSON_HEADERS, 'x-amzn-errortype': type },
  };
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body || '{}');
  } catch {
    throw new SchedulerApiError('ValidationException', 400, 'The request body is not JSON.');
  }
}

function groupOf(value: string | null): string {
  return value === null ? DEFAULT_GROUP : NAME.parse(value);
}
