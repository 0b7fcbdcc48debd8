import { describe, expect, it } from 'vitest';
import measured from '../../shared/metrics/cost-profile.json' with { type: 'json' };
import { priceTable } from '../../shared/metrics/pricing';
import { costPerThousandLifecycles } from '../../shared/use-cases/cost-report';

const profile = {
  measuredAt: '2026-01-02T03:04:05.000Z',
  lifecycles: 4,
  lifecycle: 'webhook → reply → resolved',
  operations: { 'stepFunctions.stateTransitions': 80, 'ses.outboundMessages': 12, 'lambda.requests': 100 },
  perLifecycleOperations: {
    'stepFunctions.stateTransitions': 20,
    'ses.outboundMessages': 3,
    'lambda.requests': 25,
  },
  functions: { 'receive-webhook': { invocations: 1, averageBilledMs: 40, gbSeconds: 0.02, memoryMb: 512 } },
};

describe('the cost of 1,000 ticket lifecycles', () => {
  it('prices the measured operations per lifecycle, by service and by operation', () => {
    const cost = costPerThousandLifecycles(profile);
    expect(cost).toMatchObject({
      measuredAt: profile.measuredAt,
      lifecycles: 4,
      pricesAsOf: priceTable.asOf,
      region: 'us-east-1',
      currency: 'USD',
      perLifecycleOperations: {
        'stepFunctions.stateTransitions': 20,
        'ses.outboundMessages': 3,
        'sqs.requests': 0,
      },
    });
    // 20 × $0.025 + 3 × $0.10 + 25 × 1,000 × $0.20/M = $0.50 + $0.30 + $0.005.
    expect(cost.perThousandLifecycles.byService).toMatchObject({
      'Step Functions': 0.5,
      SES: 0.3,
      Lambda: 0.005,
    });
    expect(cost.perThousandLifecycles.byOperation['ses.outboundMessages']).toBe(0.3);
    expect(cost.perThousandLifecycles.total).toBe(0.805);
  });

  it('reads the profile `npm run cost` committed', () => {
    const cost = costPerThousandLifecycles();
    expect(cost.measuredAt).toBe(measured.measuredAt);
    expect(cost.lifecycles).toBe(measured.lifecycles);
    expect(cost.perThousandLifecycles.total).toBeGreaterThan(0);
  });

  it('refuses a profile that is not one', () => {
    expect(() => costPerThousandLifecycles({ ...profile, lifecycles: 0 })).toThrow();
    expect(() =>
      costPerThousandLifecycles({ ...profile, operations: { 'cloudfront.requests': 3 } }),
    ).toThrow();
    expect(() => costPerThousandLifecycles({ ...profile, measuredAt: 'yesterday' })).toThrow();
  });
});
