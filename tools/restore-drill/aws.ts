import {
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  RestoreTableToPointInTimeCommand,
  ScanCommand,
  type SSESpecification,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  type Item,
  isTicket,
  Reservoir,
  readItem,
  sameItem,
  stamp,
  Tally,
  tallyDifferences,
  throttled,
} from './items';
import type { DrillOutcome } from './local';

/**
 * The AWS half of `npm run restore:drill -- --aws --table <name>`: a point-in-time restore of the table
 * (the latest restorable time, a few minutes ago) to a new table `<name>-drill-<yyyymmddhhmmss>`, encrypted
 * with the source's customer-managed key; wait until it is ACTIVE; compare the item counts (total and per
 * pk prefix) of both; compare a random sample of tickets read with GetItem from both; delete the new table
 * in a `finally`, also when a comparison fails. Reads cost a full Scan of each table.
 *
 * What a restore does not bring back (DynamoDB copies data, keys, indexes and billing mode only): the
 * stream, the TTL setting, point-in-time recovery itself, deletion protection, tags, alarms, resource
 * policies and auto scaling. After a real restore the CDK stack must set those again.
 *
 * The source keeps taking writes after the restore point, so on a busy table the counts may differ by the
 * writes since (`allowedCountDifference`), and a sampled ticket whose `updatedAt` is after the restore
 * point is reported as changed, not as a failure.
 */
export interface AwsDrillOptions {
  readonly table: string;
  readonly sampleSize: number;
  /** How long to wait for the restore (large tables take hours). */
  readonly waitMinutes: number;
  readonly allowedCountDifference: number;
  readonly print: (line: string) => void;
  readonly now?: Date;
  readonly random?: () => number;
  /** Seconds between waiter polls (tests make it small). */
  readonly pollSeconds?: number;
}

export const RESTORE_LEAVES_OUT =
  'a PITR restore does not copy the stream, the TTL setting, PITR, deletion protection, tags, alarms or auto scaling';

export async function restoreDrillInAws(
  client: DynamoDBClient,
  opts: AwsDrillOptions,
): Promise<DrillOutcome> {
  const { print, table } = opts;
  const source = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
  const backups = await client.send(new DescribeContinuousBackupsCommand({ TableName: table }));
  const pitr = backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
  if (pitr?.PointInTimeRecoveryStatus !== 'ENABLED')
    throw new Error(`point-in-time recovery is not enabled on ${table}`);
  print(
    `PITR is on for ${table}: restorable from ${pitr.EarliestRestorableDateTime?.toISOString() ?? '?'} to ${pitr.LatestRestorableDateTime?.toISOString() ?? '?'}`,
  );

  const target = `${table}-drill-${stamp(opts.now ?? new Date())}`;
  const key = source?.SSEDescription?.KMSMasterKeyArn;
  const sse: SSESpecification | undefined = key
    ? { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key }
    : undefined;
  print(
    `Restoring ${table} at its latest restorable time to ${target}${key ? ` (encrypted with ${key})` : ''} …`,
  );
  print(`  note: ${RESTORE_LEAVES_OUT}`);
  await client.send(
    new RestoreTableToPointInTimeCommand({
      SourceTableName: table,
      TargetTableName: target,
      UseLatestRestorableTime: true,
      ...(sse ? { SSESpecificationOverride: sse } : {}),
    }),
  );
  let deleteFailure: string | undefined;
  let outcome: DrillOutcome;
  try {
    const started = Date.now();
    const ticker = setInterval(
      () => print(`  still restoring (${Math.round((Date.now() - started) / 60_000)} min) …`),
      60_000,
    );
    try {
      await waitUntilTableExists(
        {
          client,
          maxWaitTime: opts.waitMinutes * 60,
          minDelay: opts.pollSeconds ?? 20,
          maxDelay: Math.max(opts.pollSeconds ?? 60, 1),
        },
        { TableName: target },
      );
    } catch (e: unknown) {
      throw new Error(
        `${target} did not become ACTIVE within ${opts.waitMinutes} min (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
      );
    } finally {
      clearInterval(ticker);
    }
    const restored = (await client.send(new DescribeTableCommand({ TableName: target }))).Table;
    const restorePoint = restored?.RestoreSummary?.RestoreDateTime ?? pitr.LatestRestorableDateTime;
    print(
      `  ${target} is ACTIVE after ${Math.round((Date.now() - started) / 1000)} s (restored to ${restorePoint?.toISOString() ?? '?'})`,
    );

    print('Counting items (a Scan of each table, keys only) …');
    const original = await countTable(client, table, undefined, print);
    const sample = new Reservoir<Item>(opts.sampleSize, opts.random);
    const copy = await countTable(client, target, sample, print);
    const problems = tallyDifferences(original.toJSON(), copy.toJSON(), {
      allowed: opts.allowedCountDifference,
      entities: false,
    });
    const notes: string[] = [`${RESTORE_LEAVES_OUT} (not checked by this drill)`];
    if (original.total !== copy.total && problems.length === 0)
      notes.push(
        `the counts differ by ${Math.abs(original.total - copy.total)} (allowed ${opts.allowedCountDifference}): writes after the restore point`,
      );

    print(`Comparing ${sample.items.length} tickets chosen at random …`);
    for (const keys of sample.items) {
      const id = keys.pk?.S ?? '?';
      const [now, then] = await Promise.all([readItem(client, table, keys), readItem(client, target, keys)]);
      if (sameItem(now, then)) continue;
      const updatedAt = now?.updatedAt?.S;
      if (now === undefined) notes.push(`ticket ${id} was deleted from ${table} after the restore point`);
      else if (then === undefined) problems.push(`ticket ${id} is missing from ${target}`);
      else if (updatedAt && restorePoint && new Date(updatedAt).getTime() > restorePoint.getTime())
        notes.push(`ticket ${id} changed after the restore point (updatedAt ${updatedAt})`);
      else problems.push(`ticket ${id} differs between ${table} and ${target}`);
    }
    outcome = {
      ok: problems.length === 0,
      problems,
      notes,
      original: original.toJSON(),
      restored: copy.toJSON(),
      ticketsCompared: sample.items.length,
      filesCompared: 0,
    };
  } finally {
    try {
      await client.send(new DeleteTableCommand({ TableName: target }));
      print(`Deleted ${target}`);
    } catch (e: unknown) {
      deleteFailure = e instanceof Error ? e.message : String(e);
      print(
        `could not delete ${target} (${deleteFailure}): delete it yourself (aws dynamodb delete-table --table-name ${target})`,
      );
    }
  }
  if (deleteFailure === undefined) return outcome;
  return {
    ...outcome,
    ok: false,
    problems: [...outcome.problems, `could not delete ${target}: ${deleteFailure}`],
  };
}

/**
 * A paged Scan of the keys only: the same read cost as `Select: COUNT` (a Scan is charged for what it
 * reads, not what it returns), and it gives the counts per pk prefix and the tickets to sample.
 */
async function countTable(
  client: DynamoDBClient,
  name: string,
  tickets: Reservoir<Item> | undefined,
  print: (line: string) => void,
): Promise<Tally> {
  const tally = new Tally();
  const progress = throttled(print);
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: name,
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      tally.add(item, true);
      if (tickets && isTicket(item)) tickets.offer(item);
    }
    start = page.LastEvaluatedKey;
    progress(`  ${name}: ${tally.total} items counted`, !start);
  } while (start);
  return tally;
}
