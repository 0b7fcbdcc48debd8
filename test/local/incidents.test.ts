import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../infra/local/event-bus';
import type { Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox, sendMail } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 17's incident check against `npm start`: ten tickets from ten requesters (each by mail, so each has
// its own Message-ID) linked to an incident; one public update → ten mails in /local/outbox, one per
// requester, each threaded on that requester's ticket; the same events delivered again → nothing more;
// resolving the incident resolves the ten; closing it while one is reopened is refused, naming it.

const LEAD = 'lead@example.com';
const requesters = Array.from({ length: 10 }, (_, i) => `affected-${i}@customer${i}.example`);

describe('incidents in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const mailsTo = async (to: string) => (await outbox(runtime.url)).filter((m) => m.to.includes(to));
  const ticket = async (ref: string) =>
    (await as(LEAD, `/v1/tickets/${ref}`)).body as unknown as { ticket: Ticket };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-incidents-'));
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches ten requesters once each on their own threads, resolves them with it, and will not close while one is open', async () => {
    // Ten requesters write in; each ticket's thread starts at their own Message-ID.
    const threadOf = new Map<string, string>();
    for (const [i, from] of requesters.entries()) {
      const messageId = await sendMail(runtime.smtpPort, {
        from,
        subject: `Cannot sign in (${i})`,
        text: 'The login page spins forever.',
        messageId: `<signin-${i}@customer${i}.example>`,
      });
      threadOf.set(from, messageId);
    }
    await drain(runtime.url);
    const refs = new Map<string, string>();
    for (const from of requesters) {
      const found = await as(LEAD, `/v1/tickets?requester=${encodeURIComponent(from)}`);
      const [t] = found.body.tickets as Ticket[];
      refs.set(from, String(t?.reference));
    }

    // A lead opens an incident for the ten.
    const opened = await as(LEAD, '/v1/incidents', {
      method: 'POST',
      body: { title: 'Sign-in outage', tickets: [...refs.values()] },
    });
    expect(opened.status).toBe(201);
    const incident = opened.body.incident as Ticket;
    expect(incident).toMatchObject({ kind: 'incident', incident: { title: 'Sign-in outage' } });
    expect((opened.body.results as Array<{ outcome: string }>).map((r) => r.outcome)).toEqual(
      Array(10).fill('linked'),
    );
    await drain(runtime.url);
    const before = new Map(
      await Promise.all(requesters.map(async (r) => [r, (await mailsTo(r)).length] as const)),
    );

    // One public update on the incident.
    const update = await as(LEAD, `/v1/tickets/${incident.reference}/messages`, {
      method: 'POST',
      ifMatch: incident.version,
      body: {
        visibility: 'public',
        body: 'We found the cause of the sign-in failures and are rolling out a fix.',
      },
    });
    expect(update.status).toBe(201);
    await drain(runtime.url);

    for (const from of requesters) {
      const fresh = (await mailsTo(from)).slice(0, (await mailsTo(from)).length - (before.get(from) ?? 0));
      expect(fresh, from).toHaveLength(1);
      const [mail] = fresh;
      expect(mail?.subject).toContain(`[${refs.get(from)}]`);
      expect(mail?.text).toContain('rolling out a fix');
      expect(mail?.inReplyTo).toBe(threadOf.get(from));
      expect(mail?.headers.References ?? mail?.headers.references).toContain(threadOf.get(from));
    }
    const afterUpdate = (await outbox(runtime.url)).length;

    // Delivered again: the update's event and every event since, as the bus would redeliver them.
    const { events } = (await (await fetch(`${runtime.url}/local/events`)).json()) as { events: BusEvent[] };
    const again = events.filter((e) =>
      ['ticket.message_added', 'incident.fan_out'].includes(e['detail-type']),
    );
    expect(again.length).toBeGreaterThanOrEqual(11);
    const bus = new EventBridgeClient({
      endpoint: runtime.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (let i = 0; i < again.length; i += 10) {
      await bus.send(
        new PutEventsCommand({
          Entries: again.slice(i, i + 10).map((e) => ({
            EventBusName: 'frontdoor-local',
            Source: e.source,
            DetailType: e['detail-type'],
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
    }
    await drain(runtime.url);
    expect((await outbox(runtime.url)).length).toBe(afterUpdate);

    // The incident is resolved: so are the ten, with its note, each mailed on its own thread.
    const current = (await ticket(incident.reference)).ticket;
    for (const to of ['in_progress', 'resolved'] as const) {
      const v = (await ticket(incident.reference)).ticket.version;
      const moved = await as(LEAD, `/v1/tickets/${incident.reference}/transition`, {
        method: 'POST',
        ifMatch: v,
        body: { to, reason: 'The fix is deployed; sign-in works again.' },
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    expect(current.kind).toBe('incident');
    await drain(runtime.url);
    for (const from of requesters) {
      const t = (await ticket(String(refs.get(from)))).ticket;
      expect(t.state, from).toBe('resolved');
      const [resolution] = (await mailsTo(from)).filter((m) => m.subject.startsWith('Resolved'));
      expect(resolution?.text).toContain('Resolved with incident');
      expect(resolution?.text).toContain('sign-in works again');
    }

    // One requester writes back: their ticket reopens, and the incident may not close while it is open.
    const [first] = requesters;
    const reopenedRef = String(refs.get(String(first)));
    await sendMail(runtime.smtpPort, {
      from: String(first),
      subject: `Re: still broken [${reopenedRef}]`,
      text: 'Still cannot sign in.',
    });
    await drain(runtime.url);
    expect((await ticket(reopenedRef)).ticket.state).toBe('in_progress');
    const resolved = (await ticket(incident.reference)).ticket;
    const close = await as(LEAD, `/v1/tickets/${incident.reference}/transition`, {
      method: 'POST',
      ifMatch: resolved.version,
      body: { to: 'closed', reason: 'Post-mortem done.' },
    });
    expect(close.status).toBe(409);
    expect(close.body).toMatchObject({
      error: 'incident_refused',
      rule: 'incident-links-resolved',
      references: [reopenedRef],
    });
    expect(String(close.body.message)).toContain(reopenedRef);

    // The view shows the ten, their state and the measures.
    const seen = await as(LEAD, `/v1/incidents/${incident.reference}`);
    expect(seen.body).toMatchObject({
      metrics: { linkedTickets: 10, openLinkedTickets: 1 },
      updates: [expect.objectContaining({ body: expect.stringContaining('rolling out a fix') })],
    });
  });

  it('links a new ticket its rule takes at intake and says so in the acknowledgement; unlinks by hand', async () => {
    const seed = await postWebhook(runtime.url, 'demo', {
      id: 'checkout-1',
      subject: 'Checkout fails with error 500',
      body: 'Every order fails.',
      requester: { email: 'first@shop.example' },
    });
    const seedRef = String(seed.body.reference);
    await drain(runtime.url);
    const seedTicket = (await ticket(seedRef)).ticket;
    const declared = await as(LEAD, `/v1/tickets/${seedRef}/incident`, {
      method: 'POST',
      ifMatch: seedTicket.version,
      body: { title: 'Checkout down', rule: { keywords: ['checkout'] } },
    });
    expect(declared.status, JSON.stringify(declared.body)).toBe(200);
    const listed = await as(LEAD, '/v1/incidents');
    expect(listed.body.incidents).toEqual(
      expect.arrayContaining([expect.objectContaining({ reference: seedRef, title: 'Checkout down' })]),
    );

    const next = await postWebhook(runtime.url, 'demo', {
      id: 'checkout-2',
      subject: 'Cannot pay',
      body: 'The checkout page shows an error.',
      requester: { email: 'second@shop.example' },
    });
    const nextRef = String(next.body.reference);
    await drain(runtime.url);
    expect((await ticket(nextRef)).ticket.links).toEqual([
      expect.objectContaining({ reference: seedRef, relation: 'affected_by' }),
    ]);
    expect((await ticket(seedRef)).ticket.links).toEqual([
      expect.objectContaining({ reference: nextRef, relation: 'affects' }),
    ]);
    const [ack] = await mailsTo('second@shop.example');
    expect(ack?.text).toContain(`linked to incident ${seedRef} ("Checkout down")`);

    // By mail too.
    await sendMail(runtime.smtpPort, {
      from: 'third@shop.example',
      subject: 'Checkout broken',
      text: 'Cannot order.',
    });
    await drain(runtime.url);
    const [byMail] = (await as(LEAD, '/v1/tickets?requester=third%40shop.example')).body.tickets as Ticket[];
    expect(byMail?.links).toEqual([expect.objectContaining({ reference: seedRef, relation: 'affected_by' })]);
    const [mailAck] = await mailsTo('third@shop.example');
    expect(mailAck?.text).toContain(`linked to incident ${seedRef}`);

    const unlinked = await as(LEAD, `/v1/incidents/${seedRef}/unlink`, {
      method: 'POST',
      body: { tickets: [nextRef, 'FD-99999'] },
    });
    expect(unlinked.status).toBe(200);
    expect(unlinked.body.results).toEqual([
      expect.objectContaining({ ticket: nextRef, outcome: 'unlinked' }),
      expect.objectContaining({ ticket: 'FD-99999', outcome: 'not_linked' }),
    ]);
    expect((await ticket(nextRef)).ticket.links).toEqual([]);
  });
});
