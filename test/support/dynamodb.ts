import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
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
