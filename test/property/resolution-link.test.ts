/**
 * The "is it solved?" link's handlers (confirm-resolution; show-resolution-question, the page) in process
 * against DynamoDB Local, with generated tokens (the path segment) and bodies (JSON and the page's form
 * post): never a 5xx; every refusal names what it refuses — a 400 its fields (`issues[].path`), a link
 * refusal the token, a state refusal the ticket's state; and whatever arrived, each ticket has at most one
 * answer per resolution and reads back.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket, TicketState, transition } from '../../shared/domain';
import { RESOLUTION_COMMENT_MAX_LENGTH } from '../../shared/domain/resolution-answer';
import { wellFormed } from '../../shared/domain/ticket-input';
import { signCsatLink } from '../../shared/http/csat-link';
import { signResolutionLink } from '../../shared/http/resolution-link';
import { signToken } from '../../shared/http/signed-link';
import { httpEvent, lambdaContext } from '../functions/events';
import { freshTable } from '../support/dynamodb';
import { nastyText, orWrong, textUpTo, tricky, wrongType } from './arbitraries';
import { type Post, statuses, tokenPost } from './handler-harness';

const SECRET = 'test-link-secret';
const POOL = 12;
const RUNS = { post: 300, page: 100 } as const;
const FIELDS = new Set(['answer', 'comment', '(body)', 'token']);

const bus = mockClient(EventBridgeClient);
let table: Awaited<ReturnType<typeof freshTable>>;
let repo: TicketRepository;
type Result = { statusCode: number; headers?: Record<string, string>; body: string };
let handler: (event: unknown, context: unknown) => Promise<Result>;
/** The page its links open (GET, which records nothing). */
let showPage: typeof handler;
/** Resolved tickets and the seq of their resolution. */
const pool: Array<{ ticket: Ticket; resolution: number }> = [];

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
  ({ handler } = (await import('../../functions/confirm-resolution/handler')) as unknown as {
    handler: typeof handler;
  });
  ({ handler: showPage } = (await import('../../functions/show-resolution-question/handler')) as unknown as {
    handler: typeof handler;
  });
  repo = new TicketRepository(table.db, table.tableName);
  for (let i = 0; i < POOL; i++) pool.push(await aResolvedTicket(i));
});
afterAll(async () => {
  await table.drop();
});
beforeEach(() => {
  bus.reset();
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

async function aResolvedTicket(i: number): Promise<{ ticket: Ticket; resolution: number }> {
  const now = new Date();
  const opened = openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      subject: `Export fails ${i}`,
      body: 'never finishes',
      requester: { email: 'dana@bigcorp.example', name: 'Dana' },
      requestType: 'general_question',
      fields: {},
      tags: [],
    },
    {
      config: workflowConfig,
      now,
      reference: `FD-${500 + i}`,
      newId: () => newId(now),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!opened.ok) throw opened.error;
  await repo.create({ ...opened, dedupe: { channel: 'test', key: opened.ticket.id, expiresAt: 1 } });
  let ticket = opened.ticket;
  for (const to of ['in_progress', 'resolved'] as const) {
    const r = transition(ticket, to, {
      actor: { kind: 'agent', id: 'agent@example.com' },
      at: now,
      nextSeq: ticket.auditSeq + 1,
      newId: () => newId(now),
    });
    if (!r.ok) throw r.error;
    await repo.append({ ticket: r.ticket, expectedVersion: ticket.version, audit: [r.audit] });
    ticket = r.ticket;
  }
  return { ticket, resolution: ticket.auditSeq };
}

// ---- the path segment ----

const slot = fc.nat({ max: POOL - 1 });
const base64urlish = fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/);
/** What can arrive as `{token}`: the real thing, an older or unknown resolution, other keys, purposes and bodies, junk. */
const token: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: slot.map((i) =>
      signResolutionLink(SECRET, {
        ticketId: pool[i]?.ticket.id ?? '',
        resolution: pool[i]?.resolution ?? 0,
        expiresAt: 2e9,
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(slot, fc.integer({ min: -3, max: 40 }))
      .map(([i, r]) =>
        signResolutionLink(SECRET, { ticketId: pool[i]?.ticket.id ?? '', resolution: r, expiresAt: 2e9 }),
      ),
  },
  {
    weight: 1,
    arbitrary: slot.map((i) =>
      signResolutionLink(SECRET, { ticketId: pool[i]?.ticket.id ?? '', resolution: 4, expiresAt: 1 }),
    ),
  },
  {
    weight: 1,
    arbitrary: slot.map((i) =>
      signResolutionLink('not-the-secret', {
        ticketId: pool[i]?.ticket.id ?? '',
        resolution: pool[i]?.resolution ?? 0,
        expiresAt: 2e9,
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: slot.map((i) =>
      signCsatLink(SECRET, { ticketId: pool[i]?.ticket.id ?? '', resolution: 4, expiresAt: 2e9 }),
    ),
  },
  {
    // Signed with the right key and purpose, but carrying anything at all.
    weight: 2,
    arbitrary: fc
      .record({
        t: fc.oneof(nastyText, wrongType, fc.constant(newId(new Date(0)))),
        r: fc.oneof(fc.integer(), wrongType),
        e: fc.oneof(fc.constant(2e9), fc.double()),
      })
      .map((body) => signToken(SECRET, body, 'frontdoor.resolution.v1')),
  },
  { weight: 2, arbitrary: nastyText.filter((s) => s !== '') },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(base64urlish, nastyText), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join('.'))
      .filter((s) => s !== ''),
  },
  { weight: 1, arbitrary: fc.array(tricky, { minLength: 1, maxLength: 3000 }).map((cs) => cs.join('')) },
);

// ---- the body ----

const answerValue = orWrong(
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('solved', 'not_solved', ' solved ', 'SOLVED') },
    { weight: 1, arbitrary: nastyText },
  ),
  12,
);
const commentValue = orWrong(textUpTo(RESOLUTION_COMMENT_MAX_LENGTH), 12);
const jsonBody: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ answer: answerValue, comment: commentValue }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: wrongType },
);
/** As the page's form posts it: every value text; a field may repeat or be missing. */
const formBody = fc.array(
  fc.tuple(
    fc.constantFrom('answer', 'comment', 'answer', 'other'),
    fc.oneof(fc.constantFrom('solved', 'not_solved'), textUpTo(RESOLUTION_COMMENT_MAX_LENGTH)),
  ),
  { maxLength: 4 },
);
/** Not JSON at all, sent as JSON. */
const rawText = fc.oneof(nastyText, fc.constantFrom('', '{', '{"answer":', 'null', '[]', '"solved"'));

