import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { ensureTable } from '../../infra/local/table';

/** A fresh table (same design as in AWS) in the run's DynamoDB Local, and a document client on it. */
export async function freshTable(): Promise<{
  db: DynamoDBDocumentClient;
  tableName: string;
  drop(): Promise<void>;
}> {
  const client = new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    db,
    tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}

/**
 * Every event in a table's outbox, in commit order (what `publish-events` puts on the bus): a Scan,
 * which only tests may do.
 */
export async function outboxEvents(table: {
  db: DynamoDBDocumentClient;
  tableName: string;
}): Promise<Array<{ eventId: string; type: string; detail: Record<string, unknown> }>> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'entity = :outbox',
        ExpressionAttributeValues: { ':outbox': 'outbox' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items
    .sort(
      (a, b) =>
        String(a.committedAt).localeCompare(String(b.committedAt)) ||
        String(a.pk).localeCompare(String(b.pk)) ||
        String(a.sk).localeCompare(String(b.sk)),
    )
    .map((i) => ({
      eventId: String(i.eventId),
      type: String(i.type),
      detail: JSON.parse(String(i.detail)) as Record<string, unknown>,
    }));
}

/**
 * Points a handler module's SDK clients at the run's DynamoDB Local and `tableName` (stubbed env, set before
 * the module is imported), with silent logs and any `extra` variables the handler requires.
 */
export function stubHandlerEnv(tableName: string, extra: Record<string, string> = {}): void {
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  for (const [name, value] of Object.entries(extra)) vi.stubEnv(name, value);
}
