import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket, type TicketState, transition } from '../../shared/domain';
import { signCsatLink } from '../../shared/http/csat-link';
import { signLink } from '../../shared/http/signed-link';
import { freshTable, outboxEvents } from '../support/dynamodb';
import { httpEvent, lambdaContext } from './events';

// The survey link's handlers with real DynamoDB Local, the bus mocked: what a survey link does over HTTP —
// the page (show-csat-survey, which records nothing), the JSON and the HTML-form answers (submit-csat),
// and every refusal.

const SECRET = 'test-link-secret';
const bus = mockClient(EventBridgeClient);
let table: Awaited<ReturnType<typeof freshTable>>;
let repo: TicketRepository;
type Result = { statusCode: number; headers?: Record<string, string>; body: string };
let handler: (event: unknown, context: unknown) => Promise<Result>;
/** The page its links open (GET, which records nothing). */
let showPage: typeof handler;

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
  ({ handler } = (await import('../../functions/submit-csat/handler')) as unknown as {
    handler: typeof handler;
  });
  ({ handler: showPage } = (await import('../../functions/show-csat-survey/handler')) as unknown as {
    handler: typeof handler;
  });
  repo = new TicketRepository(table.db, table.tableName);
});
afterAll(async () => {
  await table.drop();
});
beforeEach(() => {
  bus.reset();
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

let n = 0;
/** A stored ticket moved through `states`; answers it and the survey link of its latest resolution. */
async function aTicket(...states: TicketState[]): Promise<{ ticket: Ticket; token: string }> {
  const now = new Date();
  const opened = openTicket(
    {
      channel: 'webhook',
      source: 'demo',
      subject: 'Export <fails>',
      body: 'never finishes',
      requester: { email: 'dana@bigcorp.example' },
      requestType: 'general_question',
      fields: {},
      tags: [],
    },
    {
      config: workflowConfig,
      now,
      reference: `FD-${9000 + ++n}`,
      newId: () => newId(now),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!opened.ok) throw opened.error;
  await repo.create({ ...opened, dedupe: { channel: 'test', key: opened.ticket.id, expiresAt: 1 } });
  let ticket = opened.ticket;
  let resolution = 0;
  for (const to of states) {
    const r = transition(ticket, to, {
      actor: { kind: 'agent', id: 'agent@example.com' },
      at: now,
      nextSeq: ticket.auditSeq + 1,
      newId: () => newId(now),
    });
    if (!r.ok) throw r.error;
    await repo.append({ ticket: r.ticket, expectedVersion: ticket.version, audit: [r.audit] });
    ticket = r.ticket;
    if (to === 'resolved') resolution = r.audit.seq;
  }
  const token = signCsatLink(SECRET, {
    ticketId: ticket.id,
    resolution,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  return { ticket, token };
}

const page = (token: string, score?: string) =>
  showPage(
    {
      ...httpEvent({
        method: 'GET',
        path: `/csat/${token}`,
        routeKey: 'GET /csat/{token}',
        pathParameters: { token },
      }),
      ...(score !== undefined ? { queryStringParameters: { score }, rawQueryString: `score=${score}` } : {}),
    },
    lambdaContext,
  );
const postJson = async (token: string, body: unknown) => {
  const res = await handler(
    httpEvent({
      method: 'POST',
      path: `/v1/csat/${token}`,
      routeKey: 'POST /v1/csat/{token}',
      pathParameters: { token },
      body: JSON.stringify(body),
    }),
    lambdaContext,
  );
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
};
/** As a browser posts the page's form: urlencoded, and (in API Gateway) base64-encoded. */
const postForm = (token: string, fields: Record<string, string>) =>
  handler(
    {
      ...httpEvent({
        method: 'POST',
        path: `/v1/csat/${token}`,
        routeKey: 'POST /v1/csat/{token}',
        pathParameters: { token },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      body: Buffer.from(new URLSearchParams(fields).toString()).toString('base64'),
      isBase64Encoded: true,
    },
    lambdaContext,
  );
const csatAudit = async (ticketId: string) =>
  (await repo.history(ticketId))?.audit.filter((a) => a.action === 'csat.submitted') ?? [];

describe('submit-csat', () => {
  it('renders the survey page with the linked score preselected, and records nothing on GET', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const res = await page(token, '4');
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toContain("form-action 'self'");
    expect(res.headers?.['cache-control']).toBe('no-store');
    expect(res.body).toContain(`<form method="post" action="/v1/csat/${token}"`);
    expect(res.body).toMatch(/id="score-4" name="score" value="4" required checked/);
    expect(res.body).not.toMatch(/value="5" required checked/);
    expect(res.body).toContain('<textarea id="comment" name="comment"');
    expect(res.body).toContain('Export &#60;fails&#62;');
    expect(res.body).not.toContain('<script');
    // Nothing written, nothing announced: a mail scanner fetching the link must not rate the ticket.
    expect(await csatAudit(ticket.id)).toEqual([]);
    expect((await repo.get(ticket.id))?.version).toBe(ticket.version);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
    // A junk score in the link just preselects nothing.
    expect((await page(token, '9')).body).not.toContain(' checked');
  });

  it('records a JSON answer once: 200 recorded true, then recorded false with the first score', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const first = await postJson(token, { score: 4, comment: 'Fast, thanks' });
    expect(first).toEqual({ status: 200, body: { reference: ticket.reference, score: 4, recorded: true } });
    // csat.submitted is committed with the answer (the outbox); publish-events puts it on the bus.
    const entries = (await outboxEvents(table)).filter(
      (e) => e.detail.ticketId === ticket.id && e.type === 'csat.submitted',
    );
    expect(entries).toHaveLength(1);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(entries[0]?.detail).toMatchObject({
      ticketId: ticket.id,
      reference: ticket.reference,
      score: 4,
      queue: ticket.queue,
      requestType: 'general_question',
    });
    const [audit] = await csatAudit(ticket.id);
    expect(audit).toMatchObject({
      actor: { kind: 'customer', id: 'dana@bigcorp.example' },
      after: { score: 4, comment: 'Fast, thanks' },
    });

    const version = (await repo.get(ticket.id))?.version;
    const second = await postJson(token, { score: 1 });
    expect(second).toEqual({ status: 200, body: { reference: ticket.reference, score: 4, recorded: false } });
    expect(await csatAudit(ticket.id)).toHaveLength(1);
    expect((await repo.get(ticket.id))?.version).toBe(version);
    expect(
      (await outboxEvents(table)).filter(
        (e) => e.detail.ticketId === ticket.id && e.type === 'csat.submitted',
      ),
    ).toHaveLength(1);
    // The page now says so, instead of asking again.
    expect((await page(token, '5')).body).toContain('We already have your rating for this request: 4 of 5.');
  });

  it('takes the HTML form post from the page and answers with a thank-you page', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const res = await postForm(token, { score: '5', comment: 'Lovely' });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toContain('text/html');
    expect(res.body).toContain(`Thank you — ${ticket.reference}`);
    expect(res.body).toContain('We have recorded your rating: 5 of 5.');
    expect((await csatAudit(ticket.id)).map((a) => a.after?.score)).toEqual([5]);

    const bad = await postForm(token, { score: '', comment: 'no score' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('<a href="#score-5">Rating: must be a whole number from 1 to 5</a>');
    expect(bad.body).toContain('>no score</textarea>');
  });

  it('answers 400 naming the field for an invalid score or comment, writing nothing', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const res = await postJson(token, { score: 7 });
    expect(res).toMatchObject({
      status: 400,
      body: {
        error: 'validation_failed',
        issues: [{ path: 'score', message: 'must be a whole number from 1 to 5' }],
      },
    });
    expect((await postJson(token, { score: 3, comment: 'x'.repeat(2001) })).body).toMatchObject({
      issues: [{ path: 'comment' }],
    });
    expect((await postJson(token, [4])).status).toBe(400);
    expect(await csatAudit(ticket.id)).toEqual([]);
  });

  it('answers 403 for a forged token (and for a needs-info token), 410 for an expired one, 422 when not resolved', async () => {
    const { ticket } = await aTicket('in_progress', 'resolved');
    const forged = signCsatLink('not-the-secret', { ticketId: ticket.id, resolution: 4, expiresAt: 2e9 });
    expect(await postJson(forged, { score: 5 })).toMatchObject({
      status: 403,
      body: { error: 'link_forged' },
    });
    expect((await page(forged, '5')).statusCode).toBe(403);
    // Same secret, other purpose: a needs-info link cannot rate a ticket.
    const needsInfo = signLink(SECRET, { ticketId: ticket.id, fields: ['x'], expiresAt: 2e9 });
    expect((await postJson(needsInfo, { score: 5 })).status).toBe(403);

    const expired = signCsatLink(SECRET, { ticketId: ticket.id, resolution: 4, expiresAt: 1 });
    expect(await postJson(expired, { score: 5 })).toMatchObject({
      status: 410,
      body: { error: 'link_expired' },
    });
    expect((await page(expired)).statusCode).toBe(410);

    const open = await aTicket('in_progress');
    const notResolved = signCsatLink(SECRET, { ticketId: open.ticket.id, resolution: 3, expiresAt: 2e9 });
    const refused = await postJson(notResolved, { score: 5 });
    expect(refused).toMatchObject({ status: 422, body: { error: 'not_resolved' } });
    expect(refused.body.message).toContain('is in progress, not resolved');
    expect((await page(notResolved)).statusCode).toBe(422);
    expect(await csatAudit(ticket.id)).toEqual([]);
    expect(await csatAudit(open.ticket.id)).toEqual([]);
  });
});
