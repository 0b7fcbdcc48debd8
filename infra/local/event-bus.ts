import { randomUUID } from 'node:crypto';
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
  invoke(event: BusEvent): Promise<unknown>;
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
 * and a dead-letter list, as an EventBridge rule with a DLQ would.
 */
export class LocalEventBus {
  readonly recent: BusEvent[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly targets: readonly BusTarget[],
    private readonly log: (line: string) => void = () => {},
  ) {
    // Validate every pattern at start-up: an unsupported matcher fails now, not on the first event.
    for (const t of targets) matchesPattern(t.pattern, {});
  }

  put(entries: ReadonlyArray<{ Source?: string; DetailType?: string; Detail?: string }>): string[] {
    return entries.map((entry) => {
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'local',
        resources: [],
        detail: entry.Detail ? JSON.parse(entry.Detail) : {},
      };
      this.recent.unshift(event);
      this.recent.length = Math.min(this.recent.length, RECENT_LIMIT);
      for (const target of this.targets) {
        if (matchesPattern(target.pattern, event)) this.track(this.deliver(target, event));
      }
      return event.id;
    });
  }

  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(target: BusTarget, event: BusEvent): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await target.invoke(event);
        return;
      } catch (e: unknown) {
        const error = e instanceof Error ? e.message : String(e);
        if (attempt >= MAX_ATTEMPTS) {
          this.deadLetters.push({ target: target.name, event, error, failedAt: new Date().toISOString() });
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
