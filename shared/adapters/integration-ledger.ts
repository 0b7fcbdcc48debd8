import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IntegrationLedgerPort } from '../use-cases/ports';

const ledgerPk = (cause: string) => `INTEGRATION#${cause}`;

/** How long a fact is remembered as applied: as long as the proactive ticket's dedupe key. */
const REMEMBER_DAYS = 90;

/**
 * Which facts each integration rule has completely applied: `INTEGRATION#<rule>:<business key>`/`APPLIED`,
 * written only after every action's writes AND their announcements succeeded. A redelivery finds it and
 * does nothing at all; a delivery that failed half-way finds none, redoes each (idempotent) action and
 * announces again what may never have been announced.
 */
export class IntegrationLedger implements IntegrationLedgerPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async applied(cause: string): Promise<boolean> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ledgerPk(cause), sk: 'APPLIED' },
        ConsistentRead: true,
      }),
    );
    return out.Item !== undefined;
  }

  /** Idempotent: the first record stays (a concurrent twin's is the same fact). */
  async markApplied(cause: string, summary: Readonly<Record<string, unknown>>, at: Date): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: ledgerPk(cause),
            sk: 'APPLIED',
            entity: 'integration-applied',
            cause,
            ...summary,
            appliedAt: at.toISOString(),
            expiresAt: Math.floor(at.getTime() / 1000) + REMEMBER_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e: unknown) {
      if (!(e instanceof Error && e.name === 'ConditionalCheckFailedException')) throw e;
    }
  }
}
