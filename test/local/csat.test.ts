import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Ticket } from '../../shared/domain';
import { signCsatLink } from '../../shared/http/csat-link';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// CSAT end to end against `npm start`: a ticket opened by webhook, resolved by an agent through the API,
// the resolution mail read from the outbox, its survey link followed (nothing recorded) and answered.

describe('CSAT survey link in the resolution mail (local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const read = async (ref: string) => {
    await drain(runtime.url);
    const res = await as('agent@example.com', `/v1/tickets/${ref}`);
    expect(res.status).toBe(200);
    return res.body as unknown as { ticket: Ticket; audit: AuditEvent[] };
  };
  const move = async (ref: string, to: string) => {
    const res = await as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: (await read(ref)).ticket.version,
      body: { to },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  const postCsat = async (token: string, body: unknown) => {
    const res = await fetch(`${runtime.url}/v1/csat/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const csatEntries = (audit: AuditEvent[]) => audit.filter((a) => a.action === 'csat.submitted');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-csat-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('mails one link per score on resolution; GET shows the page and records nothing; POST records once', async () => {
    const requester = `csat-${randomUUID().slice(0, 8)}@customer.example`;
    const created = await postWebhook(runtime.url, 'demo', {
      id: `csat-${randomUUID()}`,
      subject: 'How do I export my data?',
      body: 'Where is the export button?',
      requester: { email: requester, name: 'Casey' },
      requestType: 'general_question',
    });
    expect(created.status).toBe(202);
    const ref = String(created.body.reference);
    await move(ref, 'in_progress');
    await move(ref, 'resolved');
    await drain(runtime.url);

    const resolution = (await outbox(runtime.url)).find(
      (m) => m.to.includes(requester) && m.subject.startsWith('Resolved:'),
    );
    expect(resolution, 'the resolution mail').toBeDefined();
    const links = [
      ...(resolution?.text ?? '').matchAll(/(https?:\/\/[^\s]+\/csat\/([\w.-]+))\?score=([1-5])/g),
    ];
    expect(links.map((m) => Number(m[3]))).toEqual([5, 4, 3, 2, 1]);
    const token = links[0]?.[2] ?? '';
    const link4 = links.find((m) => m[3] === '4');
    // The mail points at this runtime (PUBLIC_BASE_URL defaults to it); follow the link path as a browser would.
    const path = new URL(`${link4?.[1]}?score=4`).pathname;

    const before = await read(ref);
    expect(before.ticket.state).toBe('resolved');
    const page = await fetch(`${runtime.url}${path}?score=4`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    const html = await page.text();
    expect(html).toMatch(/id="score-4" name="score" value="4" required checked/);
    expect(html).toContain(`action="/v1/csat/${token}"`);
    // Following the link (as a mail scanner does) changed nothing.
    const afterGet = await read(ref);
    expect(csatEntries(afterGet.audit)).toEqual([]);
    expect(afterGet.ticket.version).toBe(before.ticket.version);

    const answered = await postCsat(token, { score: 4, comment: 'Quick answer, thanks' });
    expect(answered).toEqual({ status: 200, body: { reference: ref, score: 4, recorded: true } });
    const afterPost = await read(ref);
    expect(csatEntries(afterPost.audit)).toEqual([
      expect.objectContaining({
        actor: { kind: 'customer', id: requester },
        after: expect.objectContaining({ score: 4, comment: 'Quick answer, thanks' }),
      }),
    ]);
    expect(afterPost.ticket.version).toBe(before.ticket.version + 1);

    const again = await postCsat(token, { score: 1 });
    expect(again).toEqual({ status: 200, body: { reference: ref, score: 4, recorded: false } });
    // The page's own form post (urlencoded, through the local gateway) is answered the same way.
    const form = await fetch(`${runtime.url}/v1/csat/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ score: '2', comment: '' }).toString(),
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('We already have your rating for this request: 4 of 5.');
    const afterAgain = await read(ref);
    expect(csatEntries(afterAgain.audit)).toHaveLength(1);
    expect(afterAgain.ticket.version).toBe(afterPost.ticket.version);

    const forged = signCsatLink('not-the-secret', {
      ticketId: afterPost.ticket.id,
      resolution: Number(csatEntries(afterPost.audit)[0]?.after?.resolution),
      expiresAt: 2e9,
    });
    const refused = await postCsat(forged, { score: 5 });
    expect(refused).toMatchObject({ status: 403, body: { error: 'link_forged' } });
    expect((await fetch(`${runtime.url}/csat/${forged}?score=5`)).status).toBe(403);
  });

  it('refuses a survey for a ticket that is not resolved with 422, naming why', async () => {
    const created = await postWebhook(runtime.url, 'demo', {
      id: `csat-open-${randomUUID()}`,
      subject: 'Still open',
      body: 'please help',
      requester: { email: 'open@customer.example' },
      requestType: 'general_question',
    });
    const ticket = (await read(String(created.body.reference))).ticket;
    const token = signCsatLink('local-link-secret', { ticketId: ticket.id, resolution: 2, expiresAt: 2e9 });
    const res = await postCsat(token, { score: 5 });
    expect(res).toMatchObject({ status: 422, body: { error: 'not_resolved' } });
    expect(String(res.body.message)).toContain('not resolved');
    expect(csatEntries((await read(ticket.reference)).audit)).toEqual([]);
  });
});
