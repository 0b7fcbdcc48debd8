import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type Account, AccountSchema } from '../domain';

const accountPk = (id: string) => `ACCOUNT#${id}`;
const domainPk = (domain: string) => `DOMAIN#${domain}`;

/**
 * The account directory in the single table: `ACCOUNT#<id>`/`META`, and one `DOMAIN#<domain>`/`DOMAIN`
 * item per mail domain pointing at its account, so a requester's domain finds its account by GetItem.
 */
export class AccountDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Account | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: accountPk(id), sk: 'META' } }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _e, updatedAt: _u, ...rest } = out.Item;
    return AccountSchema.parse(rest);
  }

  async byDomain(domain: string): Promise<Account | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: domainPk(domain.toLowerCase()), sk: 'DOMAIN' },
      }),
    );
    return typeof out.Item?.accountId === 'string' ? this.get(out.Item.accountId) : undefined;
  }

  /**
   * Creates or replaces an account and its domain index in one transaction. A domain already claimed by
   * another account is refused (DomainTakenError) rather than silently moved.
   */
  async upsert(account: Account, at: Date): Promise<void> {
    const previous = await this.get(account.id);
    const removed = (previous?.domains ?? []).filter((d) => !account.domains.includes(d));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: accountPk(account.id),
                  sk: 'META',
                  entity: 'account',
                  ...account,
                  updatedAt: at.toISOString(),
                },
              },
            },
            ...account.domains.map((d) => ({
              Put: {
                TableName: this.tableName,
                Item: { pk: domainPk(d), sk: 'DOMAIN', entity: 'account-domain', accountId: account.id },
                ConditionExpression: 'attribute_not_exists(pk) OR accountId = :id',
                ExpressionAttributeValues: { ':id': account.id },
              },
            })),
            ...removed.map((d) => ({
              Delete: { TableName: this.tableName, Key: { pk: domainPk(d), sk: 'DOMAIN' } },
            })),
          ],
        }),
      );
    } catch (e: unknown) {
      const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      const taken = reasons
        ?.map((r, i) => (r.Code === 'ConditionalCheckFailed' ? account.domains[i - 1] : undefined))
        .filter((d): d is string => d !== undefined);
      if (taken?.length) throw new DomainTakenError(taken);
      throw e;
    }
  }
}

export class DomainTakenError extends Error {
  override readonly name = 'DomainTakenError';
  readonly code = 'ACCOUNT.DOMAIN_TAKEN';
  constructor(readonly domains: readonly string[]) {
    super(`domain(s) already belong to another account: ${domains.join(', ')}`);
  }
}
