/**
 * Tier 0's public inputs with generated values (issue 18), handlers in process against DynamoDB Local:
 * `POST /v1/kb/deflections` (the form's body), `GET /kb/solved/{token}` and `POST /v1/kb/solved/{token}`
 * (the acknowledgement's link, JSON and the page's form post). Never a 5xx; a 400 names its fields; a
 * stored deflection reads back; whatever arrived, a ticket has at most one "solved" per article.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { ArticleStore } from '../../shared/adapters/article-store';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket } from '../../shared/domain';
import { DeflectionSchema } from '../../shared/domain/deflection';
import { signArticleSolvedLink } from '../../shared/http/deflection-link';
import { signResolutionLink } from '../../shared/http/resolution-link';
import { httpEvent, lambdaContext } from '../functions/events';
import { anArticle } from '../support/articles';
import { freshTable } from '../support/dynamodb';
import { nastyText, orWrong, wrongType } from './arbitraries';

const SECRET = 'test-link-secret';
const POOL = 6;
const BODY_FIELDS = new Set(['id', 'query', 'slug', 'requestType', '(body)', '(root)']);

const bus = mockClient(EventBridgeClient);
let table: Awaited<ReturnType<typeof freshTable>>;
let repo: TicketRepository;
type Result = { statusCode: number; body: string };
type Handler = (event: unknown, context: unknown) => Promise<Result>;
const handlers: Record<string, Handler> = {};
const pool: Ticket[] = [];

beforeAll(async () => {
  table = await freshTable();
  const { inject } = await import('vitest');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('TABLE_NAME', table.tableName);
  vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
  vi.stubEnv('FRONTDOOR_LINK_SECRET', SECRET);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  for (const name of ['record-deflection', 'show-article-solved', 'solve-with-article'])
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
  await new ArticleStore(table.db, table.tableName).put(anArticle({ requestTypes: [] }), undefined);
  repo = new TicketRepository(table.db, table.tableName);
  for (let i = 0; i < POOL; i++) {
    const now = new Date();
    const opened = openTicket(
      {
        channel: 'form',
        source: 'form',
        subject: `Cannot sign in ${i}`,
        body: 'forgot my password',
        requester: { email: 'dana@bigcorp.example', name: 'Dana' },
        requestType: 'general_question',
        fields: {},
        tags: [],
      },
      {
        config: workflowConfig,
        now,
        reference: `FD-${900 + i}`,
        newId: () => newId(now),
        actor: { kind: 'customer', id: 'dana@bigcorp.example' },
      },
    );
    if (!opened.ok) throw opened.error;
    await repo.create({ ...opened, dedupe: { channel: 'test', key: opened.ticket.id, expiresAt: 1 } });
    pool.push(opened.ticket);
  }
});
afterAll(async () => {
  await table.drop();
});
beforeEach(() => {
  bus.reset();
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

async function answer(name: string, event: unknown) {
  const res = await (handlers[name] as Handler)(event, lambdaContext);
  expect(res.statusCode, res.body).toBeLessThan(500);
  const body = (res.body.startsWith('{') ? JSON.parse(res.body) : {}) as Record<string, unknown>;
  return { status: res.statusCode, body, text: res.body };
}

const deflectionBody = fc.record(
  {
    id: orWrong(
      fc.oneof(fc.uuid({ version: 4 }), fc.constantFrom('x', '', '00000000-0000-0000-0000-000000000000')),
    ),
    query: orWrong(fc.oneof(nastyText, fc.constantFrom('reset my password', ' ', ''))),
    slug: orWrong(fc.constantFrom('reset-your-password', 'no-such-article', 'Reset', '-a-', 'a'.repeat(101))),
    requestType: orWrong(fc.constantFrom('general_question', 'access_request', 'nope', '__proto__', '')),
  },
  { requiredKeys: [] },
);
/** What the form sends: a UUID, the typed text, a help article, a request type (often, so 201s are many). */
const formBody = fc.record({
  id: fc.uuid({ version: 4 }),
  query: fc.oneof(nastyText, fc.constant('reset my password')),
  slug: fc.constant('reset-your-password'),
  requestType: fc.constantFrom('general_question', 'access_request'),
});
const rawBody = fc.oneof(
  { weight: 4, arbitrary: formBody.map((b) => JSON.stringify(b)) },
  { weight: 6, arbitrary: deflectionBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: wrongType.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"x"') },
);

describe('POST /v1/kb/deflections with generated bodies (DynamoDB Local)', () => {
  it('answers 201 with a storable deflection, once per id, or a 400 naming its fields; never a 5xx', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        const event = httpEvent({
          method: 'POST',
          path: '/v1/kb/deflections',
          routeKey: 'POST /v1/kb/deflections',
          body,
        });
        const { status, body: answered } = await answer('record-deflection', event);
        seen.add(status);
        if (status === 400) {
          const issues = answered.issues as Array<{ path: string }>;
          expect(issues.length).toBeGreaterThan(0);
          for (const i of issues) expect(BODY_FIELDS.has(i.path.split('.')[0] ?? ''), i.path).toBe(true);
          return;
        }
        expect(status).toBe(201);
        const stored = await table.db.send(
          new GetCommand({
            TableName: table.tableName,
            Key: { pk: `DEFLECTION#${answered.id}`, sk: 'DEFLECTION' },
          }),
        );
        expect(DeflectionSchema.safeParse(stored.Item).success).toBe(true);
        const again = await answer('record-deflection', event);
        if (JSON.parse(body).id) expect(again.body.recorded).toBe(false);
      }),
      { numRuns: 150 },
    );
    expect(seen).toContain(201);
    expect(seen).toContain(400);
  });
});

