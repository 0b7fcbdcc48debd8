import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MacroUsagePort } from '../use-cases/ports';

const KEY = { pk: 'COUNTER#macro-usage', sk: 'COUNTER' } as const;
const PREFIX = 'uses:';

/**
 * Macro usage as one counter item (`COUNTER#macro-usage`/`COUNTER`), an attribute `uses:<macroId>` per
 * macro: one atomic ADD per application, one GetItem for all of them.
 */
export class MacroUsage implements MacroUsagePort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async counts(): Promise<Record<string, number>> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: KEY }));
    return Object.fromEntries(
      Object.entries(out.Item ?? {}).flatMap(([name, value]) =>
        name.startsWith(PREFIX) && typeof value === 'number' ? [[name.slice(PREFIX.length), value]] : [],
      ),
    );
  }

  async record(macroId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: KEY,
        UpdateExpression: 'ADD #uses :one',
        ExpressionAttributeNames: { '#uses': `${PREFIX}${macroId}` },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
}
