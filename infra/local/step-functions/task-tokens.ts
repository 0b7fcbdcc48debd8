/**
 * Task tokens (the callback pattern, `lambda:invoke.waitForTaskToken`), which the interpreter lacks. Each
 * such state is rewritten before the run (asl-rewrite.ts) into a Task whose local handler does what AWS
 * does: every `"<key>.$": "$$.Task.Token"` in Parameters (at any depth) receives a fresh token on each
 * entry of the state (retries included); the function is invoked with the resolved Payload and its result
 * ignored (its error fails the task, as for lambda:invoke); then the task waits for SendTaskSuccess (the
 * task's result is the parsed `output`, to which ResultSelector/ResultPath/OutputPath apply), for
 * SendTaskFailure (fails with `error` and `cause`), for TimeoutSeconds(Path) to pass (`States.Timeout`;
 * default 99999999 s, as in AWS) or for HeartbeatSeconds(Path) without a SendTaskHeartbeat
 * (`States.HeartbeatTimeout`). Both are measured on the VirtualClock, so a clock jump past them fires
 * them at once; Retry and Catch see the same error names as in AWS (`States.TaskFailed` does not match
 * the timeout). The interpreter's own real-time timer of the rewritten Task is ~24.8 days, as for Wait:
 * a task left waiting that long in real time ends with `States.Timeout`.
 * A waiting task counts as asleep for `drain`. A token completes at most once: once its task has
 * completed, failed, timed out or its execution has ended (StopExecution, shutdown), the API answers
 * TaskTimedOut for it, as AWS does for a closed task; a token never issued is InvalidToken.
 * Differences: SendTaskFailure without `error` fails with `States.TaskFailed` (AWS reports no error name;
 * the same catchers match), and `$$.Task.Token` must be a whole `.$` value (not inside an intrinsic).
 * Tokens are not kept across a restart: those issued before it answer TaskTimedOut, and the re-run issues
 * new ones when it reaches the waiting state again (our workflows' functions store the token they are
 * given each time, so the latest one is what a caller completes).
 */
import { randomBytes } from 'node:crypto';
import type { VirtualClock } from '../virtual-clock';
import { type ActiveExecution, track } from './active-execution';
import { TOKEN_MARKER } from './asl-rewrite';
import { loadStatesTimeout, StepFunctionsError, statesTimeoutError, TaskError } from './errors';
import { isObject, type JsonValue } from './json';

/** AWS's TimeoutSeconds of a task state that gives none: effectively no timeout (for the callback pattern). */
const DEFAULT_TOKEN_TIMEOUT_SECONDS = 99_999_999;

/** A task waiting for its token (the callback pattern), from its entry until it closes. */
interface TokenTask {
  readonly token: string;
  readonly active: ActiveExecution;
  readonly stateName: string;
  /** Virtual epoch ms at which the task times out (TimeoutSeconds after entry). */
  readonly deadline: number;
  readonly heartbeatMs: number | undefined;
  /** Virtual epoch ms by which the next heartbeat is due (Infinity without HeartbeatSeconds). */
  heartbeatDeadline: number;
  /** Whether this task holds one of `active.sleeps` (after its function returned, until it closes). */
  asleep: boolean;
  /** Set once, when the task closes; the token is invalid from then on. */
  outcome?: { readonly output: JsonValue } | { readonly error: unknown };
  /** Ends the current clock sleep of the task's watcher (to re-arm after a heartbeat, or to stop). */
  interrupt?: AbortController;
  /** Settles when the task closes. */
  readonly closed: { readonly promise: Promise<void>; readonly resolve: () => void };
}

export interface TaskTokensOptions {
  readonly clock: VirtualClock;
  /** Runs a topology function synchronously and returns what its handler returned. */
  readonly invokeFunction: (fnName: string, payload: unknown) => Promise<unknown>;
  /** Whether this runtime knows the execution (a closed task's token is then TaskTimedOut, not InvalidToken). */
  readonly knowsExecution: (executionArn: string) => boolean;
  /** Called whenever an execution falls asleep or wakes up (see LocalStepFunctions.drain). */
  readonly busyChanged: () => void;
}

