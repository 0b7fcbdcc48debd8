import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket, type TicketState, transition } from '../../shared/domain';
import { signCsatLink } from '../../shared/http/csat-link';
import { signResolutionLink } from '../../shared/http/resolution-link';
import { signToken } from '../../shared/http/signed-link';
import { freshTable, outboxEvents } from '../support/dynamodb';
import { storedIncident } from '../support/incidents';
import { httpEvent, lambdaContext } from './events';

// The "is it solved?" links' handlers with real DynamoDB Local, the bus mocked: what they do over HTTP —
// the page (show-resolution-question, which records nothing), the JSON and the HTML-form answers
// (confirm-resolution), and every refusal.

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
  ({ handler } = (await import('../../functions/confirm-resolution/handler')) as unknown as {
    handler: typeof handler;
  });
  ({ handler: showPage } = (await import('../../functions/show-resolution-question/handler')) as unknown as {
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
/** A stored ticket moved through `states`; answers it and the answer link of its latest resolution. */
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
      reference: `FD-${7000 + ++n}`,
      newId: () => newId(now),
      actor: { kind: 'integration', id: 'test' },
    },
  );
  if (!opened.ok) throw opened.error;
  await repo.create({ ...opened, dedupe: { channel: 'test', key: opened.ticket.id, expiresAt: 1 } });
  let ticket = opened.ticket;
  let resolution = 4;
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
  const token = signResolutionLink(SECRET, {
    ticketId: ticket.id,
    resolution,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  });
  return { ticket, token };
}

const page = (token: string, answer?: string) =>
  showPage(
    {
      ...httpEvent({
        method: 'GET',
        path: `/resolution/${token}`,
        routeKey: 'GET /resolution/{token}',
        pathParameters: { token },
      }),
      ...(answer !== undefined
        ? { queryStringParameters: { answer }, rawQueryString: `answer=${answer}` }
        : {}),
    },
    lambdaContext,
  );
