import { describe, expect, it } from 'vitest';
import { MAX_SPEED, VirtualClock } from '../../infra/local/virtual-clock';

const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;

/** Real milliseconds a promise takes to settle. */
async function realTimeOf(promise: Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await promise;
  return Date.now() - t0;
}

describe('VirtualClock', () => {
  it('starts at the given time and runs at its speed', async () => {
    const clock = new VirtualClock({ start: START, speed: 1000 });
    const realStart = Date.now();
    expect(clock.now()).toBeGreaterThanOrEqual(START.getTime());
    await new Promise((r) => setTimeout(r, 50));
    const realElapsed = Date.now() - realStart;
    const virtualElapsed = clock.now() - START.getTime();
    expect(virtualElapsed).toBeGreaterThanOrEqual(40 * 1000);
    expect(virtualElapsed).toBeLessThanOrEqual((realElapsed + 5) * 1000);
  });

  it('defaults to real time at speed 1', () => {
    const clock = new VirtualClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000);
    expect(clock.state().speed).toBe(1);
    expect(Math.abs(clock.state().offsetMs)).toBeLessThan(1000);
  });

  it('moves forward by advance and set, and reports its state', () => {
    const clock = new VirtualClock({ start: START });
    clock.advance(HOUR);
    expect(clock.now()).toBeGreaterThanOrEqual(START.getTime() + HOUR);
    clock.set(new Date('2026-03-03T00:00:00.000Z'));
    const state = clock.state();
    expect(state.now.startsWith('2026-03-03T00:00:0')).toBe(true);
    expect(state.speed).toBe(1);
    expect(Math.abs(state.offsetMs - (Date.parse('2026-03-03T00:00:00.000Z') - Date.now()))).toBeLessThan(
      1000,
    );
  });

  it('refuses to go back in time, naming the current time', () => {
    const clock = new VirtualClock({ start: START });
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.set(new Date('2026-03-01T00:00:00.000Z'))).toThrow(/already 2026-03-02T09:00/);
    expect(() => clock.set(new Date('not a date'))).toThrow(RangeError);
  });

  it('accepts speeds above 0 up to the maximum only', () => {
    const clock = new VirtualClock({ start: START });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, MAX_SPEED + 1]) {
      expect(() => clock.setSpeed(bad)).toThrow(RangeError);
    }
    expect(() => new VirtualClock({ speed: 0 })).toThrow(RangeError);
    clock.setSpeed(MAX_SPEED);
    expect(clock.state().speed).toBe(MAX_SPEED);
    clock.setSpeed(0.5);
    expect(clock.state().speed).toBe(0.5);
  });

  it('keeps its time when the speed changes', () => {
    const clock = new VirtualClock({ start: START });
    const before = clock.now();
    clock.setSpeed(10);
    expect(clock.now() - before).toBeLessThan(1000);
  });

  describe('sleepUntil', () => {
    it('resolves at once when the time has come', async () => {
      const clock = new VirtualClock({ start: START });
      await clock.sleepUntil(START.getTime() - 1);
      expect(clock.pendingSleepers).toBe(0);
    });

    it('wakes as real time passes, at the clock speed', async () => {
      const clock = new VirtualClock({ start: START, speed: 100 });
      const target = clock.now() + 30_000; // 300 ms of real time at speed 100
      const took = await realTimeOf(clock.sleepUntil(target));
      expect(clock.now()).toBeGreaterThanOrEqual(target);
      expect(took).toBeLessThan(1500);
      expect(clock.pendingSleepers).toBe(0);
    });

    it('wakes promptly when the clock is advanced past the target', async () => {
      const clock = new VirtualClock({ start: START });
      const sleeping = clock.sleepUntil(START.getTime() + HOUR);
      let woke = false;
      void sleeping.then(() => {
        woke = true;
      });
      clock.advance(HOUR / 2);
      await new Promise((r) => setTimeout(r, 50));
      expect(woke).toBe(false);
      const t0 = Date.now();
      clock.advance(HOUR / 2);
      await sleeping;
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(clock.pendingSleepers).toBe(0);
    });

    it('wakes promptly when the clock is set past the target', async () => {
      const clock = new VirtualClock({ start: START });
      const sleeping = clock.sleepUntil(START.getTime() + 8 * HOUR);
      clock.set(new Date(START.getTime() + 9 * HOUR));
      expect(await realTimeOf(sleeping)).toBeLessThan(1500);
    });

    it('honours a speed change while sleeping', async () => {
      const clock = new VirtualClock({ start: START });
      // An hour away at speed 1; 36 ms away at the maximum speed.
      const sleeping = clock.sleepUntil(START.getTime() + HOUR);
      await new Promise((r) => setTimeout(r, 20));
      clock.setSpeed(MAX_SPEED);
      expect(await realTimeOf(sleeping)).toBeLessThan(1500);
      expect(clock.now()).toBeGreaterThanOrEqual(START.getTime() + HOUR);
    });

    it('wakes several sleepers in the order of their targets', async () => {
      const clock = new VirtualClock({ start: START });
      const woke: number[] = [];
      const sleepers = [3, 1, 2].map((h) =>
        clock.sleepUntil(START.getTime() + h * HOUR).then(() => woke.push(h)),
      );
      clock.advance(1.5 * HOUR);
      await sleepers[1];
      expect(woke).toEqual([1]);
      expect(clock.pendingSleepers).toBe(2);
      clock.advance(2 * HOUR);
      await Promise.all(sleepers);
      expect(woke).toEqual([1, 2, 3]);
    });

    it('rejects with the abort reason and forgets the sleeper', async () => {
      const clock = new VirtualClock({ start: START });
      const controller = new AbortController();
      const sleeping = clock.sleepUntil(START.getTime() + HOUR, controller.signal);
      expect(clock.pendingSleepers).toBe(1);
      const reason = new Error('shutting down');
      controller.abort(reason);
      await expect(sleeping).rejects.toBe(reason);
      expect(clock.pendingSleepers).toBe(0);
      clock.advance(2 * HOUR); // nothing left to wake
    });

    it('rejects at once when the signal is already aborted', async () => {
      const clock = new VirtualClock({ start: START });
      const reason = new Error('too late');
      await expect(clock.sleepUntil(START.getTime() + HOUR, AbortSignal.abort(reason))).rejects.toBe(reason);
      expect(clock.pendingSleepers).toBe(0);
    });
  });
});
