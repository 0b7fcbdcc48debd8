/**
 * Local Step Functions: runs the topology's `infra/workflows/*.asl.json` files — the same files CDK
 * deploys — with `aws-local-stepfunctions`, and answers the three or four Step Functions API calls
 * Frontdoor makes (AWS JSON 1.0 protocol), so `@aws-sdk/client-sfn` works against the runtime unchanged.
 *
 * What differs from the interpreter's defaults, and why:
 * - Task states are bound GENERICALLY from the definition: `lambda:invoke` of a substituted function
 *   → `invokeFunction`, `events:putEvents` → `putEvents`. Anything else is refused at construction.
 * - Wait states follow the runtime's VirtualClock (so tests and demos can jump to an SLA breach). The
 *   interpreter's own Wait sleeps in real time and cannot be interrupted, so each Wait state is rewritten
 *   before the run into an equivalent Task state (same InputPath/OutputPath/Next/End; the interpreter
 *   itself evaluates Seconds/SecondsPath/Timestamp/TimestampPath through Parameters) whose local handler
 *   sleeps on the clock. The original definition is validated as written.
 * - Task tokens (the callback pattern, `lambda:invoke.waitForTaskToken`), which the interpreter lacks, are
 *   served here. Each such state is rewritten before the run into a Task whose local handler does what AWS
 *   does: every `"<key>.$": "$$.Task.Token"` in Parameters (at any depth) receives a fresh token on each
 *   entry of the state (retries included); the function is invoked with the resolved Payload and its result
 *   ignored (its error fails the task, as for lambda:invoke); then the task waits for SendTaskSuccess (the
 *   task's result is the parsed `output`, to which ResultSelector/ResultPath/OutputPath apply), for
 *   SendTaskFailure (fails with `error` and `cause`), for TimeoutSeconds(Path) to pass (`States.Timeout`;
 *   default 99999999 s, as in AWS) or for HeartbeatSeconds(Path) without a SendTaskHeartbeat
 *   (`States.HeartbeatTimeout`). Both are measured on the VirtualClock, so a clock jump past them fires
 *   them at once; Retry and Catch see the same error names as in AWS (`States.TaskFailed` does not match
 *   the timeout). The interpreter's own real-time timer of the rewritten Task is ~24.8 days, as for Wait:
 *   a task left waiting that long in real time ends with `States.Timeout`.
 *   A waiting task counts as asleep for `drain`. A token completes at most once: once its task has
 *   completed, failed, timed out or its execution has ended (StopExecution, shutdown), the API answers
 *   TaskTimedOut for it, as AWS does for a closed task; a token never issued is InvalidToken.
 *   Differences: SendTaskFailure without `error` fails with `States.TaskFailed` (AWS reports no error name;
 *   the same catchers match), and `$$.Task.Token` must be a whole `.$` value (not inside an intrinsic).
 * - Retry intervals are capped at 1 s of real time.
 * - Executions are kept in `<dataDir>/step-functions/executions.json`. Those still RUNNING when the runtime
 *   stopped are run again from StartAt by the next instance (our workflows are safe to re-ask from the start).
 *   Task tokens are not kept: those issued before the restart answer TaskTimedOut, and the re-run issues
 *   new ones when it reaches the waiting state again (our workflows' functions store the token they are
 *   given each time, so the latest one is what a caller completes).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { z } from 'zod';
import { billingMeter, eventBridgeEvents } from '../../shared/adapters/billing-meter';
import type { StateMachineSpec } from '../../shared/topology';
import type { VirtualClock } from './virtual-clock';

type Overrides = NonNullable<RunOptions['overrides']>;
type LocalHandlers = NonNullable<Overrides['taskResourceLocalHandlers']>;
type RetryIntervals = NonNullable<Overrides['retryIntervalOverrides']>;
type JsonValue = Parameters<LocalHandlers[string]>[0];
type Run = ReturnType<StateMachine['run']>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface LocalStepFunctionsOptions {
  readonly specs: readonly StateMachineSpec[];
  /** Repository root; each spec's `definition` is relative to it. */
  readonly root: string;
  readonly region: string;
  readonly accountId: string;
  /** Executions are kept under `<dataDir>/step-functions/`. */
  readonly dataDir: string;
  readonly clock: VirtualClock;
  /** Runs a topology function synchronously and returns what its handler returned. */
  readonly invokeFunction: (fnName: string, payload: unknown) => Promise<unknown>;
  /** Puts entries on the bus. `Detail` may be an object here: the caller stringifies. */
  readonly putEvents: (entries: Array<Record<string, unknown>>) => void | Promise<void>;
  readonly log: (line: string) => void;
}