const postJson = async (token: string, body: unknown) => {
  const res = await handler(
    httpEvent({
      method: 'POST',
      path: `/v1/resolution/${token}`,
      routeKey: 'POST /v1/resolution/{token}',
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
        path: `/v1/resolution/${token}`,
        routeKey: 'POST /v1/resolution/{token}',
        pathParameters: { token },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      body: Buffer.from(new URLSearchParams(fields).toString()).toString('base64'),
      isBase64Encoded: true,
    },
    lambdaContext,
  );
const answers = async (ticketId: string) =>
  (await repo.history(ticketId))?.audit.filter((a) => a.action === 'resolution.answered') ?? [];

describe('confirm-resolution', () => {
  it('renders the question with the linked answer preselected, accessibly, and records nothing on GET', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const res = await page(token, 'not_solved');
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-security-policy']).toContain("form-action 'self'");
    expect(res.headers?.['cache-control']).toBe('no-store');
    expect(res.body).toContain(`<form method="post" action="/v1/resolution/${token}"`);
    expect(res.body).toContain('<legend>Is the problem solved?</legend>');
    expect(res.body).toMatch(
      /id="answer-not-solved" name="answer" value="not_solved" required checked> <label for="answer-not-solved">/,
    );
    expect(res.body).toMatch(/id="answer-solved" name="answer" value="solved" required>/);
    expect(res.body).toContain('<textarea id="comment" name="comment"');
    expect(res.body).toContain('aria-describedby="comment-hint"');
    expect(res.body).toContain('Export &#60;fails&#62;');
    expect(res.body).not.toContain('<script');
    // Nothing written, nothing announced: a mail scanner fetching the link must not close the ticket.
    expect(await answers(ticket.id)).toEqual([]);
    expect((await repo.get(ticket.id))?.version).toBe(ticket.version);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
    // A junk answer in the link just preselects nothing.
    expect((await page(token, '<b>')).body).not.toContain(' checked');
  });

  it('closes on a JSON "solved" once: 200 recorded, then 200 already recorded with no new write', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const first = await postJson(token, { answer: 'solved' });
    expect(first).toEqual({
      status: 200,
      body: {
        reference: ticket.reference,
        answer: 'solved',
        recorded: true,
        state: 'closed',
        message: 'Glad to hear it. We have closed your request.',
      },
    });
    const events = (await outboxEvents(table)).filter(
      (e) => e.detail.ticketId === ticket.id && e.type !== 'ticket.created',
    );
    expect(events.map((e) => [e.type, e.detail.to])).toEqual([['ticket.state_changed', 'closed']]);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);

    const version = (await repo.get(ticket.id))?.version;
    const second = await postJson(token, { answer: 'solved' });
    expect(second).toMatchObject({
      status: 200,
      body: {
        recorded: false,
        state: 'closed',
        message: 'We already have your answer for this request: it is solved.',
      },
    });
    expect(await answers(ticket.id)).toHaveLength(1);
    expect((await repo.get(ticket.id))?.version).toBe(version);
    // The page now says so, instead of asking again.
    expect((await page(token, 'solved')).body).toContain(
      'We already have your answer for this request: it is solved.',
    );
    // The other answer after it: 409 naming the state.
    expect(await postJson(token, { answer: 'not_solved' })).toMatchObject({
      status: 409,
      body: { error: 'already_answered', state: 'closed' },
    });
  });

  it('reopens on the HTML form post "not solved", keeping the comment, and answers with a page', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    const res = await postForm(token, { answer: 'not_solved', comment: 'Still <broken>' });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toContain('text/html');
    expect(res.body).toContain(`Thank you — ${ticket.reference}`);
    expect(res.body).toContain('We have reopened your request');
    const history = await repo.history(ticket.id);
    expect(history?.ticket.state).toBe('in_progress');
    expect(history?.messages.at(-1)).toMatchObject({ direction: 'inbound', body: 'Still <broken>' });

    const bad = await postForm(token, { answer: '', comment: 'no answer' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain(
      '<a href="#answer-solved">Answer: must be &#34;solved&#34; or &#34;not_solved&#34;</a>',
    );
    expect(bad.body).toContain('>no answer</textarea>');
  });

  it('answers 400 naming the field for an invalid answer, comment or body, writing nothing', async () => {
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    expect(await postJson(token, { answer: 'yes' })).toMatchObject({
      status: 400,
      body: {
        error: 'validation_failed',
        issues: [{ path: 'answer', message: 'must be "solved" or "not_solved"' }],
      },
    });
    expect((await postJson(token, { answer: 'not_solved', comment: 'x'.repeat(5001) })).body).toMatchObject({
      issues: [{ path: 'comment' }],
    });
    expect(await postJson(token, ['solved'])).toMatchObject({
      status: 400,
      body: { issues: [{ path: '(body)' }] },
    });
    expect(await postJson(token, null)).toMatchObject({
      status: 400,
      body: { issues: [{ path: '(body)' }] },
    });
    const notJson = await handler(
      httpEvent({
        method: 'POST',
        path: `/v1/resolution/${token}`,
        routeKey: 'POST /v1/resolution/{token}',
        pathParameters: { token },
        body: '{"answer":',
      }),
      lambdaContext,
    );
    expect(notJson.statusCode).toBe(400);
    expect(await answers(ticket.id)).toEqual([]);
    expect((await repo.get(ticket.id))?.state).toBe('resolved');
  });

  it('answers 403 for a forged token (and a survey token), 410 for an expired one, 400 for a malformed one', async () => {
    const { ticket } = await aTicket('in_progress', 'resolved');
    const forged = signResolutionLink('not-the-secret', {
      ticketId: ticket.id,
      resolution: 4,
      expiresAt: 2e9,
    });
    expect(await postJson(forged, { answer: 'solved' })).toMatchObject({
      status: 403,
      body: { error: 'link_forged', issues: [{ path: 'token' }] },
    });
    expect((await page(forged, 'solved')).statusCode).toBe(403);
    // Same secret, other purpose: a survey link cannot close a ticket.
    const survey = signCsatLink(SECRET, { ticketId: ticket.id, resolution: 4, expiresAt: 2e9 });
    expect((await postJson(survey, { answer: 'solved' })).status).toBe(403);

    const expired = signResolutionLink(SECRET, { ticketId: ticket.id, resolution: 4, expiresAt: 1 });
    expect(await postJson(expired, { answer: 'solved' })).toMatchObject({
      status: 410,
      body: { error: 'link_expired', issues: [{ path: 'token' }] },
    });
    expect((await page(expired)).statusCode).toBe(410);

    // Signed with the right key but not naming a ticket: never reaches the table.
    const junk = signToken(SECRET, { t: '../x', r: 4, e: 2e9 }, 'frontdoor.resolution.v1');
    expect(await postJson(junk, { answer: 'solved' })).toMatchObject({
      status: 400,
      body: { error: 'link_malformed' },
    });
    expect((await postJson('no-dot-here', { answer: 'solved' })).status).toBe(400);
    expect(await answers(ticket.id)).toEqual([]);
    expect((await repo.get(ticket.id))?.state).toBe('resolved');
  });

  it('answers 409 naming the state for a ticket that is no longer resolved, 410 for an older resolution, 404 for no ticket', async () => {
    const open = await aTicket('in_progress', 'resolved', 'in_progress');
    const refused = await postJson(open.token, { answer: 'solved' });
    expect(refused).toMatchObject({ status: 409, body: { error: 'not_resolved', state: 'in_progress' } });
    expect(refused.body.message).toContain('is in progress, not resolved');
    expect((await page(open.token)).statusCode).toBe(409);

    const again = await aTicket('in_progress', 'resolved', 'in_progress', 'resolved');
    const old = signResolutionLink(SECRET, { ticketId: again.ticket.id, resolution: 4, expiresAt: 2e9 });
    const superseded = await postJson(old, { answer: 'not_solved' });
    expect(superseded).toMatchObject({
      status: 410,
      body: { error: 'resolution_superseded', state: 'resolved' },
    });
    expect(superseded.body.message).toContain('resolved again since this link was sent');
    expect((await postForm(old, { answer: 'solved' })).statusCode).toBe(410);
    expect((await repo.get(again.ticket.id))?.state).toBe('resolved');

    const missing = signResolutionLink(SECRET, {
      ticketId: newId(new Date()),
      resolution: 4,
      expiresAt: 2e9,
    });
    expect(await postJson(missing, { answer: 'solved' })).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect((await page(missing)).statusCode).toBe(404);
  });
  it('answers "solved" on an incident with an open linked ticket 409 naming it (JSON) or with the refusal page (form), writing nothing', async () => {
    const { ticket: linked } = await aTicket();
    const { ticket, token } = await aTicket('in_progress', 'resolved');
    await storedIncident(repo, ticket.id, [linked.id], new Date());
    const version = (await repo.get(ticket.id))?.version;

    const refused = await postJson(token, { answer: 'solved' });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: 'incident_refused', rule: 'incident-links-resolved', references: [linked.reference] },
    });
    const page = await postForm(token, { answer: 'solved' });
    expect(page.statusCode).toBe(409);
    expect(page.headers?.['content-type']).toContain('text/html');
    expect(page.body).toContain('Question closed');
    expect(page.body).toContain('it closes once its linked tickets are resolved');
    expect(page.body).not.toContain(linked.reference);
    expect(await answers(ticket.id)).toEqual([]);
    expect((await repo.get(ticket.id))?.version).toBe(version);
  });
});
