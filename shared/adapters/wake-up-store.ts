import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { WakeUpRecord, WakeUpStorePort } from '../use-cases/ports';

const SK = 'WAKEUP';

/**
 * The ticket's pending wake-up as last set: when, and from which version of the ticket it was decided.
 * One item beside the ticket (`TICKET#<id>` / `WAKEUP`), so scheduling never bumps the ticket's version;
 * it only saves scheduler calls and orders racing decisions (the schedule itself is the truth).
 */
export class WakeUpStore implements WakeUpStorePort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ticketId: string): Promise<WakeUpRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `TICKET#${ticketId}`, sk: SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { wakeAt, version, updatedAt } = out.Item as Record<string, unknown>;
    return { wakeAt: String(wakeAt), version: Number(version), updatedAt: String(updatedAt) };
  }

  /** Records the wake-up unless one decided from a newer version of the ticket is recorded already. */
  async claim(ticketId: string, record: WakeUpRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `TICKET#${ticketId}`, sk: SK, entity: 'wake-up', ...record },
          ConditionExpression: 'attribute_not_exists(pk) OR version <= :version',
          ExpressionAttributeValues: { ':version': record.version },
        }),
      );
      return true;
    } catch (e: unknown) {
      if (e instanceof Error && e.name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}