export interface StartExecutionInput {
  readonly stateMachineArn: string;
  readonly name?: string;
  /** JSON text; default `{}`. */
  readonly input?: string;
}

export interface ExecutionSummary {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
}

export interface ExecutionDescription extends ExecutionSummary {
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** States entered plus retries: what AWS bills a Standard workflow for. */
  readonly stateTransitions: number;
}

/** The Step Functions API errors this service answers with; `code` is the wire `__type`. */
export type StepFunctionsErrorCode =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'StateMachineDoesNotExist'
  | 'InvalidName'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidToken'
  | 'InvalidOutput'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException';

export class StepFunctionsError extends Error {
  override readonly name = 'StepFunctionsError';
  constructor(
    readonly code: StepFunctionsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An error a local Task handler fails its state with; `name` is what Retry/Catch match on. The interpreter
 * reads `isRetryable`/`isCatchable` (default true): `States.Runtime` is neither, as in AWS, where neither
 * Retry nor Catch (not even `States.ALL`) handles it.
 */
class TaskError extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
    this.isRetryable = this.isCatchable = name !== 'States.Runtime';
  }
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const EVENTS_PUT = 'arn:aws:states:::events:putEvents';
/** Resource of a rewritten Wait state; never called, its local handler is bound by state name. */
const LOCAL_WAIT = 'arn:aws:states:::local:wait';
/**
 * The interpreter times every Task out (60 s by default) with one real-time setTimeout, which Node caps
 * at 2^31 − 1 ms. A rewritten Wait gets the longest timeout that fits and, should a wait really outlast
 * ~24.8 days of real time, is retried on `States.Timeout` — a Timestamp wait then simply carries on;
 * a Seconds wait starts counting again (a documented limitation nobody should meet locally).
 */
const WAIT_TIMEOUT_SECONDS = 2_147_483;
const MAX_RETRY_INTERVAL_MS = 1_000;
/** AWS's TimeoutSeconds of a task state that gives none: effectively no timeout (for the callback pattern). */
const DEFAULT_TOKEN_TIMEOUT_SECONDS = 99_999_999;
/** What the interpreter's copy of a `"<key>.$": "$$.Task.Token"` holds; the handler puts the token there. */
const TOKEN_MARKER = `local:task-token:${randomUUID()}`;
const TASK_TOKEN_PATH = '$$.Task.Token';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED'] as const satisfies readonly ExecutionStatus[];

const storedExecution = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  input: z.string(),
  status: z.enum(STATUSES),
  startDate: z.iso.datetime(),
  stopDate: z.iso.datetime().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  transitions: z.int().min(0),
});
type StoredExecution = z.infer<typeof storedExecution>;
const storeFile = z.object({ version: z.literal(1), executions: z.array(storedExecution) });

