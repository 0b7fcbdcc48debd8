/**
 * A topology state machine made runnable by `aws-local-stepfunctions`: its `infra/workflows/*.asl.json`
 * read with the `${placeholder}` substitutions CDK makes, validated as written, then rewritten where the
 * interpreter's defaults differ from AWS or from what the local runtime needs:
 * - Task states are bound GENERICALLY from the definition: `lambda:invoke` of a substituted function
 *   → `invokeFunction`, `events:putEvents` → `putEvents`. Anything else is refused here.
 * - Wait states follow the runtime's VirtualClock (so tests and demos can jump to an SLA breach). The
 *   interpreter's own Wait sleeps in real time and cannot be interrupted, so each Wait state is rewritten
 *   before the run into an equivalent Task state (same InputPath/OutputPath/Next/End; the interpreter
 *   itself evaluates Seconds/SecondsPath/Timestamp/TimestampPath through Parameters) whose local handler
 *   sleeps on the clock.
 * - `lambda:invoke.waitForTaskToken` states, which the interpreter lacks, become Tasks whose local handler
 *   issues the token and waits for it (task-tokens.ts).
 * - Retry intervals are capped at 1 s of real time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { StateMachineSpec } from '../../../shared/topology';
import { isObject } from './json';

type RetryIntervals = NonNullable<NonNullable<RunOptions['overrides']>['retryIntervalOverrides']>;

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
/** What the interpreter's copy of a `"<key>.$": "$$.Task.Token"` holds; the handler puts the token there. */
export const TOKEN_MARKER = `local:task-token:${randomUUID()}`;
const TASK_TOKEN_PATH = '$$.Task.Token';

/** How a Task state is served locally. */
export type TaskBinding =
  | { readonly kind: 'lambda'; readonly fnName: string }
  | { readonly kind: 'events' }
  | { readonly kind: 'wait' }
  /** `lambda:invoke.waitForTaskToken`, rewritten by tokenTaskAsTask. */
  | { readonly kind: 'token'; readonly fnName: string };

export interface Machine {
  readonly spec: StateMachineSpec;
  readonly arn: string;
  readonly interpreter: StateMachine;
  /** Task state name → binding (state names are unique across the machine, nested ones included). */
  readonly tasks: ReadonlyMap<string, TaskBinding>;
  readonly retryIntervals: RetryIntervals;
}

/** Where a machine runs: its definition's files are relative to `root`; function ARNs use region and account. */
export interface MachinePlace {
  readonly root: string;
  readonly region: string;
  readonly accountId: string;
  /** The machine's own ARN. */
  readonly arn: string;
}

/** The loosely typed view of ASL used to walk and rewrite a definition the validator accepted. */
type AslState = { Type: string; [field: string]: unknown };
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
  [field: string]: unknown;
}

/** Reads, validates and rewrites a topology state machine; throws when it cannot be served locally. */
export function loadMachine(spec: StateMachineSpec, where: MachinePlace): Machine {
  const { region, accountId, arn } = where;
  const functionArns = new Map<string, string>();
  const text = readFileSync(resolve(where.root, spec.definition), 'utf8').replace(
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
