import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, PlannedAction, Ticket } from '../../shared/domain';
import { apiAs } from '../support/api';
import { drain, outbox, sendMail } from '../support/mail';
import { type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

// Issue 14's checks against `npm start`, on the fast workflow clock: one scheduler for all time. Each
// ticket's wake-up is a schedule in the local EventBridge Scheduler stand-in (GET /local/schedules); moving
// the clock past it fires it into the ticket-clock queue, and POST /local/drain waits for all of that.

const MINUTE = 60_000;

interface View {
  ticket: Ticket;
  audit: AuditEvent[];
  upcoming: PlannedAction[];
}

describe('the back half of the lifecycle on one scheduler', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-automation-'));
  let runtime: RuntimeProcess;
  const api = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const lead = (path: string, init?: Parameters<typeof api>[2]) => api('lead@example.com', path, init);

  beforeAll(async () => {
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const view = async (id: string) => {
    await drain(runtime.url);
    const read = await lead(`/v1/tickets/${id}`);
    expect(read.status).toBe(200);
    return read.body as unknown as View;
  };
  const open = async (key: string, email: string, extra: Record<string, unknown> = {}) => {
    const created = await postWebhook(runtime.url, 'demo', {
      id: `automation-${key}`,
      subject: `Question ${key}`,
      body: 'Hello, can you help?',
      requester: { email, name: 'Kim' },
      ...extra,
    });
    expect(created.status).toBe(202);
    return String(created.body.ticketId);
  };
  const move = async (id: string, ...states: string[]) => {
    for (const to of states) {
      const { ticket } = await view(id);
      const moved = await lead(`/v1/tickets/${id}/transition`, {
        method: 'POST',
        body: { to, ...(to === 'closed' ? { reason: 'Customer confirmed on the phone' } : {}) },
        ifMatch: ticket.version,
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    return view(id);
  };
  const now = async () => ((await (await fetch(`${runtime.url}/local/clock`)).json()) as { now: string }).now;
  /** Moves the workflow clock to one minute past `at` (never back), then waits for what that set off. */
  const clockPast = async (at: string) => {
    const target = new Date(Date.parse(at) + MINUTE);
    if (target.toISOString() > (await now())) {
      const res = await fetch(`${runtime.url}/local/clock`, {
        method: 'POST',
        body: JSON.stringify({ set: target.toISOString() }),
      });
      expect(res.status).toBe(200);
    }
    await drain(runtime.url);
  };
  const mailTo = async (email: string) => (await outbox(runtime.url)).filter((m) => m.to.includes(email));
  const next = (v: View, action: PlannedAction['action']) => {
    const found = v.upcoming.find((p) => p.action === action);
    if (!found) throw new Error(`no ${action} planned: ${JSON.stringify(v.upcoming)}`);
    return found;
  };
  const schedules = async () =>
    (await (await fetch(`${runtime.url}/local/schedules`)).json()) as Array<{ name: string; at: string }>;

  it('reminds a customer who does not answer once, resolves the ticket "no reply" later, and closes it after the quiet days', async () => {
    const email = 'quiet@customer.example';
    const id = await open('quiet', email);
    const waiting = await move(id, 'in_progress', 'waiting_on_customer');
    const reminder = next(waiting, 'reminder');
    // The ticket's one wake-up is pending in the scheduler, no later than its reminder.
    const mine = (await schedules()).filter((s) => s.name === `ticket-${id}`);
    expect(mine).toHaveLength(1);
    expect(Date.parse(mine[0]?.at ?? '')).toBeLessThanOrEqual(Date.parse(reminder.at) + 1000);

    const before = (await mailTo(email)).length;
    await clockPast(reminder.at);
    const reminded = await mailTo(email);
    expect(reminded.length - before).toBe(1);
    expect(reminded[0]?.subject).toMatch(/^Reminder: .*\[FD-\d+\]$/);
    expect(reminded[0]?.headers['Auto-Submitted']).toBe('auto-generated');
    const afterReminder = await view(id);
    expect(afterReminder.audit.filter((a) => a.action === 'automation.reminded')).toHaveLength(1);

    const resolveAt = next(afterReminder, 'auto_resolved').at;
    await clockPast(resolveAt);
    const resolved = await view(id);
    expect(resolved.ticket.state).toBe('resolved');
    expect(
      (await mailTo(email)).some((m) => m.subject.startsWith('We have resolved your request for now')),
    ).toBe(true);
    // Both reminders are accounted for: the second went out before the resolution, none after it.
    expect(resolved.audit.filter((a) => a.action === 'automation.reminded').length).toBeLessThanOrEqual(2);

    await clockPast(next(resolved, 'auto_closed').at);
    const closed = await view(id);
    expect(closed.ticket.state).toBe('closed');
    expect(closed.upcoming).toEqual([]);
    expect(closed.audit.at(-1)?.action).toBe('automation.auto_closed');
  });

  it('sends a bug report waiting on engineering a status update at each interval, one each', async () => {
    const email = 'bugs@customer.example';
    const id = await open('bug', email, {
      requestType: 'bug_report',
      fields: { reproductionSteps: 'Click export', environment: 'Chrome 120' },
    });
    const waiting = await move(id, 'in_progress', 'waiting_on_team');
    const updates = async () => (await mailTo(email)).filter((m) => m.subject.startsWith('Status update'));
    const first = next(waiting, 'status_update');
    await clockPast(first.at);
    expect(await updates()).toHaveLength(1);
    const second = next(await view(id), 'status_update');
    expect(Date.parse(second.at)).toBeGreaterThan(Date.parse(first.at));
    await clockPast(second.at);
    expect(await updates()).toHaveLength(2);
    expect((await view(id)).audit.filter((a) => a.action === 'automation.status_updated')).toHaveLength(2);
  });

  it('follows up a resolved access request after one business day', async () => {
    const email = 'access@customer.example';
    const id = await open('access', email, {
      requestType: 'access_request',
      fields: { system: 'Grafana', riskLevel: 'low' },
    });
    const resolved = await move(id, 'in_progress', 'resolved');
    const followUp = next(resolved, 'follow_up');
    await clockPast(followUp.at);
    const mails = (await mailTo(email)).filter((m) => m.subject.startsWith('Is everything working now?'));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toMatch(/\/resolution\/[^\s]+\?answer=solved/);
  });

  it('reopens a resolved ticket when the customer replies before the quiet days are over; an agent can close with a note', async () => {
    const email = 'replies@customer.example';
    const id = await open('reply', email);
    const resolved = await move(id, 'in_progress', 'resolved');
    const closeAt = next(resolved, 'auto_closed').at;
    await sendMail(runtime.smtpPort, {
      from: email,
      subject: `Re: Question reply [${resolved.ticket.reference}]`,
      text: 'Sorry, it happens again.',
    });
    const reopened = await view(id);
    expect(reopened.ticket.state).toBe('in_progress');
    // The quiet days it would have closed after pass: it stays open.
    await clockPast(closeAt);
    expect((await view(id)).ticket.state).toBe('in_progress');

    const closed = await move(id, 'resolved', 'closed');
    expect(closed.ticket.state).toBe('closed');
  });

  it('fires a wake-up that was set before npm start was killed and started again', async () => {
    const email = 'restart@customer.example';
    const id = await open('restart', email);
    const waiting = await move(id, 'in_progress', 'waiting_on_customer');
    const reminder = next(waiting, 'reminder');
    expect((await schedules()).some((s) => s.name === `ticket-${id}`)).toBe(true);

    await runtime.stop('SIGTERM');
    runtime = await startRuntimeProcess({ dataDir });
    expect((await schedules()).some((s) => s.name === `ticket-${id}`)).toBe(true);
    await clockPast(reminder.at);
    const mails = (await mailTo(email)).filter((m) => m.subject.startsWith('Reminder'));
    expect(mails).toHaveLength(1);
  });
});
