/**
 * The list routes' query strings with generated parameters, in process, the store stubbed (as in
 * handlers.test.ts): `GET /v1/tickets`, `GET /v1/queues/{queue}/tickets`, `GET /v1/approvals`,
 * `GET /v1/mail/log`, `GET /v1/metrics/flow` and `/kb-gaps`. A query string is public input like a body:
 * never a 5xx, and a 400 is `validation_failed` naming the parameter (a cursor nobody issued included).
 * Each run must reach a 200 and a 400.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { Priority, TicketState } from '../../shared/domain/ticket';
import { httpEvent, lambdaContext } from '../functions/events';
import { email, nastyText } from './arbitraries';
import { baseTickets } from './doors';
import { expectContractAnswer, statuses, stubTicketStore } from './handler-harness';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const RUNS = 120;
const db = mockClient(DynamoDBDocumentClient);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const NAMES = ['list-tickets', 'list-queues', 'list-approvals', 'list-mail-log', 'read-metrics'] as const;
const handlers: Record<string, Handler> = {};
beforeAll(async () => {
  for (const name of NAMES)
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
});

const tickets = baseTickets();
const LEAD = { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' };
const APPROVER = { sub: 'fin-1', email: 'finance@example.com', 'cognito:groups': '[approver-finance]' };

beforeEach(() => {
  db.reset();
  stubTicketStore(db, tickets);
});

/** A parameter's value: mostly one the route knows, sometimes anything a URL can carry. */
const value = (known: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 5, arbitrary: known },
    { weight: 1, arbitrary: nastyText },
    { weight: 1, arbitrary: fc.string() },
  );

/** Some of `params`, each at most once (API Gateway joins repeats with a comma: one string either way). */
const query = (params: Record<string, fc.Arbitrary<string>>) =>
  fc.record(params, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;

const day = fc
  .date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const limit = fc.oneof(
  fc.integer({ min: 1, max: 100 }).map(String),
  fc.constantFrom('0', '101', '-1', '1.5', 'x'),
);
const cursor = fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 20 }));

async function answer(name: (typeof NAMES)[number], event: unknown): Promise<number> {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler ${name}`);
  return expectContractAnswer(await handler(event, lambdaContext));
}

function get(routeKey: string, params: Record<string, string>, q: Record<string, string>, claims: object) {
  const template = routeKey.split(' ')[1] ?? '/';
  const path = Object.entries(params).reduce((p, [k, v]) => p.replace(`{${k}}`, v), template);
  return {
    ...httpEvent({
      method: 'GET',
      path,
      routeKey,
      pathParameters: params,
      claims: claims as Record<string, unknown>,
    }),
    queryStringParameters: q,
  };
}

/** Runs generated queries against one route; the statuses seen, which must include a 200 and a 400. */
async function route(
  name: (typeof NAMES)[number],
  routeKey: string,
  queries: fc.Arbitrary<{ params?: Record<string, string>; q: Record<string, string> }>,
  claims: object = LEAD,
): Promise<void> {
  const seen = statuses();
  await fc.assert(
    fc.asyncProperty(queries, async ({ params = {}, q }) => {
      const status = await answer(name, get(routeKey, params, q, claims));
      seen.add(status);
    }),
    { numRuns: RUNS },
  );
  expect(seen.count(200), seen.toString()).toBeGreaterThan(0);
  expect(seen.count(400), seen.toString()).toBeGreaterThan(0);
}

describe('the list routes with generated query strings, store stubbed (not end-to-end)', () => {
  it('GET /v1/tickets: exactly one of requester, assignee, account or reference, or a 400 naming it', async () => {
    const one = fc.oneof(
      fc.record({ requester: value(email) }),
      fc.record({ assignee: value(fc.oneof(fc.constant('me'), email)) }),
      fc.record({ account: value(fc.constantFrom('acct-1', 'acct-bigcorp')) }),
      fc.record({ reference: value(fc.integer({ min: 1, max: 10_000 }).map((n) => `FD-${n}`)) }),
    );
    await route(
      'list-tickets',
      'GET /v1/tickets',
      fc
        .tuple(fc.array(one, { maxLength: 2 }), query({ limit, cursor }))
        .map(([parts, rest]) => ({ q: Object.assign({}, ...parts, rest) as Record<string, string> })),
    );
  });

  it('GET /v1/queues/{queue}/tickets: filters or a 400 naming the parameter', async () => {
    await route(
      'list-queues',
      'GET /v1/queues/{queue}/tickets',
      fc.record({
        params: fc.record({ queue: fc.constantFrom(...Object.keys(workflowConfig.queues)) }),
        q: query({
          state: value(fc.constantFrom(...TicketState.options)),
          priority: value(fc.constantFrom(...Priority.options)),
          assignee: value(fc.oneof(fc.constantFrom('me', 'none'), email)),
          blocked: value(fc.constantFrom('true', 'false')),
          slaDueBefore: value(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
          limit,
          cursor,
        }),
      }),
    );
  });

  it('GET /v1/approvals: the approver’s queue, or one ticket’s approvals by ?ticket=', async () => {
    await route(
      'list-approvals',
      'GET /v1/approvals',
      fc.record({
        q: query({ ticket: value(fc.constantFrom(...tickets.flatMap((t) => [t.id, t.reference]))) }),
      }),
      APPROVER,
    );
  });

  it('GET /v1/mail/log: a day, or a 400 naming it', async () => {
    await route('list-mail-log', 'GET /v1/mail/log', fc.record({ q: query({ day: value(day) }) }));
  });

  it('GET /v1/metrics/flow and /kb-gaps: ranges and thresholds, or a 400 naming them', async () => {
    await route(
      'read-metrics',
      'GET /v1/metrics/flow',
      fc.record({
        q: query({
          from: value(day),
          to: value(day),
          queue: value(fc.constantFrom(...Object.keys(workflowConfig.queues))),
          requestType: value(fc.constantFrom(...Object.keys(workflowConfig.requestTypes))),
        }),
      }),
    );
    await route(
      'read-metrics',
      'GET /v1/metrics/kb-gaps',
      fc.record({
        q: query({
          days: value(fc.integer({ min: 1, max: 366 }).map(String)),
          threshold: value(fc.integer({ min: 0, max: 100 }).map(String)),
        }),
      }),
    );
  });
});
