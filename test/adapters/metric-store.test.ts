import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricStore } from '../../shared/adapters/metric-store';
import type { ProjectedRecord } from '../../shared/use-cases/ports';
import { freshTable } from '../support/dynamodb';

const key = { day: '2026-11-20', queue: 'billing', requestType: 'billing_dispute' };
const record = (id: string, extra: Partial<ProjectedRecord> = {}): ProjectedRecord => ({
  id,
  increments: [{ key, counters: { created: 1 } }],
  drivers: [],
  ...extra,
});

describe('MetricStore against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let store: MetricStore;
  beforeAll(async () => {
    table = await freshTable();
    store = new MetricStore(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('applies each stream record exactly once, however often it is delivered (counters and duration samples)', async () => {
    expect(
      await store.apply([
        record('r1'),
        record('r2', { increments: [{ key, counters: { resolved: 1 }, resolutionHours: [5] }] }),
        record('r2c', { increments: [{ key, counters: { closedBy_automation: 1 }, closeHours: [101.5] }] }),
      ]),
    ).toBe(3);
    // r1 again (a redelivery), together with a new record: only the new one counts.
    expect(
      await store.apply([
        record('r1'),
        record('r3', { increments: [{ key, counters: { resolved: 1 }, resolutionHours: [7] }] }),
      ]),
    ).toBe(1);
    expect(await store.apply([record('r1'), record('r2'), record('r2c')])).toBe(0);
    const { cells } = await store.day(key.day);
    expect(cells).toEqual([
      expect.objectContaining({
        queue: 'billing',
        requestType: 'billing_dispute',
        counters: expect.objectContaining({ created: 1, resolved: 2, closedBy_automation: 1 }),
        resolutionHours: [5, 7],
        closeHours: [101.5],
      }),
    ]);
  });

  it('splits a large batch into transactions of at most 100 items, and counts drivers with examples', async () => {
    const many = Array.from({ length: 250 }, (_, i) =>
      record(`big-${i}`, {
        increments: [{ key: { ...key, day: '2026-11-21', queue: `q${i % 3}` }, counters: { created: 1 } }],
        drivers: [
          {
            day: '2026-11-21',
            driver: 'general_question#password-reset',
            requestType: 'general_question',
            label: 'password reset',
            example: { ticketId: `t${i}`, reference: `FD-${i}`, subject: `Password reset ${i}` },
          },
        ],
      }),
    );
    expect(await store.apply(many)).toBe(250);
    const { cells, drivers } = await store.day('2026-11-21');
    expect(cells.map((c) => c.counters.created).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(250);
    expect(drivers).toEqual([
      expect.objectContaining({
        driver: 'general_question#password-reset',
        count: 250,
        examples: expect.any(Array),
      }),
    ]);
    expect(drivers[0]?.examples.length).toBeLessThanOrEqual(3);
  });

  it('keeps a busy driver’s item small: examples from its first batch only, however many batches follow', async () => {
    const subject = '𝒜'.repeat(200);
    const batch = (n: number) =>
      Array.from({ length: 10 }, (_, i) =>
        record(`busy-${n}-${i}`, {
          increments: [],
          drivers: [
            {
              day: '2026-11-22',
              driver: 'general_question#(no-subject-words)',
              requestType: 'general_question',
              label: '(no subject words)',
              example: { ticketId: `t${n}-${i}`, reference: `FD-${n}${i}`, subject },
            },
          ],
        }),
      );
    // 300 batches × 3 examples of 800 bytes would be ≈ 720 KB appended: past the 400 KB item limit.
    for (let n = 0; n < 300; n++) expect(await store.apply(batch(n))).toBe(10);
    const { drivers } = await store.day('2026-11-22');
    expect(drivers).toEqual([expect.objectContaining({ count: 3000 })]);
    expect(drivers[0]?.examples.map((e) => e.ticketId)).toEqual(['t0-0', 't0-1', 't0-2']);
  });
});