export class TaskTokens {
  /** Open task tokens → their waiting task; a closed task's token is no longer here. */
  private readonly tokens = new Map<string, TokenTask>();

  constructor(private readonly options: TaskTokensOptions) {}

  /** SendTaskSuccess: the waiting task of `taskToken` succeeds with `output` (JSON text) as its result. */
  sendTaskSuccess(taskToken: string, output: string): void {
    const task = this.openTask(taskToken);
    let result: JsonValue;
    try {
      result = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: not JSON');
    }
    this.closeTask(task, { output: result });
  }

  /** SendTaskFailure: the waiting task of `taskToken` fails with `error` (default States.TaskFailed) and `cause`. */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    const task = this.openTask(taskToken);
    this.closeTask(task, { error: new TaskError(error ?? 'States.TaskFailed', cause ?? '') });
  }

  /** SendTaskHeartbeat: restarts the HeartbeatSeconds window of the waiting task of `taskToken`. */
  sendTaskHeartbeat(taskToken: string): void {
    const task = this.openTask(taskToken);
    if (task.heartbeatMs === undefined) return;
    task.heartbeatDeadline = this.options.clock.now() + task.heartbeatMs;
    task.interrupt?.abort();
  }

  /**
   * A `lambda:invoke.waitForTaskToken` state (see tokenTaskAsTask for its Parameters): issues a token,
   * invokes the function with it and waits for the task to close — by SendTaskSuccess/Failure, a
   * timeout on the virtual clock, the function's error or the execution's end.
   */
  async run(
    active: ActiveExecution,
    stateName: string,
    fnName: string,
    input: JsonValue,
  ): Promise<JsonValue> {
    if (!isObject(input)) throw new TaskError('States.Runtime', 'rewritten task-token state got no input');
    const timeoutSeconds = positiveSeconds(
      input.timeoutSeconds ?? DEFAULT_TOKEN_TIMEOUT_SECONDS,
      'TimeoutSeconds',
    );
    const heartbeatSeconds =
      input.heartbeatSeconds === undefined
        ? undefined
        : positiveSeconds(input.heartbeatSeconds, 'HeartbeatSeconds');
    await loadStatesTimeout();
    active.controller.signal.throwIfAborted();

    const token = newToken(active.record.executionArn);
    const now = this.options.clock.now();
    const heartbeatMs = heartbeatSeconds === undefined ? undefined : heartbeatSeconds * 1000;
    const task: TokenTask = {
      token,
      active,
      stateName,
      deadline: now + timeoutSeconds * 1000,
      heartbeatMs,
      heartbeatDeadline: heartbeatMs === undefined ? Number.POSITIVE_INFINITY : now + heartbeatMs,
      asleep: false,
      closed: deferred(),
    };
    this.tokens.set(token, task);
    const watched = this.watchTask(task);

    const parameters = withToken(input.parameters, token);
    const payload = isObject(parameters) ? parameters.Payload : undefined;
    // The function runs alongside the wait: the token is valid (and the timeouts run) from the state's
    // entry, as in AWS. Its result is ignored; its error fails the task if nothing closed it first.
    const invoked = Promise.resolve()
      .then(() => this.options.invokeFunction(fnName, payload))
      .then(
        () => {
          if (task.outcome !== undefined) return;
          task.asleep = true;
          active.sleeps++;
          this.options.busyChanged();
        },
        (error: unknown) => this.closeTask(task, { error }),
      );
    void track(active, invoked);

    await task.closed.promise;
    await watched;
    const outcome = task.outcome;
    if (outcome === undefined || 'error' in outcome) throw outcome?.error;
    return outcome.output;
  }

  /** Closes the task when its deadline or heartbeat deadline passes on the virtual clock, or its execution ends. */
  private async watchTask(task: TokenTask): Promise<void> {
    const { clock } = this.options;
    const { signal } = task.active.controller;
    while (task.outcome === undefined) {
      if (signal.aborted) {
        this.closeTask(task, { error: signal.reason });
        return;
      }
      if (this.closeIfLate(task)) return;
      const interrupt = new AbortController();
      task.interrupt = interrupt;
      const onAbort = () => interrupt.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await clock.sleepUntil(Math.min(task.deadline, task.heartbeatDeadline), interrupt.signal);
      } catch {
        // Interrupted: a heartbeat moved the deadline, the task closed or the execution ended; look again.
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  /** Times the task out if a deadline has passed on the virtual clock; true if it did. */
  private closeIfLate(task: TokenTask): boolean {
    const now = this.options.clock.now();
    if (now >= task.deadline) {
      return this.closeTask(task, {
        error: statesTimeoutError(`Task "${task.stateName}" got no task token response in time`),
      });
    }
    if (now >= task.heartbeatDeadline) {
      return this.closeTask(task, {
        error: new TaskError(
          'States.HeartbeatTimeout',
          `Task "${task.stateName}" got no heartbeat within ${(task.heartbeatMs ?? 0) / 1000} s`,
        ),
      });
    }
    return false;
  }

  /** Closes a task once (later calls are ignored): its token becomes invalid, the execution busy again. */
  private closeTask(task: TokenTask, outcome: NonNullable<TokenTask['outcome']>): boolean {
    if (task.outcome !== undefined) return false;
    task.outcome = outcome;
    this.tokens.delete(task.token);
    if (task.asleep) {
      task.asleep = false;
      task.active.sleeps--;
      this.options.busyChanged();
    }
    task.interrupt?.abort();
    task.closed.resolve();
    return true;
  }

  /**
   * The open task of a token. A token naming an execution this runtime knows, whose task is closed
   * (completed, failed, timed out, execution ended or run before a restart), is TaskTimedOut as in AWS;
   * anything else is InvalidToken.
   */
  private openTask(taskToken: string): TokenTask {
    const task = this.tokens.get(taskToken);
    // A deadline passed on the clock whose watcher has not woken yet still counts: the task timed out.
    if (task && !this.closeIfLate(task)) return task;
    const executionArn = executionOfToken(taskToken);
    if (task || (executionArn !== undefined && this.options.knowsExecution(executionArn))) {
      throw new StepFunctionsError(
        'TaskTimedOut',
        'Task Timed Out: the task token has expired or its task has already been closed',
      );
    }
    throw new StepFunctionsError('InvalidToken', 'Invalid Token');
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** An opaque, unguessable task token naming its execution (so a closed one can be told from a made-up one). */
function newToken(executionArn: string): string {
  const body = JSON.stringify({ v: 1, x: executionArn, r: randomBytes(32).toString('base64url') });
  return Buffer.from(body, 'utf8').toString('base64url');
}

/** The execution ARN a token issued by newToken names, or undefined for anything else. */
function executionOfToken(taskToken: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(taskToken)) return undefined;
  try {
    const body: unknown = JSON.parse(Buffer.from(taskToken, 'base64url').toString('utf8'));
    if (isObject(body) && body.v === 1 && typeof body.x === 'string' && typeof body.r === 'string')
      return body.x;
  } catch {
    // Not one of ours.
  }
  return undefined;
}

/** The resolved Parameters of a token task with the token in place of every TOKEN_MARKER. */
function withToken(value: unknown, token: string): unknown {
  if (value === TOKEN_MARKER) return token;
  if (Array.isArray(value)) return value.map((item) => withToken(item, token));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withToken(item, token)]));
  }
  return value;
}

/** A TimeoutSeconds/HeartbeatSeconds value (resolved from a path, perhaps): a positive integer, or States.Runtime. */
function positiveSeconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TaskError(
      'States.Runtime',
      `${field} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
