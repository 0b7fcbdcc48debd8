import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ticketItem } from '../../shared/adapters/ticket-repository';
import { signWebhook } from '../../shared/http/webhook-signature';
import { aTicket } from '../domain/builders';
import { httpEvent, lambdaContext } from './events';

const SECRET = 'test-secret';
vi.stubEnv('TABLE_NAME', 'frontdoor-test');
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('FRONTDOOR_WEBHOOK_SECRET_DEMO', SECRET);
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const db = mockClient(DynamoDBDocumentClient);
const bus = mockClient(EventBridgeClient);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let handler: Handler;
beforeAll(async () => {
  ({ handler } = (await import('../../functions/receive-webhook/handler')) as unknown as {
    handler: Handler;
  });
});

const payload = {
  id: 'evt-1',
  subject: 'Question about invoice INV-1',
  body: 'charged twice',
  requester: { email: 'Dana@BigCorp.example' },
  account: { id: 'acct-1', tier: 'enterprise' },
  requestType: 'billing_dispute',
  fields: { invoiceId: 'INV-1' },
};

function delivery(opts: { source?: string; body?: string; secret?: string; timestamp?: number } = {}) {
  const body = opts.body ?? JSON.stringify(payload);
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const source = opts.source ?? 'demo';
  return httpEvent({
    method: 'POST',
    path: `/v1/webhooks/${source}`,
    routeKey: 'POST /v1/webhooks/{source}',
    pathParameters: { source },
    headers: {
      'X-Frontdoor-Timestamp': String(ts),
      'X-Frontdoor-Signature': signWebhook(opts.secret ?? SECRET, ts, body),
    },
    body,
  });
}

const invoke = async (event: unknown) => {
  const res = await handler(event, lambdaContext);
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
};

describe('receive-webhook handler', () => {
  beforeEach(() => {
    db.reset();
    bus.reset();
    db.on(GetCommand).resolves({});
    db.on(UpdateCommand).resolves({ Attributes: { value: 42 } });
    db.on(TransactWriteCommand).resolves({});
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  });

  it('creates a needs_info ticket with its ticket.created in the outbox, in one transaction, and calls no bus', async () => {
    const res = await invoke(delivery());
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ reference: 'FD-42', duplicate: false });

    const [tx] = db.commandCalls(TransactWriteCommand);
    const items = tx?.args[0].input.TransactItems ?? [];
    const ticket = items[0]?.Put?.Item;
    expect(ticket).toMatchObject({
      sk: 'META',
      state: 'needs_info',
      missingFields: ['customerId'],
      priority: 'high',
      queue: 'billing',
      requester: { email: 'dana@bigcorp.example' },
    });
    expect(items.at(-1)?.Put?.Item).toMatchObject({ pk: 'DEDUPE#webhook#demo#evt-1' });

    const outbox = items.map((i) => i.Put?.Item).filter((i) => i?.entity === 'outbox');
    expect(outbox).toEqual([
      expect.objectContaining({
        pk: `TICKET#${res.body.ticketId}`,
        type: 'ticket.created',
        eventId: `${res.body.ticketId}:1:0`,
      }),
    ]);
    expect(JSON.parse(String(outbox[0]?.detail))).toMatchObject({
      ticketId: res.body.ticketId,
      version: 1,
      eventId: `${res.body.ticketId}:1:0`,
    });
    // The table stream publishes it (publish-events); the request itself never waits on the bus.
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers a known (source, id) with the existing ticket and writes nothing', async () => {
    const existing = aTicket({ reference: 'FD-7', version: 3 });
    db.on(GetCommand, { Key: { pk: 'DEDUPE#webhook#demo#evt-1', sk: 'DEDUPE' } }).resolves({
      Item: { ticketId: existing.id, reference: 'FD-7' },
    });
    db.on(GetCommand, { Key: { pk: `TICKET#${existing.id}`, sk: 'META' } }).resolves({
      Item: ticketItem(existing),
    });
    const res = await invoke(delivery());
    expect(res).toEqual({ status: 200, body: { ticketId: existing.id, reference: 'FD-7', duplicate: true } });
    expect(db.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it.each([
    ['an unknown source', delivery({ source: 'nope' }), 404],
    [
      'a body over 256 KiB',
      delivery({ body: JSON.stringify({ ...payload, body: 'x'.repeat(256 * 1024) }) }),
      413,
    ],
    ['a signature made with another secret', delivery({ secret: 'wrong' }), 401],
    ['a timestamp 301 s old', delivery({ timestamp: Math.floor(Date.now() / 1000) - 301 }), 401],
    ['a body that is not JSON', delivery({ body: '{"id":' }), 400],
    ['a requester without an email', delivery({ body: JSON.stringify({ ...payload, requester: {} }) }), 400],
    [
      'an unknown request type',
      delivery({ body: JSON.stringify({ ...payload, requestType: 'nonsense' }) }),
      400,
    ],
  ])('refuses %s, touching no storage', async (_, event, status) => {
    const res = await invoke(event);
    expect(res.status).toBe(status);
    expect(res.body.error).toEqual(expect.any(String));
    expect(db.calls()).toHaveLength(0);
    expect(bus.calls()).toHaveLength(0);
  });

  it('names every invalid field in a 400', async () => {
    const res = await invoke(
      delivery({ body: JSON.stringify({ ...payload, subject: '', requester: { email: 'x' } }) }),
    );
    expect(res.status).toBe(400);
    expect((res.body.issues as Array<{ path: string }>).map((i) => i.path).sort()).toEqual([
      'requester.email',
      'subject',
    ]);
  });

  it('answers 500 without details when storage fails, and publishes nothing', async () => {
    db.on(TransactWriteCommand).rejects(new Error('boom'));
    const res = await invoke(delivery());
    expect(res).toEqual({ status: 500, body: { error: 'internal_error', message: expect.any(String) } });
    expect(bus.calls()).toHaveLength(0);
  });
});
