import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// Tier 0 deflection end to end against `npm start` (starter articles seeded from kb/): a form's "This
// answered my question" is stored once per id and counted; the acknowledgement of a matching form ticket
// carries the article and its signed "this solved it" link, whose GET changes nothing and whose POST
// resolves the ticket as self-served once; article views count by where they were opened from.

type Totals = {
  deflection: Record<string, unknown>;
  deflectionRate: number | null;
};

describe('deflection (local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const today = () => new Date().toISOString().slice(0, 10);
  const totals = async (): Promise<Totals> => {
    await drain(runtime.url);
    const res = await as('lead@example.com', `/v1/metrics/flow?from=${today()}&to=${today()}`);
    expect(res.status).toBe(200);
    return res.body.totals as unknown as Totals;
  };
  const deflect = (body: unknown) =>
    fetch(`${runtime.url}/v1/kb/deflections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-deflection-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records a deflection once per form id, refuses what is not a help article, and counts it', async () => {
    const id = randomUUID();
    const body = {
      id,
      query: 'reset my password',
      slug: 'reset-your-password',
      requestType: 'general_question',
    };
    const first = await deflect(body);
    expect(first).toMatchObject({ status: 201, body: { id, slug: 'reset-your-password', recorded: true } });
    expect(await deflect(body)).toMatchObject({ status: 201, body: { id, recorded: false } });

    const internal = await deflect({ ...body, id: randomUUID(), slug: 'refund-approval-policy' });
    expect(internal.status).toBe(400);
    expect(JSON.stringify(internal.body)).toContain('slug');
    const bad = await deflect({ query: '', slug: 'Not A Slug', requestType: 'general_question' });
    expect(bad.status).toBe(400);
    expect((bad.body.issues as Array<{ path: string }>).map((i) => i.path).sort()).toEqual(['query', 'slug']);

    expect((await totals()).deflection).toMatchObject({ deflections: 1 });
  });

  it('mails the matching article with a "this solved it" link that resolves the ticket once, as self-served', async () => {
    const email = `deflect-${randomUUID().slice(0, 8)}@customer.example`;
    const filed = await fetch(`${runtime.url}/v1/forms/general_question`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requester: { email, name: 'Sam' },
        subject: 'Cannot sign in',
        description: 'I forgot my password and the reset link does not arrive',
        fields: {},
      }),
    });
    expect(filed.status).toBe(201);
    const { reference } = (await filed.json()) as { reference: string };
    await drain(runtime.url);
    const ack = (await outbox(runtime.url)).find((m) => m.to.includes(email));
    expect(ack?.text).toContain('Reset your password');
    const link = /(https?:\/\/\S+\/kb\/solved\/[\w.-]+)/.exec(ack?.text ?? '')?.[1] ?? '';
    const path = new URL(link).pathname;

    // The GET only shows a button: the ticket is as it was.
    const page = await fetch(`${runtime.url}${path}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Yes, this solved it');
    const read = async () =>
      (await as('agent@example.com', `/v1/tickets/${reference}`)).body as unknown as {
        ticket: Ticket;
        audit: AuditEvent[];
      };
    expect((await read()).ticket.state).toBe('new');

    const post = () =>
      fetch(`${runtime.url}/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'answer=solved',
      });
    const answered = await post();
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('We have resolved your request');
    expect(await (await post()).text()).toContain('We already have your answer');
    await drain(runtime.url);
    const { ticket, audit } = await read();
    expect(ticket.state).toBe('resolved');
    expect(audit.filter((a) => a.action === 'article.solved')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'ticket.state_changed').map((a) => a.actor.kind)).toEqual([
      'customer',
      'customer',
    ]);
    const t = await totals();
    expect(t.deflection).toMatchObject({ selfServed: 1, solved: 1, formTickets: 1 });
    expect(t.deflectionRate).toBe(0.5);
  });

  it('counts article views by where they were opened from', async () => {
    for (const from of ['mail', 'form', '']) {
      const res = await fetch(`${runtime.url}/help/reset-your-password${from ? `?from=${from}` : ''}`);
      expect(res.status).toBe(200);
    }
    expect((await totals()).deflection).toMatchObject({
      articleViews: 3,
      viewsBySource: { mail: 1, form: 1, help: 1 },
    });
  });

  it('refuses a forged "this solved it" link without reading or writing', async () => {
    const res = await fetch(`${runtime.url}/v1/kb/solved/eyJ0IjoiMDEifQ.forged`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
  });
});
