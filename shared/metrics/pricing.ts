/**
 * What a ticket costs to run: the billable operations Frontdoor performs, AWS's list price of each, and the
 * report that turns measured counts into dollars per 1,000 ticket lifecycles. Pure data and arithmetic;
 * the counts come from the billing meter (shared/adapters/billing-meter.ts) through `npm run cost`.
 */

/** Every operation the meter counts, as `<service>.<what AWS bills>`. */
export const billableOperations = [
  'apiGateway.requests',
  'lambda.requests',
  'lambda.gbSeconds',
  'dynamodb.writeRequestUnits',
  'dynamodb.readRequestUnits',
  'eventBridge.events',
  'sqs.requests',
  'stepFunctions.stateTransitions',
  'scheduler.invocations',
  'ses.outboundMessages',
  'ses.inboundMessages',
  's3.writeRequests',
  's3.readRequests',
  'secretsManager.apiCalls',
] as const;

export type BillableOperation = (typeof billableOperations)[number];

export const services = [
  'API Gateway',
  'Lambda',
  'DynamoDB',
  'EventBridge',
  'SQS',
  'Step Functions',
  'EventBridge Scheduler',
  'SES',
  'S3',
  'Secrets Manager',
] as const;

export type Service = (typeof services)[number];

/** How many of each operation; an operation not named is zero. */
export type OperationCounts = Readonly<Partial<Record<BillableOperation, number>>>;

export interface Price {
  readonly service: Service;
  /** What one unit is, in AWS's words. */
  readonly unit: string;
  /** The price as AWS's pricing page states it. */
  readonly quoted: string;
  /** The same price per single unit, in US dollars. */
  readonly usdPerUnit: number;
  /** The pricing page the figure comes from. */
  readonly source: string;
  /** When this price was last checked, where later than the table's `asOf`, and against what. */
  readonly checked?: { readonly on: string; readonly against: string };
}

export interface PriceTable {
  readonly region: string;
  readonly currency: 'USD';
  /**
   * The date the figures are AWS's list prices for, as far as the table's author knew them. They were written
   * down without access to the pricing pages: re-check each one at its source before quoting it.
   */
  readonly asOf: string;
  readonly notes: readonly string[];
  readonly prices: Readonly<Record<BillableOperation, Price>>;
}

const perMillion = (usd: number) => usd / 1_000_000;

/**
 * Where the SES figures were checked: AWS's Price List for AmazonSES in us-east-1 as published on
 * 2026-07-22, read through a public transcription of it (the price list and AWS's pages are not reachable
 * from where this was written); AWS's API reference confirms the plans (PutAccountPricingAttributes: NONE,
 * ESSENTIALS, PRO, ENTERPRISE).
 */
const SES_PRICE_LIST =
  'AWS Price List AmazonSES us-east-1, publication 2026-07-22 (pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonSES/20260722172054/us-east-1/index.json), as transcribed in github.com/api-evangelist/amazon-ses plans/amazon-ses-plans-pricing.yml';

/**
 * us-east-1 list prices, first (lowest-volume) tier, free tiers ignored. Lambda is priced for arm64, which
 * is what every Frontdoor function runs on (infra/constructs/frontdoor-function.ts).
 */
