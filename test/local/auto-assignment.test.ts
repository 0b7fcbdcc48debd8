import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

/**
 * Issue 17's check against `npm start`: a queue with `capacity` 2 and two available agents; six tickets
 * arrive concurrently → each agent has two, two wait; an agent resolves one → the oldest waiting is assigned
 * to them; an away agent gets none. The workflow is the team's own: the repository is copied (node_modules
 * and the UI linked, as bad-config.test.ts does) and frontline's assignment set to capacity 2.
 */
describe('automatic assignment in the local runtime', () => {
  let dir: string;
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const AGENT = 'agent@example.com';
  const AGENT2 = 'agent2@example.com';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontdoor-assignment-'));
    for (const entry of ['infra', 'functions', 'shared', 'package.json', 'tsconfig.json', 'cdk.json'])
      cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    for (const entry of ['node_modules', 'ui']) symlinkSync(join(ROOT, entry), join(dir, entry));
    const file = join(dir, 'shared/config/default-workflow.ts');
    const source = readFileSync(file, 'utf8');
    const capacity = source.replace(
      "assignment: { strategy: 'manual' },",
      "assignment: { strategy: 'capacity', capacity: 2, awayHandsBack: true },",
    );
    expect(capacity).not.toBe(source);
    writeFileSync(file, capacity);
    dataDir = join(dir, '.data');
    runtime = await startRuntimeProcess({ dataDir, root: dir });
  });
  afterAll(async () => {
    await runtime?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let opened = 0;
  const arrive = async () => {
    opened++;
    const res = await postWebhook(runtime.url, 'demo', {
      id: `assign-${opened}`,
      subject: `Question ${opened}`,
      body: 'How do I export my data?',
      requester: { email: `casey${opened}@customer.example` },
    });
    expect(res.status).toBe(202);
    return String(res.body.reference);
  };
  const detail = async (ref: string) =>
    (await as('lead@example.com', `/v1/tickets/${ref}`)).body as unknown as {
      ticket: Ticket;
      audit: AuditEvent[];
    };
  const roster = async () => {
    const res = await as('lead@example.com', '/v1/agents');
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body.agents as Array<{ id: string; load: number; availability: string }>).map((a) => [a.id, a]),
    );
  };
  const waiting = async () => {
    const res = await as('lead@example.com', '/v1/queues/frontline/tickets?assignee=none');
    return (res.body.tickets as Ticket[]).map((t) => t.reference);
  };
  const setAvailability = (email: string, availability: 'available' | 'away') =>
    as(email, '/v1/agents/me', { method: 'PUT', body: { availability } });
  const resolveAs = async (email: string, ref: string) => {
    for (const to of ['in_progress', 'resolved']) {
      const { ticket } = await detail(ref);
      const res = await as(email, `/v1/tickets/${ref}/transition`, {
        method: 'POST',
        ifMatch: ticket.version,
        body: { to },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  };

  it('answers an agent who never set their availability as away, with the queues of their token', async () => {
    const me = await as(AGENT2, '/v1/agents/me');
    expect(me).toMatchObject({
      status: 200,
      body: { agent: { id: AGENT2, availability: 'away', queues: ['frontline'], load: 0, saved: false } },
    });
  });

  it('describes the agent routes in the OpenAPI document: the body it takes and the profile it answers', async () => {
    const doc = (await (await fetch(`${runtime.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; 'x-roles'?: string[] }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths['/v1/agents/me']?.put?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { required: ['availability'] } } },
    });
    expect(doc.paths['/v1/agents']?.get?.['x-roles']).toEqual(['lead', 'admin']);
    expect(Object.keys(doc.components.schemas.Agent?.properties ?? {})).toEqual(
      expect.arrayContaining(['availability', 'skills', 'queues', 'load']),
    );
  });

  it('refuses skills naming a request type the workflow does not have, naming it', async () => {
    const res = await as(AGENT, '/v1/agents/me', {
      method: 'PUT',
      body: { availability: 'available', skills: { requestTypes: ['billing_dispute', 'quantum'] } },
    });
    expect(res).toMatchObject({ status: 422, body: { error: 'action_refused', rule: 'skills-known' } });
    expect(String(res.body.message)).toContain('skills.requestTypes[1]');
  });

  it('gives six tickets arriving together two to each available agent and keeps two waiting', async () => {
    for (const email of [AGENT, AGENT2]) {
      const res = await setAvailability(email, 'available');
      expect(res).toMatchObject({ status: 200, body: { agent: { availability: 'available', saved: true } } });
    }
    const refs = await Promise.all(Array.from({ length: 6 }, () => arrive()));
    await drain(runtime.url);
    const agents = await roster();
    expect(agents[AGENT]?.load).toBe(2);
    expect(agents[AGENT2]?.load).toBe(2);
    expect((await waiting()).sort()).toHaveLength(2);
    expect(refs).toEqual(expect.arrayContaining(await waiting()));
    const mine = (await Promise.all(refs.map(detail))).filter((d) => d.ticket.assignee === AGENT);
    expect(mine).toHaveLength(2);
    // The acknowledgement's mail.sent may be recorded before or after the assignment: find the assignment.
    expect(mine[0]?.audit.find((a) => a.action === 'ticket.assigned')).toMatchObject({
      action: 'ticket.assigned',
      actor: { kind: 'system', id: 'assignment:capacity' },
      after: { assignee: AGENT, strategy: 'capacity' },
    });
  });

  it('gives the oldest waiting ticket to the agent who resolves one of theirs', async () => {
    const before = await Promise.all((await waiting()).map(detail));
    const oldest = before.sort((a, b) => a.ticket.createdAt.localeCompare(b.ticket.createdAt))[0]?.ticket;
    const { tickets } = (await as(AGENT, `/v1/tickets?assignee=me`)).body as { tickets: Ticket[] };
    const one = tickets.find((t) => t.state !== 'resolved') as Ticket;
    await resolveAs(AGENT, one.reference);
    await drain(runtime.url);
    expect((await detail(oldest?.reference ?? '')).ticket.assignee).toBe(AGENT);
    expect((await roster())[AGENT]?.load).toBe(2);
    expect(await waiting()).toHaveLength(1);
  });

  it('gives an away agent nothing, and hands their open tickets back to the queue', async () => {
    const away = await setAvailability(AGENT2, 'away');
    expect(away.status).toBe(200);
    expect(away.body.handedBack).toHaveLength(2);
    await drain(runtime.url);
    const late = await arrive();
    await drain(runtime.url);
    expect((await roster())[AGENT2]).toMatchObject({ availability: 'away', load: 0 });
    expect(await waiting()).toHaveLength(4);
    expect(await waiting()).toContain(late);
    // A place frees up: it goes to the available agent, never to the away one.
    const { tickets } = (await as(AGENT, `/v1/tickets?assignee=me`)).body as { tickets: Ticket[] };
    await resolveAs(AGENT, (tickets.find((t) => t.state !== 'resolved') as Ticket).reference);
    await drain(runtime.url);
    expect(await roster()).toMatchObject({ [AGENT]: { load: 2 }, [AGENT2]: { load: 0 } });
    expect(await waiting()).toHaveLength(3);
    // Back from away, the waiting tickets come to them.
    const back = await setAvailability(AGENT2, 'available');
    expect(back.body.assigned).toHaveLength(2);
    await drain(runtime.url);
    expect((await roster())[AGENT2]?.load).toBe(2);
  });
});
