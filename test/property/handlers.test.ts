/**
 * The Lambda handlers themselves, in process, with generated bodies: no 5xx, and every 400 is
 * `{error: "validation_failed", issues: [{path, message}]}`. The store is stubbed — each item a write
 * would send is marshalled as the document client does and checked for what DynamoDB refuses (empty
 * attribute names, 400 KB), a refusal surfacing as DynamoDB's error would — so these are not end-to-end
 * tests: duplicates, concurrency and reads of what was stored are for the fuzzing against `npm start`.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signWebhook } from '../../shared/http/webhook-signature';
import { httpEvent, lambdaContext } from '../functions/events';
import { eventDelivery, formSubmission, messageBody, patchBody, webhookBody } from './arbitraries';
import { baseTickets } from './doors';
import { expectContractAnswer, statuses, stubTicketStore } from './handler-harness';
import { HANDLER_RUNS } from './runs';

const SECRET = 'test-secret';
vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('FRONTDOOR_WEBHOOK_SECRET_DEMO', SECRET);
vi.stubEnv('FRONTDOOR_WEBHOOK_SECRET_BILLING', SECRET);
vi.stubEnv('FRONTDOOR_WEBHOOK_SECRET_PRODUCT', SECRET);
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const db = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
const handlers: Record<string, Handler> = {};
beforeAll(async () => {
  for (const name of ['receive-webhook', 'submit-form', 'receive-event', 'update-ticket', 'add-message']) {
    handlers[name] = ((await import(`../../functions/${name}/handler.ts`)) as { handler: Handler }).handler;
  }
});

const tickets = baseTickets();

beforeEach(() => {
  db.reset();
  bus.reset();
  stubTicketStore(db, tickets);
  bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
});

/** The answer, checked against the contract every door shares: never a 5xx; a 400 names its fields. */
async function answer(name: string, event: unknown): Promise<number> {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler ${name}`);
  const res = await handler(event, lambdaContext);
  const status = expectContractAnswer(res);
  const body = JSON.parse(res.body) as { issues?: Array<{ path: unknown }> };
  if (status === 422 && body.issues !== undefined)
    for (const issue of body.issues)
      expect(typeof issue.path === 'string' && issue.path.length > 0).toBe(true);
  return status;
}

function signed(route: 'webhooks' | 'events', source: string, payload: unknown) {
  const body = JSON.stringify(payload) ?? 'null';
  const ts = Math.floor(Date.now() / 1000);
  return httpEvent({
    method: 'POST',
    path: `/v1/${route}/${source}`,
    routeKey: `POST /v1/${route}/{source}`,
    pathParameters: { source },
    headers: { 'X-Frontdoor-Timestamp': String(ts), 'X-Frontdoor-Signature': signWebhook(SECRET, ts, body) },
    body,
  });
}

function agentWrite(routeKey: string, ticketId: string, version: number, payload: unknown) {
  return httpEvent({
    method: routeKey.split(' ')[0] ?? 'POST',
    path: routeKey.split(' ')[1]?.replace('{id}', ticketId) ?? '/',
    routeKey,
    pathParameters: { id: ticketId },
    headers: { 'If-Match': `"${version}"` },
    body: JSON.stringify(payload) ?? 'null',
    claims: { sub: 'lead-1', email: 'lead@example.com', 'cognito:groups': '[lead]' },
  });
}

describe('the handlers with generated bodies, store stubbed (no database: not end-to-end)', () => {
  it('POST /v1/webhooks/{source} answers 202 or a 4xx naming fields, never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(webhookBody, async (payload) => {
        seen.add(await answer('receive-webhook', signed('webhooks', 'demo', payload)));
      }),
      { numRuns: HANDLER_RUNS.webhook },
    );
    expect(seen.count(202)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/forms/{requestType} answers 201 or a 4xx naming fields, never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(formSubmission, async ({ requestType, body }) => {
        const event = httpEvent({
          method: 'POST',
          path: `/v1/forms/${requestType}`,
          routeKey: 'POST /v1/forms/{requestType}',
          pathParameters: { requestType },
          body: JSON.stringify(body) ?? 'null',
        });
        seen.add(await answer('submit-form', event));
      }),
      { numRuns: HANDLER_RUNS.form },
    );
    expect(seen.count(201)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/events/{source} answers 202, 403 or a 400 naming fields, never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('billing', 'product'), eventDelivery, async (source, payload) => {
        seen.add(await answer('receive-event', signed('events', source, payload)));
      }),
      { numRuns: HANDLER_RUNS.event },
    );
    expect(seen.count(202)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('PATCH /v1/tickets/{id} answers 200, 422 naming fields or a 400 naming fields, never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...tickets), patchBody, async (ticket, payload) => {
        const event = agentWrite('PATCH /v1/tickets/{id}', ticket.id, ticket.version, payload);
        seen.add(await answer('update-ticket', event));
      }),
      { numRuns: HANDLER_RUNS.patch },
    );
    expect(seen.count(200)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });

  it('POST /v1/tickets/{id}/messages answers 201 or a 400 naming fields, never a 5xx', async () => {
    const seen = statuses();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...tickets), messageBody, async (ticket, payload) => {
        const event = agentWrite('POST /v1/tickets/{id}/messages', ticket.id, ticket.version, payload);
        seen.add(await answer('add-message', event));
      }),
      { numRuns: HANDLER_RUNS.message },
    );
    expect(seen.count(201)).toBeGreaterThan(0);
    expect(seen.count(400)).toBeGreaterThan(0);
  });
});
