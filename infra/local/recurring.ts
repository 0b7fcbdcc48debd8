import type { QueueSpec } from '../../shared/topology';
import type { VirtualClock } from './virtual-clock';

const DAY_MS = 86_400_000;

/** The event an EventBridge scheduled rule puts on its SQS target (the queue message's body). */
export function scheduledEvent(at: Date, rule: string): Record<string, unknown> {
  return {
    version: '0',
    id: `local-${rule}-${at.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: at.toISOString(),
    region: 'local',
    resources: [`local:rule/${rule}`],
    detail: {},
  };
}

/**
 * The queues' recurring messages (`every` in the topology) on the workflow clock, as the scheduled rules
 * deliver them in AWS: one message per period; a clock moved on by months fires once, not once per period
 * missed (EventBridge does not catch up either).
 */
export class LocalRecurring {
  private readonly stopping = new AbortController();

  constructor(
    private readonly clock: VirtualClock,
    private readonly specs: readonly QueueSpec[],
    private readonly send: (queue: string, body: string) => void,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    for (const spec of this.specs) {
      if (spec.every) void this.run(spec.name, spec.every.days * DAY_MS);
    }
  }

  stop(): void {
    this.stopping.abort();
  }

  private async run(queue: string, periodMs: number): Promise<void> {
    let next = this.clock.now() + periodMs;
    for (;;) {
      try {
        await this.clock.sleepUntil(next, this.stopping.signal);
      } catch {
        return;
      }
      const at = new Date(this.clock.now());
      this.log(`Recurring: the ${queue} queue's scheduled message (${at.toISOString()})`);
      this.send(queue, JSON.stringify(scheduledEvent(at, `${queue}-every`)));
      next = at.getTime() + periodMs;
    }
  }
}
