import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Ticket } from '../../shared/domain';
import { drain, outbox } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 5's check against `npm start`: the SAME ticket clock (run-ticket-clock, woken by its EventBridge
// Scheduler schedule; locally the scheduler stand-in) and escalation consumer as in AWS, with the workflow
// clock fast-forwarded through POST /local/clock.

const run = promisify(execFile);
const MINUTE = 60_000;

async function token(dataDir: string, email: string): Promise<string> {
  const { stdout } = await run(resolve(ROOT, 'node_modules/.bin/tsx'), ['tools/token-cli.ts', email], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
  });
  return stdout.trim();
}

const outage = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  subject: `Checkout is down for all our users (${id})`,
  body: 'Every payment fails since 09:00.',
  requester: { email: 'ops@bigcorp.example', name: 'Ops' },
  ...extra,
});

describe('SLA timers and escalations in the local runtime', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let agent: string;

  const api = async (path: string, init: { method?: string; body?: unknown; ifMatch?: number } = {}) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${agent}`,
        'content-type': 'application/json',
        ...(init.ifMatch !== undefined ? { 'if-match': `"${init.ifMatch}"` } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const ticket = async (ref: string) => {
    const { body } = await api(`/v1/tickets/${ref}`);
    return body as unknown as { ticket: Ticket; audit: AuditEvent[] };
  };
  const clock = async (change: Record<string, unknown>) => {
    const res = await fetch(`${runtime.url}/local/clock`, { method: 'POST', body: JSON.stringify(change) });
    expect(res.status).toBe(200);
    return (await res.json()) as { now: string };
  };
  /**
   * Settles everything the last step set off (bus, queues, wake-ups the clock made due: `/local/drain`
   * returns once nothing is left), then reads the ticket, which must be as `expected` says.
   */
  const settled = async (ref: string, expected: (t: { ticket: Ticket; audit: AuditEvent[] }) => boolean) => {
    await drain(runtime.url);
    const t = await ticket(ref);
    expect(expected(t), `${ref} once drained: ${JSON.stringify(t.ticket)}`).toBe(true);
    return t;
  };
  /** When the ticket's state changes to `state` happened, in order (its audit: what the SLA clock reads). */
  const changesTo = (t: { audit: AuditEvent[] }, state: string) =>
    t.audit
      .filter((a) => a.action === 'ticket.state_changed' && a.after?.state === state)
      .toSorted((a, b) => a.seq - b.seq)
      .map((a) => Date.parse(a.at));
  /**
   * The version to send next: system work set off by the last write (a notice mailed and recorded on
   * the ticket, the SLA clock recording a target) also moves the version, so settle and re-read.
   */
  const currentVersion = async (ref: string) => {
    await drain(runtime.url);
    return (await ticket(ref)).ticket.version;
  };
  const actions = (audit: AuditEvent[]) => audit.toSorted((a, b) => a.seq - b.seq).map((a) => a.action);
  const create = async (id: string, extra: Record<string, unknown> = {}) => {
    const created = await postWebhook(runtime.url, 'demo', outage(id, extra));
    expect(created.status).toBe(202);
    await drain(runtime.url);
    return String(created.body.reference);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-sla-'));
    runtime = await startRuntimeProcess({ dataDir });
    // A lead: escalations move tickets to specialists, the escalation desk and engineering, and agents
    // read and change only the tickets of their own queues.
    agent = await token(dataDir, 'lead@example.com');
  });

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('routes an urgent enterprise ticket, gives it SLA targets, then warns, breaches and escalates in order', async () => {
    const ref = await create('sla-urgent');
    const opened = await ticket(ref);
    const createdAt = Date.parse(opened.ticket.createdAt);
    expect(opened.ticket).toMatchObject({
      priority: 'urgent',
      queue: 'specialists', // routing rule urgent-enterprise-to-specialists
      account: { id: 'acct-bigcorp', tier: 'enterprise' },
      slaPolicy: 'enterprise/urgent',
    });
    const first = opened.ticket.sla?.targets.find((t) => t.target === 'firstResponse');
    expect(first).toMatchObject({
      status: 'running',
      dueAt: new Date(createdAt + 30 * MINUTE).toISOString(),
      warnAt: new Date(createdAt + 22.5 * MINUTE).toISOString(),
    });
    // Its one wake-up is pending, at the first warning.
    const schedules = (await (await fetch(`${runtime.url}/local/schedules`)).json()) as Array<{
      name: string;
      at: string;
    }>;
    const wakeUps = schedules.filter((s) => s.name === `ticket-${opened.ticket.id}`);
    expect(wakeUps).toHaveLength(1);
    // (Schedules have whole seconds: the wake-up is the warning's moment, rounded up.)
    const late = Date.parse(wakeUps[0]?.at ?? '') - Date.parse(first?.warnAt ?? '');
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1000);

    // 23 minutes later: past the warning (75 % of 30 min). The wake-up fires at once.
    await clock({ advanceMinutes: 23 });
    const warned = await settled(ref, (t) => actions(t.audit).includes('ticket.escalated'));
    expect(actions(warned.audit)).toEqual(expect.arrayContaining(['sla.warned', 'ticket.escalated']));
    expect(warned.ticket).toMatchObject({
      queue: 'escalation_desk',
      escalation: { path: 'urgent-enterprise', step: 1, tier: 2 },
    });
    expect(warned.ticket.sla?.targets.find((t) => t.target === 'firstResponse')?.warnedAt).toBe(
      new Date(createdAt + 22.5 * MINUTE).toISOString(),
    );

    // Past the due time: the breach, and the path's next step (engineering, tier 3).
    await clock({ advanceMinutes: 8 });
    const breached = await settled(
      ref,
      (t) => actions(t.audit).filter((a) => a === 'ticket.escalated').length === 2,
    );
    const trail = actions(breached.audit).filter((a) => a.startsWith('sla.') || a === 'ticket.escalated');
    expect(trail).toEqual(['sla.warned', 'ticket.escalated', 'sla.breached', 'ticket.escalated']);
    expect(breached.ticket).toMatchObject({
      queue: 'engineering',
      escalation: { path: 'urgent-enterprise', step: 2, tier: 3, acknowledgeBy: null },
    });
    const escalatedAudit = breached.audit.filter((a) => a.action === 'ticket.escalated');
    expect(escalatedAudit.map((a) => a.after)).toEqual([
      expect.objectContaining({
        path: 'urgent-enterprise',
        step: 1,
        queue: 'escalation_desk',
        cause: 'sla.warning:firstResponse',
      }),
      expect.objectContaining({
        path: 'urgent-enterprise',
        step: 2,
        queue: 'engineering',
        cause: 'sla.breached:firstResponse',
      }),
    ]);

    // The bus saw the same story, in the same order.
    const { events } = (await (await fetch(`${runtime.url}/local/events`)).json()) as {
      events: Array<{ 'detail-type': string; detail: { ticketId?: string } }>;
    };
    const mine = events
      .filter((e) => e.detail.ticketId === opened.ticket.id)
      .map((e) => e['detail-type'])
      .filter((t) => t.startsWith('sla.') || t === 'ticket.escalated');
    expect(mine.toSorted()).toEqual(['sla.breached', 'sla.warning', 'ticket.escalated', 'ticket.escalated']);

    // The receiving groups were told, by internal mail (never the customer).
    const mails = (await outbox(runtime.url)).filter((m) => m.subject.includes(`[${ref}]`));
    const notices = mails.filter((m) => m.subject.startsWith('Escalated to'));
    expect(notices.flatMap((m) => m.to).toSorted()).toEqual([
      'engineering@example.com',
      'support-leads@example.com',
    ]);
    expect(notices.every((m) => !m.to.includes('ops@bigcorp.example'))).toBe(true);
  });

  it('does not breach a ticket that waits on the customer, and resumes its clock when it comes back', async () => {
    const ref = await create('sla-paused');
    let t = await ticket(ref);
    const moved = await api(`/v1/tickets/${ref}/transition`, {
      method: 'POST',
      body: { to: 'in_progress' },
      ifMatch: t.ticket.version,
    });
    expect(moved.status).toBe(200);
    const paused = await api(`/v1/tickets/${ref}/transition`, {
      method: 'POST',
      body: { to: 'waiting_on_customer', reason: 'asked for the failing order ids' },
      ifMatch: await currentVersion(ref),
    });
    expect(paused.status).toBe(200);
    await drain(runtime.url);

    // Three hours of waiting: far past every target, yet nothing warns or breaches.
    await clock({ advanceMinutes: 180 });
    t = await settled(ref, (x) => x.ticket.sla?.targets.every((s) => s.status === 'paused') === true);
    expect(actions(t.audit)).not.toContain('sla.breached');
    expect(actions(t.audit)).not.toContain('sla.warned');
    expect(t.ticket.sla?.targets.map((s) => s.status)).toEqual(['paused', 'paused']);

    // The customer answers (an agent moves it back): the clock resumes where it stopped.
    const resumed = await api(`/v1/tickets/${ref}/transition`, {
      method: 'POST',
      body: { to: 'in_progress' },
      ifMatch: t.ticket.version,
    });
    expect(resumed.status).toBe(200);
    t = await settled(ref, (x) => x.ticket.sla?.targets.some((s) => s.status === 'running') === true);
    const due = Date.parse(t.ticket.sla?.targets.find((s) => s.target === 'firstResponse')?.dueAt ?? '');
    const createdAt = Date.parse(t.ticket.createdAt);
    const [pausedAt] = changesTo(t, 'waiting_on_customer');
    const resumedAt = changesTo(t, 'in_progress').at(-1);
    // Due = 30 min of counted time (24x7): what ran before the pause plus what is left after it.
    expect(resumedAt).toBeGreaterThan(pausedAt ?? Number.NaN);
    expect(due).toBe((resumedAt ?? 0) + 30 * MINUTE - ((pausedAt ?? 0) - createdAt));
  });

  it('escalates again when a step is not acknowledged in its window, and not once it is', async () => {
    // Not urgent: the standard business-hours policy; an agent escalates by hand (path sla-breach).
    const quiet = {
      subject: 'Export to CSV drops the last column',
      requester: { email: 'kim@smallshop.example' },
    };
    const ignored = await create('manual-ignored', quiet);
    let t = await ticket(ignored);
    const escalated = await api(`/v1/tickets/${ignored}/escalate`, {
      method: 'POST',
      body: { reason: 'customer is blocked on month-end close' },
      ifMatch: t.ticket.version,
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body.ticket).toMatchObject({
      queue: 'escalation_desk',
      escalation: { path: 'sla-breach', step: 1 },
    });

    const acked = await create('manual-acked', quiet);
    t = await ticket(acked);
    const second = await api(`/v1/tickets/${acked}/escalate`, {
      method: 'POST',
      body: { reason: 'same' },
      ifMatch: t.ticket.version,
    });
    expect(second.status).toBe(200);
    const ack = await api(`/v1/tickets/${acked}/escalation/acknowledge`, {
      method: 'POST',
      ifMatch: await currentVersion(acked),
    });
    expect(ack.status).toBe(200);
    const again = await api(`/v1/tickets/${acked}/escalation/acknowledge`, {
      method: 'POST',
      ifMatch: await currentVersion(acked),
    });
    expect(again.status).toBe(422);
    expect(String(again.body.message)).toContain('was acknowledged by lead@example.com');
    await drain(runtime.url);

    // The desk's 30-minute window passes.
    await clock({ advanceMinutes: 31 });
    const moved = await settled(ignored, (x) => x.ticket.escalation?.step === 2);
    expect(moved.ticket).toMatchObject({ queue: 'engineering', escalation: { step: 2, path: 'sla-breach' } });
    expect(
      moved.audit.find((a) => a.action === 'ticket.escalated' && a.after?.step === 2)?.after,
    ).toMatchObject({
      cause: 'unacknowledged:sla-breach:1',
    });
    const kept = await ticket(acked);
    expect(kept.ticket).toMatchObject({ queue: 'escalation_desk', escalation: { step: 1 } });
  });

  it('refuses a stale write, a bad transition and a handoff whose precondition fails, naming why', async () => {
    const ref = await create('refusals', {
      subject: 'Export is broken',
      requester: { email: 'kim@smallshop.example' },
    });
    const t = await ticket(ref);
    const stale = await api(`/v1/tickets/${ref}/transition`, {
      method: 'POST',
      body: { to: 'in_progress' },
      // A version the ticket never had: stale (bookkeeping versions are not, see the agent API tests).
      ifMatch: t.ticket.version + 5,
    });
    expect(stale.status).toBe(409);
    const bad = await api(`/v1/tickets/${ref}/transition`, {
      method: 'POST',
      body: { to: 'closed' },
      ifMatch: t.ticket.version,
    });
    expect(bad.status).toBe(422);
    expect(String(bad.body.message)).toContain('cannot move from new to closed');
    const handoff = await api(`/v1/tickets/${ref}/handoff`, {
      method: 'POST',
      body: { to: 'engineering', reason: 'looks like a bug' },
      ifMatch: t.ticket.version,
    });
    expect(handoff.status).toBe(422);
    expect(handoff.body.rule).toBe('engineering-needs-validated-bug');
  });

  it('runs a typical lifecycle on a handful of wake-ups and no Step Functions transitions', async () => {
    const ref = await create('lifecycle', {
      subject: 'How do I export my reports?',
      requester: { email: 'kim@smallshop.example' },
    });
    let t = await ticket(ref);
    const step = async (to: string) => {
      const out = await api(`/v1/tickets/${ref}/transition`, {
        method: 'POST',
        body: { to },
        ifMatch: t.ticket.version,
      });
      expect(out.status).toBe(200);
      await drain(runtime.url);
      t = await ticket(ref);
    };
    await clock({ advanceMinutes: 10 });
    await step('in_progress');
    await clock({ advanceMinutes: 50 });
    await step('resolved');
    // Long after: every clock ran out, and the quiet days after the resolution passed: the clock closed
    // the ticket, and it has no wake-up left.
    const costs = async () =>
      ((await (await fetch(`${runtime.url}/local/costs`)).json()) as { counts: Record<string, number> })
        .counts;
    const before = await costs();
    await clock({ advanceMinutes: 7 * 24 * 60 });
    await drain(runtime.url);
    t = await ticket(ref);
    expect(t.ticket.state).toBe('closed');
    const schedules = (await (await fetch(`${runtime.url}/local/schedules`)).json()) as Array<{
      name: string;
      at: string;
    }>;
    // Its one wake-up left is its retention: the purge of its bodies two years after closing (issue 22).
    const { now } = (await (await fetch(`${runtime.url}/local/clock`)).json()) as { now: string };
    const left = schedules.filter((s) => s.name === `ticket-${t.ticket.id}`);
    expect(left.length).toBeLessThanOrEqual(1);
    for (const s of left) expect(Date.parse(s.at) - Date.parse(now)).toBeGreaterThan(700 * 86_400_000);
    const executions = (await (await fetch(`${runtime.url}/local/executions`)).json()) as Array<{
      name: string;
    }>;
    expect(executions.filter((e) => e.name.startsWith(t.ticket.id))).toEqual([]);
    const after = await costs();
    const wakeUps = (after['scheduler.invocations'] ?? 0) - (before['scheduler.invocations'] ?? 0);
    console.log(
      `typical lifecycle's last week (resolved → closed): ${wakeUps} wake-up(s), 0 state transitions`,
    );
    expect(wakeUps).toBeGreaterThanOrEqual(1);
  });
});
