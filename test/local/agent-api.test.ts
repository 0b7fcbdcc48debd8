import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Message, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 7's agent API against `npm start`: queues and their views, search, the detail, every write with
// If-Match (409 with the current version, nothing lost), and the OpenAPI document.

describe('the agent API in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;

  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const detail = async (ref: string) => {
    await drain(runtime.url);
    return (await as('lead@example.com', `/v1/tickets/${ref}`)).body as unknown as {
      ticket: Ticket;
      messages: Message[];
      audit: AuditEvent[];
      transitions: string[];
    };
  };
  const open = async (id: string, extra: Record<string, unknown> = {}) => {
    const res = await postWebhook(runtime.url, 'demo', {
      id,
      subject: `Question ${id}`,
      body: 'How do I export my data?',
      requester: { email: `${id}@customer.example`, name: 'Casey' },
      ...extra,
    });
    expect(res.status).toBe(202);
    return String(res.body.reference);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-agent-api-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says who the caller is, and counts their queues by state', async () => {
    const me = await as('agent@example.com', '/v1/me');
    expect(me.body).toMatchObject({
      email: 'agent@example.com',
      roles: ['agent'],
      queues: ['frontline', 'billing'],
    });
    const ref = await open('count-1');
    await drain(runtime.url);
    const { body } = await as('agent@example.com', '/v1/queues');
    const frontline = (body.queues as Array<Record<string, unknown>>).find((q) => q.id === 'frontline');
    expect(frontline).toMatchObject({
      name: expect.any(String),
      counts: { new: 1 },
      open: 1,
      slaRisk: { warning: 0, breached: 0 },
    });
    const view = await as('agent@example.com', '/v1/queues/frontline/tickets');
    expect((view.body.tickets as Ticket[]).map((t) => t.reference)).toEqual([ref]);
  });

  it('pages a queue view with a cursor across states and filters it', async () => {
    for (let i = 0; i < 4; i++) await open(`page-${i}`);
    await drain(runtime.url);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await as(
        'lead@example.com',
        `/v1/queues/frontline/tickets?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      const tickets = page.body.tickets as Ticket[];
      expect(tickets.length).toBeLessThanOrEqual(2);
      seen.push(...tickets.map((t) => t.reference));
      cursor = page.body.cursor as string | undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(5);
    expect(
      (await as('lead@example.com', '/v1/queues/frontline/tickets?priority=urgent')).body.tickets,
    ).toEqual([]);
    expect((await as('lead@example.com', '/v1/queues/frontline/tickets?cursor=nonsense')).status).toBe(400);
    expect((await as('lead@example.com', '/v1/queues/frontline/tickets?state=lost')).status).toBe(400);
  });

  it('replies (mailed to the requester), notes (not mailed), takes a ticket and finds it by assignee', async () => {
    const ref = await open('reply-1');
    let t = await detail(ref);
    expect(t.transitions).toEqual(['needs_info', 'in_progress']);

    const reply = await as('agent@example.com', `/v1/tickets/${ref}/messages`, {
      method: 'POST',
      ifMatch: t.ticket.version,
      body: { visibility: 'public', body: 'Settings → Export gives you a CSV.' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    await drain(runtime.url);
    const mailed = (await outbox(runtime.url)).filter((m) => m.to.includes('reply-1@customer.example'));
    expect(mailed.map((m) => m.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('Settings → Export gives you a CSV.')]),
    );
    expect(mailed.find((m) => m.text.includes('Settings → Export'))?.subject).toContain(`[${ref}]`);

    t = await detail(ref);
    const note = await as('agent@example.com', `/v1/tickets/${ref}/messages`, {
      method: 'POST',
      ifMatch: t.ticket.version,
      body: { visibility: 'internal', body: 'Customer is on the old plan.' },
    });
    expect(note.status).toBe(201);
    await drain(runtime.url);
    expect((await outbox(runtime.url)).some((m) => m.text.includes('old plan'))).toBe(false);

    t = await detail(ref);
    const take = await as('agent@example.com', `/v1/tickets/${ref}/assign`, {
      method: 'POST',
      ifMatch: t.ticket.version,
      body: { assignee: 'agent@example.com' },
    });
    expect(take.status).toBe(200);
    const mine = await as('agent@example.com', '/v1/tickets?assignee=me');
    expect((mine.body.tickets as Ticket[]).map((x) => x.reference)).toContain(ref);
    expect((await as('agent@example.com', `/v1/tickets?reference=${ref}`)).body.tickets).toHaveLength(1);

    t = await detail(ref);
    const give = await as('agent@example.com', `/v1/tickets/${ref}/assign`, {
      method: 'POST',
      ifMatch: t.ticket.version,
      body: { assignee: 'agent2@example.com' },
    });
    expect(give).toMatchObject({ status: 403, body: { rule: 'reassign-lead' } });
    const lead = await as('lead@example.com', `/v1/tickets/${ref}/assign`, {
      method: 'POST',
      ifMatch: t.ticket.version,
      body: { assignee: 'agent2@example.com' },
    });
    expect(lead.status).toBe(200);
    t = await detail(ref);
    expect(t.messages.filter((m) => m.author.kind === 'agent').map((m) => m.visibility)).toEqual([
      'public',
      'internal',
    ]);
    expect(t.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['message.added', 'mail.sent', 'ticket.assigned']),
    );
  });

  it('a stale write gets 409 with the current version and nothing is lost', async () => {
    const ref = await open('race-1');
    const seen = (await detail(ref)).ticket.version;
    const first = await as('agent@example.com', `/v1/tickets/${ref}`, {
      method: 'PATCH',
      ifMatch: seen,
      body: { priority: 'high' },
    });
    expect(first.status).toBe(200);
    const second = await as('agent2@example.com', `/v1/tickets/${ref}`, {
      method: 'PATCH',
      ifMatch: seen,
      body: { tags: ['vip'] },
    });
    expect(second.status).toBe(409);
    expect(second.body.currentVersion).toBe((first.body.ticket as Ticket).version);
    const after = await detail(ref);
    expect(after.ticket).toMatchObject({ priority: 'high', tags: [] });
    expect(after.audit.filter((a) => a.action === 'ticket.updated')).toHaveLength(1);
    expect((await as('agent@example.com', `/v1/tickets/${ref}`, { method: 'PATCH', body: {} })).status).toBe(
      428,
    );
  });

  it('transitions with the version its reply got after the reply was mailed: bookkeeping is no conflict', async () => {
    const ref = await open('mailed-1');
    const read = await detail(ref);
    const reply = await as('agent@example.com', `/v1/tickets/${ref}/messages`, {
      method: 'POST',
      ifMatch: read.ticket.version,
      body: { visibility: 'public', body: 'Settings → Export gives you a CSV.' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const got = (reply.body.ticket as Ticket).version;
    await drain(runtime.url);
    const mailed = (await outbox(runtime.url)).filter((m) => m.to.includes('mailed-1@customer.example'));
    expect(mailed.some((m) => m.text.includes('Settings → Export'))).toBe(true);
    const between = await detail(ref);
    expect(between.ticket.version).toBeGreaterThan(got);
    expect(between.audit.filter((a) => a.action === 'mail.sent').length).toBeGreaterThanOrEqual(2);

    const moved = await as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: got,
      body: { to: 'in_progress' },
    });

    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.ticket).toMatchObject({ state: 'in_progress', version: between.ticket.version + 1 });
    const after = await detail(ref);
    expect(after.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['message.added', 'mail.sent', 'ticket.state_changed']),
    );
    expect(after.messages.some((m) => m.author.kind === 'agent')).toBe(true);
  });

  it('fills missing context by PATCH, so the ticket may leave needs_info; invalid values name the field', async () => {
    const ref = await open('fields-1', { requestType: 'billing_dispute', fields: { invoiceId: 'INV-1' } });
    let t = await detail(ref);
    expect(t.ticket).toMatchObject({ state: 'needs_info', missingFields: ['customerId'] });
    const patched = await as('agent@example.com', `/v1/tickets/${ref}`, {
      method: 'PATCH',
      ifMatch: t.ticket.version,
      body: { fields: { customerId: 'C-1' } },
    });
    expect(patched.body.ticket).toMatchObject({ missingFields: [] });
    t = await detail(ref);
    const moved = await as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: t.ticket.version,
      body: { to: 'in_progress' },
    });
    expect(moved.status).toBe(200);
    const badTags = await as('agent@example.com', `/v1/tickets/${ref}`, {
      method: 'PATCH',
      ifMatch: (moved.body.ticket as Ticket).version,
      body: { tags: ['ok', 'x'.repeat(65)] },
    });
    expect(badTags.status).toBe(400);
    expect(badTags.body.issues).toEqual([{ path: 'tags[1]', message: 'a tag has at most 64 characters' }]);
  });

  it('a lead merges a duplicate: closed, linked both ways; an agent may not', async () => {
    const keep = await open('merge-keep');
    const dup = await open('merge-dup');
    const d = await detail(dup);
    const byAgent = await as('agent@example.com', `/v1/tickets/${dup}/merge`, {
      method: 'POST',
      ifMatch: d.ticket.version,
      body: { into: keep },
    });
    expect(byAgent).toMatchObject({ status: 403, body: { rule: 'route-roles' } });
    const merged = await as('lead@example.com', `/v1/tickets/${dup}/merge`, {
      method: 'POST',
      ifMatch: d.ticket.version,
      body: { into: keep, reason: 'same customer, same question' },
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect((await detail(dup)).ticket).toMatchObject({
      state: 'closed',
      links: [expect.objectContaining({ reference: keep, relation: 'duplicate_of' })],
    });
    expect((await detail(keep)).ticket.links).toEqual([
      expect.objectContaining({ reference: dup, relation: 'duplicated_by' }),
    ]);
  });

  it('finds an account’s tickets through the account index', async () => {
    const ref = await open('acct-1', { requester: { email: 'cfo@bigcorp.example' } });
    await drain(runtime.url);
    const found = await as('agent@example.com', '/v1/tickets?account=acct-bigcorp');
    expect((found.body.tickets as Ticket[]).map((t) => t.reference)).toContain(ref);
    expect((await as('agent@example.com', '/v1/tickets')).status).toBe(400);
  });

  it('describes itself in OpenAPI 3.1, generated from the same schemas', async () => {
    const res = await fetch(`${runtime.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; 'x-roles'?: string[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/tickets/{id}/messages']?.post).toMatchObject({
      requestBody: {
        content: {
          'application/json': {
            schema: {
              properties: { visibility: { enum: ['public', 'internal'] } },
              required: ['visibility', 'body'],
            },
          },
        },
      },
      'x-roles': ['agent', 'lead'],
    });
    expect(doc.paths['/v1/tickets/{id}/merge']?.post?.['x-roles']).toEqual(['lead']);
  });
});
