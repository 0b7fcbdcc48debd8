import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Ticket } from '../../shared/domain';
import { drain, outbox, sendMail } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postSignedEvent, postWebhook } from '../support/webhooks';

// Issue 6's check against `npm start`: billing puts `billing.subscription_cancelled` on the bus (the same
// PutEvents call as in AWS, served by the runtime); the integrations queue, the apply-integrations
// consumer and the notifier do the rest. Delivering the fact again — on the bus or through the signed
// webhook — does nothing more.

const run = promisify(execFile);

const OWNER = 'owner@smallshop.example';
const cancelled = {
  accountId: 'acct-smallshop',
  subscriptionId: 'sub-smallshop-1',
  plan: 'Team',
  cancelledAt: '2026-01-05T09:00:00Z',
  reason: 'Too expensive for us right now',
  contact: { email: OWNER, name: 'Sam Owner' },
};

describe('event-driven integrations in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let lead: string;
  let bus: EventBridgeClient;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${runtime.url}${path}`, { headers: { authorization: `Bearer ${lead}` } });
    if (!res.ok) throw new Error(`${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const account = async (id: string) => (await api<{ account: Account }>(`/v1/accounts/${id}`)).account;
  const ticketsOf = async (email: string) =>
    (await api<{ tickets: Ticket[] }>(`/v1/tickets?requester=${encodeURIComponent(email)}`)).tickets;
  const proactive = async (email: string) => (await ticketsOf(email)).filter((t) => t.channel === 'event');
  const mailsAbout = async (to: string, reference: string) =>
    (await outbox(runtime.url)).filter((m) => m.to.includes(to) && m.subject.includes(`[${reference}]`));
  /** Puts an event on the bus as another system does: PutEvents, source = the system. */
  const putEvent = async (type: string, detail: unknown) => {
    const out = await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'frontdoor-local',
            Source: type.split('.')[0],
            DetailType: type,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await drain(runtime.url);
    return out.Entries?.[0]?.EventId;
  };
  const postEvent = async (source: string, body: unknown) => {
    const answer = await postSignedEvent(runtime.url, source, JSON.stringify(body));
    await drain(runtime.url);
    return answer;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-integrations-'));
    runtime = await startRuntimeProcess({ dataDir });
    const { stdout } = await run(
      resolve(ROOT, 'node_modules/.bin/tsx'),
      // A lead: the proactive tickets land in billing and engineering, and agents see only their queues.
      ['tools/token-cli.ts', 'lead@example.com'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir },
      },
    );
    lead = stdout.trim();
    bus = new EventBridgeClient({
      endpoint: runtime.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'integrationtest', secretAccessKey: 'integrationtest' },
    });
  });

  afterAll(async () => {
    bus?.destroy();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tags the account, opens one proactive ticket and sends one proactive mail when billing reports a cancellation; again on the bus or by webhook, nothing more', async () => {
    // The customer already asked something: the proactive ticket is linked with it.
    const question = await postWebhook(runtime.url, 'demo', {
      id: 'q-export',
      subject: 'How do I export our data?',
      body: 'We may leave; how do we take our data with us?',
      requester: { email: OWNER },
    });
    expect(question.status).toBe(202);
    await drain(runtime.url);

    const firstId = await putEvent('billing.subscription_cancelled', cancelled);

    const acct = await account('acct-smallshop');
    expect(acct).toMatchObject({ status: 'cancelled', tags: ['subscription-cancelled'] });
    const [ticket, ...more] = await proactive(OWNER);
    expect(more).toEqual([]);
    expect(ticket).toMatchObject({
      channel: 'event',
      source: 'billing.subscription_cancelled',
      requestType: 'cancellation',
      queue: 'billing',
      subject: 'Subscription sub-smallshop-1 cancelled',
      fields: { reason: 'Too expensive for us right now' },
      account: { id: 'acct-smallshop', status: 'cancelled' },
      links: [expect.objectContaining({ reference: question.body.reference, relation: 'related' })],
    });
    const reference = String(ticket?.reference);
    const [mail, ...moreMail] = await mailsAbout(OWNER, reference);
    expect(moreMail).toEqual([]);
    expect(mail?.text).toContain('your subscription sub-smallshop-1 was cancelled');
    expect(mail?.headers['Auto-Submitted']).toBeDefined();
    const version = (await api<{ ticket: Ticket }>(`/v1/tickets/${reference}`)).ticket.version;

    // The same fact again: put a second time on the bus (a new EventBridge id) and through the signed webhook.
    const secondId = await putEvent('billing.subscription_cancelled', cancelled);
    expect(secondId).not.toBe(firstId);
    const viaWebhook = await postEvent('billing', {
      type: 'billing.subscription_cancelled',
      detail: cancelled,
    });
    expect(viaWebhook).toEqual({
      status: 202,
      body: { accepted: true, type: 'billing.subscription_cancelled' },
    });

    expect(await proactive(OWNER)).toHaveLength(1);
    expect(await mailsAbout(OWNER, reference)).toHaveLength(1);
    expect(await account('acct-smallshop')).toEqual(acct);
    const after = await api<{ ticket: Ticket; audit: Array<{ action: string }> }>(`/v1/tickets/${reference}`);
    expect(after.ticket.version).toBe(version);
    expect(after.audit.filter((a) => a.action === 'ticket.message_added')).toHaveLength(1);

    // The customer answers the proactive mail: the reply threads back to the proactive ticket.
    await sendMail(runtime.smtpPort, {
      from: OWNER,
      subject: `Re: ${mail?.subject}`,
      text: 'We would stay with a smaller plan.',
      inReplyTo: mail?.messageId,
    });
    await drain(runtime.url);
    const thread = await api<{ messages: Array<{ direction: string; body: string }> }>(
      `/v1/tickets/${reference}`,
    );
    expect(thread.messages.at(-1)).toMatchObject({
      direction: 'inbound',
      body: expect.stringContaining('smaller plan'),
    });
    expect(await proactive(OWNER)).toHaveLength(1);
  });

  it('refuses a source that may not emit the type (403) and a detail that does not match its schema (400)', async () => {
    const forbidden = await postEvent('demo', { type: 'billing.subscription_cancelled', detail: cancelled });
    expect(forbidden.status).toBe(403);
    expect(String(forbidden.body.message)).toContain('webhookSources.demo.emits');
    const invalid = await postEvent('billing', {
      type: 'billing.payment_failed',
      detail: { accountId: 'acct-bigcorp', invoiceId: 'INV-1' },
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body.issues as Array<{ path: string }>).map((i) => i.path)).toEqual([
      'detail.amount',
      'detail.attempt',
      'detail.failedAt',
      'detail.contact',
    ]);
  });

  it('marks an account past due on a failed payment, and links a sev1 incident with the affected account’s open tickets', async () => {
    const ap = 'ap@bigcorp.example';
    const failed = await postEvent('billing', {
      type: 'billing.payment_failed',
      detail: {
        accountId: 'acct-bigcorp',
        invoiceId: 'INV-2026-001',
        amount: { value: 1200, currency: 'EUR' },
        attempt: 1,
        failedAt: '2026-01-05T09:30:00Z',
        contact: { email: ap },
      },
    });
    expect(failed.status).toBe(202);
    expect(await account('acct-bigcorp')).toMatchObject({ status: 'past_due', tags: ['payment-failed'] });
    const [billing] = await proactive(ap);
    expect(billing).toMatchObject({ queue: 'billing', requestType: 'account_change' });
    expect(await mailsAbout(ap, String(billing?.reference))).toHaveLength(1);

    await putEvent('product.incident_opened', {
      incidentId: 'inc-42',
      title: 'Invoices fail to render',
      severity: 'sev1',
      startedAt: '2026-01-05T10:00:00Z',
      components: ['billing-ui'],
      accountIds: ['acct-bigcorp'],
    });
    const [incident, ...more] = await ticketsOf('incidents@example.com');
    expect(more).toEqual([]);
    expect(incident).toMatchObject({
      priority: 'urgent',
      queue: 'engineering',
      tags: ['incident', 'proactive'],
    });
    expect(incident?.links.map((l) => l.reference)).toContain(billing?.reference);
    const linkedBack = await api<{ ticket: Ticket }>(`/v1/tickets/${billing?.reference}`);
    expect(linkedBack.ticket.links.map((l) => l.reference)).toEqual([incident?.reference]);

    const dead = await (await fetch(`${runtime.url}/local/dead-letters`)).json();
    expect(dead).toMatchObject({ events: [], queues: [] });
  });
});
