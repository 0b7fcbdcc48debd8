import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from '../support/api';
import { drain, sendMail } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 22's check against `npm start`: a requester with tickets by mail (with an attachment), webhook and
// form; an admin's export → every ticket, message and attachment of theirs, and nothing of anyone else's,
// fetched through the download links the API answers.

const ADMIN = 'admin@example.com';
const DANA = 'dana.export@customer.example';
const OTHER = 'olga.other@customer.example';

interface Message {
  id: string;
  body: string;
  attachments: Array<{ filename: string; key: string; size: number }>;
}
interface View {
  ticket: { id: string; reference: string; channel: string; requester: { email: string } };
  messages: Message[];
}
interface ExportView {
  exportId: string;
  state: string;
  progress: { done: number; total: number };
  requestedBy: string;
  requestedAt: string;
  files?: Array<{ name: string; url: string; expiresAt: string }>;
}
interface ExportDocument {
  requester: { email: string };
  tickets: Array<{ ticket: View['ticket']; messages: Message[]; audit: unknown[]; approvals: unknown[] }>;
  attachments: Array<{ ticketId: string; messageId: string; filename: string; size: number; file: string }>;
}

describe('a requester data export (local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const pdf = randomBytes(3000);
  const othersFile = randomBytes(500);

  const ticketsOf = async (email: string): Promise<View[]> => {
    const found = await as(ADMIN, `/v1/tickets?requester=${encodeURIComponent(email)}`);
    const ids = ((found.body.tickets ?? []) as Array<{ id: string }>).map((t) => t.id);
    return Promise.all(ids.map(async (id) => (await as(ADMIN, `/v1/tickets/${id}`)).body as unknown as View));
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-export-'));
    runtime = await startRuntimeProcess({ dataDir });

    // Dana by mail (with a PDF), by webhook and by form; Olga by mail with a file of her own.
    await sendMail(runtime.smtpPort, {
      from: `Dana <${DANA}>`,
      subject: 'Our receipt',
      text: 'Please find the receipt attached.',
      attachments: [{ filename: 'receipt.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    await sendMail(runtime.smtpPort, {
      from: OTHER,
      subject: 'Olga’s private matter',
      text: 'Olga’s secret body',
      attachments: [{ filename: 'olga.bin', content: othersFile, contentType: 'application/octet-stream' }],
    });
    const hook = await postWebhook(runtime.url, 'demo', {
      id: randomUUID(),
      subject: 'Dana via webhook',
      body: 'Sent from the CRM',
      requester: { email: DANA, name: 'Dana' },
    });
    expect(hook.status).toBe(202);
    const form = await fetch(`${runtime.url}/v1/forms/billing_dispute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        submissionId: randomUUID(),
        requester: { email: DANA, name: 'Dana' },
        subject: 'Dana via form',
        description: 'Charged twice',
        fields: { invoiceId: 'INV-22', customerId: 'C-22' },
      }),
    });
    expect(form.status).toBe(201);
    await drain(runtime.url);
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exports every ticket, message and attachment of the requester, and nothing of anyone else's", async () => {
    const danas = await ticketsOf(DANA);
    expect(danas.map((v) => v.ticket.channel).sort()).toEqual(['email', 'form', 'webhook']);
    const [olgas] = await ticketsOf(OTHER);
    expect(olgas?.messages[0]?.attachments).toHaveLength(1);

    const asked = await as(ADMIN, '/v1/privacy/exports', {
      method: 'POST',
      body: { email: DANA.toUpperCase() },
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ state: 'queued' });
    const exportId = String(asked.body.exportId);

    await drain(runtime.url);
    const status = await as(ADMIN, `/v1/privacy/exports/${exportId}`);
    expect(status.status).toBe(200);
    const view = status.body as unknown as ExportView;
    expect(view).toMatchObject({
      exportId,
      state: 'done',
      progress: { done: 3, total: 3 },
      requestedBy: ADMIN,
    });
    const files = view.files ?? [];
    expect(files.map((f) => f.name)).toContain('export.json');
    for (const f of files) {
      expect(Date.parse(f.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
      expect(Date.parse(f.expiresAt)).toBeGreaterThan(Date.parse(view.requestedAt));
    }

    // The links are what a browser downloads: fetched as they are, with no token.
    const fetched = new Map<string, Buffer>();
    for (const f of files) {
      const res = await fetch(f.url);
      expect(res.status, f.name).toBe(200);
      fetched.set(f.name, Buffer.from(await res.arrayBuffer()));
    }
    const doc = JSON.parse(String(fetched.get('export.json'))) as ExportDocument;
    expect(doc.requester.email).toBe(DANA);

    // Every ticket and every message of Dana's, as the agent API shows them.
    expect(doc.tickets.map((t) => t.ticket.id).sort()).toEqual(danas.map((v) => v.ticket.id).sort());
    for (const v of danas) {
      const exported = doc.tickets.find((t) => t.ticket.id === v.ticket.id);
      expect(exported?.messages.map((m) => m.id).sort()).toEqual(v.messages.map((m) => m.id).sort());
      expect(exported?.messages.map((m) => m.body).sort()).toEqual(v.messages.map((m) => m.body).sort());
      expect(exported?.audit.length).toBeGreaterThan(0);
    }

    // Her attachment, byte for byte, through its own link.
    expect(doc.attachments).toHaveLength(1);
    const [attachment] = doc.attachments;
    expect(attachment?.filename).toBe('receipt.pdf');
    expect(fetched.get(attachment?.file ?? '')?.equals(pdf)).toBe(true);
    expect(files.map((f) => f.name).sort()).toEqual(['export.json', attachment?.file].sort());

    // Nothing of Olga's: not her ticket, her address, her words or her file.
    const text = JSON.stringify(doc);
    expect(text).not.toContain(OTHER);
    expect(text).not.toContain(olgas?.ticket.id);
    expect(text).not.toContain('Olga’s secret body');
    for (const body of fetched.values()) expect(body.equals(othersFile)).toBe(false);
  });

  it('admits admins only, and names the field of a bad address', async () => {
    for (const user of ['agent@example.com', 'lead@example.com', 'finance@example.com']) {
      expect(
        (await as(user, '/v1/privacy/exports', { method: 'POST', body: { email: DANA } })).status,
        user,
      ).toBe(403);
    }
    const bad = await as(ADMIN, '/v1/privacy/exports', { method: 'POST', body: { email: 'not an address' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'validation_failed', issues: [{ path: 'email' }] });
    const unknown = await as(ADMIN, '/v1/privacy/exports/01JZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(unknown.status).toBe(404);
  });

  it('describes both routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${runtime.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/v1/privacy/exports'] ?? {})).toContain('post');
    expect(Object.keys(doc.paths['/v1/privacy/exports/{id}'] ?? {})).toContain('get');
    expect(JSON.stringify(doc.paths['/v1/privacy/exports'])).toContain('email');
  });
});
