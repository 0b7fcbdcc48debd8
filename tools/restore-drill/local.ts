import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BatchWriteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoLocal,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startDynamoLocal,
} from '../../infra/local/dynamodb-local';
import { ensureTable } from '../../infra/local/table';
import {
  canonicalItem,
  decodeItem,
  encodeItem,
  type Item,
  isTicket,
  Reservoir,
  readItem,
  sameItem,
  stamp,
  Tally,
  type TallyJson,
  tallyDifferences,
  throttled,
} from './items';

/**
 * The local half of `npm run restore:drill`: back up a DATA_DIR, restore the backup into a new place,
 * check the copy against the original, delete the copy.
 *
 * How the backup is taken (one way, whether `npm start` is running or not): the table is read through
 * DynamoDB's API — a paged, consistent Scan of every item into `table.jsonl` — never by copying the
 * SQLite file DynamoDB Local keeps in `<DATA_DIR>/dynamodb`, which is not safe to copy while it writes.
 *   - If the DynamoDB Local of that DATA_DIR is running (the process in `<DATA_DIR>/dynamodb/.pid` is
 *     alive), the Scan goes to it, on the port in its command line (else DYNAMODB_PORT). A DynamoDB Local
 *     that merely answers on DYNAMODB_PORT is not trusted: it may be another DATA_DIR's.
 *   - If it is not running, its files are at rest: they are copied (without `.pid`, so starting on the
 *     copy can never stop the real one) to a temporary folder, a DynamoDB Local of our own is started on
 *     that copy, and the Scan goes to it. The original folder is only read. The copy is checked to have
 *     not changed while it was made.
 * The other files of DATA_DIR (objects, outbox, stream positions, dev issuer, …) are copied file by file,
 * each hashed as it is read. A runtime writing them during the backup makes the backup a little older
 * than the original: those files are reported as "changed since the backup", not as failures.
 *
 * The restore goes to a new temporary folder laid out like a DATA_DIR, with its own DynamoDB Local (on a
 * free port, on files, like `npm start`) and the table created from shared/adapters/table-design.ts the
 * way `npm start` creates it; never over the original.
 *
 * The checks: counts (total, per `entity`, per pk prefix) and a digest of every item's content, the
 * original's (as scanned) against the restored table's; a random sample of tickets (pk `TICKET#…`, sk
 * `META`) read with GetItem from both and compared attribute by attribute; every file, same names and
 * same SHA-256. The restored copy is deleted afterwards, also on failure.
 */
export interface LocalDrillOptions {
  readonly dataDir: string;
  readonly tableName: string;
  /** DYNAMODB_PORT: where the running DynamoDB Local answers when its command line does not say. */
  readonly dynamoPort: number;
  /** Where to write the backup (must not exist or be empty); a new folder under the OS temp dir if absent. */
  readonly backupDir?: string;
  /** Keep the backup afterwards (it is deleted otherwise). */
  readonly keepBackup: boolean;
  /** How many tickets to compare item by item. */
  readonly sampleSize: number;
  readonly print: (line: string) => void;
  readonly random?: () => number;
  /** Tests only: runs after the restore, before the checks (to make the copy differ). */
  readonly afterRestore?: (restored: RestoredCopy) => Promise<void>;
}

export interface RestoredCopy {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly dataDir: string;
}

export interface DrillOutcome {
  readonly ok: boolean;
  /** Each difference found, one sentence each; empty when ok. */
  readonly problems: readonly string[];
  /** What is worth knowing but is no failure (things changed in the original since the backup). */
  readonly notes: readonly string[];
  readonly original?: TallyJson;
  readonly restored?: TallyJson;
  readonly ticketsCompared: number;
  readonly filesCompared: number;
  /** The backup folder when kept. */
  readonly backupKept?: string;
}

interface FileEntry {
  readonly size: number;
  readonly sha256: string;
}

interface Manifest {
  readonly format: 'frontdoor-restore-drill/1';
  readonly createdAt: string;
  readonly dataDir: string;
  readonly tableName: string;
  /** How the table was read. */
  readonly source: 'running DynamoDB Local' | 'copy of the stopped files';
  readonly table: { readonly file: 'table.jsonl'; readonly sha256: string; readonly tally: TallyJson };
  /** Every other file of DATA_DIR, by its path relative to it (with `/`). */
  readonly files: Record<string, FileEntry>;
}

const TABLE_FILE = 'table.jsonl';

