/**
 * The public input of `POST /v1/privacy/exports` (issue 22), through the Lambda handler itself with the
 * table and the bus stubbed: any body (any string, any JSON, an `email` of any kind) is answered 202 with a
 * queued export or 400 `validation_failed` naming the field, never a 5xx.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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
db.on(TransactWriteCommand).resolves({});
bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let handler: Handler;
beforeAll(async () => {
  handler = ((await import('../../functions/export-requester-data/handler')) as { handler: Handler }).handler;
});

const body: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ email: fc.oneof(email, nastyText, wrongType) }).map((b) => JSON.stringify(b)),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"email":', '{"__proto__":{"email":"a@b.example"}}') },
);

describe('POST /v1/privacy/exports on any body (table and bus stubbed)', () => {
  it('answers 202 queued or 400 naming email (or the body), never a 5xx', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const res = await handler(
          httpEvent({
            method: 'POST',
            path: '/v1/privacy/exports',
            routeKey: 'POST /v1/privacy/exports',
            body: raw,
            claims: { sub: 'admin-1', email: 'admin@example.com', 'cognito:groups': '[admin]' },
          }),
          {},
        );
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        const answer = JSON.parse(res.body) as {
          state?: string;
          exportId?: string;
          error?: string;
          issues?: Array<{ path: string }>;
        };
        expect([202, 400]).toContain(res.statusCode);
        if (res.statusCode === 202) {
          expect(answer.state).toBe('queued');
          expect(answer.exportId).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
        } else {
          expect(answer.error).toBe('validation_failed');
          for (const issue of answer.issues ?? []) expect(['email', '(body)', '']).toContain(issue.path);
          expect(answer.issues?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
    // Both outcomes were exercised.
    expect(seen.get(202) ?? 0).toBeGreaterThan(0);
    expect(seen.get(400) ?? 0).toBeGreaterThan(0);
  });
});
