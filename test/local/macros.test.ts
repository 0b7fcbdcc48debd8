import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Message, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 17, "Macros and bulk actions", against `npm start`: a macro applied sends its reply and sets its
// fields in one audit-visible change; its preview writes nothing; bulk actions answer every ticket.

const AGENT = 'agent@example.com';
const LEAD = 'lead@example.com';
/** Works the frontline queue only (dev-users.ts). */
const FRONTLINE_AGENT = 'agent2@example.com';

describe('macros and bulk actions in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const detail = async (ref: string) => {
    await drain(runtime.url);
    const res = await as(LEAD, `/v1/tickets/${ref}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as { ticket: Ticket; messages: Message[]; audit: AuditEvent[] };
  };
  let opened = 0;
  /** A new ticket: a general question lands in frontline, a billing dispute in billing. */
  const open = async (queue: 'frontline' | 'billing' = 'frontline') => {
    const id = `macro-${queue}-${++opened}`;
    const res = await postWebhook(runtime.url, 'demo', {
      id,
      subject: `Question ${id}`,
      body: 'The export button does nothing.',
      requester: { email: `${id}@customer.example`, name: 'Casey' },
      ...(queue === 'billing'
        ? { requestType: 'billing_dispute', fields: { invoiceId: 'INV-17', customerId: 'C-17' } }
        : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const ref = String(res.body.reference);
    expect((await detail(ref)).ticket.queue).toBe(queue);
    return ref;
  };
  const moveTo = async (ref: string, to: string) => {
    const res = await as(LEAD, `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: (await detail(ref)).ticket.version,
      body: { to },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const uses = async (id: string) => {
    const res = await as(AGENT, '/v1/macros');
    expect(res.status).toBe(200);
    return (res.body.macros as Array<{ id: string; uses: number }>).find((m) => m.id === id)?.uses;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-macros-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the team’s macros with their reply, actions and uses', async () => {
    const res = await as(AGENT, '/v1/macros');
    expect(res.status).toBe(200);
    expect(res.body.macros).toContainEqual({
      id: 'ask-for-screenshot',
      title: 'Ask for a screenshot',
      reply: expect.stringContaining('{{greeting}}'),
      visibility: 'public',
      actions: { state: 'waiting_on_customer', tags: { add: ['screenshot-asked'] } },
      uses: 0,
    });
    expect((await as('finance@example.com', '/v1/macros')).status).toBe(403);
  });

  it('a preview shows the rendered reply and the changes, and writes nothing', async () => {
    const ref = await open();
    await moveTo(ref, 'in_progress');
    const before = await detail(ref);
    const res = await as(AGENT, `/v1/tickets/${ref}/macros/ask-for-screenshot/preview`, { method: 'POST' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      macro: 'ask-for-screenshot',
      version: before.ticket.version,
      reply: {
        visibility: 'public',
        body: expect.stringMatching(/^Hello Casey,\n\nThank you for the details on FD-/),
      },
      changes: [
        { action: 'ticket.updated', after: { tags: ['screenshot-asked'] } },
        { action: 'message.added', after: { visibility: 'public', kind: 'reply' } },
        {
          action: 'ticket.state_changed',
          before: { state: 'in_progress' },
          after: { state: 'waiting_on_customer' },
        },
      ],
    });
    const after = await detail(ref);
    expect(after.ticket.version).toBe(before.ticket.version);
    expect(after.audit).toHaveLength(before.audit.length);
    expect(after.messages).toHaveLength(before.messages.length);
    expect(await uses('ask-for-screenshot')).toBe(0);
  });

  it('a macro applied sends its reply and sets its fields in one audit-visible change (one version step)', async () => {
    const ref = await open();
    await moveTo(ref, 'in_progress');
    const before = await detail(ref);
    const stale = await as(AGENT, `/v1/tickets/${ref}/macros/ask-for-screenshot`, {
      method: 'POST',
      ifMatch: before.ticket.version - 1,
    });
    expect(stale.status, JSON.stringify(stale.body)).toBe(409);
    expect(stale.body).toMatchObject({ error: 'stale_version', currentVersion: before.ticket.version });

    const res = await as(AGENT, `/v1/tickets/${ref}/macros/ask-for-screenshot`, {
      method: 'POST',
      ifMatch: before.ticket.version,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ticket = res.body.ticket as Ticket;
    expect(ticket).toMatchObject({
      version: before.ticket.version + 1,
      state: 'waiting_on_customer',
      tags: expect.arrayContaining(['screenshot-asked']),
    });
    expect(res.body.reply).toMatchObject({ visibility: 'public' });

    const after = await detail(ref);
    const added = after.audit.slice(before.audit.length).map((a) => a.action);
    expect(added.slice(0, 4)).toEqual([
      'macro.applied',
      'ticket.updated',
      'message.added',
      'ticket.state_changed',
    ]);
    expect(after.audit.find((a) => a.action === 'macro.applied')?.after).toEqual({
      macro: 'ask-for-screenshot',
      title: 'Ask for a screenshot',
    });
    const reply = after.messages.find((m) => m.author.kind === 'agent' && m.visibility === 'public');
    expect(reply?.body).toContain('Could you send us a screenshot');
    const mail = (await outbox(runtime.url)).find(
      (m) => m.to.includes(ticket.requester.email) && m.subject.startsWith('Re:'),
    );
    expect(mail?.subject).toContain(`[${ref}]`);
    expect(mail?.text).toContain('Hello Casey,');
    expect(mail?.text).toContain('Could you send us a screenshot');
    expect(await uses('ask-for-screenshot')).toBe(1);
  });

  it('a macro with a refused action is refused as a whole, naming the rule, and writes nothing', async () => {
    const ref = await open();
    const before = await detail(ref);
    const res = await as(AGENT, `/v1/tickets/${ref}/macros/password-reset-resolved`, {
      method: 'POST',
      ifMatch: before.ticket.version,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({
      error: 'macro_refused',
      macro: 'password-reset-resolved',
      action: 'state',
      rule: 'state-table',
    });
    const after = await detail(ref);
    expect(after.ticket.version).toBe(before.ticket.version);
    expect(after.ticket.tags).not.toContain('password-reset');
    expect(after.messages).toHaveLength(before.messages.length);
    const preview = await as(AGENT, `/v1/tickets/${ref}/macros/password-reset-resolved/preview`, {
      method: 'POST',
    });
    expect(preview.body).toMatchObject({ refusal: { rule: 'state-table', action: 'state' }, changes: [] });
    expect(
      (await as(AGENT, `/v1/tickets/${ref}/macros/no-such-macro`, { method: 'POST', ifMatch: 1 })).status,
    ).toBe(404);
    expect((await as(AGENT, `/v1/tickets/${ref}/macros/ask-for-screenshot`, { method: 'POST' })).status).toBe(
      428,
    );
  });

  it('bulk actions answer each ticket: applied, or refused with the rule', async () => {
    const mine = await open('frontline');
    const theirs = await open('billing');
    const tagged = await as(FRONTLINE_AGENT, '/v1/tickets/bulk', {
      method: 'POST',
      body: { action: 'tag', tickets: [mine, theirs, 'FD-999999'], add: ['Outage'] },
    });
    expect(tagged.status, JSON.stringify(tagged.body)).toBe(200);
    expect(tagged.body.results).toEqual([
      { ticket: mine, outcome: 'applied', reference: mine, version: expect.any(Number) },
      expect.objectContaining({ ticket: theirs, outcome: 'refused', rule: 'own-queues' }),
      expect.objectContaining({ ticket: 'FD-999999', outcome: 'refused', rule: 'not-found' }),
    ]);
    expect((await detail(mine)).ticket.tags).toContain('outage');
    expect((await detail(theirs)).ticket.tags).not.toContain('outage');

    const assigned = await as(AGENT, '/v1/tickets/bulk', {
      method: 'POST',
      body: { action: 'assign', tickets: [mine, theirs], assignee: LEAD },
    });
    expect((assigned.body.results as Array<{ rule?: string }>).map((r) => r.rule)).toEqual([
      'reassign-lead',
      'reassign-lead',
    ]);
    const byLead = await as(LEAD, '/v1/tickets/bulk', {
      method: 'POST',
      body: { action: 'assign', tickets: [mine, theirs], assignee: AGENT },
    });
    expect((byLead.body.results as Array<{ outcome: string }>).map((r) => r.outcome)).toEqual([
      'applied',
      'applied',
    ]);
    expect((await detail(theirs)).ticket.assignee).toBe(AGENT);

    await moveTo(theirs, 'in_progress');
    const moved = await as(LEAD, '/v1/tickets/bulk', {
      method: 'POST',
      body: { action: 'transition', tickets: [mine, theirs], to: 'in_progress' },
    });
    expect(moved.body.results).toEqual([
      expect.objectContaining({ ticket: mine, outcome: 'applied' }),
      expect.objectContaining({ ticket: theirs, outcome: 'refused', rule: 'state-table' }),
    ]);
    expect((await detail(mine)).ticket.state).toBe('in_progress');
  });

  it('bulk link_incident links the selection to an incident, each ticket answered', async () => {
    const incident = await open('frontline');
    const declared = await as(LEAD, `/v1/tickets/${incident}/incident`, {
      method: 'POST',
      ifMatch: (await detail(incident)).ticket.version,
      body: {},
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(200);
    const mine = await open('frontline');
    const theirs = await open('billing');
    const link = (tickets: string[], to = incident) =>
      as(FRONTLINE_AGENT, '/v1/tickets/bulk', {
        method: 'POST',
        body: { action: 'link_incident', tickets, incident: to },
      });
    const linked = await link([mine, theirs, 'FD-999999']);
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body.results).toEqual([
      { ticket: mine, outcome: 'applied', reference: mine },
      expect.objectContaining({ ticket: theirs, outcome: 'refused', rule: 'own-queues' }),
      expect.objectContaining({ ticket: 'FD-999999', outcome: 'refused', rule: 'not-found' }),
    ]);
    expect((await detail(mine)).ticket.links).toContainEqual(
      expect.objectContaining({ reference: incident, relation: 'affected_by' }),
    );
    expect((await link([mine])).body.results).toEqual([
      expect.objectContaining({
        ticket: mine,
        outcome: 'applied',
        message: expect.stringContaining('already'),
      }),
    ]);
    expect((await link([mine], 'FD-999998')).status).toBe(404);
    expect((await link([theirs], mine)).body).toMatchObject({ error: 'incident_refused' });
  });

  it('a bad bulk body is a 400 naming the problem', async () => {
    const post = (body: unknown) => as(LEAD, '/v1/tickets/bulk', { method: 'POST', body });
    for (const body of [
      { action: 'tag', tickets: [], add: ['x'] },
      { action: 'tag', tickets: ['FD-1'] },
      { action: 'explode', tickets: ['FD-1'] },
      { action: 'transition', tickets: ['FD-1', 'FD-1'], to: 'resolved' },
      { action: 'assign', tickets: Array.from({ length: 101 }, (_, i) => `FD-${i + 1}`), assignee: null },
      { action: 'assign', tickets: ['nonsense'], assignee: null },
      { action: 'link_incident', tickets: ['FD-1'] },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_failed', issues: expect.any(Array) });
    }
  });

  it('the OpenAPI document describes the macro and bulk routes', async () => {
    const doc = (await (await fetch(`${runtime.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; 'x-roles'?: string[] }>>;
    };
    expect(doc.paths['/v1/macros']?.get?.['x-roles']).toEqual(['agent', 'lead', 'admin']);
    expect(doc.paths['/v1/tickets/{id}/macros/{macroId}']?.post?.['x-roles']).toEqual(['agent', 'lead']);
    expect(doc.paths['/v1/tickets/{id}/macros/{macroId}/preview']?.post).toBeDefined();
    expect(doc.paths['/v1/tickets/bulk']?.post?.requestBody).toBeDefined();
  });
});