export async function restoreDrillLocally(opts: LocalDrillOptions): Promise<DrillOutcome> {
  const { print } = opts;
  const dataDir = resolve(opts.dataDir);
  if (!(await isDirectory(dataDir))) throw new Error(`DATA_DIR ${dataDir} does not exist`);
  if (!(await isDirectory(join(dataDir, 'dynamodb'))))
    throw new Error(
      `${dataDir} holds no DynamoDB Local data (no dynamodb/ folder): start npm start on it once`,
    );

  const cleanups: Array<() => Promise<void>> = [];
  const backupDir = opts.backupDir
    ? resolve(opts.backupDir)
    : await mkdtemp(join(tmpdir(), `frontdoor-backup-${stamp(new Date())}-`));
  if (isInside(backupDir, dataDir))
    throw new Error(`the backup folder ${backupDir} must not be inside DATA_DIR`);
  if (opts.backupDir) await prepareEmptyDir(backupDir);
  let kept = false;
  try {
    // 1. Back up.
    print(`Backing up ${dataDir} to ${backupDir}`);
    const source = await openSource(dataDir, opts, cleanups);
    const backup = await backUp(source, dataDir, backupDir, opts);

    // 2. Restore into a new place.
    const restoreDir = await mkdtemp(join(tmpdir(), 'frontdoor-restore-drill-'));
    cleanups.push(async () => {
      await rm(restoreDir, { recursive: true, force: true });
      print(`Deleted the restored copy ${restoreDir}`);
    });
    const restored = await restore(backupDir, backup.manifest, restoreDir, opts, cleanups);
    await opts.afterRestore?.({ client: restored, tableName: opts.tableName, dataDir: restoreDir });

    // 3. Check.
    print('Checking the restored copy against the original …');
    const restoredTally = await scanTally(
      restored,
      opts.tableName,
      (n) => `  counted ${n} restored items`,
      print,
    );
    const original = backup.manifest.table.tally;
    const problems = tallyDifferences(original, restoredTally.toJSON());
    const notes: string[] = [];
    if (source.live) {
      const now = await scanTally(
        source.client,
        opts.tableName,
        (n) => `  counted ${n} items in the original now`,
        print,
      );
      if (now.total !== original.total)
        notes.push(
          `the running original has ${now.total} items now (${original.total} at the backup): written since, not a failure`,
        );
    }
    const tickets = await compareTickets(source.client, restored, opts.tableName, backup.sample, print);
    problems.push(...tickets.problems);
    notes.push(...tickets.notes);
    const files = await compareFiles(dataDir, restoreDir, backup.manifest.files);
    problems.push(...files.problems);
    notes.push(...files.notes);
    print(`  files: ${files.compared} compared`);

    kept = opts.keepBackup;
    return {
      ok: problems.length === 0,
      problems,
      notes,
      original,
      restored: restoredTally.toJSON(),
      ticketsCompared: tickets.compared,
      filesCompared: files.compared,
      ...(kept ? { backupKept: backupDir } : {}),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((e: unknown) =>
        print(`could not clean up: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    if (kept || (opts.keepBackup && (await isDirectory(backupDir)))) {
      print(`Kept the backup in ${backupDir}`);
    } else {
      await rm(backupDir, { recursive: true, force: true });
      print(`Deleted the backup ${backupDir} (--keep-backup keeps it)`);
    }
  }
}

interface Source {
  readonly client: DynamoDBClient;
  /** True when reading the running DynamoDB Local of DATA_DIR (the original may change meanwhile). */
  readonly live: boolean;
}

/** A client on the original table: the running DynamoDB Local, or one of ours on a copy of its files. */
async function openSource(
  dataDir: string,
  opts: LocalDrillOptions,
  cleanups: Array<() => Promise<void>>,
): Promise<Source> {
  const { print } = opts;
  const running = runningDynamoFor(dataDir, opts.dynamoPort);
  let endpoint: string;
  if (running) {
    print(
      `  DynamoDB Local (pid ${running.pid}) is running on this DATA_DIR: reading the table through its API on port ${running.port}`,
    );
    endpoint = `http://127.0.0.1:${running.port}`;
  } else {
    const view = await mkdtemp(join(tmpdir(), 'frontdoor-restore-drill-source-'));
    cleanups.push(() => rm(view, { recursive: true, force: true }));
    print(`  DynamoDB Local is not running on this DATA_DIR: reading a copy of its files (in ${view})`);
    await copyAtRest(join(dataDir, 'dynamodb'), join(view, 'dynamodb'));
    const dynamo = await startDynamoLocal({ port: await freePort(), dataDir: view });
    cleanups.push(() => dynamo.stop());
    endpoint = dynamo.endpoint;
  }
  const client = localClient(endpoint);
  cleanups.push(async () => client.destroy());
  try {
    await client.send(new DescribeTableCommand({ TableName: opts.tableName }));
  } catch (e: unknown) {
    if (e instanceof ResourceNotFoundException)
      throw new Error(`DATA_DIR has no table ${opts.tableName}: there is nothing to back up`);
    throw new Error(
      `DynamoDB Local on ${endpoint} did not answer (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  return { client, live: running !== undefined };
}

/** The DynamoDB Local whose pid file DATA_DIR holds, if that process is alive (and is DynamoDB Local). */
export function runningDynamoFor(
  dataDir: string,
  fallbackPort: number,
): { pid: number; port: number } | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(resolve(dataDir), 'dynamodb', '.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    // No /proc (not Linux): alive is all we know.
    return { pid, port: fallbackPort };
  }
  // A pid left behind and since reused by another program.
  if (!args.some((a) => a.includes('DynamoDBLocal'))) return undefined;
  const at = args.indexOf('-port');
  const port = at >= 0 ? Number(args[at + 1]) : Number.NaN;
  return { pid, port: Number.isInteger(port) ? port : fallbackPort };
}

/** Copies DynamoDB Local's stopped files (not `.pid`), and fails if they changed meanwhile. */
async function copyAtRest(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const files = (await listFiles(from)).filter((f) => f !== '.pid');
  const before = await Promise.all(files.map((f) => stat(join(from, f))));
  for (const f of files) {
    await mkdir(dirname(join(to, f)), { recursive: true });
    await copyFile(join(from, f), join(to, f));
  }
  const after = await Promise.all(files.map((f) => stat(join(from, f))));
  files.forEach((f, i) => {
    if (before[i]?.mtimeMs !== after[i]?.mtimeMs || before[i]?.size !== after[i]?.size)
      throw new Error(`${f} changed while it was copied: something writes DATA_DIR (is npm start running?)`);
  });
}

async function backUp(
  source: Source,
  dataDir: string,
  backupDir: string,
  opts: LocalDrillOptions,
): Promise<{ manifest: Manifest; sample: Item[] }> {
  const { print } = opts;
  const tally = new Tally();
  const sample = new Reservoir<Item>(opts.sampleSize, opts.random);
  const out = createWriteStream(join(backupDir, TABLE_FILE));
  const hash = createHash('sha256');
  const progress = throttled(print);
  let start: Item | undefined;
  do {
    const page = await source.client.send(
      new ScanCommand({ TableName: opts.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const line = `${encodeItem(item)}\n`;
      hash.update(line);
      if (!out.write(line)) await once(out, 'drain');
      tally.add(item);
      if (isTicket(item)) sample.offer(item);
    }
    start = page.LastEvaluatedKey;
    progress(`  backed up ${tally.total} items`, !start);
  } while (start);
  out.end();
  await once(out, 'finish');

  const files: Record<string, FileEntry> = {};
  for (const rel of await listFiles(dataDir, ['dynamodb'])) {
    let body: Buffer;
    try {
      body = await readFile(join(dataDir, rel));
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted by the runtime meanwhile
      throw e;
    }
    const target = join(backupDir, 'files', rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, body);
    files[toPosix(rel)] = { size: body.length, sha256: sha256(body) };
  }
  print(`  backed up ${Object.keys(files).length} files (objects and the runtime's other files)`);

  const manifest: Manifest = {
    format: 'frontdoor-restore-drill/1',
    createdAt: new Date().toISOString(),
    dataDir,
    tableName: opts.tableName,
    source: source.live ? 'running DynamoDB Local' : 'copy of the stopped files',
    table: { file: TABLE_FILE, sha256: hash.digest('hex'), tally: tally.toJSON() },
    files,
  };
  await writeFile(join(backupDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, sample: sample.items };
}

/** Restores a backup into `restoreDir` (a new DATA_DIR) and returns a client on its DynamoDB Local. */
async function restore(
  backupDir: string,
  manifest: Manifest,
  restoreDir: string,
  opts: LocalDrillOptions,
  cleanups: Array<() => Promise<void>>,
): Promise<DynamoDBClient> {
  const { print } = opts;
  print(`Restoring into ${restoreDir} (a new DynamoDB Local on its own port) …`);
  const tableFile = join(backupDir, manifest.table.file);
  if ((await sha256File(tableFile)) !== manifest.table.sha256)
    throw new Error(`${tableFile} is not the file the backup wrote (its SHA-256 differs)`);
  const dynamo: DynamoLocal = await startDynamoLocal({ port: await freePort(), dataDir: restoreDir });
  cleanups.push(() => dynamo.stop());
  const client = localClient(dynamo.endpoint);
  cleanups.push(async () => client.destroy());
  await ensureTable(client, opts.tableName);

  const progress = throttled(print);
  let written = 0;
  let batch: Item[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await writeBatch(client, opts.tableName, batch);
    written += batch.length;
    batch = [];
    progress(`  restored ${written}/${manifest.table.tally.total} items`);
  };
  const lines = createInterface({ input: createReadStream(tableFile), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line === '') continue;
    batch.push(decodeItem(line));
    if (batch.length === 25) await flush();
  }
  await flush();
  progress(`  restored ${written}/${manifest.table.tally.total} items`, true);

  for (const rel of Object.keys(manifest.files)) {
    const target = join(restoreDir, rel);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(backupDir, 'files', rel), target);
  }
  print(`  restored ${Object.keys(manifest.files).length} files`);
  return client;
}

/** BatchWriteItem, again for what DynamoDB did not process, backing off a little each time. */
async function writeBatch(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  let requests: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 8)
      throw new Error(`DynamoDB Local left ${requests.length} items unwritten after 8 retries`);
    if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
    requests = out.UnprocessedItems?.[tableName] ?? [];
  }
}

async function scanTally(
  client: DynamoDBClient,
  tableName: string,
  line: (n: number) => string,
  print: (line: string) => void,
): Promise<Tally> {
  const tally = new Tally();
  const progress = throttled(print);
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) tally.add(item);
    start = page.LastEvaluatedKey;
    progress(line(tally.total), !start);
  } while (start);
  return tally;
}

/**
 * Each sampled ticket, read with GetItem from the original now and from the restored copy. A ticket the
 * running original changed after the backup (its backup copy is what was restored) is a note, not a failure.
 */
async function compareTickets(
  original: DynamoDBClient,
  restored: DynamoDBClient,
  tableName: string,
  sample: readonly Item[],
  print: (line: string) => void,
): Promise<{ compared: number; problems: string[]; notes: string[] }> {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const backedUp of sample) {
    const id = backedUp.pk?.S ?? '?';
    const [now, copy] = await Promise.all([
      readItem(original, tableName, backedUp),
      readItem(restored, tableName, backedUp),
    ]);
    if (sameItem(now, copy)) continue;
    if (copy === undefined) problems.push(`ticket ${id} is missing from the restored copy`);
    else if (sameItem(copy, backedUp) && !sameItem(now, backedUp))
      notes.push(
        `ticket ${id} changed in the original after the backup (the restored copy equals the backup)`,
      );
    else
      problems.push(
        `ticket ${id} differs between the original and the restored copy${firstDifference(now, copy)}`,
      );
  }
  print(`  tickets: ${sample.length} sampled at random, compared attribute by attribute`);
  return { compared: sample.length, problems, notes };
}

/** `: attribute status` for the first attribute that differs, to say where. */
function firstDifference(a: Item | undefined, b: Item | undefined): string {
  if (!a || !b) return '';
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[key];
    const y = b[key];
    if (x === undefined || y === undefined || canonicalItem({ v: x }) !== canonicalItem({ v: y }))
      return ` (attribute ${key})`;
  }
  return '';
}

