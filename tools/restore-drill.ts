import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localSettings } from '../infra/local/settings';
import { parseRestoreDrillArgs } from './restore-drill/args';
import { restoreDrillInAws } from './restore-drill/aws';
import { tallyLines } from './restore-drill/items';
import { type DrillOutcome, restoreDrillLocally } from './restore-drill/local';

/**
 * `npm run restore:drill`: a rehearsed restore (issue 22).
 *
 * Locally (the default), on DATA_DIR (default `.data`), whether `npm start` runs on it or not:
 *   1. backs it up to a new folder (under the OS temp dir, or `--backup-dir`): the table through DynamoDB
 *      Local's API (a paged Scan to `table.jsonl`, never a copy of the SQLite file it may be writing), the
 *      other files (objects, …) copied and hashed — see tools/restore-drill/local.ts for how;
 *   2. restores that backup into a fresh temporary DATA_DIR with its own DynamoDB Local on a free port,
 *      the table created from the same design `npm start` uses — never over the original;
 *   3. checks counts (total, per `entity`, per pk prefix) and a digest of every item, a random sample of
 *      tickets (GetItem on both, attribute by attribute), and every file (names and SHA-256);
 *   4. deletes the restored copy, always, also on failure. The backup is deleted too unless
 *      `--keep-backup` is given: the drill rehearses a restore, it is not the backup schedule.
 *
 * In AWS (`--aws --table <name>`, region and credentials from the usual AWS environment): a point-in-time
 * restore to `<name>-drill-<yyyymmddhhmmss>`, wait until ACTIVE, compare counts and a sample of tickets,
 * delete the restored table in a `finally` — see tools/restore-drill/aws.ts (and what a PITR restore does
 * not copy: the stream, TTL, PITR, deletion protection, tags, alarms).
 *
 * Progress and the summary go to stdout. Exit codes: 0 everything matched, 1 a difference or a failure
 * (one sentence on stderr), 2 bad arguments.
 */
const request = parseRestoreDrillArgs(process.argv.slice(2), process.env);
if ('error' in request) {
  console.error(request.error);
  process.exit(2);
}

const print = (line: string) => console.log(line);
const settings = localSettings();
let outcome: DrillOutcome;
try {
  if (request.target === 'aws') {
    const client = new DynamoDBClient({});
    try {
      outcome = await restoreDrillInAws(client, { ...request, print });
    } finally {
      client.destroy();
    }
  } else {
    outcome = await restoreDrillLocally({
      dataDir: settings.dataDir,
      tableName: settings.tableName,
      dynamoPort: settings.dynamoPort,
      backupDir: request.backupDir,
      keepBackup: request.keepBackup,
      sampleSize: request.sampleSize,
      print,
    });
  }
} catch (e: unknown) {
  const reason = e instanceof Error ? e.message : String(e);
  console.error(
    `restore drill failed ${request.target === 'aws' ? `in AWS (table ${request.table})` : `on ${settings.dataDir}`}: ${reason}`,
  );
  process.exit(1);
}

print('');
print('Summary');
if (outcome.original) for (const line of tallyLines('  original', outcome.original)) print(line);
if (outcome.restored) for (const line of tallyLines('  restored', outcome.restored)) print(line);
if (outcome.original?.digest && outcome.restored?.digest)
  print(
    `  content digest of every item: ${outcome.original.digest === outcome.restored.digest ? 'the same' : 'DIFFERENT'}`,
  );
print(`  tickets compared item by item: ${outcome.ticketsCompared}`);
if (request.target === 'local') print(`  files compared by SHA-256: ${outcome.filesCompared}`);
for (const note of outcome.notes) print(`  note: ${note}`);
for (const problem of outcome.problems) print(`  DIFFERENCE: ${problem}`);
if (outcome.ok) {
  print('Restore drill passed: the restored copy matches the original.');
} else {
  const [first] = outcome.problems;
  const more = outcome.problems.length > 1 ? ` (and ${outcome.problems.length - 1} more, listed above)` : '';
  console.error(`restore drill failed: ${first}${more}`);
  process.exitCode = 1;
}
