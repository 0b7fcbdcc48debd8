import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ArticleView, Deflection } from '../domain/deflection';
import type { DeflectionLedgerPort } from '../use-cases/ports';

/** Views only feed the metrics (counted as the stream sees them); a week outlives the stream's retries. */
const VIEW_TTL_SECONDS = 7 * 86_400;

/**
 * Deflections and article views in the single table: `DEFLECTION#<id>` / `DEFLECTION` (kept: the record
 * of what answered whom) and `ARTICLEVIEW#<id>` / `VIEW` (expiring). The metrics projection counts both
 * from the table stream (entities `deflection`, `article-view`).
 */
export class DeflectionLedger implements DeflectionLedgerPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(deflection: Deflection): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `DEFLECTION#${deflection.id}`, sk: 'DEFLECTION', entity: 'deflection', ...deflection },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e: unknown) {
      if (e instanceof Error && e.name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async recordView(view: ArticleView): Promise<void> {
    const expiresAt = Math.floor(Date.parse(view.at) / 1000) + VIEW_TTL_SECONDS;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `ARTICLEVIEW#${view.id}`, sk: 'VIEW', entity: 'article-view', ...view, expiresAt },
      }),
    );
  }
}