async function compareFiles(
  dataDir: string,
  restoreDir: string,
  backedUp: Record<string, FileEntry>,
): Promise<{ compared: number; problems: string[]; notes: string[] }> {
  const problems: string[] = [];
  const notes: string[] = [];
  const hashes = async (root: string) => {
    const out = new Map<string, string>();
    for (const rel of await listFiles(root, ['dynamodb'])) {
      try {
        out.set(toPosix(rel), sha256(await readFile(join(root, rel))));
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return out;
  };
  const [now, copy] = await Promise.all([hashes(dataDir), hashes(restoreDir)]);
  const names = [...new Set([...now.keys(), ...copy.keys(), ...Object.keys(backedUp)])].sort();
  for (const name of names) {
    const original = now.get(name);
    const restored = copy.get(name);
    const backup = backedUp[name]?.sha256;
    if (original === restored) continue;
    if (restored === backup && original !== backup)
      notes.push(
        original === undefined
          ? `${name} was deleted from the original after the backup`
          : backup === undefined
            ? `${name} was written to the original after the backup`
            : `${name} changed in the original after the backup (the restored copy equals the backup)`,
      );
    else if (restored === undefined) problems.push(`file ${name} is missing from the restored copy`);
    else if (original === undefined)
      problems.push(`file ${name} is in the restored copy but not in the original`);
    else problems.push(`file ${name} differs between the original and the restored copy (SHA-256)`);
  }
  return { compared: names.length, problems, notes };
}

/** Every regular file under `root`, relative to it, skipping the named top-level entries. */
async function listFiles(root: string, skipTop: readonly string[] = []): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (dir === root && skipTop.includes(entry.name)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(relative(root, path));
    }
  };
  await walk(root);
  return out;
}

function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function prepareEmptyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new Error(`the backup folder ${dir} is not empty`);
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function toPosix(rel: string): string {
  return rel.split(sep).join('/');
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
