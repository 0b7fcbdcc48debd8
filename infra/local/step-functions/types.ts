/** What callers of local Step Functions pass and get back (the API speaks the same shapes in JSON). */
import type { StateMachineSpec } from '../../../shared/topology';
import type { VirtualClock } from '../virtual-clock';
import type { ExecutionStatus } from './execution-store';

export type { ExecutionStatus } from './execution-store';

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