/** Wire shapes of the requests served (unknown members are ignored, as the SDK may send more). */
const startExecutionRequest = z.object({
  stateMachineArn: z.string(),
  name: z.string().optional(),
  input: z.string().optional(),
});
const describeExecutionRequest = z.object({ executionArn: z.string() });
const stopExecutionRequest = z.object({
  executionArn: z.string(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
const taskToken = z.string().min(1).max(2048);
const sendTaskSuccessRequest = z.object({ taskToken, output: z.string().max(262_144) });
const sendTaskFailureRequest = z.object({
  taskToken,
  error: z.string().max(256).optional(),
  cause: z.string().max(32_768).optional(),
});
const sendTaskHeartbeatRequest = z.object({ taskToken });
const listExecutionsRequest = z.object({
  stateMachineArn: z.string(),
  statusFilter: z.enum(STATUSES).optional(),
  maxResults: z.int().min(0).max(1000).optional(),
  nextToken: z.string().optional(),
});

/** How a Task state is served locally. */
type TaskBinding =
  | { readonly kind: 'lambda'; readonly fnName: string }
  | { readonly kind: 'events' }
  | { readonly kind: 'wait' }
  /** `lambda:invoke.waitForTaskToken`, rewritten by tokenTaskAsTask. */
  | { readonly kind: 'token'; readonly fnName: string };

interface Machine {
  readonly spec: StateMachineSpec;
  readonly arn: string;
  readonly interpreter: StateMachine;
  /** Task state name → binding (state names are unique across the machine, nested ones included). */
  readonly tasks: ReadonlyMap<string, TaskBinding>;
  readonly retryIntervals: RetryIntervals;
}

interface ActiveExecution {
  readonly machine: Machine;
  readonly record: StoredExecution;
  /** Aborts the interpreter run and any clock sleep of this execution. */
  readonly controller: AbortController;
  /** > 0 while the execution sleeps on the virtual clock (then it is not busy, for `drain`). */
  sleeps: number;
  /** Task handler calls not yet settled (an aborted run may leave one finishing). */
  readonly inflight: Set<Promise<unknown>>;
  /** Why the run was aborted: `shutdown` leaves it RUNNING for the next instance to resume. */
  abortedFor?: 'shutdown' | 'stop-execution';
  /** Settles once the run, its event log and its handlers have all finished. */
  ended?: Promise<void>;
}

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

/** The loosely typed view of ASL used to walk and rewrite a definition the validator accepted. */
type AslState = { Type: string; [field: string]: unknown };
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, StoredExecution>();
  private readonly active = new Map<string, ActiveExecution>();
  /** Open task tokens → their waiting task; a closed task's token is no longer here. */
  private readonly tokens = new Map<string, TokenTask>();
  private readonly drainWaiters: Array<() => void> = [];
  private readonly storePath: string;
  private persistTimer: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    for (const spec of options.specs) {
      const machine = this.loadMachine(spec);
      this.machines.set(machine.arn, machine);
    }
    const dir = join(options.dataDir, 'step-functions');
    mkdirSync(dir, { recursive: true });
    this.storePath = join(dir, 'executions.json');
    for (const record of this.load()) this.executions.set(record.executionArn, record);
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
    for (const record of this.executions.values()) {
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
        this.persistSoon();
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
    const existing = this.executions.get(executionArn);
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
    this.executions.set(executionArn, record);
    // On disk before StartExecution answers: a timer the caller was told it started survives a crash.
    this.flush();
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
      this.persistSoon();
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
    return [...this.executions.values()]
      .filter((r) => r.stateMachineArn === machine.arn && (status === undefined || r.status === status))
      .reverse()
      .sort((a, b) => Date.parse(b.startDate) - Date.parse(a.startDate))
      .map(summaryOf);
  }

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
    this.flush();
  }

  /**
   * One AWS JSON 1.0 request (`x-amz-target` and body) → status and JSON body. Dates are epoch seconds,
   * errors `{ __type, message }` with status 400, as `@aws-sdk/client-sfn` expects.
   */
  serve(target: string, body: string): { status: number; body: unknown } {
    try {
      return { status: 200, body: this.handle(target, parseRequestBody(body)) };
    } catch (error: unknown) {
      if (error instanceof StepFunctionsError) {
        return { status: 400, body: { __type: error.code, message: error.message } };
      }
      if (error instanceof z.ZodError) {
        return { status: 400, body: { __type: 'ValidationException', message: z.prettifyError(error) } };
      }
      const message = error instanceof Error ? error.message : String(error);
      return { status: 500, body: { __type: 'InternalFailure', message } };
    }
  }

  private handle(target: string, request: unknown): unknown {
    switch (target) {
      case 'AWSStepFunctions.StartExecution': {
        const started = this.startExecution(startExecutionRequest.parse(request));
        return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
      }
      case 'AWSStepFunctions.DescribeExecution': {
        const { executionArn } = describeExecutionRequest.parse(request);
        return wireDates(this.describeExecution(executionArn));
      }
      case 'AWSStepFunctions.StopExecution': {
        const { stopDate } = this.stopExecution(stopExecutionRequest.parse(request));
        return { stopDate: epochSeconds(stopDate) };
      }
      case 'AWSStepFunctions.ListExecutions': {
        const { stateMachineArn, statusFilter, maxResults, nextToken } = listExecutionsRequest.parse(request);
        const all = this.listExecutions(stateMachineArn, statusFilter);
        // nextToken is simply the offset of the next page; maxResults 0 means the default (all here).
        const offset = nextToken === undefined ? 0 : Number(nextToken);
        if (!Number.isSafeInteger(offset) || offset < 0 || offset > all.length) {
          throw new StepFunctionsError('InvalidToken', 'Invalid Token');
        }
        const end = maxResults ? offset + maxResults : all.length;
        return {
          executions: all.slice(offset, end).map(wireDates),
          ...(end < all.length && { nextToken: String(end) }),
        };
      }
      case 'AWSStepFunctions.SendTaskSuccess': {
        const { taskToken, output } = sendTaskSuccessRequest.parse(request);
        this.sendTaskSuccess(taskToken, output);
        return {};
      }
      case 'AWSStepFunctions.SendTaskFailure': {
        const { taskToken, error, cause } = sendTaskFailureRequest.parse(request);
        this.sendTaskFailure(taskToken, error, cause);
        return {};
      }
      case 'AWSStepFunctions.SendTaskHeartbeat': {
        const { taskToken } = sendTaskHeartbeatRequest.parse(request);
        this.sendTaskHeartbeat(taskToken);
        return {};
      }
      default:
        throw new StepFunctionsError('UnknownOperationException', `Unknown operation ${target}`);
    }
  }

  // ---------------------------------------------------------------- definitions

  private loadMachine(spec: StateMachineSpec): Machine {
    const { region, accountId } = this.options;
    const arn = this.arnOf(spec.name);
    const functionArns = new Map<string, string>();
    const text = readFileSync(resolve(this.options.root, spec.definition), 'utf8').replace(
      /\$\{([^}]*)\}/g,
      (_, placeholder: string) => {
        // Like CDK definitionSubstitutions: each placeholder is a topology function's ARN.
        const substitution = spec.substitutions[placeholder];
        if (!substitution) {
          throw new Error(
            `state machine ${spec.name}: unknown placeholder \${${placeholder}} in ${spec.definition}`,
          );
        }
        const fnArn = `arn:aws:lambda:${region}:${accountId}:function:${substitution.function}`;
        functionArns.set(fnArn, substitution.function);
        return fnArn;
      },
    );
    const definition = JSON.parse(text) as AslMachine;
    // Validates the definition as written (asl-validator, ARNs and paths checked); throws when invalid.
    new StateMachine(definition as unknown as StateMachineDefinition);

    const runnable = structuredClone(definition);
    const tasks = new Map<string, TaskBinding>();
    const retryIntervals: RetryIntervals = {};
    const seen = new Set<string>();
    for (const { states, name, state } of statesOf(runnable)) {
      if (seen.has(name)) {
        throw new Error(
          `state machine ${spec.name}: state name "${name}" is used twice; local handlers need unique names`,
        );
      }
      seen.add(name);
      if (state.Type === 'Wait') {
        states[name] = waitAsTask(state);
        tasks.set(name, { kind: 'wait' });
        retryIntervals[name] = 0;
        continue;
      }
      if (state.Type === 'Task') {
        const binding = bindTask(spec, name, state, functionArns);
        tasks.set(name, binding);
        if (binding.kind === 'token') states[name] = tokenTaskAsTask(spec, name, state);
      }
      if (Array.isArray(state.Retry)) {
        retryIntervals[name] = state.Retry.map((retrier: unknown) => {
          const seconds =
            isObject(retrier) && typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1;
          return Math.min(seconds * 1000, MAX_RETRY_INTERVAL_MS);
        });
      }
    }
    const interpreter = new StateMachine(runnable as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    return { spec, arn, interpreter, tasks, retryIntervals };
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
    const record = this.executions.get(executionArn);
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
    this.persistSoon();
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
      this.persistSoon();
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
        return this.runTokenTask(active, stateName, binding.fnName, input);
    }
  }

  /**
   * A `lambda:invoke.waitForTaskToken` state (see tokenTaskAsTask for its Parameters): issues a token,
   * invokes the function with it and waits for the task to close — by SendTaskSuccess/Failure, a
   * timeout on the virtual clock, the function's error or the execution's end.
   */
  private async runTokenTask(
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
          this.busyChanged();
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
      this.busyChanged();
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
    if (task || (executionArn !== undefined && this.executions.has(executionArn))) {
      throw new StepFunctionsError(
        'TaskTimedOut',
        'Task Timed Out: the task token has expired or its task has already been closed',
      );
    }
    throw new StepFunctionsError('InvalidToken', 'Invalid Token');
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

  // ---------------------------------------------------------------- persistence

  private load(): StoredExecution[] {
    if (!existsSync(this.storePath)) return [];
    const text = readFileSync(this.storePath, 'utf8');
    const parsed = storeFile.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`${this.storePath} is not a valid executions file: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data.executions;
  }

  /** Coalesces writes: many transitions in one tick cost one write. */
  private persistSoon(): void {
    if (this.persistTimer) return;
    this.persistTimer = setImmediate(() => this.flush());
    this.persistTimer.unref();
  }

  /** Writes the store atomically (temporary file, then rename). */
  private flush(): void {
    if (this.persistTimer) clearImmediate(this.persistTimer);
    this.persistTimer = undefined;
    const tmp = `${this.storePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, executions: [...this.executions.values()] }));
    renameSync(tmp, this.storePath);
  }
}

