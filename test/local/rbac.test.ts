import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '../../infra/topology';
import { ROLES, type Role, routeAccess } from '../../shared/http/access';
import { devToken, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// Issue 7: "Every route × role cell is specified in one table and tested; 403 says which rule." The table is
// `routeAccess`; this drives every agent-API route as every role against `npm start`, with ids that exist
// nowhere, so an allowed call ends in 400/404/428 and never changes anything.

const USERS: Readonly<Record<Role, string>> = {
  agent: 'agent@example.com',
  lead: 'lead@example.com',
  approver: 'finance@example.com',
  admin: 'admin@example.com',
};
const NO_TICKET = 'FD-999999';
const NO_APPROVAL = '01KAAAAAAAAAAAAAAAAAAAAAAA';

/** A concrete request for a route: path parameters filled, a query or body where the route needs one. */
function sample(routeKey: string): { path: string; body?: unknown } {
  const [, template = ''] = routeKey.split(' ');
  const path = template
    .replace('{id}', routeKey.includes('/accounts/') ? 'acct-nobody' : NO_TICKET)
    .replace('{approvalId}', NO_APPROVAL)
    .replace('{queue}', 'frontline');
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
});
