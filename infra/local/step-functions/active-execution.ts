/** An execution while it runs in this process: what its Task handlers, its task tokens and `drain` share. */
import type { Machine } from './asl-rewrite';
import type { StoredExecution } from './execution-store';

export interface ActiveExecution {
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

/** Adds a handler's (or function's) promise to the execution's in-flight set until it settles. */
export function track<T>(active: ActiveExecution, call: Promise<T>): Promise<T> {
  active.inflight.add(call);
  const done = () => active.inflight.delete(call);
  call.then(done, done);
  return call;
}
