import * as z from '../domain/zod';
import measured from '../metrics/cost-profile.json' with { type: 'json' };
import {
  type BillableOperation,
  billableOperations,
  type CostReport,
  costReport,
  type PriceTable,
  priceTable,
} from '../metrics/pricing';

/**
 * What 1,000 ticket lifecycles cost in AWS: the per-lifecycle profile `npm run cost` measured against the
 * local runtime (shared/metrics/cost-profile.json, bundled with the function), priced with the price table.
 * Primary course: check the profile; price its operation counts; answer the totals, the breakdown by service
 * and by operation, and the operations one lifecycle performs.
 */

const count = z.number().check(z.minimum(0));
const operationCounts = z.partialRecord(z.enum(billableOperations), count);

export const CostProfileSchema = z.object({
  /** When `npm run cost` measured it (ISO 8601). */
  measuredAt: z.iso.datetime(),
  /** How many lifecycles the counts are over. */
  lifecycles: z.number().check(z.int(), z.minimum(1)),
  /** What one lifecycle was, in words. */
  lifecycle: z.string(),
  /** Everything counted over all the lifecycles. */
  operations: operationCounts,
  perLifecycleOperations: operationCounts,
  /** Lambda by function, per lifecycle. */
  functions: z.record(
    z.string(),
    z.object({
      invocations: count,
      averageBilledMs: count,
      /** Average process CPU time per invocation, measured (absent in profiles measured before it was). */
      averageCpuMs: z.optional(count),
      gbSeconds: count,
      memoryMb: count,
    }),
  ),
});

export type CostProfile = z.infer<typeof CostProfileSchema>;

export interface CostPerThousandLifecycles {
  readonly measuredAt: string;
  readonly lifecycles: number;
  readonly lifecycle: string;
  readonly region: string;
  readonly currency: 'USD';
  readonly pricesAsOf: string;
  readonly perThousandLifecycles: CostReport['perThousandLifecycles'];
  readonly perLifecycleOperations: Readonly<Record<BillableOperation, number>>;
}

/** The measured profile priced: dollars per 1,000 lifecycles (`GET /v1/metrics/cost`). */
export function costPerThousandLifecycles(
  profile: unknown = measured,
  prices: PriceTable = priceTable,
): CostPerThousandLifecycles {
  const p = CostProfileSchema.parse(profile);
  const report = costReport(p.operations, p.lifecycles, prices);
  return {
    measuredAt: p.measuredAt,
    lifecycles: p.lifecycles,
    lifecycle: p.lifecycle,
    region: report.region,
    currency: report.currency,
    pricesAsOf: report.pricesAsOf,
    perThousandLifecycles: report.perThousandLifecycles,
    perLifecycleOperations: report.perLifecycleOperations,
  };
}
