/**
 * A controllable clock for the local runtime: virtual time runs at `speed` × real time and can be
 * moved forward (never back) by `advance`/`set`, so an SLA that breaches in eight hours can be seen
 * breaching in a test or a demo. Everything that waits on virtual time (Step Functions Wait states)
 * goes through `sleepUntil`, which wakes as soon as the virtual time is reached — when real time
 * passes, and at once when the clock is moved or sped up.
 */

export interface VirtualClockOptions {
  /** Virtual milliseconds per real millisecond; default 1. */
  readonly speed?: number;
  /** Virtual time at construction; default the real time. */
  readonly start?: Date;
}

export interface VirtualClockState {
  /** The virtual time, ISO 8601. */
  readonly now: string;
  readonly speed: number;
  /** Virtual minus real time, in milliseconds (0 for a clock that was never moved at speed 1). */
  readonly offsetMs: number;
}

/** The largest speed accepted: a day of virtual time in under a second of real time. */
export const MAX_SPEED = 100_000;

/**
 * Longest real-time timer a sleeper arms. Re-arming at least this often bounds how late a sleeper can
 * be if something the clock is not told about (a suspended laptop) shifts real time.
 */
const MAX_REAL_WAIT_MS = 1_000;

interface Sleeper {
  readonly target: number;
  readonly resolve: () => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  timer: NodeJS.Timeout | undefined;
}

export class VirtualClock {
  /** now() = anchorVirtual + (Date.now() − anchorReal) × speed; re-anchored on every change. */
  private anchorVirtual: number;
  private anchorReal: number;
  private speed: number;
  private readonly sleepers = new Set<Sleeper>();

  constructor(options: VirtualClockOptions = {}) {
    const speed = options.speed ?? 1;
    assertSpeed(speed);
    const start = options.start?.getTime() ?? Date.now();
    if (!Number.isFinite(start)) throw new RangeError('VirtualClock: start is not a valid date');
    this.speed = speed;
    this.anchorReal = Date.now();
    this.anchorVirtual = start;
  }

  /** The virtual time in epoch milliseconds (whole milliseconds, never decreasing). */
  now(): number {
    return Math.floor(this.anchorVirtual + (Date.now() - this.anchorReal) * this.speed);
  }

  /** Moves virtual time forward by `ms` (≥ 0) and wakes every sleeper that is now due. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`VirtualClock: can only advance by a finite number of ms ≥ 0, got ${ms}`);
    }
    this.reanchor(this.now() + ms);
  }

  /** Moves virtual time forward to `date`; moving it back would un-happen events, so it throws. */
  set(date: Date): void {
    const target = date.getTime();
    if (!Number.isFinite(target)) throw new RangeError('VirtualClock: cannot set an invalid date');
    const now = this.now();
    if (target < now) {
      throw new RangeError(
        `VirtualClock: cannot move back to ${date.toISOString()}; it is already ${new Date(now).toISOString()}`,
      );
    }
    this.reanchor(target);
  }

  /** Changes how fast virtual time runs from now on (0 < speed ≤ MAX_SPEED). */
  setSpeed(speed: number): void {
    assertSpeed(speed);
    const now = this.now();
    this.speed = speed;
    this.reanchor(now);
  }

  state(): VirtualClockState {
    const now = this.now();
    return { now: new Date(now).toISOString(), speed: this.speed, offsetMs: now - Date.now() };
  }

  /**
   * Resolves once `now() >= virtualMs`; rejects with `signal.reason` if the signal aborts first.
   * Leaves no timer behind once settled, and its timers never keep the process alive on their own.
   */
  sleepUntil(virtualMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.now() >= virtualMs) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        target: virtualMs,
        resolve,
        signal,
        onAbort: () => {
          if (this.forget(sleeper)) reject(signal?.reason);
        },
        timer: undefined,
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.onAbort, { once: true });
      this.arm(sleeper);
    });
  }

  /** How many `sleepUntil` calls are pending (for diagnostics and tests). */
  get pendingSleepers(): number {
    return this.sleepers.size;
  }

  private reanchor(virtualNow: number): void {
    this.anchorVirtual = virtualNow;
    this.anchorReal = Date.now();
    // Every sleeper is re-checked: the due ones wake now, earliest target first (so a jump over several
    // due moments replays them in order), the others re-arm for the new speed.
    const byTarget = [...this.sleepers].sort((a, b) => a.target - b.target);
    for (const sleeper of byTarget) this.check(sleeper);
  }

  private check(sleeper: Sleeper): void {
    if (this.now() < sleeper.target) this.arm(sleeper);
    else if (this.forget(sleeper)) sleeper.resolve();
  }

  private arm(sleeper: Sleeper): void {
    clearTimeout(sleeper.timer);
    const realWait = Math.ceil((sleeper.target - this.now()) / this.speed);
    sleeper.timer = setTimeout(() => this.check(sleeper), Math.min(Math.max(realWait, 1), MAX_REAL_WAIT_MS));
    sleeper.timer.unref();
  }

  /** Drops a sleeper with its timer and abort listener; false if it was already settled. */
  private forget(sleeper: Sleeper): boolean {
    if (!this.sleepers.delete(sleeper)) return false;
    clearTimeout(sleeper.timer);
    sleeper.signal?.removeEventListener('abort', sleeper.onAbort);
    return true;
  }
}

function assertSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
    throw new RangeError(`VirtualClock: speed must be > 0 and ≤ ${MAX_SPEED}, got ${speed}`);
  }
}
