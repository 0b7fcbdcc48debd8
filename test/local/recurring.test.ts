import { afterEach, describe, expect, it } from 'vitest';
import { LocalRecurring } from '../../infra/local/recurring';
import { VirtualClock } from '../../infra/local/virtual-clock';
import { queues } from '../../shared/topology';

// The local stand-in for the scheduled rules (issue 19: the intent model retrains weekly): one scheduled
// event per period on the workflow clock, no catch-up for periods a moved clock skipped, nothing after stop.

const START = new Date('2026-12-07T09:00:00Z');
const DAY = 86_400_000;
const at = (m: { body: Record<string, unknown> } | undefined) => Date.parse(String(m?.body.time));

describe('LocalRecurring on the workflow clock', () => {
  let recurring: LocalRecurring | undefined;
  afterEach(() => recurring?.stop());

  const start = () => {
    const clock = new VirtualClock({ start: START });
    const sent: Array<{ queue: string; body: Record<string, unknown> }> = [];
    let waiting: (() => void) | undefined;
    recurring = new LocalRecurring(
      clock,
      queues,
      (queue, body) => {
        sent.push({ queue, body: JSON.parse(body) as Record<string, unknown> });
        waiting?.();
      },
      () => {},
    );
    recurring.start();
    /** Resolves once `n` messages have been sent. */
    const sentCount = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (sent.length >= n ? resolve() : undefined);
        waiting = check;
        check();
      });
    /** Lets every sleeper the clock woke run to its next sleep. */
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return { clock, sent, sentCount, settle };
  };

  it('sends the intent-training queue a scheduled event each 7 days, and only the queues that recur', async () => {
    const recurringQueues = queues.filter((q) => q.every).map((q) => q.name);
    expect(recurringQueues).toEqual(['intent-training']);
    const { clock, sent, sentCount, settle } = start();
    clock.advance(7 * DAY - 60_000);
    await settle();
    expect(sent).toEqual([]);
    clock.advance(60_000);
    await sentCount(1);
    expect(sent[0]).toMatchObject({
      queue: 'intent-training',
      body: { 'detail-type': 'Scheduled Event', source: 'aws.events' },
    });
    // The clock also runs in real time meanwhile: the event is a week in, give or take that.
    expect(at(sent[0]) - START.getTime()).toBeGreaterThanOrEqual(7 * DAY);
    expect(at(sent[0]) - START.getTime()).toBeLessThan(7 * DAY + 60_000);
  });

  it('fires once, not once per missed period, when the clock jumps a month', async () => {
    const { clock, sent, sentCount, settle } = start();
    clock.advance(30 * DAY);
    await sentCount(1);
    await settle();
    expect(sent).toHaveLength(1);
    // The next one is a period after the late one.
    clock.advance(7 * DAY);
    await sentCount(2);
    expect(at(sent[1]) - at(sent[0])).toBeGreaterThanOrEqual(7 * DAY);
    expect(at(sent[1]) - at(sent[0])).toBeLessThan(7 * DAY + 60_000);
    expect(at(sent[0]) - START.getTime()).toBeGreaterThanOrEqual(30 * DAY);
  });

  it('sends nothing once stopped', async () => {
    const { clock, sent, settle } = start();
    recurring?.stop();
    clock.advance(14 * DAY);
    await settle();
    expect(sent).toEqual([]);
  });
});