const slot = fc.nat({ max: POOL - 1 });
const token: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(slot, fc.constantFrom('reset-your-password', 'export-your-data'))
      .map(([i, slug]) =>
        signArticleSolvedLink(SECRET, { ticketId: pool[i]?.id ?? '', slug, expiresAt: 2e9 }),
      ),
  },
  // Another link's token, an expired one, another key, junk.
  {
    weight: 1,
    arbitrary: slot.map((i) =>
      signResolutionLink(SECRET, { ticketId: pool[i]?.id ?? '', resolution: 1, expiresAt: 2e9 }),
    ),
  },
  {
    weight: 1,
    arbitrary: slot.map((i) =>
      signArticleSolvedLink(SECRET, { ticketId: pool[i]?.id ?? '', slug: 'a', expiresAt: 1 }),
    ),
  },
  {
    weight: 1,
    arbitrary: slot.map((i) =>
      signArticleSolvedLink('other', { ticketId: pool[i]?.id ?? '', slug: 'a', expiresAt: 2e9 }),
    ),
  },
  { weight: 1, arbitrary: fc.oneof(nastyText, fc.stringMatching(/^[A-Za-z0-9_.-]{0,80}$/)) },
);

describe('the "this solved it" link with generated tokens (DynamoDB Local)', () => {
  it('the page never writes and the POST answers JSON or a page, never a 5xx; one "solved" per ticket and article', async () => {
    const before = await Promise.all(pool.map((t) => repo.get(t.id)));
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const page = await answer(
          'show-article-solved',
          httpEvent({
            method: 'GET',
            path: `/kb/solved/${t}`,
            routeKey: 'GET /kb/solved/{token}',
            pathParameters: { token: t },
          }),
        );
        // A page, whatever the token (an empty path segment, which no route matches in AWS, is a 400).
        if (t !== '') expect(page.text.startsWith('<!doctype html>')).toBe(true);
      }),
      { numRuns: 60 },
    );
    const after = await Promise.all(pool.map((t) => repo.get(t.id)));
    expect(after.map((t) => t?.version)).toEqual(before.map((t) => t?.version));

    await fc.assert(
      fc.asyncProperty(token, fc.boolean(), async (t, form) => {
        const { status } = await answer(
          'solve-with-article',
          httpEvent({
            method: 'POST',
            path: `/v1/kb/solved/${t}`,
            routeKey: 'POST /v1/kb/solved/{token}',
            pathParameters: { token: t },
            headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
            body: form ? 'answer=solved' : '{}',
          }),
        );
        expect([200, 400, 403, 404, 410]).toContain(status);
      }),
      { numRuns: 120 },
    );
    for (const t of pool) {
      const history = await repo.history(t.id);
      const solved = (history?.audit ?? []).filter((a) => a.action === 'article.solved');
      const slugs = solved.map((a) => a.after?.slug);
      expect(new Set(slugs).size).toBe(slugs.length);
    }
  });
});
