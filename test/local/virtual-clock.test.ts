import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_SPEED, VirtualClock } from '../../infra/local/virtual-clock';

const START = new Date('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;

// Real time is vitest's fake clock (Date.now and the timers the clock arms): each test moves it by exact
// amounts, so nothing depends on how fast the machine runs.
beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('VirtualClock', () => {
  it('starts at the given time and runs at its speed', () => {
    const clock = new VirtualClock({ start: START, speed: 1000 });
    expect(clock.now()).toBe(START.getTime());
    vi.advanceTimersByTime(50);
    expect(clock.now() - START.getTime()).toBe(50 * 1000);
  });

  it('defaults to real time at speed 1', () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(Date.now());
    expect(clock.state().speed).toBe(1);
    expect(clock.state().offsetMs).toBe(0);
    vi.advanceTimersByTime(1234);
    expect(clock.now()).toBe(Date.now());
  });

  it('moves forward by advance and set, and reports its state', () => {
    const clock = new VirtualClock({ start: START });
    clock.advance(HOUR);
    expect(clock.now()).toBeGreaterThanOrEqual(START.getTime() + HOUR);
    clock.set(new Date('2026-03-03T00:00:00.000Z'));
    const state = clock.state();
    expect(state.now.startsWith('2026-03-03T00:00:0')).toBe(true);
    expect(state.speed).toBe(1);
    expect(state.offsetMs).toBe(Date.parse('2026-03-03T00:00:00.000Z') - Date.now());
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
    expect(clock.now()).toBe(before);
    vi.advanceTimersByTime(100);
    expect(clock.now()).toBe(before + 10 * 100);
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
      const sleeping = clock.sleepUntil(target);
      await vi.advanceTimersByTimeAsync(299);
      expect(clock.pendingSleepers).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      await sleeping;
      expect(clock.now()).toBe(target);
      expect(clock.pendingSleepers).toBe(0);
    });

    it('wakes promptly when the clock is advanced past the target', async () => {
      const clock = new VirtualClock({ start: START });
      const sleeping = clock.sleepUntil(START.getTime() + HOUR);
      clock.advance(HOUR / 2);
      await vi.advanceTimersByTimeAsync(0);
      expect(clock.pendingSleepers).toBe(1);
      // Woken by the move itself, before any real time passes.
      clock.advance(HOUR / 2);
      expect(clock.pendingSleepers).toBe(0);
      await sleeping;
      expect(vi.getTimerCount()).toBe(0);
    });

    it('wakes promptly when the clock is set past the target', async () => {
      const clock = new VirtualClock({ start: START });
      const sleeping = clock.sleepUntil(START.getTime() + 8 * HOUR);
      clock.set(new Date(START.getTime() + 9 * HOUR));
      expect(clock.pendingSleepers).toBe(0);
      await sleeping;
    });

    it('honours a speed change while sleeping', async () => {
      const clock = new VirtualClock({ start: START });
      // An hour away at speed 1; after 20 ms, 36 ms away at the maximum speed.
      const sleeping = clock.sleepUntil(START.getTime() + HOUR);
      await vi.advanceTimersByTimeAsync(20);
      clock.setSpeed(MAX_SPEED);
      await vi.advanceTimersByTimeAsync(35);
      expect(clock.pendingSleepers).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      await sleeping;
      expect(clock.now()).toBeGreaterThanOrEqual(START.getTime() + HOUR);
      expect(clock.pendingSleepers).toBe(0);
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