export const priceTable: PriceTable = {
  region: 'us-east-1',
  currency: 'USD',
  asOf: '2025-06-30',
  notes: [
    'us-east-1 list prices as known on the date given, written down without internet access: re-check each at its source.',
    'DynamoDB on-demand prices are those after the cut of 1 November 2024 (halved from $1.25/M WRU and $0.25/M RRU).',
    'First price tier, no free tier, no Savings Plans or reserved capacity.',
    "SES re-checked for its 2026 change (the Price List's publication of 2026-07-22): since 2026-07-21 SES has pricing plans, and a new account starts on Essentials ($0.16 per 1,000 mails); the per-feature (à la carte) prices here stay the default of accounts that sent through SES since 2025-06-01, and a plan of NONE selects them. sesEssentialsPriceTable prices the same counts on Essentials.",
  ],
  prices: {
    'apiGateway.requests': {
      service: 'API Gateway',
      unit: 'HTTP API request (per 512 KB)',
      quoted: '$1.00 per million requests (first 300 million a month)',
      usdPerUnit: perMillion(1.0),
      source: 'https://aws.amazon.com/api-gateway/pricing/',
    },
    'lambda.requests': {
      service: 'Lambda',
      unit: 'invocation',
      quoted: '$0.20 per million requests',
      usdPerUnit: perMillion(0.2),
      source: 'https://aws.amazon.com/lambda/pricing/',
    },
    'lambda.gbSeconds': {
      service: 'Lambda',
      unit: 'GB-second of duration, arm64 (memory × billed ms)',
      quoted: '$0.0000133334 per GB-second (arm64, first 7.5 billion GB-s a month; x86 is $0.0000166667)',
      usdPerUnit: 0.0000133334,
      source: 'https://aws.amazon.com/lambda/pricing/',
    },
    'dynamodb.writeRequestUnits': {
      service: 'DynamoDB',
      unit: 'write request unit (on-demand, Standard table class; 1 KB, transactional 2)',
      quoted: '$0.625 per million write request units',
      usdPerUnit: perMillion(0.625),
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    },
    'dynamodb.readRequestUnits': {
      service: 'DynamoDB',
      unit: 'read request unit (on-demand; 4 KB strongly consistent, eventually ½, transactional 2)',
      quoted: '$0.125 per million read request units',
      usdPerUnit: perMillion(0.125),
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    },
    'eventBridge.events': {
      service: 'EventBridge',
      unit: 'custom event published (per 64 KB chunk)',
      quoted: '$1.00 per million custom events',
      usdPerUnit: perMillion(1.0),
      source: 'https://aws.amazon.com/eventbridge/pricing/',
    },
    'sqs.requests': {
      service: 'SQS',
      unit: 'standard queue request: send, receive, delete (per 64 KB chunk)',
      quoted: '$0.40 per million requests',
      usdPerUnit: perMillion(0.4),
      source: 'https://aws.amazon.com/sqs/pricing/',
    },
    'stepFunctions.stateTransitions': {
      service: 'Step Functions',
      unit: 'Standard workflow state transition',
      quoted: '$0.025 per 1,000 state transitions',
      usdPerUnit: 0.025 / 1000,
      source: 'https://aws.amazon.com/step-functions/pricing/',
    },
    'scheduler.invocations': {
      service: 'EventBridge Scheduler',
      unit: 'scheduled invocation (a wake-up sent to its queue)',
      quoted: '$1.00 per million invocations (after 14 million free a month)',
      usdPerUnit: perMillion(1.0),
      source: 'https://aws.amazon.com/eventbridge/pricing/',
    },
    'ses.outboundMessages': {
      service: 'SES',
      unit: 'outbound mail (per recipient)',
      quoted: '$0.10 per 1,000 recipients (à la carte, the pricing plan NONE)',
      usdPerUnit: 0.1 / 1000,
      source: 'https://aws.amazon.com/ses/pricing/',
      checked: { on: '2026-07-22', against: SES_PRICE_LIST },
    },
    'ses.inboundMessages': {
      service: 'SES',
      unit: 'inbound mail (under 256 KB: one incoming chunk)',
      quoted: '$0.10 per 1,000 emails + $0.09 per 1,000 incoming 256 KB chunks (à la carte)',
      usdPerUnit: (0.1 + 0.09) / 1000,
      source: 'https://aws.amazon.com/ses/pricing/',
      checked: { on: '2026-07-22', against: SES_PRICE_LIST },
    },
    's3.writeRequests': {
      service: 'S3',
      unit: 'PUT, COPY, POST or LIST request (S3 Standard)',
      quoted: '$0.005 per 1,000 requests',
      usdPerUnit: 0.005 / 1000,
      source: 'https://aws.amazon.com/s3/pricing/',
    },
    's3.readRequests': {
      service: 'S3',
      unit: 'GET or other request (S3 Standard)',
      quoted: '$0.0004 per 1,000 requests',
      usdPerUnit: 0.0004 / 1000,
      source: 'https://aws.amazon.com/s3/pricing/',
    },
    'secretsManager.apiCalls': {
      service: 'Secrets Manager',
      unit: 'API call',
      quoted: '$0.05 per 10,000 API calls',
      usdPerUnit: 0.05 / 10_000,
      source: 'https://aws.amazon.com/secrets-manager/pricing/',
    },
  },
};