// ---------------------------------------------------------------- helpers

/** Every state of a machine with the record holding it, nested Parallel branches and Map processors included. */
function* statesOf(
  machine: AslMachine,
): Generator<{ states: Record<string, AslState>; name: string; state: AslState }> {
  for (const [name, state] of Object.entries(machine.States)) {
    yield { states: machine.States, name, state };
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches as AslMachine[]) yield* statesOf(branch);
    }
    if (state.Type === 'Map') {
      const processor = (state.ItemProcessor ?? state.Iterator) as AslMachine | undefined;
      if (processor) yield* statesOf(processor);
    }
  }
}

/** Adds a handler's (or function's) promise to the execution's in-flight set until it settles. */
function track<T>(active: ActiveExecution, call: Promise<T>): Promise<T> {
  active.inflight.add(call);
  const done = () => active.inflight.delete(call);
  call.then(done, done);
  return call;
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

/**
 * The interpreter's own `States.Timeout` error class, which it does not export. Retry and Catch let
 * `States.TaskFailed` match every error except an instance of it (as AWS lets it match everything but
 * States.Timeout), so a token task's timeout must be one. Obtained once from a throwaway run whose only
 * Task times out after 1 ms; should that ever stop working, a TaskError named `States.Timeout` stands in.
 */
let statesTimeoutSample: Error | undefined;
let statesTimeoutLoading: Promise<void> | undefined;

function loadStatesTimeout(): Promise<void> {
  statesTimeoutLoading ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
            TimeoutSeconds: 0.001,
            End: true,
          },
        },
      } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(
      {},
      { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } },
    );
    try {
      await run.result;
    } catch (error: unknown) {
      const cause = error instanceof ExecutionError ? error.cause : undefined;
      if (cause instanceof Error && cause.name === 'States.Timeout') statesTimeoutSample = cause;
    }
  })();
  return statesTimeoutLoading;
}

