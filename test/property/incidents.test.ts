/**
 * The incident routes' handlers in process with generated bodies (issue 17): no 5xx, a 400 names its
 * fields, and whatever is accepted stays storable. The store is stubbed as in handlers.test.ts: a Get
 * answers from a few tickets (one of them an incident), writes are marshalled and checked for what DynamoDB
 * refuses. Also the intake rule over any rule and any request: it decides, it never throws.
 */
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ticketItem } from '../../shared/adapters/ticket-repository';
import { IncidentRule } from '../../shared/domain';
import { incidentRuleMatches } from '../../shared/domain/incident';
import { httpEvent, lambdaContext } from '../functions/events';
import { nastyText, orWrong, textUpTo, wrongType } from './arbitraries';
import { baseTickets } from './doors';
import { storeAndRead } from './dynamodb-item';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const db = mockClient(DynamoDBDocumentClient);
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const handlers: Record<string, Handler> = {};
beforeAll(async () => {
  for (const name of ['declare-incident', 'link-incident-tickets']) {
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
  }
});

const [plain, other, ...rest] = baseTickets();
if (!plain || !other) throw new Error('no base tickets');
const incident = {
  ...other,
  kind: 'incident' as const,
  incident: {
    title: 'Outage',
    rule: { accountIds: [], requestTypes: [], keywords: [] },
    declaredBy: 'lead@example.com',
    declaredAt: other.createdAt,
  },
};
const stored = [plain, incident, ...rest];

beforeEach(() => {
  db.reset();
  db.on(GetCommand).resolves({});
  for (const t of stored) {
    db.on(GetCommand, { Key: { pk: `TICKET#${t.id}`, sk: 'META' } }).resolves({ Item: ticketItem(t) });
  }
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(UpdateCommand).resolves({ Attributes: { value: 42 } });
  db.on(PutCommand).callsFake((input: { Item?: object }) => {
    if (input.Item) storeAndRead(input.Item as Record<string, unknown>);
    return {};
  });
  db.on(TransactWriteCommand).callsFake((input: { TransactItems?: Array<{ Put?: { Item?: object } }> }) => {
    for (const t of input.TransactItems ?? [])
      if (t.Put?.Item) storeAndRead(t.Put.Item as Record<string, unknown>);
    return {};
  });
});

const ticketNames = fc.oneof(
  fc.constantFrom(...stored.map((t) => t.id), ...stored.map((t) => t.reference), 'FD-999999'),
  nastyText,
);
const tickets = orWrong(fc.array(ticketNames, { maxLength: 120 }));
const rule = orWrong(
  fc.record(
    {
      accountIds: orWrong(fc.array(textUpTo(140), { maxLength: 110 })),
      requestTypes: orWrong(fc.array(textUpTo(70), { maxLength: 25 })),
      keywords: orWrong(fc.array(nastyText, { maxLength: 25 })),
    },
    { requiredKeys: [] },
  ),
);
const title = orWrong(fc.oneof(nastyText, textUpTo(220)));
const anyBody = (shape: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 8, arbitrary: shape },
    { weight: 1, arbitrary: fc.oneof(wrongType, fc.jsonValue({ maxDepth: 3 })) },
  );

const lead = { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' };
const post = (routeKey: string, id: string | undefined, payload: unknown, version?: number) =>
  httpEvent({
    method: 'POST',
    path: routeKey.split(' ')[1]?.replace('{id}', id ?? '') ?? '/',
    routeKey,
    ...(id ? { pathParameters: { id } } : {}),
    headers: version !== undefined ? { 'If-Match': `"${version}"` } : {},
    body: JSON.stringify(payload) ?? 'null',
    claims: lead,
  });

/** The answer against the contract every route shares: never a 5xx; a 400 names its fields. */
async function answer(name: string, event: unknown): Promise<number> {
  const res = await (handlers[name] as Handler)(event, lambdaContext);
  const body = JSON.parse(res.body) as {
    error?: string;
    issues?: Array<{ path: unknown; message: unknown }>;
  };
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode === 400) {
    expect(body.error).toBe('validation_failed');
    for (const issue of body.issues ?? [])
      expect(typeof issue.path === 'string' && issue.path !== '').toBe(true);
  }
  return res.statusCode;
}

describe('the incident routes with generated bodies, store stubbed (not end-to-end)', () => {
  it('POST /v1/incidents and POST /v1/tickets/{id}/incident answer 2xx, 4xx naming fields, never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        anyBody(fc.record({ title, body: orWrong(textUpTo(300)), rule, tickets }, { requiredKeys: [] })),
        fc.boolean(),
        async (payload, onTicket) => {
          const event = onTicket
            ? post('POST /v1/tickets/{id}/incident', plain.id, payload, plain.version)
            : post('POST /v1/incidents', undefined, payload);
          seen.add(await answer('declare-incident', event));
        },
      ),
      { numRuns: 150 },
    );
    expect([...seen].some((s) => s < 300)).toBe(true);
    expect(seen.has(400)).toBe(true);
  });

  it('POST /v1/incidents/{id}/links and /unlink answer 200 with one result per ticket, or a 4xx, never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        anyBody(fc.record({ tickets }, { requiredKeys: [] })),
        fc.constantFrom('links', 'unlink'),
        fc.constantFrom(incident.id, plain.id),
        async (payload, action, id) => {
          const status = await answer(
            'link-incident-tickets',
            post(`POST /v1/incidents/{id}/${action}`, id, payload),
          );
          seen.add(status);
        },
      ),
      { numRuns: 150 },
    );
    expect(seen.has(200)).toBe(true);
    expect(seen.has(400)).toBe(true);
  });
});

describe('the intake rule over any rule and any request', () => {
  it('either parses and decides without throwing, or is refused with paths', () => {
    fc.assert(
      fc.property(rule, nastyText, nastyText, nastyText, (candidate, subject, body, requestType) => {
        const parsed = IncidentRule.safeParse(candidate);
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          return;
        }
        expect(typeof incidentRuleMatches(parsed.data, { subject, body, requestType })).toBe('boolean');
        const empty =
          parsed.data.accountIds.length + parsed.data.requestTypes.length + parsed.data.keywords.length;
        if (empty === 0) expect(incidentRuleMatches(parsed.data, { subject, body, requestType })).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
