import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLink } from '../../shared/http/signed-link';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

describe('hosted forms and the needs-info link (local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-forms-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the request types and serves each one as JSON Schema and as an HTML page', async () => {
    const { forms } = (await (await fetch(`${runtime.url}/v1/forms`)).json()) as {
      forms: Array<{ requestType: string }>;
    };
    expect(forms.map((f) => f.requestType)).toEqual(
      expect.arrayContaining([
        'billing_dispute',
        'bug_report',
        'access_request',
        'account_change',
        'cancellation',
        'general_question',
      ]),
    );
    const schema = (await (await fetch(`${runtime.url}/v1/forms/billing_dispute`)).json()) as {
      properties: { fields: { required: string[] } };
    };
    expect(schema.properties.fields.required).toEqual(['invoiceId', 'customerId']);
    const page = await fetch(`${runtime.url}/forms/billing_dispute`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'nonce-");
    expect(await page.text()).toContain('Invoice ID');
    expect((await fetch(`${runtime.url}/v1/forms/nope`)).status).toBe(404);
  });

  it('refuses a submission missing required context with a 400 naming each field, and writes nothing', async () => {
    const res = await post('/v1/forms/billing_dispute', {
      requester: { email: 'form@customer.example' },
      subject: 'Double charge',
      description: 'Charged twice',
      fields: { amount: '10 EUR' },
    });
    expect(res.status).toBe(400);
    expect((res.body.issues as Array<{ path: string }>).map((i) => i.path).sort()).toEqual([
      'fields.customerId',
      'fields.invoiceId',
    ]);
  });

  it('creates a ticket with 201, and answers a repeated submission id with the same ticket', async () => {
    const submission = {
      submissionId: randomUUID(),
      requester: { email: 'form@customer.example', name: 'Form User' },
      subject: 'Double charge',
      description: 'Charged twice',
      fields: { invoiceId: 'INV-1', customerId: 'C-1' },
    };
    const first = await post('/v1/forms/billing_dispute', submission);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      ticketId: expect.any(String),
      reference: expect.stringMatching(/^FD-\d+$/),
    });
    const again = await post('/v1/forms/billing_dispute', submission);
    expect(again).toEqual({ status: 200, body: first.body });
  });

  it('moves a needs_info ticket on when the signed link is answered, and refuses forged or expired links', async () => {
    const created = await postWebhook(runtime.url, 'demo', {
      id: `link-${randomUUID()}`,
      subject: 'Invoice question',
      body: 'About my invoice',
      requester: { email: 'link@customer.example' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-5' },
    });
    await drain(runtime.url);
    const mail = (await outbox(runtime.url)).find((m) => m.to.includes('link@customer.example'));
    const token = /\/forms\/context\/([\w.-]+)/.exec(mail?.text ?? '')?.[1];
    expect(token).toBeDefined();

    const page = await fetch(`${runtime.url}/forms/context/${token}`);
    const html = await page.text();
    expect(html).toContain('Customer ID');
    expect(html).not.toContain('Invoice ID');

    const missing = await post(`/v1/context/${token}`, { fields: {} });
    expect(missing.status).toBe(400);
    const answered = await post(`/v1/context/${token}`, { fields: { customerId: 'C-42' } });
    expect(answered).toEqual({
      status: 200,
      body: {
        ticketId: created.body.ticketId,
        reference: created.body.reference,
        state: 'in_progress',
        missingFields: [],
      },
    });
    const twice = await post(`/v1/context/${token}`, { fields: { customerId: 'C-42' } });
    expect(twice.body.state).toBe('in_progress');

    const forged = signLink('not-the-secret', {
      ticketId: String(created.body.ticketId),
      fields: ['customerId'],
      expiresAt: 2e9,
    });
    expect((await post(`/v1/context/${forged}`, { fields: { customerId: 'x' } })).status).toBe(403);
    const expired = signLink('local-link-secret', {
      ticketId: String(created.body.ticketId),
      fields: ['customerId'],
      expiresAt: 1,
    });
    expect((await post(`/v1/context/${expired}`, { fields: { customerId: 'x' } })).status).toBe(410);
    expect((await fetch(`${runtime.url}/forms/context/${expired}`)).status).toBe(410);
  });
});
