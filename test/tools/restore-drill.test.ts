import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DynamoLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoLocal,
} from '../../infra/local/dynamodb-local';
import { LocalObjectStore } from '../../infra/local/object-store';
import { ensureTable } from '../../infra/local/table';
import { parseRestoreDrillArgs } from '../../tools/restore-drill/args';
import { restoreDrillInAws } from '../../tools/restore-drill/aws';
import {
  canonicalItem,
  decodeItem,
  encodeItem,
  type Item,
  Reservoir,
  stamp,
  tallyDifferences,
} from '../../tools/restore-drill/items';
import { freePort, type LocalDrillOptions, restoreDrillLocally } from '../../tools/restore-drill/local';

/**
 * `npm run restore:drill` (issue 22). Locally against a real DynamoDB Local on a temporary DATA_DIR: while
 * it runs (the backup goes through its API) and once stopped (the drill reads a copy of its files), a
 * passing drill and drills whose restored copy was made to differ (they must fail). In AWS only through
 * aws-sdk-client-mock: the command sequence restore → wait → compare → delete, delete also on failure.
 */
const ROOT = join(import.meta.dirname, '../..');
const TABLE = 'frontdoor-local';
const TICKETS = 30;

const S = (s: string): AttributeValue => ({ S: s });
const ticket = (i: number): Item => ({
  pk: S(`TICKET#T${String(i).padStart(3, '0')}`),
  sk: S('META'),
  entity: S('ticket'),
  subject: S(`Cannot log in (${i}) — ünïcödé`),
  version: { N: String(i + 1) },
  amount: { N: '12345678901234567890.125' },
  tags: { SS: ['vip', 'billing', `t${i}`] },
  requester: { M: { email: S(`user${i}@example.com`), verified: { BOOL: i % 2 === 0 } } },
  history: { L: [S('new'), { N: '1' }, { NULL: true }, { M: { at: S('2026-11-01T10:00:00Z') } }] },
  fingerprint: { B: new Uint8Array([0, 1, 2, 250, i]) },
  updatedAt: S('2026-11-01T10:00:00.000Z'),
  gsi1pk: S('QUEUE#billing#STATE#new'),
  gsi1sk: S(`2#2026-11-01T10:00:00.000Z#${i}`),
});

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['tools/restore-drill.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('npm run restore:drill locally, on a real DynamoDB Local', () => {
  let dataDir: string;
  let dynamo: DynamoLocal | undefined;
  let client: DynamoDBClient;
  let lines: string[];
  const scratch: string[] = [];

  const drill = (extra: Partial<LocalDrillOptions> = {}) =>
    restoreDrillLocally({
      dataDir,
      tableName: TABLE,
      dynamoPort: 1,
      keepBackup: false,
      sampleSize: 25,
      print: (line) => lines.push(line),
      ...extra,
    });
  const sqliteHash = () =>
    createHash('sha256')
      .update(readFileSync(join(dataDir, 'dynamodb', 'shared-local-instance.db')))
      .digest('hex');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'frontdoor-restore-drill-test-'));
    scratch.push(dataDir);
    dynamo = await startDynamoLocal({ port: await freePort(), dataDir });
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureTable(client, TABLE);
    const items: Item[] = [];
    for (let i = 0; i < TICKETS; i++) {
      items.push(ticket(i));
      items.push({ pk: S(`TICKET#T${String(i).padStart(3, '0')}`), sk: S('MSG#1#a'), entity: S('message') });
      items.push({ pk: S(`DEDUPE#email#${i}`), sk: S('DEDUPE'), entity: S('dedupe'), expiresAt: { N: '1' } });
    }
    items.push({ pk: S('COUNTER#ticket'), sk: S('COUNTER'), value: { N: String(TICKETS) } });
    for (const Item of items) await client.send(new PutItemCommand({ TableName: TABLE, Item }));
    const objects = new LocalObjectStore(dataDir);
    objects.put(
      'frontdoor-local-mail',
      'inbound/mail-1',
      Buffer.from('From: a@example.com\r\n\r\nhello'),
      'message/rfc822',
    );
    await writeFile(join(dataDir, 'outbox.jsonl'), '{"id":1}\n');
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    lines = [];
  });

  it('backs up the running DynamoDB Local through its API, restores into a new place and finds it equal', async () => {
    const outcome = await drill();
    expect(outcome.problems).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(outcome.original?.total).toBe(TICKETS * 3 + 1);
    expect(outcome.restored).toEqual(outcome.original);
    expect(outcome.original?.byEntity).toMatchObject({ ticket: TICKETS, message: TICKETS, dedupe: TICKETS });
    expect(outcome.original?.byPrefix).toEqual({ COUNTER: 1, DEDUPE: TICKETS, TICKET: TICKETS * 2 });
    expect(outcome.ticketsCompared).toBe(25);
    // The object, its metadata file and the outbox.
    expect(outcome.filesCompared).toBe(3);
    expect(lines.join('\n')).toContain(
      `DynamoDB Local (pid ${dynamo?.process.pid}) is running on this DATA_DIR`,
    );
    // Both the restored copy and the backup are gone afterwards; the original is untouched.
    const restoredAt = /Restoring into (\S+)/.exec(lines.join('\n'))?.[1] ?? '';
    const backupAt = /Backing up \S+ to (\S+)/.exec(lines.join('\n'))?.[1] ?? '';
    expect(restoredAt).not.toBe('');
    expect(existsSync(restoredAt)).toBe(false);
    expect(existsSync(backupAt)).toBe(false);
    const still = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: S('TICKET#T001'), sk: S('META') } }),
    );
    expect(canonicalItem(still.Item ?? {})).toBe(canonicalItem(ticket(1)));
  });

  it('fails when a ticket of the restored copy differs, and still deletes the copy', async () => {
    let restoredAt = '';
    const outcome = await drill({
      sampleSize: TICKETS,
      afterRestore: async (restored) => {
        restoredAt = restored.dataDir;
        await restored.client.send(
          new UpdateItemCommand({
            TableName: restored.tableName,
            Key: { pk: S('TICKET#T007'), sk: S('META') },
            UpdateExpression: 'SET subject = :s',
            ExpressionAttributeValues: { ':s': S('tampered') },
          }),
        );
      },
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toContain(
      'ticket TICKET#T007 differs between the original and the restored copy (attribute subject)',
    );
    expect(outcome.problems.join('\n')).toContain('content digest');
    expect(existsSync(restoredAt)).toBe(false);
  });

  it('fails when an item or a file is missing or changed in the restored copy', async () => {
    const outcome = await drill({
      afterRestore: async (restored) => {
        await restored.client.send(
          new DeleteItemCommand({
            TableName: restored.tableName,
            Key: { pk: S('DEDUPE#email#3'), sk: S('DEDUPE') },
          }),
        );
        await writeFile(join(restored.dataDir, 'objects/frontdoor-local-mail/inbound/mail-1'), 'other bytes');
        await rm(join(restored.dataDir, 'outbox.jsonl'));
      },
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual(
      expect.arrayContaining([
        `item count differs: original ${TICKETS * 3 + 1}, restored ${TICKETS * 3}`,
        `entity dedupe: original ${TICKETS}, restored ${TICKETS - 1}`,
        `pk prefix DEDUPE: original ${TICKETS}, restored ${TICKETS - 1}`,
        'file objects/frontdoor-local-mail/inbound/mail-1 differs between the original and the restored copy (SHA-256)',
        'file outbox.jsonl is missing from the restored copy',
      ]),
    );
  });

  it('keeps the backup with --keep-backup: a table.jsonl, the files and a manifest', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'frontdoor-restore-drill-kept-'));
    scratch.push(parent);
    const backupDir = join(parent, 'backup');
    const outcome = await drill({ keepBackup: true, backupDir });
    expect(outcome.ok).toBe(true);
    expect(outcome.backupKept).toBe(backupDir);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as {
      source: string;
      table: { tally: { total: number } };
      files: Record<string, unknown>;
    };
    expect(manifest.source).toBe('running DynamoDB Local');
    expect(manifest.table.tally.total).toBe(TICKETS * 3 + 1);
    expect(Object.keys(manifest.files).sort()).toEqual([
      'objects/frontdoor-local-mail/inbound/mail-1',
      'objects/frontdoor-local-mail/inbound/mail-1.__meta.json',
      'outbox.jsonl',
    ]);
    const lines = readFileSync(join(backupDir, 'table.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(TICKETS * 3 + 1);
  });

  it('when DynamoDB Local is stopped, reads a copy of its files and leaves the original untouched', async () => {
    await dynamo?.stop();
    dynamo = undefined;
    const before = sqliteHash();
    const outcome = await drill();
    expect(outcome.problems).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(outcome.original?.total).toBe(TICKETS * 3 + 1);
    expect(lines.join('\n')).toContain(
      'DynamoDB Local is not running on this DATA_DIR: reading a copy of its files',
    );
    expect(sqliteHash()).toBe(before);
  });

  it('runs as a CLI: exit 0 and a summary when the copy matches, 1 and one sentence when DATA_DIR is missing', async () => {
    const ok = await runCli(['--sample', '5'], { DATA_DIR: dataDir });
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`original: ${TICKETS * 3 + 1} items`);
    expect(ok.out).toContain('content digest of every item: the same');
    expect(ok.out).toContain('Restore drill passed');
    const missing = await runCli([], { DATA_DIR: join(dataDir, 'nowhere') });
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/^restore drill failed on .*nowhere: DATA_DIR .* does not exist/);
    const bad = await runCli(['--table', 'x'], { DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
  });
});

describe('npm run restore:drill arguments and pieces', () => {
  it('is local by default; --aws needs a table; local-only and AWS-only options do not mix', () => {
    expect(parseRestoreDrillArgs([], {})).toEqual({
      target: 'local',
      keepBackup: false,
      backupDir: undefined,
      sampleSize: 25,
    });
    expect(parseRestoreDrillArgs(['--keep-backup', '--backup-dir', 'b', '--sample', '3'], {})).toMatchObject({
      keepBackup: true,
      backupDir: 'b',
      sampleSize: 3,
    });
    expect(parseRestoreDrillArgs(['--aws'], {})).toMatchObject({ error: expect.stringContaining('--table') });
    expect(parseRestoreDrillArgs(['--aws'], { TABLE_NAME: 't' })).toEqual({
      target: 'aws',
      table: 't',
      sampleSize: 25,
      waitMinutes: 240,
      allowedCountDifference: 0,
    });
    expect(parseRestoreDrillArgs(['--aws', '--table', 't', '--keep-backup'], {})).toHaveProperty('error');
    expect(parseRestoreDrillArgs(['--table', 't'], {})).toHaveProperty('error');
    expect(parseRestoreDrillArgs(['--sample', 'many'], {})).toHaveProperty('error');
    expect(parseRestoreDrillArgs(['--bogus'], {})).toHaveProperty('error');
  });

  it('writes items losslessly as JSON lines and compares them whatever the order of attributes and sets', () => {
    const item = ticket(4);
    const back = decodeItem(encodeItem(item));
    expect(canonicalItem(back)).toBe(canonicalItem(item));
    expect(back.fingerprint?.B).toEqual(new Uint8Array([0, 1, 2, 250, 4]));
    expect(back.amount).toEqual({ N: '12345678901234567890.125' });
    const reordered: Item = {
      ...Object.fromEntries(Object.entries(item).reverse()),
      tags: { SS: ['t4', 'vip', 'billing'] },
    };
    expect(canonicalItem(reordered)).toBe(canonicalItem(item));
    expect(canonicalItem({ ...item, version: { N: '6' } })).not.toBe(canonicalItem(item));
    expect(stamp(new Date('2026-12-07T02:03:04.567Z'))).toBe('20261207020304');
  });

  it('samples at most N values, each one possible', () => {
    const sample = new Reservoir<number>(5);
    for (let i = 0; i < 1000; i++) sample.offer(i);
    expect(sample.items).toHaveLength(5);
    expect(new Set(sample.items).size).toBe(5);
    const small = new Reservoir<number>(5);
    for (let i = 0; i < 3; i++) small.offer(i);
    expect(small.items).toEqual([0, 1, 2]);
  });

  it('allows a count difference only where told', () => {
    const a = { total: 10, byEntity: {}, byPrefix: { TICKET: 10 }, digest: undefined };
    const b = { total: 12, byEntity: {}, byPrefix: { TICKET: 12 }, digest: undefined };
    expect(tallyDifferences(a, b)).toHaveLength(2);
    expect(tallyDifferences(a, b, { allowed: 2 })).toEqual([]);
  });
});

describe('npm run restore:drill -- --aws (aws-sdk-client-mock: not run against AWS here)', () => {
  // Mocks this one client, not every DynamoDBClient (the local tests above use real ones).
  const awsClient = new DynamoDBClient({ region: 'eu-west-1' });
  const ddb = mockClient(awsClient);
  const SOURCE = 'frontdoor-prod-Table';
  const TARGET = `${SOURCE}-drill-20261207020000`;
  const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/abc';
  const restorePoint = new Date('2026-12-07T01:55:00Z');
  const keys = (i: number): Item => ({ pk: S(`TICKET#T${i}`), sk: S('META') });
  const full = (i: number, updatedAt = '2026-12-01T00:00:00.000Z'): Item => ({
    ...keys(i),
    entity: S('ticket'),
    subject: S(`s${i}`),
    updatedAt: S(updatedAt),
  });
  let lines: string[];

  const run = () =>
    restoreDrillInAws(awsClient, {
      table: SOURCE,
      sampleSize: 25,
      waitMinutes: 5,
      allowedCountDifference: 0,
      print: (line) => lines.push(line),
      now: new Date('2026-12-07T02:00:00Z'),
      pollSeconds: 1,
    });

  /** Both tables hold 3 tickets and a message, in two Scan pages. */
  function tables() {
    ddb.reset();
    ddb.on(DescribeTableCommand, { TableName: SOURCE }).resolves({
      Table: {
        TableName: SOURCE,
        TableStatus: 'ACTIVE',
        SSEDescription: { Status: 'ENABLED', KMSMasterKeyArn: KEY },
      },
    });
    ddb
      .on(DescribeTableCommand, { TableName: TARGET })
      .resolvesOnce({ Table: { TableName: TARGET, TableStatus: 'CREATING' } })
      .resolves({
        Table: {
          TableName: TARGET,
          TableStatus: 'ACTIVE',
          RestoreSummary: { RestoreDateTime: restorePoint, RestoreInProgress: false },
        },
      });
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          EarliestRestorableDateTime: new Date('2026-11-01T00:00:00Z'),
          LatestRestorableDateTime: restorePoint,
        },
      },
    });
    ddb
      .on(RestoreTableToPointInTimeCommand)
      .resolves({ TableDescription: { TableName: TARGET, TableStatus: 'CREATING' } });
    for (const name of [SOURCE, TARGET]) {
      ddb
        .on(ScanCommand, { TableName: name, ExclusiveStartKey: undefined })
        .resolves({ Items: [keys(1), keys(2)], LastEvaluatedKey: keys(2) });
      ddb
        .on(ScanCommand, { TableName: name, ExclusiveStartKey: keys(2) })
        .resolves({ Items: [keys(3), { pk: S('TICKET#T1'), sk: S('MSG#1') }] });
    }
    for (const i of [1, 2, 3]) ddb.on(GetItemCommand, { Key: keys(i) }).resolves({ Item: full(i) });
    ddb.on(DeleteTableCommand).resolves({});
  }

  const sequence = () =>
    ddb.calls().map((c) => {
      const command = c.args[0] as { constructor: { name: string }; input: { TableName?: string } };
      return `${command.constructor.name.replace(/Command$/, '')} ${command.input.TableName === TARGET ? 'target' : 'source'}`;
    });

  beforeEach(() => {
    lines = [];
    tables();
  });

  it('restores to a new table, waits for it, compares counts and tickets, then deletes it', async () => {
    const outcome = await run();
    expect(outcome.problems).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(outcome.original).toMatchObject({ total: 4, byPrefix: { TICKET: 4 } });
    expect(outcome.restored).toMatchObject({ total: 4 });
    expect(outcome.ticketsCompared).toBe(3);
    const calls = sequence();
    expect(calls.slice(0, 3)).toEqual([
      'DescribeTable source',
      'DescribeContinuousBackups source',
      'RestoreTableToPointInTime source',
    ]);
    const restoreAt = calls.indexOf('RestoreTableToPointInTime source');
    const activeAt = calls.lastIndexOf('DescribeTable target');
    expect(calls.filter((c) => c === 'DescribeTable target').length).toBeGreaterThanOrEqual(2);
    expect(calls.indexOf('Scan source')).toBeGreaterThan(activeAt);
    expect(calls.indexOf('GetItem target')).toBeGreaterThan(calls.lastIndexOf('Scan target'));
    expect(restoreAt).toBeLessThan(activeAt);
    expect(calls.at(-1)).toBe('DeleteTable target');
    expect(calls.filter((c) => c.startsWith('DeleteTable'))).toEqual(['DeleteTable target']);
    expect(ddb.commandCalls(RestoreTableToPointInTimeCommand)[0]?.args[0].input).toEqual({
      SourceTableName: SOURCE,
      TargetTableName: TARGET,
      UseLatestRestorableTime: true,
      SSESpecificationOverride: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY },
    });
    expect(lines.join('\n')).toMatch(/does not copy the stream, the TTL setting/);
  });

  it('fails when a ticket differs, and still deletes the restored table', async () => {
    ddb
      .on(GetItemCommand, { TableName: TARGET, Key: keys(2) })
      .resolves({ Item: { ...full(2), subject: S('old') } });
    const outcome = await run();
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([`ticket TICKET#T2 differs between ${SOURCE} and ${TARGET}`]);
    expect(sequence().at(-1)).toBe('DeleteTable target');
  });

  it('takes a ticket changed after the restore point for a note, not a failure', async () => {
    ddb
      .on(GetItemCommand, { TableName: SOURCE, Key: keys(3) })
      .resolves({ Item: full(3, '2026-12-07T01:58:00.000Z') });
    const outcome = await run();
    expect(outcome.ok).toBe(true);
    expect(outcome.notes.join('\n')).toContain('ticket TICKET#T3 changed after the restore point');
  });

  it('fails when the counts differ, and deletes the restored table also when a read throws', async () => {
    ddb.on(ScanCommand, { TableName: TARGET, ExclusiveStartKey: keys(2) }).resolves({ Items: [keys(3)] });
    const outcome = await run();
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toContain('item count differs: original 4, restored 3');
    expect(sequence().at(-1)).toBe('DeleteTable target');

    tables();
    ddb.on(ScanCommand, { TableName: SOURCE }).rejects(new Error('AccessDenied: not allowed to scan'));
    await expect(run()).rejects.toThrow(/AccessDenied/);
    expect(sequence().at(-1)).toBe('DeleteTable target');
  });

  it('restores nothing when point-in-time recovery is off', async () => {
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    await expect(run()).rejects.toThrow(`point-in-time recovery is not enabled on ${SOURCE}`);
    expect(ddb.commandCalls(RestoreTableToPointInTimeCommand)).toHaveLength(0);
    expect(ddb.commandCalls(DeleteTableCommand)).toHaveLength(0);
  });

  it('reports a restored table it could not delete', async () => {
    ddb.on(DeleteTableCommand).rejects(new Error('ResourceInUseException'));
    const outcome = await run();
    expect(outcome.ok).toBe(false);
    expect(outcome.problems.at(-1)).toMatch(/could not delete .*-drill-20261207020000/);
    expect(lines.join('\n')).toContain(`aws dynamodb delete-table --table-name ${TARGET}`);
  });
});
