/**
 * Lambda memory sizes chosen from measurement. Lambda gives a function CPU in proportion to its memory (one
 * vCPU at 1,769 MB) and bills memory × duration, so for a function that mostly waits on DynamoDB and the
 * bus the smallest memory is the cheapest, until its CPU work, stretched to that share, makes it too slow.
 * The rule: the smallest step at or above the function's floor whose modelled average duration stays
 * within its budget. Pure; `npm run cost` feeds it what the lifecycle measured (wall and CPU time per
 * function) and prints the sizes it suggests beside the ones in shared/topology.ts.
 */
/** The memory at which Lambda gives a function one full vCPU; below it, CPU time in proportion. */
export const FULL_VCPU_MB = 1769;

/**
 * An invocation's duration in Lambda at `memoryMb`, from what ran here: the wall time, with the CPU part
 * stretched to the CPU share the memory buys (memory / 1,769 MB of one vCPU). Waiting (DynamoDB, the
 * bus) is not stretched. A model: it takes this machine's core for a Lambda vCPU.
 */
export function lambdaDurationMs(wallMs: number, cpuMs: number, memoryMb: number): number {
  const cpu = Math.min(Math.max(0, cpuMs), Math.max(0, wallMs));
  return wallMs + cpu * Math.max(0, FULL_VCPU_MB / memoryMb - 1);
}

/** The sizes considered (MB). */
export const MEMORY_STEPS = [256, 512, 1024, 1769] as const;

/**
 * Below 256 MB a bundled handler (Node 22 + the SDK clients, ~80–120 MB resident after init) has little
 * room left. Two functions hold more by design: a whole inbound mail (up to 40 MB of MIME, parsed in
 * memory) and the intent training's feature matrix.
 */
export const MEMORY_FLOORS_MB: Readonly<Record<string, number>> = {
  'receive-email': 1024,
  'train-intent': 1769,
};
export const DEFAULT_FLOOR_MB = 256;

/**
 * Average duration a caller may wait: a person behind an HTTP request, a queue or event consumer nobody
 * watches (its SLA timers are minutes).
 */
export const DURATION_BUDGET_MS = { http: 250, async: 2000 } as const;

export interface MeasuredFunction {
  readonly name: string;
  readonly invocations: number;
  /** Total wall and CPU time of the invocations measured. */
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Whether a person waits on it (an HTTP route). */
  readonly http: boolean;
}

export interface MemoryChoice {
  readonly memoryMb: number;
  /** Modelled average duration at that memory (ms). */
  readonly durationMs: number;
  /** GB-seconds per invocation at that memory. */
  readonly gbSeconds: number;
}

/** The modelled average duration and GB-seconds of one invocation at `memoryMb`. */
export function atMemory(f: MeasuredFunction, memoryMb: number): MemoryChoice {
  const n = Math.max(1, f.invocations);
  const durationMs = lambdaDurationMs(f.wallMs / n, f.cpuMs / n, memoryMb);
  return { memoryMb, durationMs, gbSeconds: (memoryMb / 1024) * (Math.ceil(durationMs) / 1000) };
}

/** The smallest step ≥ the floor within the budget; the largest step ≥ the floor when none is. */
export function chooseMemory(f: MeasuredFunction): MemoryChoice {
  const floor = MEMORY_FLOORS_MB[f.name] ?? DEFAULT_FLOOR_MB;
  const budget = f.http ? DURATION_BUDGET_MS.http : DURATION_BUDGET_MS.async;
  const steps = MEMORY_STEPS.filter((m) => m >= floor);
  const candidates = steps.length > 0 ? steps : [floor];
  for (const m of candidates) {
    const at = atMemory(f, m);
    if (at.durationMs <= budget) return at;
  }
  return atMemory(f, candidates[candidates.length - 1] ?? floor);
}
