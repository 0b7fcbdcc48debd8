import { randomUUID } from 'node:crypto';
import { type DurableList, type DurableRecords, timeOrderedId } from './durable-records';
import { matchesPattern } from './event-pattern';

export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: unknown;
}

export interface BusTarget {
  readonly name: string;
  readonly pattern: Readonly<Record<string, unknown>>;
  /**
   * An SQS target: `invoke` has stored the message durably before it first yields, so the bus need not
   * keep the delivery itself. Other targets' deliveries are kept until they finish.
   */
  readonly enqueues?: boolean;
  invoke(event: BusEvent): Promise<unknown>;
}

/** A delivery on its way to a target that does not enqueue (kept under DATA_DIR until it is done). */
export interface PendingDelivery {
  readonly target: string;
  readonly event: BusEvent;
}

export interface DeadLetter {
  readonly target: string;
  readonly event: BusEvent;
  readonly error: string;
  readonly failedAt: string;
}

const RECENT_LIMIT = 500;
const MAX_ATTEMPTS = 3;

/**
 * The topology's EventBridge rules, in process: PutEvents (from the same SDK call the handlers make
 * in AWS) fans each event out to every target whose pattern matches, asynchronously, with retries
 * and a dead-letter list, as an EventBridge rule with a DLQ would. An event PutEvents accepted is not
 * lost by a crash: queue targets hold it durably before PutEvents answers, and deliveries to other
 * targets are kept in `pending` until done (redelivered after a restart).
 */
export class LocalEventBus {
  readonly recent: BusEvent[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Events accepted so far: `/local/drain` watches it settle. */
  accepted = 0;

  constructor(
    private readonly targets: readonly BusTarget[],
    private readonly log: (line: string) => void = () => {},
    private readonly kept: {
      readonly pending?: DurableRecords<PendingDelivery>;
      readonly deadLetters?: DurableList<DeadLetter>;
    } = {},
    /** The workflow clock (ms since the epoch): an event's `time`, as EventBridge stamps it on arrival. */
    private readonly now: () => number = Date.now,
  ) {
    // Validate every pattern at start-up: an unsupported matcher fails now, not on the first event.
    for (const t of targets) matchesPattern(t.pattern, {});
    for (const { id, record } of kept.pending?.list() ?? []) {
      const target = targets.find((t) => t.name === record.target);
      if (!target) {
        kept.pending?.delete(id);
        continue;
      }
      this.track(this.deliver(target, record.event, id));
    }
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.kept.deadLetters?.items ?? this.localDeadLetters;
  }
  private readonly localDeadLetters: DeadLetter[] = [];

  put(entries: ReadonlyArray<{ Source?: string; DetailType?: string; Detail?: string }>): string[] {
    return entries.map((entry) => {
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: '000000000000',
        time: new Date(this.now()).toISOString(),
        region: 'local',
        resources: [],
        detail: entry.Detail ? JSON.parse(entry.Detail) : {},
      };
      this.recent.unshift(event);
      this.recent.length = Math.min(this.recent.length, RECENT_LIMIT);
      this.accepted++;
      for (const target of this.targets) {
        if (!matchesPattern(target.pattern, event)) continue;
        let id: string | undefined;
        if (!target.enqueues && this.kept.pending) {
          id = timeOrderedId();
          this.kept.pending.put(id, { target: target.name, event });
        }
        this.track(this.deliver(target, event, id));
      }
      return event.id;
    });
  }

  /**
   * `POST /local/redrive`: the events `target` was dead-lettered with, and unless `dryRun` each one
   * delivered to that target again (retries and dead letter as on first delivery; kept as a pending
   * delivery first, then taken off the list, so a crash in between delivers it twice, never loses it).
   */
  redrive(target: string, dryRun: boolean): { deadLetters: DeadLetter[]; moved: number } {
    const dead = this.deadLetters.filter((d) => d.target === target);
    const to = this.targets.find((t) => t.name === target);
    if (dryRun || !to) return { deadLetters: dead, moved: 0 };
    for (const d of dead) {
      let id: string | undefined;
      if (!to.enqueues && this.kept.pending) {
        id = timeOrderedId();
        this.kept.pending.put(id, { target, event: d.event });
      }
      this.track(this.deliver(to, d.event, id));
    }
    const sent = new Set(dead);
    if (this.kept.deadLetters) this.kept.deadLetters.take((d) => sent.has(d));
    else {
      const kept = this.localDeadLetters.filter((d) => !sent.has(d));
      this.localDeadLetters.splice(0, this.localDeadLetters.length, ...kept);
    }
    return { deadLetters: dead, moved: dead.length };
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(target: BusTarget, event: BusEvent, pendingId?: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.invoke(event);
        if (pendingId) this.kept.pending?.delete(pendingId);
        return;
      } catch (e: unknown) {
        const error = e instanceof Error ? e.message : String(e);
        if (attempt >= MAX_ATTEMPTS) {
          const dead = { target: target.name, event, error, failedAt: new Date().toISOString() };
          if (this.kept.deadLetters) this.kept.deadLetters.push(dead);
          else this.localDeadLetters.push(dead);
          if (pendingId) this.kept.pending?.delete(pendingId);
          this.log(
            `event ${event['detail-type']} → ${target.name} failed ${attempt}× and went to the DLQ: ${error}`,
          );
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }
}
