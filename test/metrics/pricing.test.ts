import { describe, expect, it } from 'vitest';
import {
  billableOperations,
  costReport,
  type PriceTable,
  priceTable,
  services,
  sesEssentialsPriceTable,
} from '../../shared/metrics/pricing';

describe('the price table', () => {
  it('prices every billable operation, names its source and says when the prices were known', () => {
    for (const operation of billableOperations) {
      const price = priceTable.prices[operation];
      expect(price.usdPerUnit, operation).toBeGreaterThan(0);
      expect(price.source, operation).toMatch(/^https:\/\/aws\.amazon\.com\/[\w-]+\/pricing\//);
      expect(services).toContain(price.service);
    }
    expect(priceTable.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(priceTable.region).toBe('us-east-1');
  });

  it('states the prices as AWS quotes them (per million, per thousand, per GB-second)', () => {
    const { prices } = priceTable;
    expect(prices['dynamodb.writeRequestUnits'].usdPerUnit * 1e6).toBeCloseTo(0.625, 10);
    expect(prices['dynamodb.readRequestUnits'].usdPerUnit * 1e6).toBeCloseTo(0.125, 10);
    expect(prices['eventBridge.events'].usdPerUnit * 1e6).toBeCloseTo(1, 10);
    expect(prices['sqs.requests'].usdPerUnit * 1e6).toBeCloseTo(0.4, 10);
    expect(prices['stepFunctions.stateTransitions'].usdPerUnit * 1e3).toBeCloseTo(0.025, 10);
    expect(prices['ses.outboundMessages'].usdPerUnit * 1e3).toBeCloseTo(0.1, 10);
    expect(prices['lambda.requests'].usdPerUnit * 1e6).toBeCloseTo(0.2, 10);
    expect(prices['lambda.gbSeconds'].usdPerUnit).toBe(0.0000133334);
    expect(prices['secretsManager.apiCalls'].usdPerUnit * 1e4).toBeCloseTo(0.05, 10);
  });
});

describe("SES's 2026 pricing plans", () => {
  it('say when and against what the SES prices were checked', () => {
    for (const operation of ['ses.outboundMessages', 'ses.inboundMessages'] as const) {
      const { checked } = priceTable.prices[operation];
      expect(checked?.on, operation).toBe('2026-07-22');
      expect(checked?.against, operation).toContain('AmazonSES');
      expect(checked?.on.localeCompare(priceTable.asOf)).toBe(1);
    }
  });

  it('price Essentials outbound mail at $0.16 per 1,000 and everything else as the per-feature table', () => {
    expect(sesEssentialsPriceTable.prices['ses.outboundMessages'].usdPerUnit * 1e3).toBeCloseTo(0.16, 10);
    for (const operation of billableOperations.filter((o) => o !== 'ses.outboundMessages'))
      expect(sesEssentialsPriceTable.prices[operation], operation).toEqual(priceTable.prices[operation]);
    // Three mails: $0.30 per 1,000 à la carte, $0.48 on Essentials.
    const mails = { 'ses.outboundMessages': 3 };
    expect(costReport(mails, 1).perThousandLifecycles.total).toBe(0.3);
    expect(costReport(mails, 1, sesEssentialsPriceTable).perThousandLifecycles.total).toBe(0.48);
  });
});

describe('costReport', () => {
  it('turns counts over N lifecycles into dollars per 1,000 lifecycles, per operation and per service', () => {
    // 10 lifecycles: 120 transitions (12 each), 20 mails (2 each), 1,000 WRU (100 each).
    const report = costReport(
      {
        'stepFunctions.stateTransitions': 120,
        'ses.outboundMessages': 20,
        'dynamodb.writeRequestUnits': 1000,
      },
      10,
    );
    // 12 × 1,000 × $0.025/1,000 = $0.30; 2 × 1,000 × $0.10/1,000 = $0.20; 100 × 1,000 × $0.625/M = $0.0625.
    expect(report.perThousandLifecycles.byOperation['stepFunctions.stateTransitions']).toBe(0.3);
    expect(report.perThousandLifecycles.byOperation['ses.outboundMessages']).toBe(0.2);
    expect(report.perThousandLifecycles.byOperation['dynamodb.writeRequestUnits']).toBe(0.0625);
    expect(report.perThousandLifecycles.byService).toMatchObject({
      'Step Functions': 0.3,
      SES: 0.2,
      DynamoDB: 0.0625,
      Lambda: 0,
    });
    expect(report.perThousandLifecycles.total).toBe(0.5625);
    expect(report.perLifecycleOperations['stepFunctions.stateTransitions']).toBe(12);
    expect(report.perLifecycleOperations['sqs.requests']).toBe(0);
    expect(report).toMatchObject({ lifecycles: 10, pricesAsOf: priceTable.asOf, currency: 'USD' });
  });

  it('adds a service’s operations together and lists the dearest line first', () => {
    const report = costReport({ 'lambda.requests': 20, 'lambda.gbSeconds': 0.5 }, 1);
    // 20 × 1,000 × $0.20/M = $0.004; 0.5 × 1,000 × $0.0000133334 = $0.0066667.
    expect(report.perThousandLifecycles.byService.Lambda).toBeCloseTo(0.004 + 0.0066667, 6);
    expect(report.lines[0]?.operation).toBe('lambda.gbSeconds');
    expect(report.lines[1]?.operation).toBe('lambda.requests');
  });

  it('keeps the total equal to the sum of the services, whatever the rounding', () => {
    const counts = Object.fromEntries(billableOperations.map((op, i) => [op, 7 * i + 3]));
    const report = costReport(counts, 3);
    const sum = Object.values(report.perThousandLifecycles.byService).reduce((a, b) => a + b, 0);
    expect(Math.abs(report.perThousandLifecycles.total - sum)).toBeLessThan(1e-5);
    expect(report.lines).toHaveLength(billableOperations.length);
  });

  it('prices with the table it is given', () => {
    const doubled: PriceTable = {
      ...priceTable,
      asOf: '2030-01-01',
      prices: Object.fromEntries(
        Object.entries(priceTable.prices).map(([op, p]) => [op, { ...p, usdPerUnit: p.usdPerUnit * 2 }]),
      ) as PriceTable['prices'],
    };
    const counts = { 'sqs.requests': 5 };
    expect(costReport(counts, 1, doubled).perThousandLifecycles.total).toBe(
      2 * costReport(counts, 1).perThousandLifecycles.total,
    );
    expect(costReport(counts, 1, doubled).pricesAsOf).toBe('2030-01-01');
  });

  it('refuses no lifecycles, a negative count and an operation it has no price for', () => {
    expect(() => costReport({}, 0)).toThrow(RangeError);
    expect(() => costReport({}, 1.5)).toThrow(/whole number/);
    expect(() => costReport({ 'sqs.requests': -1 }, 1)).toThrow(/sqs.requests/);
    expect(() => costReport({ 'cloudfront.requests': 1 } as never, 1)).toThrow(/no price/);
  });
});
