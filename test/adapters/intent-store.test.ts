import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IntentLabels,
  IntentModelStore,
  intentLabelItem,
  LABEL_BODY_LIMIT,
} from '../../shared/adapters/intent-store';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { newId, openTicket, type Ticket } from '../../shared/domain';
import { labelIntent } from '../../shared/domain/intent-label';
import {
  ConcurrentUpdateError,
  type IntentLabelRecord,
  type IntentModelInfo,
  type ObjectStore,
} from '../../shared/use-cases/ports';
import { freshTable } from '../support/dynamodb';

type Table = Awaited<ReturnType<typeof freshTable>>;

function label(ticketId: string, overrides: Partial<IntentLabelRecord> = {}): IntentLabelRecord {
  return {
    ticketId,
    subject: `Subject of ${ticketId}`,
    body: `Body of ${ticketId}`,
    label: 'refund_request',
    by: 'agent@example.com',
    at: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

/** Writes label items as the ticket transaction would (same item), 25 at a time. */
async function putLabels(table: Table, labels: readonly IntentLabelRecord[]): Promise<void> {
  for (let i = 0; i < labels.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = labels
      .slice(i, i + 25)
      .map((l) => ({ PutRequest: { Item: intentLabelItem(l) } }));
    while (pending && pending.length > 0) {
      const out = await table.db.send(
        new BatchWriteCommand({ RequestItems: { [table.tableName]: pending as never } }),
      );
      pending = out.UnprocessedItems?.[table.tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

/** An object store in memory that counts what it is asked, and can be told to refuse a put. */
class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  gets = 0;
  refusePuts = false;

  async get(key: string): Promise<Buffer> {
    this.gets++;
    const found = this.objects.get(key);
    if (!found) throw new Error(`no object ${key}`);
    return Buffer.from(found.body);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    if (this.refusePuts) throw new Error('the bucket refused the put');
    this.objects.set(key, { body: Buffer.from(body), contentType });
  }
}

function modelInfo(version: string, overrides: Partial<IntentModelInfo> = {}): IntentModelInfo {
  return {
    version,
    key: `models/intent/${version}.bin`,
    trainedAt: '2026-12-06T08:00:00.000Z',
    examples: 120,
    intents: ['card_arrival', 'password_reset', 'refund_request'],
    bytes: 5,
    ...overrides,
  };
}

describe('IntentLabels against DynamoDB Local', () => {
  let table: Table;
  let labels: IntentLabels;

  beforeAll(async () => {
    table = await freshTable();
    labels = new IntentLabels(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('answers no labels (and one progress report of 0) on an empty table', async () => {
    const reports: number[] = [];
    expect(await labels.list((n) => reports.push(n))).toEqual([]);
    expect(reports).toEqual([0]);
  });

  it('round-trips a label with and without what the model had said', async () => {
    const withPrediction = label('T-RT-1', {
      predicted: 'card_arrival',
      confidence: 0.4321,
      modelVersion: 'v-1',
      at: '2026-12-01T09:00:00.000Z',
    });
    const withoutPrediction = label('T-RT-2', { body: '', at: '2026-12-01T09:00:01.000Z' });
    await putLabels(table, [withPrediction, withoutPrediction]);
    const read = await labels.list();
    expect(read.find((l) => l.ticketId === 'T-RT-1')).toStrictEqual(withPrediction);
    const bare = read.find((l) => l.ticketId === 'T-RT-2');
    expect(bare).toStrictEqual(withoutPrediction);
    // Only the record's fields come back: no table keys or entity.
    expect(Object.keys(bare ?? {}).sort()).toEqual(['at', 'body', 'by', 'label', 'subject', 'ticketId']);
  });

  it('keeps one label per ticket: a second one replaces the first', async () => {
    await putLabels(table, [label('T-REPLACE', { label: 'card_arrival' })]);
    await putLabels(table, [
      label('T-REPLACE', { label: 'password_reset', at: '2026-12-02T10:00:00.000Z', by: 'lead@example.com' }),
    ]);
    const mine = (await labels.list()).filter((l) => l.ticketId === 'T-REPLACE');
    expect(mine).toEqual([
      label('T-REPLACE', { label: 'password_reset', at: '2026-12-02T10:00:00.000Z', by: 'lead@example.com' }),
    ]);
  });

  it('cuts the body at LABEL_BODY_LIMIT and keeps a shorter one whole', async () => {
    const long = `${'x'.repeat(LABEL_BODY_LIMIT - 1)}yz${'q'.repeat(500)}`;
    const exact = 'e'.repeat(LABEL_BODY_LIMIT);
    expect(intentLabelItem(label('T-LONG', { body: long })).body).toBe(long.slice(0, LABEL_BODY_LIMIT));
    await putLabels(table, [label('T-LONG', { body: long }), label('T-EXACT', { body: exact })]);
    const read = await labels.list();
    const cut = read.find((l) => l.ticketId === 'T-LONG')?.body;
    expect(cut).toHaveLength(LABEL_BODY_LIMIT);
    expect(cut).toBe(`${'x'.repeat(LABEL_BODY_LIMIT - 1)}y`);
    expect(read.find((l) => l.ticketId === 'T-EXACT')?.body).toBe(exact);
  });

  it('never cuts a character in half at the limit (an emoji straddling it is left out whole)', async () => {
    const body = `${'a'.repeat(LABEL_BODY_LIMIT - 1)}😀 and more`;
    const item = intentLabelItem(label('T-EMOJI', { body }));
    expect(item.body).toBe('a'.repeat(LABEL_BODY_LIMIT - 1));
    await putLabels(table, [label('T-EMOJI', { body })]);
    expect((await labels.list()).find((l) => l.ticketId === 'T-EMOJI')?.body).toBe(
      'a'.repeat(LABEL_BODY_LIMIT - 1),
    );
  });

  it('leaves out an item in the partition that is not a label instead of failing', async () => {
    await table.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [table.tableName]: [
            {
              PutRequest: { Item: { pk: 'INTENT#LABELS', sk: 'T-BROKEN', entity: 'intent_label', label: 3 } },
            },
          ],
        },
      }),
    );
    const read = await labels.list();
    expect(read.map((l) => l.ticketId)).not.toContain('T-BROKEN');
    expect(read.map((l) => l.ticketId)).toContain('T-RT-1');
  });
});

describe('IntentLabels.list over more than one page', () => {
  let table: Table;
  // ~4.2 kB each: 320 of them are well over DynamoDB's 1 MB a Query page.
  const COUNT = 320;
  const all = Array.from({ length: COUNT }, (_, i) =>
    label(`T-${String(i).padStart(4, '0')}`, {
      body: `${i} `.padEnd(LABEL_BODY_LIMIT, 'b'),
      label: ['card_arrival', 'password_reset', 'refund_request'][i % 3] as string,
      // Written in an order unlike the answer's (oldest first, then ticket id); pairs share a moment.
      at: new Date(Date.UTC(2026, 11, 1) + Math.floor(((i * 7919) % COUNT) / 2) * 60_000).toISOString(),
    }),
  );

  beforeAll(async () => {
    table = await freshTable();
    await putLabels(table, all);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('reads every label across pages, oldest first, and reports the count after each page', async () => {
    const reports: number[] = [];
    const read = await new IntentLabels(table.db, table.tableName).list((n) => reports.push(n));

    expect(read).toHaveLength(COUNT);
    expect(new Set(read.map((l) => l.ticketId)).size).toBe(COUNT);
    const expected = [...all].sort(
      (a, b) => a.at.localeCompare(b.at) || a.ticketId.localeCompare(b.ticketId),
    );
    expect(read).toEqual(expected);

    // More than one page was read, each report counts up, the last one is everything.
    expect(reports.length).toBeGreaterThan(1);
    for (let i = 1; i < reports.length; i++) expect(reports[i]).toBeGreaterThan(reports[i - 1] as number);
    expect(reports.at(-1)).toBe(COUNT);
  });
});

describe('IntentModelStore against DynamoDB Local', () => {
  let table: Table;
  let objects: MemoryObjectStore;
  let factoryCalls: number;
  let store: IntentModelStore;

  beforeAll(async () => {
    table = await freshTable();
    objects = new MemoryObjectStore();
    factoryCalls = 0;
    store = new IntentModelStore(table.db, table.tableName, async () => {
      factoryCalls++;
      return objects;
    });
  });
  afterAll(async () => {
    await table.drop();
  });

  it('has no model before any save, and finding that out never builds the object store', async () => {
    expect(await store.current()).toBeUndefined();
    expect(factoryCalls).toBe(0);
  });

  it('saves the artifact, then the marker: current() answers the marker, read() the bytes', async () => {
    const info = modelInfo('v-1', {
      evaluation: {
        accuracy: 0.91,
        macroF1: 0.9,
        coverageAtPrecision95: 0.62,
        ece: 0.031,
        perIntent: [
          { intent: 'card_arrival', precision: 0.95, recall: 0.9, support: 40 },
          { intent: 'password_reset', precision: 0.88, recall: 0.92, support: 40 },
          { intent: 'refund_request', precision: 0.9, recall: 0.91, support: 40 },
        ],
      },
    });
    const artifact = Uint8Array.from([0x46, 0x44, 0x49, 0x4d, 0, 1, 255, 128, 7]);
    await store.save(info, artifact);

    expect(objects.objects.get(info.key)).toEqual({
      body: Buffer.from(artifact),
      contentType: 'application/octet-stream',
    });
    const current = await store.current();
    expect(current).toStrictEqual(info);
    const bytes = await store.read(current as IntentModelInfo);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([...artifact]);

    // The marker is one item at INTENT#MODEL/CURRENT.
    const raw = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: 'INTENT#MODEL', sk: 'CURRENT' } }),
    );
    expect(raw.Item).toMatchObject({ entity: 'intent_model', version: 'v-1', key: info.key });
  });

  it('moves the marker to a newer model and keeps the older artifact readable by its own marker', async () => {
    const older = await store.current();
    const newer = modelInfo('v-2', { examples: 300, bytes: 3 });
    await store.save(newer, Uint8Array.from([1, 2, 3]));
    expect(await store.current()).toStrictEqual(newer);
    expect([...(await store.read(newer))]).toEqual([1, 2, 3]);
    expect([...(await store.read(older as IntentModelInfo))]).toEqual([
      0x46, 0x44, 0x49, 0x4d, 0, 1, 255, 128, 7,
    ]);
  });

  it('leaves the marker where it was when the artifact cannot be written', async () => {
    const before = await store.current();
    objects.refusePuts = true;
    try {
      await expect(store.save(modelInfo('v-3'), Uint8Array.from([9]))).rejects.toThrow(/refused the put/);
    } finally {
      objects.refusePuts = false;
    }
    expect(await store.current()).toStrictEqual(before);
    expect(objects.objects.has(modelInfo('v-3').key)).toBe(false);
  });

  it('answers no model when the marker does not read', async () => {
    const other = await freshTable();
    try {
      await other.db.send(
        new BatchWriteCommand({
          RequestItems: {
            [other.tableName]: [
              {
                PutRequest: {
                  Item: { pk: 'INTENT#MODEL', sk: 'CURRENT', entity: 'intent_model', version: 'v' },
                },
              },
            ],
          },
        }),
      );
      expect(
        await new IntentModelStore(other.db, other.tableName, async () => objects).current(),
      ).toBeUndefined();
    } finally {
      await other.drop();
    }
  });
});

describe('a ticket change carrying an intent label (TicketRepository.append)', () => {
  let table: Table;
  let repo: TicketRepository;
  let labels: IntentLabels;
  const now = new Date('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    table = await freshTable();
    repo = new TicketRepository(table.db, table.tableName);
    labels = new IntentLabels(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  async function createdTicket(reference: string): Promise<{ ticket: Ticket; body: string }> {
    const body = 'My card has not arrived yet, it has been two weeks.';
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        subject: 'Where is my card?',
        body,
        requester: { email: 'dana@bigcorp.example' },
        fields: {},
        tags: [],
      },
      {
        config: workflowConfig,
        now,
        reference,
        newId: () => newId(now),
        actor: { kind: 'integration', id: 'test' },
      },
    );
    if (!opened.ok) throw opened.error;
    await repo.create({ ...opened, dedupe: { channel: 'webhook', key: `demo#${reference}`, expiresAt: 1 } });
    return { ticket: opened.ticket, body };
  }

  function labelled(ticket: Ticket, body: string, name: string, minute: number) {
    const at = new Date(now.getTime() + minute * 60_000);
    const decided = labelIntent(ticket, name, {
      actor: { kind: 'agent', id: 'agent@example.com' },
      at,
      newId: () => newId(at),
      allowed: ['card_arrival', 'password_reset', 'refund_request'],
    });
    if (!decided.ok) throw decided.error;
    const record: IntentLabelRecord = {
      ticketId: ticket.id,
      subject: ticket.subject,
      body,
      label: decided.label.name,
      by: decided.label.by,
      at: decided.label.at,
    };
    return { ticket: decided.ticket, audit: [decided.audit], intentLabel: record };
  }

  const labelsOf = async (ticketId: string) => (await labels.list()).filter((l) => l.ticketId === ticketId);

  it('writes the label with the ticket, and a later label replaces it', async () => {
    const { ticket, body } = await createdTicket('FD-1');
    const first = labelled(ticket, body, 'refund_request', 1);
    expect(await repo.append({ ...first, expectedVersion: ticket.version })).toEqual({ kind: 'appended' });
    expect(await labelsOf(ticket.id)).toEqual([first.intentLabel]);
    expect((await repo.get(ticket.id))?.intent?.label?.name).toBe('refund_request');

    const second = labelled(first.ticket, body, 'card_arrival', 2);
    await repo.append({ ...second, expectedVersion: first.ticket.version });
    expect(await labelsOf(ticket.id)).toEqual([second.intentLabel]);
  });

  it('writes no label when the ticket moved on (stale version): the whole change is refused', async () => {
    const { ticket, body } = await createdTicket('FD-2');
    const change = labelled(ticket, body, 'password_reset', 1);
    await expect(repo.append({ ...change, expectedVersion: ticket.version + 5 })).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect(await labelsOf(ticket.id)).toEqual([]);
    expect((await repo.get(ticket.id))?.intent?.label).toBeUndefined();
  });

  it('keeps the earlier label when a later labelled change is refused', async () => {
    const { ticket, body } = await createdTicket('FD-3');
    const first = labelled(ticket, body, 'refund_request', 1);
    await repo.append({ ...first, expectedVersion: ticket.version });
    const stale = labelled(first.ticket, body, 'card_arrival', 2);
    // Decided on the first version, after the ticket already moved to the next one.
    await expect(repo.append({ ...stale, expectedVersion: ticket.version })).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect(await labelsOf(ticket.id)).toEqual([first.intentLabel]);
  });

  it('cuts a long first message to LABEL_BODY_LIMIT in the label, not on the ticket', async () => {
    const { ticket } = await createdTicket('FD-4');
    const long = 'w'.repeat(LABEL_BODY_LIMIT + 123);
    const change = labelled(ticket, long, 'password_reset', 1);
    await repo.append({ ...change, expectedVersion: ticket.version });
    const [stored] = await labelsOf(ticket.id);
    expect(stored?.body).toBe('w'.repeat(LABEL_BODY_LIMIT));
  });
});
