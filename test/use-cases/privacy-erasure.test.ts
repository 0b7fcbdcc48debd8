import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { intentLabelItem } from '../../shared/adapters/intent-store';
import { DynamoPersonalData } from '../../shared/adapters/personal-data';
import { DynamoErasures } from '../../shared/adapters/privacy-erasures';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config/workflow';
import { newId } from '../../shared/domain';
import { newErasureJob, type Redaction } from '../../shared/domain/privacy-erasure';
import { intakeRequest } from '../../shared/use-cases/intake';
import { eraseOnDecision, type RunErasurePorts } from '../../shared/use-cases/privacy-erasure';
import { freshTable } from '../support/dynamodb';

// The erasure run (issue 22) against DynamoDB Local with the real table adapters (the mail bucket and
// sent-mail copies in memory): nothing before approval, nothing on a rejection, and a run that dies half
// way is finished by the redelivery, each ticket erased and audited once; a finished one is left alone.

describe('an erasure run (DynamoDB Local)', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  let ports: RunErasurePorts;
  const erasedObjects: string[] = [];
  const forgotten: Redaction[] = [];
  const now = new Date('2026-12-01T10:00:00.000Z');
  const clock = { now: () => now };

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
    ports = {
      erasures: new DynamoErasures(table.db, table.tableName),
      tickets,
      personalData: new DynamoPersonalData(table.db, table.tableName),
      objects: {
        erase: async (keys) => {
          erasedObjects.push(...keys);
          return keys.length;
        },
      },
      sentMail: { forget: async (r) => void forgotten.push(r) },
      clock,
    };
  });
  afterAll(async () => {
    await table.drop();
  });

  const open = async (email: string, key: string) => {
    const result = await intakeRequest(
      {
        draft: {
          channel: 'webhook',
          source: 'demo',
          externalId: key,
          subject: `Question about my account ${key}`,
          body: `Hello, I am ${email}.`,
          requester: { email, name: 'Eve Example' },
          fields: {},
          tags: [],
        },
        dedupe: { channel: 'webhook', key: `demo#${key}` },
        actor: { kind: 'integration', id: 'webhook:demo' },
      },
      {
        tickets,
        accounts: new AccountDirectory(table.db, table.tableName),
        clock,
        config: workflowConfig,
      },
    );
    if (result.kind !== 'accepted') throw new Error(JSON.stringify(result));
    return result.ticketId;
  };
  /** An erasure of `email` awaiting its approval, as requestErasure leaves it. */
  const awaiting = async (email: string) => {
    const erasureId = newId(now);
    const { job, audit } = newErasureJob({
      erasureId,
      requester: email,
      reason: `asked by ${email}`,
      requestedBy: { kind: 'agent', id: 'admin@example.com' },
      reference: 'FD-1',
      at: now,
    });
    await ports.erasures.create(job, audit);
    return erasureId;
  };
  const decision = (erasureId: string, outcome: 'approved' | 'rejected') => ({
    ticketId: erasureId,
    approvalId: newId(now),
    kind: 'data_change',
    outcome,
    decidedBy: ['privacy@example.com', 'privacy2@example.com'],
  });
  const tableText = async () =>
    JSON.stringify((await table.db.send(new ScanCommand({ TableName: table.tableName }))).Items ?? []);

  it('ignores other decisions, and records a rejection without erasing anything', async () => {
    const id = await open('rex@customer.example', 'rex-1');
    const erasureId = await awaiting('rex@customer.example');
    expect(
      await eraseOnDecision({ ...decision(erasureId, 'approved'), kind: 'refund' }, ports),
    ).toMatchObject({
      kind: 'skipped',
    });
    expect(await eraseOnDecision(decision(newId(now), 'approved'), ports)).toMatchObject({
      kind: 'skipped',
      reason: 'not an erasure',
    });
    expect(await eraseOnDecision(decision(erasureId, 'rejected'), ports)).toEqual({ kind: 'rejected' });
    expect(await ports.erasures.get(erasureId)).toMatchObject({ state: 'rejected' });
    expect((await tickets.get(id))?.requester.email).toBe('rex@customer.example');
    expect((await ports.erasures.auditOf(erasureId)).map((a) => a.action)).toEqual([
      'privacy.erasure_requested',
      'privacy.erasure_rejected',
    ]);
    // An approval arriving after the rejection changes nothing.
    expect(await eraseOnDecision(decision(erasureId, 'approved'), ports)).toMatchObject({ kind: 'skipped' });
    expect((await tickets.get(id))?.requester.email).toBe('rex@customer.example');
  });

  it('finishes a run that died half way on the redelivery, each ticket erased and audited once', async () => {
    const EVE = 'eve@customer.example';
    const ids = [await open(EVE, 'eve-1'), await open(EVE, 'eve-2'), await open(EVE, 'eve-3')];
    const erasureId = await awaiting(EVE);
    // An agent's intent label on one of them: her subject and opening, kept as training data.
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: intentLabelItem({
          ticketId: ids[0] ?? '',
          subject: 'Question about my account eve-1',
          body: 'Hello, it is me again with a longer story about my account',
          label: 'account_change',
          by: 'agent@example.com',
          at: now.toISOString(),
        }),
      }),
    );
    let redacted = 0;
    const dying: RunErasurePorts = {
      ...ports,
      personalData: {
        sweep: (r, o) => ports.personalData.sweep(r, o),
        redactTicket: async (id, r, audit) => {
          if (++redacted === 2) throw new Error('the function timed out');
          return ports.personalData.redactTicket(id, r, audit);
        },
      },
    };
    const approved = decision(erasureId, 'approved');
    await expect(eraseOnDecision(approved, dying)).rejects.toThrow('timed out');
    expect(await ports.erasures.get(erasureId)).toMatchObject({
      state: 'running',
      progress: { phase: 'tickets' },
    });

    const result = await eraseOnDecision(approved, ports);
    expect(result).toMatchObject({ kind: 'erased', counts: { tickets: 3, messages: 3 } });
    const job = await ports.erasures.get(erasureId);
    expect(job).toMatchObject({
      state: 'done',
      requester: `erased-${erasureId.toLowerCase()}@erased.invalid`,
      reason: `asked by erased-${erasureId.toLowerCase()}@erased.invalid`,
      decidedBy: ['privacy@example.com', 'privacy2@example.com'],
    });
    for (const id of ids) {
      const history = await tickets.history(id);
      expect(history?.ticket.requester).toEqual({ email: job?.requester, name: 'Erased requester' });
      expect(history?.audit.filter((a) => a.action === 'ticket.erased')).toHaveLength(1);
    }
    const after = await tableText();
    expect(after).not.toMatch(/eve@customer\.example|Eve Example|longer story/i);
    expect(after).not.toContain('"entity":"intent_label"');
    expect(forgotten.at(-1)?.email).toBe(EVE);

    // Delivered once more: done is done.
    expect(await eraseOnDecision(approved, ports)).toMatchObject({
      kind: 'skipped',
      reason: 'erasure is done',
    });
    expect((await ports.erasures.auditOf(erasureId)).map((a) => a.action)).toEqual([
      'privacy.erasure_requested',
      'privacy.erasure_approved',
      'privacy.erasure_completed',
    ]);
  });
});
