import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval, AuditEvent, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 6's approval check against `npm start`: the SAME approval.asl.json (its AwaitDecision state waits
// on a task token the runtime provides), the same handlers, the workflow clock fast-forwarded for expiry.

const MINUTE = 60_000;

describe('approvals with separation of duties in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;

  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  // Read as a lead: an SLA breach while the clock runs escalates the ticket out of the agent's queues
  // (escalation_desk), where queue isolation no longer shows it to them.
  const ticket = async (ref: string) => {
    await drain(runtime.url);
    const { body } = await as('lead@example.com', `/v1/tickets/${ref}`);
    return body as unknown as { ticket: Ticket; audit: AuditEvent[] };
  };
  const approval = async (id: string) =>
    (await as('lead@example.com', `/v1/approvals/${id}`)).body.approval as Approval;
  const clock = async (change: Record<string, unknown>) => {
    const res = await fetch(`${runtime.url}/local/clock`, { method: 'POST', body: JSON.stringify(change) });
    expect(res.status).toBe(200);
    await drain(runtime.url);
  };
  const execution = async (name: string) => {
    const all = (await (await fetch(`${runtime.url}/local/executions`)).json()) as Array<{
      name: string;
      status: string;
      stateMachineArn: string;
      stateTransitions: number;
    }>;
    return all.find((e) => e.name === name);
  };
  /** Newest first, as the outbox lists them. */
  const mailsTo = async (to: string) => (await outbox(runtime.url)).filter((m) => m.to.includes(to));
  const actions = (audit: AuditEvent[]) => audit.toSorted((a, b) => a.seq - b.seq).map((a) => a.action);

  /** A billing dispute with its context supplied; answers its reference and current version. */
  const dispute = async (id: string) => {
    const created = await postWebhook(runtime.url, 'demo', {
      id,
      subject: `We were charged twice for March (${id})`,
      body: 'Invoice INV-2025-031 was charged twice; please credit the second charge.',
      requester: { email: 'ops@bigcorp.example', name: 'Ops' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-2025-031', customerId: 'C-77' },
    });
    expect(created.status).toBe(202);
    const ref = String(created.body.reference);
    return { ref, version: (await ticket(ref)).ticket.version };
  };
  const requestCredit = async (
    email: string,
    ref: string,
    version: number,
    value: number,
    kind = 'credit',
  ) => {
    const res = await as(email, `/v1/tickets/${ref}/approvals`, {
      method: 'POST',
      ifMatch: version,
      body: {
        kind,
        amount: { value, currency: 'EUR' },
        summary: `${kind} of ${value} EUR for the double charge`,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.approval as Approval;
  };
  const decide = (email: string, id: string, decision: 'approve' | 'reject', reason?: string) =>
    as(email, `/v1/approvals/${id}/decision`, {
      method: 'POST',
      body: { decision, ...(reason ? { reason } : {}) },
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-approvals-'));
    runtime = await startRuntimeProcess({ dataDir });
  });

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a credit above the threshold waits for finance; only a finance approver other than the asker decides; the audit shows the chain', async () => {
    const { ref, version } = await dispute('approval-credit');
    const asked = await requestCredit('agent@example.com', ref, version, 750);
    expect(asked).toMatchObject({
      state: 'pending',
      policy: 'finance-credits',
      group: 'finance',
      requestedBy: 'agent@example.com',
    });
    expect(asked).not.toHaveProperty('taskToken');

    const blocked = await ticket(ref);
    expect(blocked.ticket).toMatchObject({ blockedOn: 'approval', pendingApprovals: [asked.id] });
    // The workflow runs, waiting on its task token; finance was asked by mail.
    expect(await execution(asked.id)).toMatchObject({ status: 'RUNNING' });
    expect((await mailsTo('finance@example.com')).map((m) => m.subject)).toEqual([
      expect.stringContaining(`Approval needed (credit 750 EUR)`),
    ]);
    // Work goes on while it waits, but resolving is refused while the approval is pending.
    const working = await as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: blocked.ticket.version,
      body: { to: 'in_progress' },
    });
    expect(working.status).toBe(200);
    const resolve = await as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: (await ticket(ref)).ticket.version,
      body: { to: 'resolved' },
    });
    expect(resolve.status).toBe(422);
    expect(resolve.body).toMatchObject({ guard: 'approvals-decided' });

    // The requesting agent cannot approve; nor can security; a decision needs a reason.
    const byAgent = await decide('agent@example.com', asked.id, 'approve', 'looks fine');
    expect(byAgent.status).toBe(403);
    // The agent has no approver role at all (the route's role table); security is an approver of another group.
    expect(byAgent.body).toMatchObject({ rule: 'route-roles' });
    const bySecurity = await decide('security@example.com', asked.id, 'approve', 'looks fine');
    expect(bySecurity).toMatchObject({ status: 403, body: { rule: 'approver-group' } });
    expect((await decide('finance@example.com', asked.id, 'approve')).status).toBe(400);

    // Finance sees it waiting for their group, and may decide it.
    const inbox = await as('finance@example.com', '/v1/approvals');
    expect(inbox.status).toBe(200);
    expect(inbox.body.approvals).toEqual([expect.objectContaining({ id: asked.id, mayDecide: true })]);

    await clock({ advanceMinutes: 30 });
    const approved = await decide(
      'finance@example.com',
      asked.id,
      'approve',
      'double charge confirmed on INV-2025-031',
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.approval).toMatchObject({
      state: 'approved',
      votes: [{ by: 'finance@example.com' }],
    });
    await drain(runtime.url);
    // The token reached the workflow: it announced the decision and ended. Billed transitions: Look, two
    // Choices, AwaitDecision; then Look, Choice, Announce, Choice, Done.
    expect(await execution(asked.id)).toMatchObject({ status: 'SUCCEEDED', stateTransitions: 9 });
    expect((await decide('finance@example.com', asked.id, 'reject', 'changed my mind')).status).toBe(409);

    const after = await ticket(ref);
    expect(after.ticket).toMatchObject({ blockedOn: null, pendingApprovals: [] });
    expect(after.ticket.timeBlockedSeconds.approval).toBeGreaterThanOrEqual(30 * 60);
    expect(actions(after.audit)).toEqual(
      expect.arrayContaining(['approval.requested', 'approval.decided', 'mail.sent']),
    );
    const requested = after.audit.find((a) => a.action === 'approval.requested');
    const decided = after.audit.find((a) => a.action === 'approval.decided');
    expect(requested).toMatchObject({
      actor: { kind: 'agent', id: 'agent@example.com' },
      after: { policy: 'finance-credits', amount: { value: 750, currency: 'EUR' }, blockedOn: 'approval' },
    });
    expect(decided).toMatchObject({
      actor: { kind: 'agent', id: 'finance@example.com' },
      reason: 'double charge confirmed on INV-2025-031',
      before: { state: 'pending', blockedOn: 'approval' },
      after: {
        state: 'approved',
        policy: 'finance-credits',
        requestedBy: 'agent@example.com',
        blockedOn: null,
      },
    });
    expect(Date.parse(decided?.at ?? '') - Date.parse(requested?.at ?? '')).toBeGreaterThanOrEqual(
      30 * MINUTE,
    );
    // The agent who asked hears the outcome.
    expect((await mailsTo('agent@example.com')).map((m) => m.subject)).toEqual([
      expect.stringContaining('Approval approved: credit 750 EUR'),
    ]);
    // And the ticket continues: now it may be resolved.
    const resolved = await as('agent@example.com', `/v1/tickets/${ref}/transition`, {
      method: 'POST',
      ifMatch: after.ticket.version,
      body: { to: 'resolved' },
    });
    expect(resolved.status).toBe(200);
  });

  it('a finance member who asked cannot approve their own request; a credit under the threshold needs no approval', async () => {
    const { ref, version } = await dispute('approval-own');
    const asked = await requestCredit('billing-agent@example.com', ref, version, 900);
    const own = await decide('billing-agent@example.com', asked.id, 'approve', 'fine by me');
    expect(own).toMatchObject({ status: 403, body: { rule: 'not-own-request' } });
    const inbox = await as('billing-agent@example.com', '/v1/approvals');
    expect(inbox.body.approvals).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: asked.id, mayDecide: false })]),
    );
    expect(
      (await decide('finance@example.com', asked.id, 'reject', 'already refunded by card issuer')).status,
    ).toBe(200);
    expect((await ticket(ref)).ticket.blockedOn).toBeNull();

    const small = await requestCredit('agent@example.com', ref, (await ticket(ref)).ticket.version, 120);
    expect(small).toMatchObject({
      state: 'not_required',
      reason: expect.stringContaining('within the 500 EUR threshold'),
    });
    expect((await ticket(ref)).ticket.blockedOn).toBeNull();
    expect(await execution(small.id)).toBeUndefined();
  });

  it('an approval nobody decides is reminded, escalated to finance leads, then expires as its policy says', async () => {
    const { ref, version } = await dispute('approval-expiry');
    const asked = await requestCredit('agent@example.com', ref, version, 2000);
    await drain(runtime.url);
    const before = (await mailsTo('finance@example.com')).length;

    await clock({ advanceMinutes: 4 * 60 + 1 });
    const reminders = (await mailsTo('finance@example.com')).slice(0, -before || undefined);
    expect(
      reminders.map((m) => m.subject),
      JSON.stringify(reminders.map((m) => m.subject)),
    ).toEqual([expect.stringContaining('Reminder: approval still needed (credit 2000 EUR)')]);
    expect(
      (await mailsTo('finance@example.com')).some((m) =>
        m.subject.startsWith('Reminder: approval still needed'),
      ),
    ).toBe(true);
    expect((await approval(asked.id)).remindedAt).toBeDefined();

    await clock({ advanceMinutes: 20 * 60 });
    const escalated = await approval(asked.id);
    expect(escalated).toMatchObject({ state: 'pending', group: 'finance-leads' });
    expect(await mailsTo('finance-leads@example.com')).toHaveLength(1);
    // Finance no longer decides it; finance leads do.
    expect(await decide('finance@example.com', asked.id, 'approve', 'ok')).toMatchObject({
      status: 403,
      body: { rule: 'approver-group' },
    });

    await clock({ advanceMinutes: 24 * 60 + 1 });
    const expired = await approval(asked.id);
    expect(expired).toMatchObject({ state: 'expired', reason: expect.stringContaining('rejects on expiry') });
    // Reminder, escalation and expiry each add a look: 4 + 5 + 5 + 5 transitions.
    expect(await execution(asked.id)).toMatchObject({ status: 'SUCCEEDED', stateTransitions: 19 });
    const t = await ticket(ref);
    expect(t.ticket).toMatchObject({ blockedOn: null, pendingApprovals: [] });
    expect(actions(t.audit)).toEqual(
      expect.arrayContaining([
        'approval.requested',
        'approval.reminded',
        'approval.escalated',
        'approval.expired',
      ]),
    );
    expect(t.audit.find((a) => a.action === 'approval.expired')?.actor).toEqual({
      kind: 'system',
      id: 'approvals',
    });
    expect((await mailsTo('agent@example.com')).some((m) => m.subject.startsWith('Approval expired'))).toBe(
      true,
    );
  });
});
