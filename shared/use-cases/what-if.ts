import type { WorkflowConfig } from '../config';
import { TicketState } from '../domain';
import { addToSummary, emptySummary, type ReplayResult, type WhatIfSummary, whatIf } from '../domain/what-if';
import type { ReplayPeriod, WhatIfPorts } from './ports';

export interface WhatIfProgress {
  readonly phase: 'listing' | 'replaying';
  readonly done: number;
  readonly total: number;
}

export interface WhatIfRun {
  readonly summary: WhatIfSummary;
  /** Every ticket whose outcome differs, oldest first. */
  readonly changed: readonly ReplayResult[];
  /** Tickets found in the period but gone or unreadable by the time they were read. */
  readonly unreadable: readonly string[];
}

/** How many ticket histories are read at once: DynamoDB Local has one writer but serves reads in parallel. */
const READ_CONCURRENCY = 8;

/**
 * Replays a period's tickets under the configuration in force and a candidate (issue 20). Primary course:
 * list the period's tickets queue by queue and state by state (every queue either configuration names,
 * every state), read each one's history (one Query each), replay it under both (pure), fold the summary and
 * keep the changed ones. Reads only: nothing is written, mailed or published.
 */
export async function replayPeriod(
  input: {
    readonly period: ReplayPeriod;
    readonly current: WorkflowConfig;
    readonly candidate: WorkflowConfig;
    readonly now: Date;
  },
  ports: WhatIfPorts,
  progress: (p: WhatIfProgress) => void = () => {},
): Promise<WhatIfRun> {
  const queues = [...new Set([...Object.keys(input.current.queues), ...Object.keys(input.candidate.queues)])];
  const lists = queues.flatMap((queue) => TicketState.options.map((state) => ({ queue, state })));
  const ids = new Set<string>();
  let listed = 0;
  for (const { queue, state } of lists) {
    for (const id of await ports.tickets.ticketIdsCreated(queue, state, input.period)) ids.add(id);
    progress({ phase: 'listing', done: ++listed, total: lists.length });
  }

  const pending = [...ids].sort();
  const results: ReplayResult[] = [];
  const unreadable: string[] = [];
  let summary = emptySummary();
  let done = 0;
  const worker = async () => {
    for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
      const history = await ports.tickets.history(id).catch(() => undefined);
      if (!history) unreadable.push(id);
      else {
        const result = whatIf(
          { ...history, approvals: history.approvals ?? [] },
          input.current,
          input.candidate,
          input.now,
        );
        summary = addToSummary(summary, result);
        if (result.changes.length > 0) results.push(result);
      }
      progress({ phase: 'replaying', done: ++done, total: ids.size });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, ids.size) }, worker));
  results.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.ticketId.localeCompare(b.ticketId));
  return { summary, changed: results, unreadable: unreadable.sort() };
}