function statesTimeoutError(message: string): Error {
  if (!statesTimeoutSample) return new TaskError('States.Timeout', message);
  const error = new (statesTimeoutSample.constructor as new () => Error)();
  error.message = message;
  return error;
}

function bindTask(
  spec: StateMachineSpec,
  name: string,
  state: AslState,
  functionArns: ReadonlyMap<string, string>,
): TaskBinding {
  const parameters = isObject(state.Parameters) ? state.Parameters : {};
  if (state.Resource === LAMBDA_INVOKE || state.Resource === LAMBDA_INVOKE_TOKEN) {
    const fnName =
      typeof parameters.FunctionName === 'string' ? functionArns.get(parameters.FunctionName) : undefined;
    if (fnName) return { kind: state.Resource === LAMBDA_INVOKE ? 'lambda' : 'token', fnName };
    throw new Error(
      `state machine ${spec.name}: Task state "${name}" must invoke a function given by a \${placeholder} substitution; ` +
        `FunctionName ${JSON.stringify(parameters.FunctionName ?? parameters['FunctionName.$'])} is not served locally`,
    );
  }
  if (state.Resource === EVENTS_PUT) return { kind: 'events' };
  throw new Error(
    `state machine ${spec.name}: Task state "${name}" uses ${String(state.Resource)}, which is not served locally`,
  );
}