const post: fc.Arbitrary<Post> = fc.oneof(
  { weight: 6, arbitrary: jsonBody.map((body) => ({ kind: 'json' as const, body })) },
  { weight: 1, arbitrary: rawText.map((text) => ({ kind: 'raw' as const, text })) },
  { weight: 3, arbitrary: formBody.map((fields) => ({ kind: 'form' as const, fields })) },
);

/** The contract every answer keeps; answers the status. */
function check(res: Result): number {
  expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(500);
  if (res.headers?.['content-type']?.startsWith('text/html')) {
    expect(res.body).toContain('<main class="page">');
    if (res.statusCode === 400) expect(res.body).toMatch(/There is a problem|This link is incomplete/);
    return res.statusCode;
  }
  const body = JSON.parse(res.body) as {
    error?: unknown;
    message?: unknown;
    state?: unknown;
    issues?: Array<{ path?: unknown; message?: unknown }>;
  };
  if (res.statusCode < 400) return res.statusCode;
  expect(typeof body.error === 'string' && body.error.length > 0).toBe(true);
  expect(typeof body.message === 'string' && body.message.length > 0).toBe(true);
  const namesFields =
    Array.isArray(body.issues) &&
    body.issues.length > 0 &&
    body.issues.every(
      (i) =>
        typeof i.path === 'string' && FIELDS.has(i.path) && typeof i.message === 'string' && i.message !== '',
    );
  const namesState = TicketState.safeParse(body.state).success;
  if (res.statusCode === 400) expect(namesFields, res.body).toBe(true);
  else if (res.statusCode === 404) expect(body.error).toBe('not_found');
  else expect(namesFields || namesState, res.body).toBe(true);
  return res.statusCode;
}

describe('the resolution link with generated tokens and bodies, against DynamoDB Local', () => {
  it('POST /v1/resolution/{token} answers 200 or a 4xx naming the field, token or state, never a 5xx', {
    timeout: 300_000,
  }, async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(token, post, async (t, p) => {
        seen.add(check(await handler(tokenPost('resolution', t, p), lambdaContext)));
      }),
      { numRuns: RUNS.post },
    );
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
    expect(seen.count(403)).toBeGreaterThan(0);
    expect(seen.count(409)).toBeGreaterThan(0);
    expect(seen.count(410)).toBeGreaterThan(0);

    // Whatever arrived: one answer at most per resolution, the state it asked for, and every ticket reads back.
    for (const { ticket } of pool) {
      const history = await repo.history(ticket.id);
      const answered = history?.audit.filter((a) => a.action === 'resolution.answered') ?? [];
      expect(answered.length).toBeLessThanOrEqual(1);
      const expected =
        answered[0]?.after?.answer === 'solved'
          ? 'closed'
          : answered[0]?.after?.answer === 'not_solved'
            ? 'in_progress'
            : 'resolved';
      expect(history?.ticket.state).toBe(expected);
    }
  });

  it('GET /resolution/{token}?answer= answers a page, never a 5xx, and changes nothing', {
    timeout: 300_000,
  }, async () => {
    const before = await Promise.all(pool.map(async (p) => (await repo.get(p.ticket.id))?.version));
    await fc.assert(
      fc.asyncProperty(token, fc.option(nastyText), async (t, answer) => {
        const res = await showPage(
          {
            ...httpEvent({
              method: 'GET',
              path: `/resolution/${encodeURIComponent(wellFormed(t))}`,
              routeKey: 'GET /resolution/{token}',
              pathParameters: { token: t },
            }),
            ...(answer !== null ? { queryStringParameters: { answer } } : {}),
          },
          lambdaContext,
        );
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers?.['content-type']).toContain('text/html');
      }),
      { numRuns: RUNS.page },
    );
    const after = await Promise.all(pool.map(async (p) => (await repo.get(p.ticket.id))?.version));
    expect(after).toEqual(before);
  });
});
