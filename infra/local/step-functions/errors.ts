/**
 * The errors of local Step Functions: those its API answers with (`StepFunctionsError`, whose `code` is the
 * wire `__type`), and those a local Task handler fails its state with (`TaskError`, and the interpreter's own
 * `States.Timeout`, which Retry and Catch treat apart from every other error).
 */
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

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
export class TaskError extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
    this.isRetryable = this.isCatchable = name !== 'States.Runtime';
  }
}

/**
 * The interpreter's own `States.Timeout` error class, which it does not export. Retry and Catch let
 * `States.TaskFailed` match every error except an instance of it (as AWS lets it match everything but
 * States.Timeout), so a token task's timeout must be one. Obtained once from a throwaway run whose only
 * Task times out after 1 ms; should that ever stop working, a TaskError named `States.Timeout` stands in.
 */
let statesTimeoutSample: Error | undefined;
let statesTimeoutLoading: Promise<void> | undefined;

export function loadStatesTimeout(): Promise<void> {
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

export function statesTimeoutError(message: string): Error {
  if (!statesTimeoutSample) return new TaskError('States.Timeout', message);
  const error = new (statesTimeoutSample.constructor as new () => Error)();
  error.message = message;
  return error;
}
