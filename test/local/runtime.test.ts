import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { drain } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

const run = promisify(execFile);

const invoicePayload = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  subject: 'Question about invoice INV-2041',
  body: 'We were charged twice.',
  requester: { email: 'dana@bigcorp.example', name: 'Dana' },
  account: { id: 'acct-bigcorp', tier: 'enterprise' },
  requestType: 'billing_dispute',
  fields: { invoiceId: 'INV-2041', customerId: 'CUST-7' },
  ...extra,
});

async function token(dataDir: string, email: string): Promise<string> {
  const { stdout } = await run(resolve(ROOT, 'node_modules/.bin/tsx'), ['tools/token-cli.ts', email], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
  });
  return stdout.trim();
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = createServer();
    s.once('error', () => r(false));
    s.listen(port, '0.0.0.0', () => s.close(() => r(true)));
  });
}

describe('npm start (the local runtime, as its own process)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let agentToken: string;

  const itemCount = async () => {
    const db = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${runtime.dynamoPort}`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const out = await db.send(new ScanCommand({ TableName: 'frontdoor-local', Select: 'COUNT' }));
    db.destroy();
    return out.Count ?? 0;
  };
  const getTicket = (id: string, bearer?: string) =>
    fetch(`${runtime.url}/v1/tickets/${id}`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-local-'));
    runtime = await startRuntimeProcess({ dataDir });
    agentToken = await token(dataDir, 'agent@example.com');
  });

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers /health once DynamoDB Local is up', async () => {
    const res = await fetch(`${runtime.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', dynamodb: 'ok' });
  });

  // Needs an interface other than loopback to try from (CI machines have one; a sandbox may not).
  const outward = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  it.skipIf(!outward)(
    'listens on loopback only by default: the HTTP API and SMTP refuse another interface',
    async () => {
      const refused = (port: number) =>
        new Promise<string>((done) => {
          const socket = connect({ host: outward, port });
          socket.once('connect', () => {
            socket.destroy();
            done('connected');
          });
          socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
        });
      expect(await refused(runtime.port)).toBe('ECONNREFUSED');
      expect(await refused(runtime.smtpPort)).toBe('ECONNREFUSED');
      expect((await fetch(`http://127.0.0.1:${runtime.port}/health`)).status).toBe(200);
    },
  );

  it('turns a signed webhook into a ticket, and a redelivery into the same ticket', async () => {
    const first = await postWebhook(runtime.url, 'demo', invoicePayload('evt-1'));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ duplicate: false, reference: expect.stringMatching(/^FD-\d+$/) });

    const again = await postWebhook(runtime.url, 'demo', invoicePayload('evt-1'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
  });

  it('makes one ticket, announced once, of ten concurrent deliveries of the same (source, id)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => postWebhook(runtime.url, 'demo', invoicePayload('evt-race'))),
    );
    const ids = new Set(answers.map((a) => a.body.ticketId));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.duplicate === true)).toHaveLength(9);
    // …and a redelivery later announces nothing either.
    await postWebhook(runtime.url, 'demo', invoicePayload('evt-race'));
    await drain(runtime.url);
    const { events } = (await (await fetch(`${runtime.url}/local/events`)).json()) as {
      events: Array<{ 'detail-type': string; detail: { ticketId: string } }>;
    };
    const created = events.filter((e) => e['detail-type'] === 'ticket.created' && ids.has(e.detail.ticketId));
    expect(created).toHaveLength(1);
  });

  it('refuses bad deliveries with the documented status and writes nothing for any of them', async () => {
    // Earlier tickets' notifications are still being written by the queue consumer: let them finish.
    await drain(runtime.url);
    const before = await itemCount();
    const forged = await postWebhook(runtime.url, 'demo', invoicePayload('evt-bad-1'), { secret: 'guess' });
    const stale = await postWebhook(runtime.url, 'demo', invoicePayload('evt-bad-2'), {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const unknown = await postWebhook(runtime.url, 'nosuchsource', invoicePayload('evt-bad-3'));
    const invalid = await postWebhook(runtime.url, 'demo', {
      ...invoicePayload('evt-bad-4'),
      requester: { email: 'nope' },
    });
    const notJson = await postWebhook(runtime.url, 'demo', null, { rawBody: '{"id":' });
    const huge = await postWebhook(
      runtime.url,
      'demo',
      invoicePayload('evt-bad-5', { body: 'x'.repeat(300 * 1024) }),
    );
    const badEnum = await postWebhook(runtime.url, 'demo', {
      ...invoicePayload('evt-bad-6'),
      requestType: 'access_request',
      fields: { system: 'vpn', riskLevel: 'medium' },
    });

    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(unknown.status).toBe(404);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'validation_failed' });
    expect(invalid.body.issues).toEqual([expect.objectContaining({ path: 'requester.email' })]);
    expect(notJson.status).toBe(400);
    expect(huge.status).toBe(413);
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.issues).toEqual([expect.objectContaining({ path: 'fields.riskLevel' })]);
    await drain(runtime.url);
    expect(await itemCount()).toBe(before);
  });

  it('shows the triage result and the audit trail to an agent, by id or by reference', async () => {
    const created = await postWebhook(runtime.url, 'demo', invoicePayload('evt-triage'));
    const res = await getTicket(String(created.body.ticketId), agentToken);
    expect(res.status).toBe(200);
    const view = (await res.json()) as {
      ticket: Record<string, unknown>;
      messages: unknown[];
      audit: Array<{ action: string }>;
    };
    expect(view.ticket).toMatchObject({
      reference: created.body.reference,
      state: 'new',
      priority: 'high',
      queue: 'billing',
      missingFields: [],
    });
    expect(view.messages).toHaveLength(1);
    expect(view.audit.map((a) => a.action)).toEqual(['ticket.created', 'ticket.triaged']);

    const byReference = await getTicket(String(created.body.reference), agentToken);
    expect(((await byReference.json()) as { ticket: { id: string } }).ticket.id).toBe(created.body.ticketId);
  });

  it('completes the account context from the directory by the requester domain, so the seed rule fires', async () => {
    const { account: _none, ...withoutAccount } = invoicePayload('evt-directory');
    const created = await postWebhook(runtime.url, 'demo', withoutAccount);
    const view = (await (await getTicket(String(created.body.ticketId), agentToken)).json()) as {
      ticket: Record<string, unknown>;
    };
    expect(view.ticket).toMatchObject({
      account: { id: 'acct-bigcorp', tier: 'enterprise', status: 'active' },
      priority: 'high',
      queue: 'billing',
    });
  });

  it('lets only admins change accounts (403 naming the rule), and serves them to agents', async () => {
    const put = (token: string) =>
      fetch(`${runtime.url}/v1/accounts/acct-new`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'New Co', tier: 'smb', status: 'trial', domains: ['newco.example'] }),
      });
    const refused = await put(agentToken);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toMatch(/admin/);
    expect((await put(await token(dataDir, 'admin@example.com'))).status).toBe(200);
    const got = await fetch(`${runtime.url}/v1/accounts/acct-new`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(((await got.json()) as { account: { domains: string[] } }).account.domains).toEqual([
      'newco.example',
    ]);
  });

  it('hands off with If-Match, refusing a stale version and a failed precondition by name', async () => {
    const created = await postWebhook(runtime.url, 'demo', {
      ...invoicePayload('evt-handoff'),
      subject: 'Export crashes',
      requestType: 'bug_report',
      fields: { reproductionSteps: '1. Export', environment: 'prod' },
    });
    const handoff = (to: string, ifMatch?: string, bearer = agentToken) =>
      fetch(`${runtime.url}/v1/tickets/${created.body.reference}/handoff`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          ...(ifMatch ? { 'if-match': ifMatch } : {}),
        },
        body: JSON.stringify({ to, reason: 'needs a code fix' }),
      });
    // The acknowledgement mail is recorded on the ticket too (a new version): let it land first.
    await drain(runtime.url);
    const { ticket } = (await (await getTicket(String(created.body.ticketId), agentToken)).json()) as {
      ticket: { version: number };
    };
    const v = String(ticket.version);
    expect((await handoff('engineering')).status).toBe(428);
    const refused = await handoff('engineering', v);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({
      error: 'handoff_refused',
      rule: 'engineering-needs-validated-bug',
    });
    const moved = await handoff('specialists', v);
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe(`"${ticket.version + 1}"`);
    // The ticket left the agent's queues (403 own-queues from now on); a lead sees every queue.
    const leadToken = await token(dataDir, 'lead@example.com');
    const stale = await handoff('frontline', v, leadToken);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: 'stale_version', currentVersion: ticket.version + 1 });
    const view = (await (await getTicket(String(created.body.ticketId), leadToken)).json()) as {
      ticket: { queue: string };
      audit: Array<{ action: string; before: unknown; after: unknown; reason?: string }>;
    };
    expect(view.ticket.queue).toBe('specialists');
    expect(view.audit.at(-1)).toMatchObject({
      action: 'ticket.handed_off',
      after: { queue: 'specialists' },
      reason: 'needs a code fix',
    });
  });

  it('puts a ticket without its required context in needs_info, naming the missing fields', async () => {
    const created = await postWebhook(
      runtime.url,
      'demo',
      invoicePayload('evt-needs-info', { fields: { invoiceId: 'INV-1' } }),
    );
    const view = (await (await getTicket(String(created.body.ticketId), agentToken)).json()) as {
      ticket: Record<string, unknown>;
    };
    expect(view.ticket).toMatchObject({ state: 'needs_info', missingFields: ['customerId'] });
  });

  it('publishes ticket.created on the bus, from the outbox, with its stable event id', async () => {
    const created = await postWebhook(runtime.url, 'demo', invoicePayload('evt-published'));
    await drain(runtime.url);
    const { events } = (await (await fetch(`${runtime.url}/local/events`)).json()) as {
      events: Array<{ source: string; 'detail-type': string; detail: { ticketId: string; version: number } }>;
    };
    expect(events).toContainEqual(
      expect.objectContaining({
        source: 'frontdoor',
        'detail-type': 'ticket.created',
        detail: expect.objectContaining({
          ticketId: created.body.ticketId,
          version: 1,
          eventId: `${created.body.ticketId}:1:0`,
        }),
      }),
    );
  });

  it('answers 401 without a token, with a forged one, and 404 for an unknown ticket', async () => {
    const created = await postWebhook(runtime.url, 'demo', invoicePayload('evt-auth'));
    expect((await getTicket(String(created.body.ticketId))).status).toBe(401);
    expect((await getTicket(String(created.body.ticketId), `${agentToken.slice(0, -4)}AAAA`)).status).toBe(
      401,
    );
    expect((await getTicket('FD-999999', agentToken)).status).toBe(404);
    expect((await getTicket('not-an-id', agentToken)).status).toBe(400);
  });

  it('stops everything on SIGTERM, Java included, and keeps the tickets across a restart', async () => {
    const created = await postWebhook(runtime.url, 'demo', invoicePayload('evt-restart'));
    expect(await runtime.stop('SIGTERM')).toBe(0);
    expect(await portIsFree(runtime.dynamoPort)).toBe(true);
    expect(await portIsFree(runtime.port)).toBe(true);

    runtime = await startRuntimeProcess({
      dataDir,
      port: runtime.port,
      dynamoPort: runtime.dynamoPort,
      smtpPort: runtime.smtpPort,
    });
    const res = await getTicket(String(created.body.ticketId), agentToken);
    expect(res.status).toBe(200);
    // References keep counting after a restart.
    const next = await postWebhook(runtime.url, 'demo', invoicePayload('evt-after-restart'));
    const n = (ref: unknown) => Number(String(ref).slice(3));
    expect(n(next.body.reference)).toBeGreaterThan(n(created.body.reference));
  });
});
