import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 8 against `npm start`: the table stream (DynamoDB Local's own) feeds project-metrics, and the
// flow metrics and KB-gap signal are read back through the API.

describe('flow metrics from the table stream in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const today = () => new Date().toISOString().slice(0, 10);
  const open = async (id: string, subject: string) => {
    const res = await postWebhook(runtime.url, 'demo', {
      id,
      subject,
      body: 'Please help',
      requester: { email: `${id}@customer.example` },
    });
    expect(res.status).toBe(202);
    return String(res.body.reference);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-metrics-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts created, first responses and resolutions per day and queue, and the backlog now', async () => {
    const ref = await open('m-1', 'Cannot export my data');
    await open('m-2', 'Where is the export button?');
    await drain(runtime.url);
    const t = (await as('lead@example.com', `/v1/tickets/${ref}`)).body.ticket as Ticket;
    await as('lead@example.com', `/v1/tickets/${ref}/messages`, {
      method: 'POST',
      ifMatch: t.version,
      body: { visibility: 'public', body: 'Settings → Export.' },
    });
    await drain(runtime.url);
    for (const to of ['in_progress', 'resolved']) {
      const v = ((await as('lead@example.com', `/v1/tickets/${ref}`)).body.ticket as Ticket).version;
      const moved = await as('lead@example.com', `/v1/tickets/${ref}/transition`, {
        method: 'POST',
        ifMatch: v,
        body: { to },
      });
      expect(moved.status).toBe(200);
      await drain(runtime.url);
    }
    const flow = await as('lead@example.com', `/v1/metrics/flow?from=${today()}&to=${today()}`);
    expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    const totals = flow.body.totals as Record<string, unknown>;
    expect(totals).toMatchObject({
      created: 2,
      resolved: 1,
      reopened: 0,
      firstResponse: { count: 1 },
      resolution: { count: 1 },
      reopenRate: 0,
    });
    expect(flow.body.backlog).toMatchObject({ open: 1, aging: { lt1d: 1 } });
    const frontline = await as(
      'lead@example.com',
      `/v1/metrics/flow?queue=frontline&from=${today()}&to=${today()}`,
    );
    expect((frontline.body.totals as { created: number }).created).toBe(2);
    const billing = await as(
      'lead@example.com',
      `/v1/metrics/flow?queue=billing&from=${today()}&to=${today()}`,
    );
    expect((billing.body.totals as { created: number }).created).toBe(0);
  });

  it('counts credits asked for and approved, with their amounts', async () => {
    const created = await postWebhook(runtime.url, 'demo', {
      id: 'credit-1',
      subject: 'Charged twice',
      body: 'Please credit',
      requester: { email: 'ops@bigcorp.example' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-9', customerId: 'C-9' },
    });
    const ref = String(created.body.reference);
    await drain(runtime.url);
    const version = ((await as('agent@example.com', `/v1/tickets/${ref}`)).body.ticket as Ticket).version;
    const asked = await as('agent@example.com', `/v1/tickets/${ref}/approvals`, {
      method: 'POST',
      ifMatch: version,
      body: { kind: 'credit', amount: { value: 750, currency: 'EUR' }, summary: 'double charge' },
    });
    expect(asked.status).toBe(201);
    const id = (asked.body.approval as { id: string }).id;
    expect(
      (
        await as('finance@example.com', `/v1/approvals/${id}/decision`, {
          method: 'POST',
          body: { decision: 'approve', reason: 'ok' },
        })
      ).status,
    ).toBe(200);
    await drain(runtime.url);
    const flow = await as('lead@example.com', `/v1/metrics/flow?from=${today()}&to=${today()}`);
    expect((flow.body.totals as Record<string, unknown>).credits).toEqual({
      requested: 1,
      approved: 1,
      requestedAmount: { EUR: 750 },
      approvedAmount: { EUR: 750 },
    });
  });

  it('flags a driver seen more often than the threshold, with examples; agents may not read metrics', async () => {
    for (let i = 0; i < 4; i++) await open(`pw-${i}`, `Password reset link expired ${1000 + i}`);
    await drain(runtime.url);
    const gaps = await as('lead@example.com', '/v1/metrics/kb-gaps?threshold=3');
    expect(gaps.status).toBe(200);
    expect(gaps.body.gaps).toEqual([
      expect.objectContaining({
        label: 'expired link password reset',
        count: 4,
        examples: expect.arrayContaining([
          expect.objectContaining({ subject: expect.stringContaining('Password reset') }),
        ]),
      }),
    ]);
    expect((await as('lead@example.com', '/v1/metrics/kb-gaps')).body.gaps).toEqual([]);
    const cost = await as('lead@example.com', '/v1/metrics/cost');
    expect(cost.status).toBe(200);
    expect(cost.body).toMatchObject({ perThousandLifecycles: { total: expect.any(Number) } });
    expect((cost.body.perThousandLifecycles as { total: number }).total).toBeGreaterThan(0);
    const agent = await as('agent@example.com', '/v1/metrics/flow');
    expect(agent).toMatchObject({ status: 403, body: { rule: 'route-roles' } });
    expect((await as('lead@example.com', '/v1/metrics/flow?from=2026-13-01')).status).toBe(400);
    const dead = (await (await fetch(`${runtime.url}/local/dead-letters`)).json()) as { stream: unknown[] };
    expect(dead.stream).toEqual([]);
  });
});
