import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atMemory,
  chooseMemory,
  DURATION_BUDGET_MS,
  FULL_VCPU_MB,
  lambdaDurationMs,
  MEMORY_STEPS,
} from '../../shared/metrics/memory-sizing';

const fn = (wallMs: number, cpuMs: number, http = true, name = 'get-ticket') => ({
  name,
  invocations: 1,
  wallMs,
  cpuMs,
  http,
});

describe('memory sizes from measurement', () => {
  it('takes the smallest size for a function that mostly waits', () => {
    // 40 ms of which 5 ms CPU: at 256 MB the CPU takes ~35 ms, 75 ms in all, well within 250.
    expect(chooseMemory(fn(40, 5)).memoryMb).toBe(256);
  });

  it('buys CPU for an HTTP handler whose work would be too slow on a small share, not for a consumer', () => {
    // 90 ms of which 80 ms CPU: 90 + 80 × (1769/m − 1) = 563 ms at 256 MB, 286 at 512, 148 at 1,024.
    expect(chooseMemory(fn(90, 80)).memoryMb).toBe(1024);
    expect(chooseMemory(fn(90, 80, false, 'send-notification')).memoryMb).toBe(256);
  });

  it('keeps the floors of functions that hold more by design', () => {
    expect(chooseMemory(fn(10, 1, false, 'receive-email')).memoryMb).toBe(1024);
    expect(chooseMemory(fn(10, 1, false, 'train-intent')).memoryMb).toBe(1769);
  });

  it('models duration: waiting as measured, CPU at the share the memory buys', () => {
    expect(lambdaDurationMs(100, 20, FULL_VCPU_MB)).toBe(100);
    expect(lambdaDurationMs(100, 20, FULL_VCPU_MB / 4)).toBeCloseTo(160, 9);
  });

  it('never suggests a size slower than the budget when a larger step would meet it (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (wall, cpuShare, http) => {
          const f = fn(wall, wall * cpuShare, http);
          const chosen = chooseMemory(f);
          const budget = http ? DURATION_BUDGET_MS.http : DURATION_BUDGET_MS.async;
          const smaller = MEMORY_STEPS.filter((m) => m < chosen.memoryMb);
          // Every smaller step is over budget, and the chosen one is within it unless none is.
          for (const m of smaller) expect(atMemory(f, m).durationMs).toBeGreaterThan(budget);
          const anyWithin = MEMORY_STEPS.some((m) => atMemory(f, m).durationMs <= budget);
          if (anyWithin) expect(chosen.durationMs).toBeLessThanOrEqual(budget);
          else expect(chosen.memoryMb).toBe(MEMORY_STEPS[MEMORY_STEPS.length - 1]);
        },
      ),
    );
  });
});
