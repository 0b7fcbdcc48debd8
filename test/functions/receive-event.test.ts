import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signWebhook } from '../../shared/http/webhook-signature';
import { httpEvent, lambdaContext } from './events';

const SECRET = 'billing-secret';
vi.stubEnv('EVENT_BUS_NAME', 'frontdoor-test-bus');
vi.stubEnv('FRONTDOOR_WEBHOOK_SECRET_BILLING', SECRET);
vi.stubEnv('FRONTDOOR_WEBHOOK_SECRET_DEMO', 'demo-secret');
vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

const bus = mockClient(EventBridgeClient);

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
let handler: Handler;
beforeAll(async () => {
  ({ handler } = (await import('../../functions/receive-event/handler')) as unknown as { handler: Handler });
});

const cancelled = {
  type: 'billing.subscription_cancelled',
  id: 'billing-evt-1',
  detail: {
    accountId: 'acct-smallshop',
    subscriptionId: 'sub-1',
    cancelledAt: '2026-01-05T09:00:00Z',
    contact: { email: 'Owner@SmallShop.example' },
  },
};

function delivery(payload: unknown, opts: { source?: string; secret?: string; body?: string } = {}) {
  const body = opts.body ?? JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  const source = opts.source ?? 'billing';
  return httpEvent({
    method: 'POST',
    path: `/v1/events/${source}`,
    routeKey: 'POST /v1/events/{source}',
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

describe('receive-event handler', () => {
  beforeEach(() => {
    bus.reset();
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  });

  it('puts a signed, valid event on the bus as its system would (source billing, detail-type = type)', async () => {
    const res = await invoke(delivery(cancelled));
    expect(res).toEqual({
      status: 202,
      body: { accepted: true, type: 'billing.subscription_cancelled', id: 'billing-evt-1' },
    });
    const entries = bus.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries;
    expect(entries).toHaveLength(1);
    expect(entries?.[0]).toMatchObject({
      EventBusName: 'frontdoor-test-bus',
      Source: 'billing',
      DetailType: 'billing.subscription_cancelled',
    });
    // The detail as the catalog normalises it (the address lower-cased).
    expect(JSON.parse(entries?.[0]?.Detail ?? '{}')).toEqual({
      ...cancelled.detail,
      contact: { email: 'owner@smallshop.example' },
    });
  });

  it('answers 400 naming each invalid detail field, and puts nothing on the bus', async () => {
    const res = await invoke(
      delivery({
        type: cancelled.type,
        detail: { ...cancelled.detail, cancelledAt: 'yesterday', contact: {} },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'validation_failed' });
    expect((res.body.issues as Array<{ path: string }>).map((i) => i.path)).toEqual([
      'detail.cancelledAt',
      'detail.contact.email',
    ]);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 400 naming an unknown type or a body without one', async () => {
    const unknown = await invoke(delivery({ type: 'billing.refunded', detail: {} }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([
      { path: 'type', message: expect.stringContaining('unknown event type "billing.refunded"; known:') },
    ]);
    const untyped = await invoke(delivery({ detail: {} }));
    expect(untyped.status).toBe(400);
    expect((untyped.body.issues as Array<{ path: string }>).map((i) => i.path)).toEqual(['type']);
    const notJson = await invoke(delivery(null, { body: '{"type":' }));
    expect(notJson.status).toBe(400);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 403 naming the config when the source may not emit that type', async () => {
    const incident = await invoke(delivery({ type: 'product.incident_opened', detail: {} }));
    expect(incident).toEqual({
      status: 403,
      body: {
        error: 'forbidden',
        message:
          'source "billing" may not emit product.incident_opened: webhookSources.billing.emits lists billing.subscription_cancelled, billing.payment_failed',
      },
    });
    const demo = await invoke(delivery(cancelled, { source: 'demo', secret: 'demo-secret' }));
    expect(demo.status).toBe(403);
    expect(String(demo.body.message)).toContain('webhookSources.demo.emits lists (nothing)');
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 401 for a bad signature and 404 for an unknown source, before reading the body', async () => {
    expect((await invoke(delivery(cancelled, { secret: 'wrong' }))).status).toBe(401);
    expect((await invoke(delivery(cancelled, { source: 'crm' }))).status).toBe(404);
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 500 (so the sender retries) when the bus refuses the event', async () => {
    bus.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const res = await invoke(delivery(cancelled));
    expect(res.status).toBe(500);
  });
});
