import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Account, AccountSchema } from '../domain';
import { type AccountChange, type AccountSnapshot, changeAccount } from '../domain/integrations';
import { type AccountChangeOutcome, type AccountDirectoryPort, DomainTakenError } from '../use-cases/ports';

const accountPk = (id: string) => `ACCOUNT#${id}`;
const domainPk = (domain: string) => `DOMAIN#${domain}`;

/**
 * The account directory in the single table: `ACCOUNT#<id>`/`META`, and one `DOMAIN#<domain>`/`DOMAIN`
 * item per mail domain pointing at its account, so a requester's domain finds its account by GetItem.
 * Changes made by integration rules leave `ACCOUNT#<id>`/`EVT#<at>#<cause>` items (who, why, before/after).
 */
export class AccountDirectory implements AccountDirectoryPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Account | undefined> {
    return (await this.read(id, false))?.account;
  }

  /** The account and the `updatedAt` its next conditional write is checked against. */
  private async read(
    id: string,
    consistent: boolean,
  ): Promise<{ account: Account; updatedAt: unknown } | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: accountPk(id), sk: 'META' },
        ...(consistent ? { ConsistentRead: true } : {}),
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _e, updatedAt, ...rest } = out.Item;
    return { account: AccountSchema.parse(rest), updatedAt };
  }

  /**
   * An integration rule's change (tags added as a set, status set), idempotent: a change already true of
   * the account writes nothing and answers `unchanged`. The account and its audit item are written in one
   * transaction, only if nobody wrote the account since it was read (otherwise read and decide again).
   * An account the directory does not know is not invented from an event (no name, tier or domains to
   * give it): it answers `unknown_account` and the caller carries on without it.
   */
  async change(
    id: string,
    change: AccountChange,
    cause: { readonly by: string; readonly cause: string; readonly eventType: string },
    at: Date,
  ): Promise<AccountChangeOutcome> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(id, true);
      if (!current) return { kind: 'unknown_account' };
      const changed = changeAccount(current.account, change);
      if (!changed) return { kind: 'unchanged', account: current.account };
      const when = at.toISOString();
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    pk: accountPk(id),
                    sk: 'META',
                    entity: 'account',
                    ...changed.account,
                    updatedAt: when,
                  },
                  ...(current.updatedAt === undefined
                    ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(updatedAt)' }
                    : {
                        ConditionExpression: 'updatedAt = :seen',
                        ExpressionAttributeValues: { ':seen': current.updatedAt },
                      }),
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    pk: accountPk(id),
                    sk: `EVT#${when}#${cause.cause}`,
                    entity: 'account-change',
                    at: when,
                    ...cause,
                    before: changed.before,
                    after: changed.after,
                  },
                },
              },
            ],
          }),
        );
        return { kind: 'changed', account: changed.account, before: changed.before, after: changed.after };
      } catch (e: unknown) {
        const conflict =
          e instanceof Error &&
          e.name === 'TransactionCanceledException' &&
          (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons?.some(
            (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
          );
        if (!conflict || attempt >= MAX_CONFLICT_RETRIES) throw e;
      }
    }
  }

  /** The account's change trail, oldest first (one partition, one Query). */
  async changes(id: string): Promise<AccountChangeRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :evt)',
        ExpressionAttributeValues: { ':pk': accountPk(id), ':evt': 'EVT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      at: String(i.at),
      by: String(i.by),
      cause: String(i.cause),
      eventType: String(i.eventType),
      before: i.before as AccountSnapshot,
      after: i.after as AccountSnapshot,
    }));
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

const MAX_CONFLICT_RETRIES = 3;

/** One change an integration rule made to an account. */
export interface AccountChangeRecord {
  readonly at: string;
  /** `integration:<rule>`. */
  readonly by: string;
  /** `<rule>:<business key>` of the fact that caused it. */
  readonly cause: string;
  readonly eventType: string;
  readonly before: AccountSnapshot;
  readonly after: AccountSnapshot;
}
