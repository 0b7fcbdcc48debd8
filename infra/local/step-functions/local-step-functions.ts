/**
 * Local Step Functions: runs the topology's `infra/workflows/*.asl.json` files — the same files CDK
 * deploys — with `aws-local-stepfunctions` (as rewritten by asl-rewrite.ts), keeps every execution in the
 * execution store (execution-store.ts), serves the callback pattern (task-tokens.ts) and answers the
 * Step Functions API calls Frontdoor makes (api.ts). Wait states and task-token timeouts follow the
 * runtime's VirtualClock. Executions still RUNNING when the runtime stopped are run again from StartAt by
 * the next instance (our workflows are safe to re-ask from the start).
 */
import { randomUUID } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  type StateMachine,
} from 'aws-local-stepfunctions';
import { billingMeter, eventBridgeEvents } from '../../../shared/adapters/billing-meter';
import { type ActiveExecution, track } from './active-execution';
import { serveApi } from './api';
import { loadMachine, type Machine, type TaskBinding } from './asl-rewrite';
import { StepFunctionsError, TaskError } from './errors';
import { type ExecutionStatus, ExecutionStore, type StoredExecution } from './execution-store';
import { asJson, isObject, type JsonValue } from './json';
import { TaskTokens } from './task-tokens';
import type {
  ExecutionDescription,
  ExecutionSummary,
  LocalStepFunctionsOptions,
  StartExecutionInput,
} from './types';

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Run = ReturnType<StateMachine['run']>;

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly store: ExecutionStore;
  private readonly active = new Map<string, ActiveExecution>();
  private readonly tokens: TaskTokens;
  private readonly drainWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    const { root, region, accountId } = options;
    for (const spec of options.specs) {
      const machine = loadMachine(spec, { root, region, accountId, arn: this.arnOf(spec.name) });
      this.machines.set(machine.arn, machine);
    }
    this.store = new ExecutionStore(options.dataDir);
    this.tokens = new TaskTokens({
      clock: options.clock,
      invokeFunction: options.invokeFunction,
      knowsExecution: (executionArn) => this.store.has(executionArn),
      busyChanged: () => this.busyChanged(),
    });
    this.resume();
  }

  /** `arn:aws:states:<region>:<account>:stateMachine:<name>` of a topology state machine. */
  arnOf(specName: string): string {
    if (!this.options.specs.some((s) => s.name === specName)) {
      throw new Error(`no state machine named "${specName}" in the topology`);
    }
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${specName}`;
  }

  /**
   * Runs every stored RUNNING execution not already running here again from StartAt.
   * Called on construction; returns how many were resumed.
   */
  resume(): number {
    let resumed = 0;
    for (const record of this.store.all()) {
      if (record.status !== 'RUNNING' || this.active.has(record.executionArn)) continue;
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine) {
        Object.assign(record, {
          status: 'FAILED',
          stopDate: this.nowIso(),
          error: 'States.Runtime',
          cause: `state machine ${record.stateMachineArn} is no longer in the topology`,
        });
        this.options.log(`execution ${record.name} failed: its state machine is no longer in the topology`);
        this.store.persistSoon();
        continue;
      }
      this.launch(machine, record);
      resumed++;
    }
    if (resumed > 0)
      this.options.log(`step functions: resumed ${resumed} running execution(s) from the start`);
    return resumed;
  }

  /** StartExecution with AWS semantics: idempotent for the same name and input while RUNNING. */
  startExecution(request: StartExecutionInput): { executionArn: string; startDate: Date } {
    const machine = this.machineByArn(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!NAME_PATTERN.test(name)) {
      throw new StepFunctionsError(
        'InvalidName',
        `Invalid Name: '${name}' (1 to 80 letters, digits, '-' or '_')`,
      );
    }
    const input = request.input ?? '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not JSON',
      );
    }
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${machine.spec.name}:${name}`;
    const existing = this.store.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: StoredExecution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: this.nowIso(),
      transitions: 0,
    };
    // On disk before StartExecution answers: a timer the caller was told it started survives a crash.
    this.store.addDurably(record);
    this.launch(machine, record);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  /** StopExecution: ends a RUNNING execution as ABORTED (a no-op on a closed one, as in AWS). */
  stopExecution(request: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const record = this.recordOf(request.executionArn);
    if (record.status === 'RUNNING') {
      Object.assign(record, {
        status: 'ABORTED',
        stopDate: this.nowIso(),
        error: request.error,
        cause: request.cause,
      });
      this.store.persistSoon();
      const active = this.active.get(record.executionArn);
      if (active) {
        active.abortedFor = 'stop-execution';
        active.controller.abort(new Error(`execution ${record.name} stopped`));
      }
    }
    return { stopDate: new Date(record.stopDate ?? record.startDate) };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const record = this.recordOf(executionArn);
    return {
      ...summaryOf(record),
      input: record.input,
      ...(record.output !== undefined && { output: record.output }),
      ...(record.error !== undefined && { error: record.error }),
      ...(record.cause !== undefined && { cause: record.cause }),
      stateTransitions: record.transitions,
    };
  }

  /** The executions of a state machine, newest first. */
  listExecutions(stateMachineArn: string, status?: ExecutionStatus): ExecutionSummary[] {
    const machine = this.machineByArn(stateMachineArn);
    return this.store
      .all()
      .filter((r) => r.stateMachineArn === machine.arn && (status === undefined || r.status === status))
      .reverse()
      .sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))
      .map(summaryOf);
  }

  /** SendTaskSuccess: the waiting task of `taskToken` succeeds with `output` (JSON text) as its result. */
  sendTaskSuccess(taskToken: string, output: string): void {
    this.tokens.sendTaskSuccess(taskToken, output);
  }

  /** SendTaskFailure: the waiting task of `taskToken` fails with `error` (default States.TaskFailed) and `cause`. */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.tokens.sendTaskFailure(taskToken, error, cause);
  }

  /** SendTaskHeartbeat: restarts the HeartbeatSeconds window of the waiting task of `taskToken`. */
  sendTaskHeartbeat(taskToken: string): void {
    this.tokens.sendTaskHeartbeat(taskToken);
  }

  /** State transitions of an execution so far (see `ExecutionDescription.stateTransitions`). */
  transitions(executionArn: string): number {
    return this.recordOf(executionArn).transitions;
  }

  /**
   * Resolves when no execution is busy: every running execution is asleep on the virtual clock.
   * Busy covers more than being inside a Task handler — also the states between two Tasks and retry
   * back-offs — so a drain cannot slip through the gap between AskClock returning and Announce starting.
   */
  drain(): Promise<void> {
    if (this.busy() === 0) return Promise.resolve();
    return new Promise((resolveDrain) => this.drainWaiters.push(resolveDrain));
  }

  /**
   * Aborts every running execution (their clock sleeps too) and resolves once they have settled.
   * They stay RUNNING in the store, so the next instance resumes them: this is a shutdown, not StopExecution.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const endings: Array<Promise<void> | undefined> = [];
    for (const active of this.active.values()) {
      active.abortedFor ??= 'shutdown';
      active.controller.abort(new Error('local Step Functions stopped'));
      endings.push(active.ended);
    }
    await Promise.allSettled(endings);
    this.store.flush();
  }

  /**
   * One AWS JSON 1.0 request (`x-amz-target` and body) → status and JSON body. Dates are epoch seconds,
   * errors `{ __type, message }` with status 400, as `@aws-sdk/client-sfn` expects.
   */
  serve(target: string, body: string): { status: number; body: unknown } {
    return serveApi(this, target, body);
  }

  private machineByArn(stateMachineArn: string): Machine {
    const machine = this.machines.get(stateMachineArn);
    if (machine) return machine;
    if (!stateMachineArn.startsWith('arn:')) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    }
    throw new StepFunctionsError(
      'StateMachineDoesNotExist',
      `State Machine Does Not Exist: '${stateMachineArn}'`,
    );
  }

  private recordOf(executionArn: string): StoredExecution {
    const record = this.store.get(executionArn);
    if (record) return record;
    if (!executionArn.startsWith('arn:')) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    }
    throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  }

  // ---------------------------------------------------------------- executions

  private launch(machine: Machine, record: StoredExecution): void {
    // After stop() an execution is only recorded: the next instance runs it.
    if (this.stopped) return;
    const active: ActiveExecution = {
      machine,
      record,
      controller: new AbortController(),
      sleeps: 0,
      inflight: new Set(),
    };
    this.active.set(record.executionArn, active);
    const run = machine.interpreter.run(JSON.parse(record.input), {
      overrides: {
        taskResourceLocalHandlers: this.handlersFor(active),
        retryIntervalOverrides: machine.retryIntervals,
      },
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          StartTime: record.startDate,
          RoleArn: `arn:aws:iam::${this.options.accountId}:role/${machine.spec.name}-local`,
        },
        StateMachine: { Id: machine.arn, Name: machine.spec.name },
      },
    });
    active.controller.signal.addEventListener('abort', () => run.abort(), { once: true });
    active.ended = this.follow(active, run);
  }

  /** Waits for a run to end, then records its outcome (unless it was only shut down). */
  private async follow(active: ActiveExecution, run: Run): Promise<void> {
    const { record } = active;
    const counted = this.countTransitions(active, run.eventLogs);
    let outcome: Partial<StoredExecution>;
    try {
      outcome = { status: 'SUCCEEDED', output: JSON.stringify(await run.result) };
    } catch (error: unknown) {
      outcome = failureOf(error);
    }
    // A run can end with handlers still waiting (a Parallel branch, on a token or the clock, when another
    // failed the execution): end them, which closes their tokens, so the run's end is recorded.
    if (!active.controller.signal.aborted)
      active.controller.abort(new Error(`execution ${record.name} ended`));
    await counted;
    await Promise.allSettled(active.inflight);
    this.active.delete(record.executionArn);
    if (active.abortedFor === undefined) {
      Object.assign(record, outcome, { stopDate: this.nowIso() });
      if (record.status === 'FAILED') {
        this.options.log(
          `execution ${record.name} failed: ${record.error}${record.cause ? ` (${record.cause})` : ''}`,
        );
      }
    }
    this.store.persistSoon();
    this.busyChanged();
  }

  /**
   * Counts transitions from the interpreter's event log: each state entered and each retry, as AWS bills
   * Standard workflows. The retries of a rewritten Wait (see WAIT_TIMEOUT_SECONDS) are ours, not AWS's.
   */
  private async countTransitions(active: ActiveExecution, events: Run['eventLogs']): Promise<void> {
    for await (const event of events) {
      const counts =
        event.type === 'StateEntered' ||
        (event.type === 'StateRetried' && active.machine.tasks.get(event.state.name)?.kind !== 'wait');
      if (!counts) continue;
      active.record.transitions++;
      billingMeter.add('stepFunctions.stateTransitions');
      this.store.persistSoon();
    }
  }

  private handlersFor(active: ActiveExecution): LocalHandlers {
    const handlers: LocalHandlers = {};
    for (const [stateName, binding] of active.machine.tasks) {
      handlers[stateName] = (input) => track(active, this.runTask(active, stateName, binding, input));
    }
    return handlers;
  }

  private async runTask(
    active: ActiveExecution,
    stateName: string,
    binding: TaskBinding,
    input: JsonValue,
  ): Promise<JsonValue> {
    const { signal } = active.controller;
    signal.throwIfAborted();
    switch (binding.kind) {
      case 'lambda': {
        // The shape of the lambda:invoke integration's output: the function's result as Payload.
        const payload = isObject(input) ? input.Payload : undefined;
        const result = await this.options.invokeFunction(binding.fnName, payload);
        return { Payload: asJson(result), StatusCode: 200, ExecutedVersion: '$LATEST' };
      }
      case 'events': {
        const given: unknown = isObject(input) ? input.Entries : undefined;
        const entries = Array.isArray(given) ? given.filter(isObject) : [];
        if (!Array.isArray(given) || entries.length !== given.length) {
          throw new TaskError('EventBridge.ValidationException', 'Entries must be an array of objects');
        }
        await this.options.putEvents(entries);
        // The events:putEvents integration publishes custom events, billed as PutEvents from code is.
        billingMeter.add(
          'eventBridge.events',
          entries.reduce((n, e) => n + eventBridgeEvents(e), 0),
        );
        return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
      }
      case 'wait': {
        // Parameters written by waitAsTask: the state's input plus the Wait's seconds or timestamp.
        if (!isObject(input)) throw new TaskError('States.Runtime', 'rewritten Wait state got no input');
        const until = this.waitTarget(input);
        if (this.options.clock.now() < until) {
          active.sleeps++;
          this.busyChanged();
          try {
            await this.options.clock.sleepUntil(until, signal);
          } finally {
            active.sleeps--;
            this.busyChanged();
          }
        }
        return asJson(input.input);
      }
      case 'token':
        return this.tokens.run(active, stateName, binding.fnName, input);
    }
  }

  /** Virtual epoch ms a rewritten Wait state sleeps until; invalid values fail as AWS does (States.Runtime). */
  private waitTarget(parameters: Record<string, unknown>): number {
    const { seconds, timestamp } = parameters;
    if (seconds !== undefined) {
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw new TaskError(
          'States.Runtime',
          `Wait seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`,
        );
      }
      return this.options.clock.now() + seconds * 1000;
    }
    const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(at)) {
      throw new TaskError(
        'States.Runtime',
        `Wait timestamp must be an ISO 8601 time, got ${JSON.stringify(timestamp)}`,
      );
    }
    return at;
  }

  private busy(): number {
    let busy = 0;
    for (const active of this.active.values()) if (active.sleeps === 0) busy++;
    return busy;
  }

  private busyChanged(): void {
    if (this.busy() > 0) return;
    for (const resolveDrain of this.drainWaiters.splice(0)) resolveDrain();
  }

  private nowIso(): string {
    return new Date(this.options.clock.now()).toISOString();
  }
}

function failureOf(error: unknown): Partial<StoredExecution> {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'FAILED', error: 'States.Timeout', cause: 'The execution timed out' };
  }
  // ExecutionError wraps what failed the state: a Fail state, a States.* error or a handler's error.
  const cause = error instanceof ExecutionError ? error.cause : error;
  if (cause instanceof Error) return { status: 'FAILED', error: cause.name, cause: cause.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(cause) };
}

function summaryOf(record: StoredExecution): ExecutionSummary {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    ...(record.stopDate !== undefined && { stopDate: new Date(record.stopDate) }),
  };
}
