import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalStore } from '../../shared/adapters/approval-store';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket } from '../../shared/domain';
import {
  decideApprovalAsApprover,
  keepTaskToken,
  planApproval,
  requestApprovalAsAgent,
} from '../../shared/use-cases/approvals';
import type { Clock, TaskCallback } from '../../shared/use-cases/ports';
import { freshTable, outboxEvents } from '../support/dynamodb';

// Approvals against DynamoDB Local: the approval item, its pointer and the approver index written with the
// ticket in one transaction, and the race between a decision and the workflow handing over its task token.

const T0 = new Date('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;
const finance = { id: 'finance@example.com', email: 'finance@example.com', groups: ['approver-finance'] };

class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
}

class RecordingCallback implements TaskCallback {
  readonly sent: Array<{ token: string; output: unknown }> = [];
  async succeed(token: string, output: unknown): Promise<boolean> {
    this.sent.push({ token, output });
    return true;
  }
}

describe('approvals use cases against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let approvals: ApprovalStore;
  let clock: FakeClock;

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    approvals = new ApprovalStore(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  async function aDispute(reference: string) {
    clock = new FakeClock(T0.getTime());
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        externalId: reference,
        subject: 'Charged twice',
        body: 'please credit',
        requester: { email: 'dana@bigcorp.example' },
        requestType: 'billing_dispute',
        fields: { invoiceId: 'INV-1', customerId: 'C-1' },
        tags: [],
      },
      {
        config: workflowConfig,
        now: T0,
        reference,
        newId: () => newId(T0),
        actor: { kind: 'integration', id: 't' },
      },
    );
    if (!opened.ok) throw opened.error;
    await tickets.create({ ...opened, dedupe: { channel: 'test', key: reference, expiresAt: 1 } });
    return opened.ticket;
  }

  async function ask(ticketId: string, version: number, value = 750) {
    const { result, approval } = await requestApprovalAsAgent(
      {
        ticketId,
        expectedVersion: version,
        actor: { kind: 'agent', id: 'agent@example.com' },
        scope: { queues: ['billing'], approverGroups: [] },
        request: { kind: 'credit', amount: { value, currency: 'EUR' }, summary: 'credit the double charge' },
      },
      { tickets, clock, config: workflowConfig },
    );
    if (result.kind !== 'changed' || !approval) throw new Error(`request ${result.kind}`);
    return { ticket: result.ticket, approval };
  }

  it('writes the approval beside its ticket, findable by id and in its group’s pending index until decided', async () => {
    const t = await aDispute('FD-1');
    const { ticket, approval } = await ask(t.id, t.version);
    expect(ticket.blockedOn).toBe('approval');
    expect(await approvals.get(approval.id)).toEqual(approval);
    expect(await approvals.forTicket(t.id)).toEqual([approval]);
    expect((await approvals.pendingFor('finance')).map((a) => a.id)).toContain(approval.id);
    expect((await outboxEvents(table)).at(-1)).toMatchObject({
      type: 'approval.requested',
      detail: { approvalId: approval.id },
    });

    clock.t += 10 * MINUTE;
    const callback = new RecordingCallback();
    const decided = await decideApprovalAsApprover(
      { approvalId: approval.id, decision: 'approve', reason: 'ok', approver: finance },
      { tickets, approvals, clock, config: workflowConfig, callback },
    );
    expect(decided).toMatchObject({ kind: 'recorded', decided: true, approval: { state: 'approved' } });
    expect((await approvals.pendingFor('finance')).map((a) => a.id)).not.toContain(approval.id);
    const after = await tickets.history(t.id);
    expect(after?.ticket).toMatchObject({
      blockedOn: null,
      pendingApprovals: [],
      timeBlockedSeconds: { approval: 600 },
    });
    expect(after?.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['approval.requested', 'approval.decided']),
    );
    // No token was kept yet: nothing to hand over (the workflow will, when it arrives — next test).
    expect(callback.sent).toEqual([]);
  });

  it('the token arriving after the decision is answered at once; a decision after the token sends it', async () => {
    const t = await aDispute('FD-2');
    const early = await ask(t.id, t.version);
    const callback = new RecordingCallback();
    const ports = { tickets, approvals, clock, config: workflowConfig, callback };
    await decideApprovalAsApprover(
      { approvalId: early.approval.id, decision: 'reject', reason: 'no', approver: finance },
      ports,
    );
    expect(
      await keepTaskToken({ ticketId: t.id, approvalId: early.approval.id, taskToken: 'tok-late' }, ports),
    ).toEqual({
      state: 'rejected',
    });
    expect(callback.sent).toEqual([{ token: 'tok-late', output: { state: 'rejected' } }]);

    const late = await ask(t.id, (await tickets.get(t.id))?.version ?? 0, 900);
    expect(
      await keepTaskToken({ ticketId: t.id, approvalId: late.approval.id, taskToken: 'tok-1' }, ports),
    ).toEqual({
      state: 'pending',
    });
    expect(callback.sent).toHaveLength(1);
    const decided = await decideApprovalAsApprover(
      { approvalId: late.approval.id, decision: 'approve', reason: 'fine', approver: finance },
      ports,
    );
    expect(decided.kind).toBe('recorded');
    expect(callback.sent.at(-1)).toEqual({ token: 'tok-1', output: { state: 'approved' } });
  });

  it('a decision written from a read older than the kept token retries from a fresh read and keeps the token', async () => {
    const t = await aDispute('FD-3');
    const { approval } = await ask(t.id, t.version);
    const callback = new RecordingCallback();
    // The decision reads the approval before the token is kept, and writes after: its first write conflicts.
    const staleStore = {
      reads: 0,
      get: async (id: string) => {
        const a = await approvals.get(id);
        if (staleStore.reads++ === 0) await approvals.saveTaskToken(t.id, id, 'tok-race');
        return a;
      },
      ofTicket: approvals.ofTicket.bind(approvals),
    };
    const decided = await decideApprovalAsApprover(
      { approvalId: approval.id, decision: 'approve', reason: 'fine', approver: finance },
      { tickets, approvals: staleStore, clock, config: workflowConfig, callback },
    );
    expect(staleStore.reads).toBe(2);
    expect(decided).toMatchObject({
      kind: 'recorded',
      approval: { state: 'approved', taskToken: 'tok-race' },
    });
    expect(callback.sent).toEqual([{ token: 'tok-race', output: { state: 'approved' } }]);
    expect((await approvals.get(approval.id))?.taskToken).toBe('tok-race');
  });

  it('the workflow’s looks: wait, remind once, escalate, expire; each announced once', async () => {
    const t = await aDispute('FD-4');
    const { approval } = await ask(t.id, t.version);
    const ports = { tickets, approvals, clock, config: workflowConfig, busName: 'bus' };
    const look = () => planApproval({ ticketId: t.id, approvalId: approval.id }, ports);

    expect(await look()).toMatchObject({ action: 'await', timeoutSeconds: 4 * 3600, entries: [] });
    clock.t += 4 * 3600_000;
    const reminded = await look();
    expect(reminded).toMatchObject({ action: 'await', timeoutSeconds: 20 * 3600 });
    expect(reminded.entries.map((e) => [e.DetailType, (e.Detail as { round: string }).round])).toEqual([
      ['approval.requested', 'reminder'],
    ]);
    expect(reminded.entries[0]).toMatchObject({ Source: 'frontdoor', EventBusName: 'bus' });
    expect((await look()).entries).toEqual([]);

    clock.t += 20 * 3600_000;
    const escalated = await look();
    expect(escalated.entries.map((e) => (e.Detail as { group: string }).group)).toEqual(['finance-leads']);
    clock.t += 24 * 3600_000;
    const expired = await look();
    expect(expired).toMatchObject({ action: 'done', state: 'expired' });
    expect(expired.entries.map((e) => [e.DetailType, (e.Detail as { outcome: string }).outcome])).toEqual([
      ['approval.decided', 'expired'],
    ]);
    expect((await tickets.get(t.id))?.blockedOn).toBeNull();
  });
});
