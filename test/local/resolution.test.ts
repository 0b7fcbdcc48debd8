import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Message, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// "Is it solved?" end to end against `npm start`: tickets opened by webhook, resolved by an agent through
// the API, the resolution mail read from the outbox and its links followed (nothing recorded) and answered;
// and an agent closing a resolved ticket with a resolution note.

describe('resolution links in the resolution mail, and closing with a note (local runtime)', () => {
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
    return res.body as unknown as { ticket: Ticket; audit: AuditEvent[]; messages: Message[] };
  };
  const move = async (ref: string, to: string, reason?: string) =>
    as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: (await read(ref)).ticket.version,
      body: reason === undefined ? { to } : { to, reason },
    });
  const post = async (token: string, body: unknown) => {
    const res = await fetch(`${runtime.url}/v1/resolution/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** A ticket opened by webhook and resolved through the API; answers its reference, requester and mail links. */
  async function aResolvedTicket(): Promise<{
    ref: string;
    requester: string;
    solved: string;
    notSolved: string;
  }> {
    const requester = `resolution-${randomUUID().slice(0, 8)}@customer.example`;
    const created = await postWebhook(runtime.url, 'demo', {
      id: `resolution-${randomUUID()}`,
      subject: 'The export never finishes',
      body: 'It stops at 99%',
      requester: { email: requester, name: 'Robin' },
      requestType: 'general_question',
    });
    expect(created.status).toBe(202);
    const ref = String(created.body.reference);
    expect((await move(ref, 'in_progress')).status).toBe(200);
    expect((await move(ref, 'resolved')).status).toBe(200);
    await drain(runtime.url);
    const mail = (await outbox(runtime.url)).find(
      (m) => m.to.includes(requester) && m.subject.startsWith('Resolved:'),
    );
    expect(mail, 'the resolution mail').toBeDefined();
    const link = (answer: string) =>
      new RegExp(`(https?://[^\\s]+/resolution/[\\w.-]+\\?answer=${answer})(?:\\s|$)`).exec(
        mail?.text ?? '',
      )?.[1];
    const solved = link('solved');
    const notSolved = link('not_solved');
    expect(solved, mail?.text).toBeDefined();
    expect(notSolved, mail?.text).toBeDefined();
    return { ref, requester, solved: solved ?? '', notSolved: notSolved ?? '' };
  }
  const tokenOf = (url: string) => new URL(url).pathname.split('/').at(-1) ?? '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-resolution-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('"Yes, it’s solved": GET shows the page and records nothing; POST closes the ticket once', async () => {
    const { ref, requester, solved } = await aResolvedTicket();
    const before = await read(ref);
    // The mail points at this runtime (PUBLIC_BASE_URL defaults to it); follow the link path as a browser would.
    const url = new URL(solved);
    const page = await fetch(`${runtime.url}${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    const html = await page.text();
    expect(html).toMatch(/id="answer-solved" name="answer" value="solved" required checked/);
    expect(html).toContain(`action="/v1/resolution/${tokenOf(solved)}"`);
    expect((await read(ref)).ticket.version).toBe(before.ticket.version);

    // The page's own form post (urlencoded, through the local gateway).
    const form = await fetch(`${runtime.url}/v1/resolution/${tokenOf(solved)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ answer: 'solved', comment: '' }).toString(),
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('We have closed your request.');
    const after = await read(ref);
    expect(after.ticket.state).toBe('closed');
    expect(after.audit.filter((a) => a.action === 'ticket.state_changed').at(-1)).toMatchObject({
      actor: { kind: 'customer', id: requester },
      before: { state: 'resolved' },
      after: { state: 'closed' },
    });

    const again = await post(tokenOf(solved), { answer: 'solved' });
    expect(again).toMatchObject({ status: 200, body: { reference: ref, recorded: false, state: 'closed' } });
    expect((await read(ref)).ticket.version).toBe(after.ticket.version);
  });

  it('"No, still a problem": POST reopens the ticket with the comment as the requester’s message', async () => {
    const { ref, requester, notSolved } = await aResolvedTicket();
    const answered = await post(tokenOf(notSolved), {
      answer: 'not_solved',
      comment: 'Still stops at 99% on large files',
    });
    expect(answered).toMatchObject({
      status: 200,
      body: { reference: ref, answer: 'not_solved', recorded: true, state: 'in_progress' },
    });
    const after = await read(ref);
    expect(after.ticket.state).toBe('in_progress');
    expect(after.messages.at(-1)).toMatchObject({
      direction: 'inbound',
      visibility: 'public',
      author: { kind: 'customer', email: requester },
      body: 'Still stops at 99% on large files',
    });
    // Resolved again: the old mail's link is refused, naming why.
    expect((await move(ref, 'resolved')).status).toBe(200);
    const stale = await post(tokenOf(notSolved), { answer: 'solved' });
    expect(stale).toMatchObject({ status: 410, body: { error: 'resolution_superseded', state: 'resolved' } });
  });

  it('an agent closes a resolved ticket with a resolution note, and is refused 422 without one', async () => {
    const { ref } = await aResolvedTicket();
    const refused = await move(ref, 'closed');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: 'transition_refused', guard: 'closure-confirmed' });
    expect(String(refused.body.message)).toContain('with a resolution note');
    const closed = await move(ref, 'closed', 'Workaround documented in KB-112; customer agreed by phone');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const after = await read(ref);
    expect(after.ticket.state).toBe('closed');
    expect(after.audit.filter((a) => a.action === 'ticket.state_changed').at(-1)).toMatchObject({
      actor: { kind: 'agent', id: 'agent@example.com' },
      reason: 'Workaround documented in KB-112; customer agreed by phone',
    });
  });
});
