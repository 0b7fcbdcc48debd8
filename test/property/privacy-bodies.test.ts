/**
 * The public inputs of the admin API on a requester's data (issue 22), through the Lambda handler itself
 * with the table and the bus stubbed (a ticket an erasure opens is read back as it was written): any body
 * (any string, any JSON, fields of any kind) is answered 2xx, a 409 the contract names, or 400
 * `validation_failed` naming the field, never a 5xx.
 *  - `POST /v1/privacy/exports` `{ email }` → 202 queued;
 *  - `POST /v1/privacy/erasures` `{ email, reason }` → 202 awaiting approval, 409 for a pseudonym.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { httpEvent } from '../functions/events';
import { email, nastyText, wrongType } from './arbitraries';

vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('MAIL_BUCKET', 'frontdoor-test-mail');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const db = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);
const tickets = new Map<string, Record<string, unknown>>();
let counter = 0;
bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
db.on(QueryCommand).resolves({ Items: [] });
db.on(UpdateCommand).callsFake(async () => ({ Attributes: { value: ++counter } }));
db.on(TransactWriteCommand).callsFake(
  async (input: { TransactItems: Array<{ Put?: { Item: Record<string, unknown> } }> }) => {
    for (const t of input.TransactItems)
      if (t.Put?.Item.entity === 'ticket') tickets.set(String(t.Put.Item.pk), t.Put.Item);
    return {};
  },
);
db.on(GetCommand).callsFake(async (input: { Key: { pk: string } }) => ({ Item: tickets.get(input.Key.pk) }));

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let handler: Handler;
beforeAll(async () => {
  handler = ((await import('../../functions/export-requester-data/handler')) as { handler: Handler }).handler;
});

/** Bodies around a shape: the shape with fields of any kind, any JSON, any bytes, broken JSON. */
function bodiesAround(shape: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: shape.map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"email":', '{"__proto__":{"email":"a@b.example"}}') },
  );
}

interface Answer {
  state?: string;
  exportId?: string;
  erasureId?: string;
  error?: string;
  rule?: string;
  issues?: Array<{ path: string }>;
}

/** Posts every body to the route as an admin; checks each answer; every status in `expected` was seen. */
async function postsAnswer(
  route: string,
  bodies: fc.Arbitrary<string>,
  fields: readonly string[],
  accepted: (status: number, answer: Answer) => void,
  expected: readonly number[],
): Promise<void> {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(bodies, async (raw) => {
      const res = await handler(
        httpEvent({
          method: 'POST',
          path: route,
          routeKey: `POST ${route}`,
          body: raw,
          claims: { sub: 'admin-1', email: 'admin@example.com', 'cognito:groups': '[admin]' },
        }),
        {},
      );
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
      const answer = JSON.parse(res.body) as Answer;
      expect(expected, res.body).toContain(res.statusCode);
      if (res.statusCode === 400) {
        expect(answer.error).toBe('validation_failed');
        for (const issue of answer.issues ?? []) expect([...fields, '(body)', '']).toContain(issue.path);
        expect(answer.issues?.length).toBeGreaterThan(0);
      } else accepted(res.statusCode, answer);
    }),
    { numRuns: 300 },
  );
  for (const status of expected) expect(seen.get(status) ?? 0, String(status)).toBeGreaterThan(0);
}

const ulid = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

describe('POST /v1/privacy/exports on any body (table and bus stubbed)', () => {
  it('answers 202 queued or 400 naming email (or the body), never a 5xx', async () => {
    await postsAnswer(
      '/v1/privacy/exports',
      bodiesAround(fc.record({ email: fc.oneof(email, nastyText, wrongType) })),
      ['email'],
      (_, answer) => {
        expect(answer.state).toBe('queued');
        expect(answer.exportId).toMatch(ulid);
      },
      [202, 400],
    );
  });
});

describe('POST /v1/privacy/erasures on any body (table stubbed)', () => {
  it('answers 202 awaiting approval, 409 for a pseudonym, or 400 naming email or reason, never a 5xx', async () => {
    const pseudonym = email.map((e) => e.replace(/@.*/, '@erased.invalid'));
    await postsAnswer(
      '/v1/privacy/erasures',
      bodiesAround(
        fc.record(
          { email: fc.oneof(email, pseudonym, nastyText, wrongType), reason: fc.oneof(nastyText, wrongType) },
          { requiredKeys: [] },
        ),
      ),
      ['email', 'reason'],
      (status, answer) => {
        if (status === 409)
          expect(answer).toMatchObject({ error: 'erasure_refused', rule: 'already-erased' });
        else {
          expect(answer.state).toBe('awaiting_approval');
          expect(answer.erasureId).toMatch(ulid);
        }
      },
      [202, 400, 409],
    );
  });
});