/**
 * The Task state standing in for a Wait state. Parameters hand the handler the state's (InputPath-ed)
 * input and the Wait's duration, which the interpreter resolves from Seconds/SecondsPath/Timestamp/
 * TimestampPath exactly as it would for the Wait; the handler returns the input unchanged, and without
 * ResultPath that becomes the output, to which OutputPath then applies — the Wait's own semantics.
 */
function waitAsTask(wait: AslState): AslState {
  const parameters: Record<string, unknown> = { 'input.$': '$' };
  if (wait.Seconds !== undefined) parameters.seconds = wait.Seconds;
  else if (wait.SecondsPath !== undefined) parameters['seconds.$'] = wait.SecondsPath;
  else if (wait.Timestamp !== undefined) parameters.timestamp = wait.Timestamp;
  else if (wait.TimestampPath !== undefined) parameters['timestamp.$'] = wait.TimestampPath;
  const task: AslState = {
    Type: 'Task',
    Resource: LOCAL_WAIT,
    Parameters: parameters,
    TimeoutSeconds: WAIT_TIMEOUT_SECONDS,
    Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 1_000_000 }],
  };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    if (field in wait) task[field] = wait[field];
  }
  return task;
}

/**
 * The Task state standing in for a `lambda:invoke.waitForTaskToken` state. Its Parameters hand the handler
 * the original Parameters — each `"<key>.$": "$$.Task.Token"` turned into `"<key>": TOKEN_MARKER`, which
 * the handler replaces with the token it issues — and the timeouts, which the interpreter resolves from
 * TimeoutSeconds(Path)/HeartbeatSeconds(Path) and the handler enforces on the virtual clock. Everything
 * else (InputPath, ResultSelector, ResultPath, OutputPath, Retry, Catch, Next, End, Comment) is kept; the
 * interpreter's own real-time timeout becomes the longest it can arm (see WAIT_TIMEOUT_SECONDS).
 */
function tokenTaskAsTask(spec: StateMachineSpec, name: string, state: AslState): AslState {
  const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, Parameters, ...kept } =
    state;
  let tokens = 0;
  const marked = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(marked);
    if (!isObject(value)) return value;
    const entries = Object.entries(value).map(([key, item]): [string, unknown] => {
      if (key.endsWith('.$') && item === TASK_TOKEN_PATH) {
        tokens++;
        return [key.slice(0, -2), TOKEN_MARKER];
      }
      if (typeof item === 'string' && item.includes(TASK_TOKEN_PATH)) {
        throw new Error(
          `state machine ${spec.name}: Task state "${name}" uses ${TASK_TOKEN_PATH} inside ${JSON.stringify(item)}; ` +
            `locally the token can only be a whole value ("${key}": "${TASK_TOKEN_PATH}")`,
        );
      }
      return [key, marked(item)];
    });
    return Object.fromEntries(entries);
  };
  const parameters: Record<string, unknown> = { parameters: marked(Parameters) };
  if (tokens === 0) {
    throw new Error(
      `state machine ${spec.name}: Task state "${name}" waits for a task token but passes none ` +
        `(no "<key>.$": "${TASK_TOKEN_PATH}" in its Parameters)`,
    );
  }
  if (TimeoutSeconds !== undefined) parameters.timeoutSeconds = TimeoutSeconds;
  else if (TimeoutSecondsPath !== undefined) parameters['timeoutSeconds.$'] = TimeoutSecondsPath;
  if (HeartbeatSeconds !== undefined) parameters.heartbeatSeconds = HeartbeatSeconds;
  else if (HeartbeatSecondsPath !== undefined) parameters['heartbeatSeconds.$'] = HeartbeatSecondsPath;
  return { ...kept, Parameters: parameters, TimeoutSeconds: WAIT_TIMEOUT_SECONDS };
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

/** The AWS JSON protocol's timestamps: epoch seconds (fractional). */
function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

function wireDates<T extends ExecutionSummary>(
  value: T,
): Omit<T, 'startDate' | 'stopDate'> & {
  startDate: number;
  stopDate?: number;
} {
  const { startDate, stopDate, ...rest } = value;
  return {
    ...rest,
    startDate: epochSeconds(startDate),
    ...(stopDate !== undefined && { stopDate: epochSeconds(stopDate) }),
  };
}

function parseRequestBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new StepFunctionsError('SerializationException', 'Request body is not JSON');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value looks like after a trip through JSON, as a Lambda result does (undefined → null). */
function asJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null));
}
