import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, Ticket } from '../../shared/domain';
import { ROLES, type Role, type RouteAccess, routeAccess } from '../../shared/http/access';
import { httpRoutes } from '../../shared/topology';
import { apiAs } from '../support/api';
import { drain } from '../support/mail';
import { devToken, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 7: "Every route × role cell is specified in one table and tested; 403 says which rule." The table is
// `routeAccess`; this drives every agent-API route as every role against `npm start`, with ids that exist
// nowhere, so an allowed call ends in 400/404/428 and never changes anything.
//
// Issue 13: queue isolation. Rows marked `scope: 'own-queues'` are also decided by the ticket's queue: an
// agent of frontline only (agent2@example.com, dev-users.ts) is refused a billing ticket by `own-queues` on
// every route and served a frontline one; a lead is served both; an approver reads only the tickets their
// approvals are about (`approver-tickets`); searches leave other queues out instead of refusing.

const USERS: Readonly<Record<Role, string>> = {
  agent: 'agent@example.com',
  lead: 'lead@example.com',
  approver: 'finance@example.com',
  admin: 'admin@example.com',
};
/** Works the frontline queue only (dev-users.ts). */
const FRONTLINE_AGENT = 'agent2@example.com';
const NO_TICKET = 'FD-999999';
const NO_APPROVAL = '01KAAAAAAAAAAAAAAAAAAAAAAA';

/** A concrete request for a route: path parameters filled, a query or body where the route needs one. */
function sample(routeKey: string): { path: string; body?: unknown } {
  const [, template = ''] = routeKey.split(' ');
  const path = template
    .replace('{id}', routeKey.includes('/accounts/') ? 'acct-nobody' : NO_TICKET)
    .replace('{approvalId}', NO_APPROVAL)
    .replace('{macroId}', 'ask-for-screenshot')
    .replace('{queue}', 'frontline')
    .replace('{slug}', 'no-such-article');
  const query: Record<string, string> = {
    'GET /v1/tickets': '?reference=FD-999999',
    'GET /v1/mail/log': '?day=2026-01-01',
  };
  return { path: path + (query[routeKey] ?? ''), body: {} };
}

describe('the agent API’s access table, route × role, against npm start', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-rbac-'));
    runtime = await startRuntimeProcess({ dataDir });
    for (const role of ROLES) tokens.set(role, await devToken(dataDir, USERS[role]));
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has exactly one row per authenticated route of the topology', () => {
    const jwtRoutes = httpRoutes()
      .filter((r) => r.trigger.auth === 'jwt')
      .map((r) => `${r.trigger.method} ${r.trigger.path}`)
      .sort();
    expect(Object.keys(routeAccess).sort()).toEqual(jwtRoutes);
  });

  const cells = Object.entries(routeAccess).flatMap(([routeKey, access]) =>
    ROLES.map((role) => ({ routeKey, role, allowed: (access.roles as readonly Role[]).includes(role) })),
  );

  it.each(cells)('$routeKey as $role: allowed $allowed', async ({ routeKey, role, allowed }) => {
    const [method = 'GET'] = routeKey.split(' ');
    const { path, body } = sample(routeKey);
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(role)}`,
        'content-type': 'application/json',
        'if-match': '"1"',
      },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await res.json()) as { rule?: string; message?: string };
    if (allowed) {
      expect(res.status, JSON.stringify(answer)).not.toBe(401);
      expect(res.status, JSON.stringify(answer)).toBeLessThan(500);
      expect(answer.rule, JSON.stringify(answer)).not.toBe('route-roles');
    } else {
      expect(res.status).toBe(403);
      expect(answer.rule).toBe('route-roles');
      expect(answer.message).toContain('needs the role');
    }
  });

  it('an agent reads only their own queues (rule own-queues); a lead reads any', async () => {
    const view = (role: Role, queue: string) =>
      fetch(`${runtime.url}/v1/queues/${queue}/tickets`, {
        headers: { authorization: `Bearer ${tokens.get(role)}` },
      });
    const refused = await view('agent', 'engineering');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ rule: 'own-queues' });
    expect((await view('lead', 'engineering')).status).toBe(200);
    const queues = (await (
      await fetch(`${runtime.url}/v1/queues`, { headers: { authorization: `Bearer ${tokens.get('agent')}` } })
    ).json()) as { queues: Array<{ id: string }> };
    expect(queues.queues.map((q) => q.id).sort()).toEqual(['billing', 'frontline']);
  });

  // --- queue isolation per ticket (issue 13) ---

  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  let opened = 0;
  /** A new ticket in `queue` (a general question lands in frontline, a billing dispute in billing). */
  const open = async (queue: 'frontline' | 'billing', requester = 'isolation@customer.example') => {
    const id = `isolation-${queue}-${++opened}`;
    const res = await postWebhook(runtime.url, 'demo', {
      id,
      subject: `${queue} question ${id}`,
      body: 'Something for the team.',
      requester: { email: requester, name: 'Iso' },
      ...(queue === 'billing'
        ? { requestType: 'billing_dispute', fields: { invoiceId: 'INV-13', customerId: 'C-13' } }
        : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await drain(runtime.url);
    const ref = String(res.body.reference);
    expect((await read(ref)).queue).toBe(queue);
    return ref;
  };
  /** The ticket as a lead sees it (every queue). */
  const read = async (ref: string) => {
    const res = await as('lead@example.com', `/v1/tickets/${ref}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.ticket as Ticket;
  };
  const askCredit = async (email: string, ref: string, value: number) => {
    const res = await as(email, `/v1/tickets/${ref}/approvals`, {
      method: 'POST',
      ifMatch: (await read(ref)).version,
      body: { kind: 'credit', amount: { value, currency: 'EUR' }, summary: `credit of ${value} EUR` },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.approval as Approval;
  };

  interface Target {
    readonly ref: string;
    readonly version: number;
    /** An approval asked for on the ticket (only where the route reads one). */
    readonly approvalId: string;
    /** A ticket of the same queue to merge into. */
    readonly keep: string;
  }
  /**
   * For every queue-scoped route that names a ticket: a request that succeeds for a caller who works the
   * ticket's queue, and the statuses that success may have. Acknowledging with no escalation waiting is
   * the workflow's 422, which only comes once the queue rule let the caller through.
   */
  const ticketRoutes: Record<
    string,
    {
      readonly request: (t: Target, email: string) => { path: string; method?: string; body?: unknown };
      readonly ok: readonly number[];
      readonly needs?: 'approval' | 'keep';
    }
  > = {
    'GET /v1/tickets/{id}': { request: (t) => ({ path: `/v1/tickets/${t.ref}` }), ok: [200] },
    'GET /v1/tickets/{id}/kb-suggestions': {
      request: (t) => ({ path: `/v1/tickets/${t.ref}/kb-suggestions` }),
      ok: [200],
    },
    'POST /v1/tickets/{id}/messages': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/messages`,
        method: 'POST',
        body: { visibility: 'internal', body: 'a note' },
      }),
      ok: [201],
    },
    'POST /v1/tickets/{id}/assign': {
      request: (t, email) => ({
        path: `/v1/tickets/${t.ref}/assign`,
        method: 'POST',
        body: { assignee: email },
      }),
      ok: [200],
    },
    'PATCH /v1/tickets/{id}': {
      request: (t) => ({ path: `/v1/tickets/${t.ref}`, method: 'PATCH', body: { tags: ['isolation'] } }),
      ok: [200],
    },
    // Issue 19: an agent labels the ticket's intent (no model here, so the label sets it).
    'PUT /v1/tickets/{id}/intent': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/intent`,
        method: 'PUT',
        body: { intent: 'bug_report' },
      }),
      ok: [200],
    },
    'POST /v1/tickets/{id}/transition': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/transition`,
        method: 'POST',
        body: { to: 'in_progress' },
      }),
      ok: [200],
    },
    'POST /v1/tickets/{id}/handoff': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/handoff`,
        method: 'POST',
        body: { to: 'specialists', reason: 'needs a specialist' },
      }),
      ok: [200],
    },
    'POST /v1/tickets/{id}/escalate': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/escalate`,
        method: 'POST',
        body: { reason: 'needs help' },
      }),
      ok: [200],
    },
    'POST /v1/tickets/{id}/escalation/acknowledge': {
      request: (t) => ({ path: `/v1/tickets/${t.ref}/escalation/acknowledge`, method: 'POST', body: {} }),
      ok: [422],
    },
    'POST /v1/tickets/{id}/merge': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/merge`,
        method: 'POST',
        body: { into: t.keep, reason: 'same question' },
      }),
      ok: [200],
      needs: 'keep',
    },
    'POST /v1/tickets/{id}/approvals': {
      request: (t) => ({
        path: `/v1/tickets/${t.ref}/approvals`,
        method: 'POST',
        body: { kind: 'credit', amount: { value: 50, currency: 'EUR' }, summary: 'a small credit' },
      }),
      ok: [201],
    },
    'POST /v1/tickets/{id}/macros/{macroId}/preview': {
      request: (t) => ({ path: `/v1/tickets/${t.ref}/macros/ask-for-screenshot/preview`, method: 'POST' }),
      ok: [200],
    },
    // A new ticket cannot wait on the customer yet: the state table's 422 comes only past the queue rule.
    'POST /v1/tickets/{id}/macros/{macroId}': {
      request: (t) => ({ path: `/v1/tickets/${t.ref}/macros/ask-for-screenshot`, method: 'POST' }),
      ok: [422],
    },
    // Incidents (issue 17): the plain ticket is no incident, which the workflow says only past the queue rule.
    'POST /v1/tickets/{id}/incident': {
      request: (t) => ({ path: `/v1/tickets/${t.ref}/incident`, method: 'POST', body: {} }),
      ok: [200],
    },
    'POST /v1/incidents/{id}/links': {
      request: (t) => ({ path: `/v1/incidents/${t.ref}/links`, method: 'POST', body: { tickets: [t.ref] } }),
      ok: [422],
    },
    'POST /v1/incidents/{id}/unlink': {
      request: (t) => ({ path: `/v1/incidents/${t.ref}/unlink`, method: 'POST', body: { tickets: [t.ref] } }),
      ok: [200],
    },
    'GET /v1/incidents/{id}': { request: (t) => ({ path: `/v1/incidents/${t.ref}` }), ok: [404] },
    'GET /v1/approvals': { request: (t) => ({ path: `/v1/approvals?ticket=${t.ref}` }), ok: [200] },
    'GET /v1/approvals/{approvalId}': {
      request: (t) => ({ path: `/v1/approvals/${t.approvalId}` }),
      ok: [200],
      needs: 'approval',
    },
  };

  it('marks every route that reads or changes a ticket as queue-scoped, and this test drives each of them', () => {
    const scoped = Object.entries(routeAccess as Record<string, RouteAccess>)
      .filter(([, access]) => access.scope === 'own-queues')
      .map(([key]) => key);
    const ticketish = Object.keys(routeAccess).filter(
      (key) => /\/v1\/(tickets|approvals|incidents\/)/.test(key) && !key.endsWith('/decision'),
    );
    expect(scoped.sort()).toEqual([...ticketish, 'GET /v1/queues/{queue}/tickets'].sort());
    // Searches filter (below), the queue view refuses (above) and a bulk action answers own-queues per ticket
    // (test/local/macros.test.ts); every other scoped row is a ticket route.
    const notOneTicket = ['GET /v1/tickets', 'GET /v1/queues/{queue}/tickets', 'POST /v1/tickets/bulk'];
    expect(Object.keys(ticketRoutes).sort()).toEqual(scoped.filter((k) => !notOneTicket.includes(k)).sort());
  });

  it.each(Object.keys(ticketRoutes))(
    '%s: an agent of frontline only is refused a billing ticket (own-queues) and served a frontline one; a lead is served both',
    async (routeKey) => {
      const route = ticketRoutes[routeKey];
      const roles = (routeAccess as Record<string, RouteAccess>)[routeKey]?.roles ?? [];
      if (!route) throw new Error(`no request for ${routeKey}`);
      const keep =
        route.needs === 'keep'
          ? { frontline: await open('frontline'), billing: await open('billing') }
          : { frontline: '', billing: '' };
      const target = async (ref: string, queue: 'frontline' | 'billing'): Promise<Target> => {
        const approvalId =
          route.needs === 'approval' ? (await askCredit('lead@example.com', ref, 50)).id : '';
        return { ref, version: (await read(ref)).version, approvalId, keep: keep[queue] };
      };
      const call = async (email: string, t: Target) => {
        const { path, method, body } = route.request(t, email);
        return as(email, path, {
          ...(method ? { method, ifMatch: t.version } : {}),
          ...(body !== undefined ? { body } : {}),
        });
      };

      const billing = await target(await open('billing'), 'billing');
      if (roles.includes('agent')) {
        const refused = await call(FRONTLINE_AGENT, billing);
        expect(refused.status, JSON.stringify(refused.body)).toBe(403);
        expect(refused.body).toMatchObject({ error: 'forbidden', rule: 'own-queues' });
        expect(refused.body.message).toContain('own queues (frontline)');
        expect((await read(billing.ref)).version).toBe(billing.version);

        const mine = await call(FRONTLINE_AGENT, await target(await open('frontline'), 'frontline'));
        expect(route.ok, JSON.stringify(mine.body)).toContain(mine.status);
      }
      const byLead = await call('lead@example.com', await target(billing.ref, 'billing'));
      expect(route.ok, JSON.stringify(byLead.body)).toContain(byLead.status);
      const leadFrontline = await call(
        'lead@example.com',
        await target(await open('frontline'), 'frontline'),
      );
      expect(route.ok, JSON.stringify(leadFrontline.body)).toContain(leadFrontline.status);
    },
  );

  it('a handoff or an escalation out of the agent’s queue is theirs to make; then the ticket is out of their reach', async () => {
    for (const [action, body, lands] of [
      ['handoff', { to: 'billing', reason: 'a billing matter' }, 'billing'],
      ['escalate', { reason: 'needs the desk' }, 'escalation_desk'],
    ] as const) {
      const ref = await open('frontline');
      const moved = await as(FRONTLINE_AGENT, `/v1/tickets/${ref}/${action}`, {
        method: 'POST',
        ifMatch: (await read(ref)).version,
        body,
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect((moved.body.ticket as Ticket).queue).toBe(lands);
      const after = await as(FRONTLINE_AGENT, `/v1/tickets/${ref}`);
      expect(after).toMatchObject({ status: 403, body: { rule: 'own-queues' } });
      const back = await as(FRONTLINE_AGENT, `/v1/tickets/${ref}/handoff`, {
        method: 'POST',
        ifMatch: (await read(ref)).version,
        body: { to: 'frontline', reason: 'changed my mind' },
      });
      expect(back).toMatchObject({ status: 403, body: { rule: 'own-queues' } });
    }
  });

  it('searches leave other queues out: an agent of frontline finds only the requester’s frontline tickets, a lead all', async () => {
    const requester = 'isolation-search@customer.example';
    const frontline = await open('frontline', requester);
    const billing = await open('billing', requester);
    const refs = async (email: string, query: string) => {
      const res = await as(email, `/v1/tickets?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.tickets as Ticket[]).map((t) => t.reference).sort();
    };
    expect(await refs(FRONTLINE_AGENT, `requester=${requester}`)).toEqual([frontline]);
    expect(await refs('lead@example.com', `requester=${requester}`)).toEqual([billing, frontline].sort());
    expect(await refs('agent@example.com', `requester=${requester}`)).toEqual([billing, frontline].sort());
    expect(await refs(FRONTLINE_AGENT, `reference=${billing}`)).toEqual([]);
    expect(await refs(FRONTLINE_AGENT, `reference=${frontline}`)).toEqual([frontline]);

    // A lead gives both to the frontline agent: the billing one stays out of their "assigned to me".
    for (const ref of [frontline, billing]) {
      const given = await as('lead@example.com', `/v1/tickets/${ref}/assign`, {
        method: 'POST',
        ifMatch: (await read(ref)).version,
        body: { assignee: FRONTLINE_AGENT },
      });
      expect(given.status).toBe(200);
    }
    const assigned = (await as('lead@example.com', `/v1/tickets?assignee=${FRONTLINE_AGENT}`)).body
      .tickets as Ticket[];
    expect(assigned.map((t) => t.reference)).toEqual(expect.arrayContaining([frontline, billing]));
    const mine = await refs(FRONTLINE_AGENT, 'assignee=me');
    expect(mine).toContain(frontline);
    expect(mine).not.toContain(billing);
    expect(mine).toEqual(
      assigned
        .filter((t) => t.queue === 'frontline')
        .map((t) => t.reference)
        .sort(),
    );
  });

  it('an approver reads the tickets their approvals are about and is refused any other (approver-tickets)', async () => {
    const asked = await open('billing');
    const other = await open('billing');
    const approval = await askCredit('agent@example.com', asked, 750);
    expect(approval).toMatchObject({ state: 'pending', group: 'finance' });

    expect((await as('finance@example.com', `/v1/tickets/${asked}`)).status).toBe(200);
    expect((await as('finance@example.com', `/v1/approvals?ticket=${asked}`)).body.approvals).toEqual([
      expect.objectContaining({ id: approval.id }),
    ]);
    expect((await as('finance@example.com', `/v1/approvals/${approval.id}`)).status).toBe(200);

    for (const path of [`/v1/tickets/${other}`, `/v1/approvals?ticket=${other}`]) {
      const refused = await as('finance@example.com', path);
      expect(refused.status, path).toBe(403);
      expect(refused.body).toMatchObject({ error: 'forbidden', rule: 'approver-tickets' });
    }
    // Another approver group's member is refused the ticket and its approval alike.
    for (const path of [`/v1/tickets/${asked}`, `/v1/approvals/${approval.id}`]) {
      expect(await as('security@example.com', path)).toMatchObject({
        status: 403,
        body: { rule: 'approver-tickets' },
      });
    }
    // An agent who also approves for finance reads it through the approval, outside their queue too.
    const frontline = await open('frontline');
    const onFrontline = await askCredit('agent@example.com', frontline, 800);
    expect((await as('billing-agent@example.com', `/v1/tickets/${frontline}`)).status).toBe(200);
    expect((await as('billing-agent@example.com', `/v1/approvals/${onFrontline.id}`)).status).toBe(200);
    expect(await as(FRONTLINE_AGENT, `/v1/approvals/${approval.id}`)).toMatchObject({
      status: 403,
      body: { rule: 'own-queues' },
    });
  });

  it('answers the issue’s check: an agent of frontline only reading a billing ticket gets 403 naming own-queues', async () => {
    const billing = await open('billing');
    const res = await as(FRONTLINE_AGENT, `/v1/tickets/${billing}`);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'forbidden', rule: 'own-queues' });
    expect(String(res.body.message)).toContain(`${billing} is in the queue billing`);
  });
});