/**
 * The same prices with SES on its Essentials plan, where a new SES account starts since 2026-07-21: $0.16
 * per 1,000 outbound mails for the first 10 million a month, no monthly fee. Inbound mail is priced as
 * à la carte (the transcription lists no Essentials price for classic receiving).
 */
export const sesEssentialsPriceTable: PriceTable = {
  ...priceTable,
  notes: [...priceTable.notes, 'SES outbound priced on the Essentials plan.'],
  prices: {
    ...priceTable.prices,
    'ses.outboundMessages': {
      ...priceTable.prices['ses.outboundMessages'],
      quoted: '$0.16 per 1,000 emails (Essentials plan, first 10 million a month)',
      usdPerUnit: 0.16 / 1000,
    },
  },
};

export interface CostLine {
  readonly operation: BillableOperation;
  readonly service: Service;
  readonly unit: string;
  /** How many per lifecycle (the counts divided by the lifecycles). */
  readonly perLifecycle: number;
  readonly usdPerUnit: number;
  /** Dollars for 1,000 lifecycles. */
  readonly perThousandLifecycles: number;
}

export interface CostReport {
  readonly lifecycles: number;
  readonly region: string;
  readonly currency: 'USD';
  readonly pricesAsOf: string;
  readonly perThousandLifecycles: {
    readonly total: number;
    readonly byService: Readonly<Record<Service, number>>;
    readonly byOperation: Readonly<Record<BillableOperation, number>>;
  };
  readonly perLifecycleOperations: Readonly<Record<BillableOperation, number>>;
  /** One line per operation, most expensive first. */
  readonly lines: readonly CostLine[];
}

/** Dollars are kept to a millionth of a dollar (per 1,000 lifecycles), so reports compare without float noise. */
const dollars = (usd: number) => Math.round(usd * 1e6) / 1e6;
/** Operation counts per lifecycle to four decimals (GB-seconds are fractional). */
const perOne = (n: number) => Math.round(n * 1e4) / 1e4;

/**
 * Prices the operations counted over `lifecycles` ticket lifecycles: dollars per 1,000 lifecycles, in
 * total, per service and per operation. Rounding happens after summing, so the total is exact.
 */
export function costReport(
  counts: OperationCounts,
  lifecycles: number,
  table: PriceTable = priceTable,
): CostReport {
  if (!Number.isInteger(lifecycles) || lifecycles < 1) {
    throw new RangeError(`lifecycles must be a whole number ≥ 1, got ${lifecycles}`);
  }
  for (const [operation, n] of Object.entries(counts)) {
    if (!(operation in table.prices)) throw new RangeError(`no price for ${operation}`);
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new RangeError(`${operation} must be a count ≥ 0, got ${n}`);
    }
  }
  const byService = Object.fromEntries(services.map((s) => [s, 0])) as Record<Service, number>;
  const byOperation = {} as Record<BillableOperation, number>;
  const perLifecycleOperations = {} as Record<BillableOperation, number>;
  const lines: CostLine[] = [];
  let total = 0;
  for (const operation of billableOperations) {
    const price = table.prices[operation];
    const perLifecycle = (counts[operation] ?? 0) / lifecycles;
    const usd = perLifecycle * 1000 * price.usdPerUnit;
    total += usd;
    byService[price.service] += usd;
    byOperation[operation] = dollars(usd);
    perLifecycleOperations[operation] = perOne(perLifecycle);
    lines.push({
      operation,
      service: price.service,
      unit: price.unit,
      perLifecycle: perOne(perLifecycle),
      usdPerUnit: price.usdPerUnit,
      perThousandLifecycles: dollars(usd),
    });
  }
  for (const s of services) byService[s] = dollars(byService[s]);
  return {
    lifecycles,
    region: table.region,
    currency: table.currency,
    pricesAsOf: table.asOf,
    perThousandLifecycles: { total: dollars(total), byService, byOperation },
    perLifecycleOperations,
    lines: lines.toSorted((a, b) => b.perThousandLifecycles - a.perThousandLifecycles),
  };
}
