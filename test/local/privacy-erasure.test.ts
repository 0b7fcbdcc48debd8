import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { apiAs } from '../support/api';
import { drain, sendMail } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 22's check against `npm start`: a requester with tickets by mail (with an attachment), webhook and
// form; an erasure asked by an admin and approved by two others → the address and the name appear
// nowhere any more (the whole local table, the object store and the outbox are scanned for them), the
// tickets are still open and still count in the metrics, and the audit shows the erasure.

const ADMIN = 'admin@example.com';
const APPROVERS = ['privacy@example.com', 'privacy2@example.com'];
const DANA = 'dana.erasmus@customer.example';
const NAME = 'Dana Erasmus';
const OTHER = 'olga.other@customer.example';

interface View {
  ticket: {
    id: string;
    state: string;
    queue: string;
    subject: string;
    version: number;
    createdAt: string;
    requester: { email: string; name?: string };
  };
  messages: Array<{ body: string; attachments: unknown[] }>;
  audit: Array<{ action: string; reason?: string }>;
}

/** A metrics answer without the attributes of these names, wherever they are. */
const without = (metrics: unknown, ...names: string[]): unknown =>
  JSON.parse(JSON.stringify(metrics), (key, value) => (names.includes(key) ? undefined : value));

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('a requester erasure (local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const pdf = Buffer.concat([Buffer.from(`%PDF passport of ${NAME}, ${DANA}\n`), randomBytes(2000)]);
  let danaTickets: string[] = [];
  let olgaTicket = '';

  const ticketIdsOf = async (email: string): Promise<string[]> => {
    const found = await as(ADMIN, `/v1/tickets?requester=${encodeURIComponent(email)}`);
    return ((found.body.tickets ?? []) as Array<{ id: string }>).map((t) => t.id);
  };
  const view = async (id: string) => (await as(ADMIN, `/v1/tickets/${id}`)).body as unknown as View;
  const flow = async () => (await as(ADMIN, '/v1/metrics/flow')).body;
  /** Moves the workflow clock and waits until everything it made due is done. */
  const clockBy = async (minutes: number) => {
    const res = await fetch(`${runtime.url}/local/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMinutes: minutes }),
    });
    expect(res.status).toBe(200);
    await drain(runtime.url);
  };

  /** Every item of the local table, as DynamoDB Local holds it. */
  const wholeTable = async (): Promise<string> => {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${runtime.dynamoPort}`,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const items: unknown[] = [];
    let startKey: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page: ScanCommandOutput = await db.send(
        new ScanCommand({ TableName: 'frontdoor-local', ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(items.length).toBeGreaterThan(20);
    return JSON.stringify(items);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-erasure-'));
    runtime = await startRuntimeProcess({ dataDir });

    await sendMail(runtime.smtpPort, {
      from: `${NAME} <${DANA}>`,
      subject: 'My passport scan',
      text: `Hello, this is ${NAME}. My passport is attached; my flat is at Erasmusweg 7.`,
      attachments: [{ filename: 'passport.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    await sendMail(runtime.smtpPort, {
      from: `Olga Other <${OTHER}>`,
      subject: 'Olga’s own question',
      text: 'Nothing about anyone else.',
    });
    const hook = await postWebhook(runtime.url, 'demo', {
      id: randomUUID(),
      subject: 'Dana via webhook',
      body: `CRM note: ${NAME} called about her plan`,
      requester: { email: DANA, name: NAME },
    });
    expect(hook.status).toBe(202);
    const form = await fetch(`${runtime.url}/v1/forms/billing_dispute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        submissionId: randomUUID(),
        requester: { email: DANA, name: NAME },
        subject: 'Charged twice',
        description: `Charged twice, ${NAME}`,
        fields: { invoiceId: 'INV-99', customerId: 'C-99' },
      }),
    });
    expect(form.status).toBe(201);
    await drain(runtime.url);
    danaTickets = await ticketIdsOf(DANA);
    [olgaTicket = ''] = await ticketIdsOf(OTHER);
    expect(danaTickets).toHaveLength(3);

    // An export of hers exists too (its files name her): the erasure deletes them.
    const exported = await as(ADMIN, '/v1/privacy/exports', { method: 'POST', body: { email: DANA } });
    expect(exported.status).toBe(202);
    await drain(runtime.url);
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a body without a reason, and callers who are not admins', async () => {
    const noReason = await as(ADMIN, '/v1/privacy/erasures', { method: 'POST', body: { email: DANA } });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const agent = await as('agent@example.com', '/v1/privacy/erasures', {
      method: 'POST',
      body: { email: DANA, reason: 'asked' },
    });
    expect(agent.status).toBe(403);
    expect((await as(ADMIN, '/v1/privacy/erasures/01JUNKJUNKJUNKJUNKJUNKJUNK')).status).toBe(404);
  });

  it('erases her everywhere once two admins approved, and keeps the tickets open and counted', async () => {
    const before = await Promise.all(danaTickets.map(view));
    expect(JSON.stringify(before)).toContain(DANA);
    expect(await wholeTable()).toContain(DANA);

    const asked = await as(ADMIN, '/v1/privacy/erasures', {
      method: 'POST',
      body: { email: DANA, reason: `${NAME} asked by mail on 1 December (art. 17)` },
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ state: 'awaiting_approval', tickets: 3 });
    const erasureId = String(asked.body.erasureId);
    const approvalId = String(asked.body.approvalId);
    await drain(runtime.url);
    // The metrics with the erasure's own ticket (it is work, and counts as such).
    const flowBefore = await flow();
    // Nothing happens before the approval.
    expect((await as(ADMIN, `/v1/privacy/erasures/${erasureId}`)).body).toMatchObject({
      state: 'awaiting_approval',
      requester: DANA,
    });

    // Separation of duties: the admin who asked may not decide; two privacy approvers do.
    const own = await as(ADMIN, `/v1/approvals/${approvalId}/decision`, {
      method: 'POST',
      body: { decision: 'approve', reason: 'mine' },
    });
    expect(own.status).toBe(403);
    for (const approver of APPROVERS) {
      const voted = await as(approver, `/v1/approvals/${approvalId}/decision`, {
        method: 'POST',
        body: { decision: 'approve', reason: 'identity checked, no legal hold' },
      });
      expect(voted.status, JSON.stringify(voted.body)).toBe(200);
      await drain(runtime.url);
    }

    const done = (await as(ADMIN, `/v1/privacy/erasures/${erasureId}`)).body as Record<string, unknown>;
    expect(done).toMatchObject({
      state: 'done',
      requester: `erased-${erasureId.toLowerCase()}@erased.invalid`,
      decidedBy: APPROVERS,
      counts: { tickets: 3 },
    });
    const actions = (done.audit as Array<{ action: string }>).map((a) => a.action);
    expect(actions).toEqual([
      'privacy.erasure_requested',
      'privacy.erasure_approved',
      'privacy.erasure_completed',
    ]);

    // Nowhere: not in the table, not in the object store, not in the outbox (any case).
    const needles = [DANA, NAME, 'Erasmusweg'].map((n) => n.toLowerCase());
    const table = (await wholeTable()).toLowerCase();
    for (const n of needles) expect(table, `table still holds ${n}`).not.toContain(n);
    for (const file of filesUnder(join(dataDir, 'objects'))) {
      const text = readFileSync(file, 'latin1').toLowerCase();
      for (const n of needles) expect(text, `${file} still holds ${n}`).not.toContain(n);
    }
    const outbox = JSON.stringify(
      (await fetch(`${runtime.url}/local/outbox`).then((r) => r.json())) as unknown,
    );
    for (const n of needles) expect(outbox.toLowerCase(), `outbox still holds ${n}`).not.toContain(n);

    // Still there, still open, still where they were; each says it was erased.
    const after = await Promise.all(danaTickets.map(view));
    for (const [i, v] of after.entries()) {
      expect(v.ticket.state).toBe(before[i]?.ticket.state);
      expect(v.ticket.queue).toBe(before[i]?.ticket.queue);
      expect(v.ticket.subject).toBe('[erased]');
      expect(v.ticket.requester.email).toBe(`erased-${erasureId.toLowerCase()}@erased.invalid`);
      expect(v.messages.every((m) => m.body === '[erased]' && m.attachments.length === 0)).toBe(true);
      expect(v.audit.at(-1)).toMatchObject({ action: 'ticket.erased', reason: `erasure ${erasureId}` });
    }
    // Olga's ticket is untouched.
    expect((await view(olgaTicket)).messages[0]?.body).toContain('Nothing about anyone else.');
    // The metrics count the same tickets as before; only the drivers' labels (words of her subjects) are gone.
    expect(without(await flow(), 'label')).toEqual(without(flowBefore, 'label'));
    expect(JSON.stringify(await flow())).not.toContain('charged twice');
  });

  it('starts fresh when she writes again after the erasure', async () => {
    await sendMail(runtime.smtpPort, {
      from: `${NAME} <${DANA}>`,
      subject: 'Hello again',
      text: 'A new question.',
    });
    await drain(runtime.url);
    const ids = await ticketIdsOf(DANA);
    expect(ids).toHaveLength(1);
    expect(danaTickets).not.toContain(ids[0]);
    expect((await view(ids[0] ?? '')).ticket.requester.email).toBe(DANA);
  });

  it('purges a closed ticket once its retention is over: bodies and attachments go, the record and its metrics stay', async () => {
    const RITA = 'rita.retention@customer.example';
    const note = randomBytes(800);
    await sendMail(runtime.smtpPort, {
      from: `Rita Retention <${RITA}>`,
      subject: 'Where is my order?',
      text: 'Order 4711, placed last week by Rita Retention.',
      attachments: [{ filename: 'order.bin', content: note, contentType: 'application/octet-stream' }],
    });
    await drain(runtime.url);
    const [id = ''] = await ticketIdsOf(RITA);
    const attachmentFile = () =>
      filesUnder(join(dataDir, 'objects')).find((f) => readFileSync(f).equals(note)) ?? null;
    expect(attachmentFile()).not.toBeNull();
    for (const to of ['in_progress', 'resolved']) {
      const current = await view(id);
      const moved = await as('lead@example.com', `/v1/tickets/${id}/transition`, {
        method: 'POST',
        body: { to },
        ifMatch: current.ticket.version,
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      await drain(runtime.url);
    }
    // The quiet days after the resolution pass: the ticket's clock closes it.
    await clockBy(10 * 24 * 60);
    const closed = await view(id);
    expect(closed.ticket.state).toBe('closed');
    // Its days, fixed: the default range follows the clock, which is about to move two years.
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const created = Date.parse(closed.ticket.createdAt);
    const itsDays = `/v1/metrics/flow?from=${day(created)}&to=${day(created + 20 * 86_400_000)}`;
    const metricsOf = async () => (await as(ADMIN, itsDays)).body;
    const metricsBefore = await metricsOf();
    expect(JSON.stringify(metricsBefore)).toContain('"created":');

    // General questions are purged 730 days after closing: the workflow clock moves past that.
    await clockBy(731 * 24 * 60);
    const after = await view(id);
    expect(after.ticket).toMatchObject({
      state: 'closed',
      subject: '[erased]',
      requester: { email: `expired-${id.toLowerCase()}@erased.invalid` },
    });
    expect(after.messages.every((m) => m.body === '[erased]' && m.attachments.length === 0)).toBe(true);
    expect(after.audit.at(-1)?.action).toBe('ticket.purged');
    expect(attachmentFile()).toBeNull();
    expect((await wholeTable()).toLowerCase()).not.toContain(RITA);
    // The same counts (created, resolved, closed, times, drivers…); only the open backlog's ages moved on
    // with the clock, and the drivers' labels (words of the subject) are gone.
    expect(without(await metricsOf(), 'label', 'aging')).toEqual(without(metricsBefore, 'label', 'aging'));
  });
});
