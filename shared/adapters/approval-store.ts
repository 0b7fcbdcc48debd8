import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Approval, ApprovalSchema } from '../domain';
import type { ApprovalStorePort } from '../use-cases/ports';

/**
 * Approvals in the single table: the approval item beside its ticket (`TICKET#<id>`/`APPROVAL#<id>`: policy,
 * state, votes, task token), a pointer `APPROVAL#<id>`/`APPROVAL` → ticket so the decision API finds it by
 * id, and — while pending only — the approver index (`gsi4`: `APPROVER#<group>` / `<requestedAt>#<id>`), so
 * "what waits for my group" is a Query, never a Scan. Writes of an approval go with its ticket change in
 * one transaction (`TicketRepository.append({ approvals })`).
 */
export function approvalItems(approval: Approval, isNew: boolean): Array<Record<string, unknown>> {
  const item = {
    pk: `TICKET#${approval.ticketId}`,
    sk: `APPROVAL#${approval.id}`,
    entity: 'approval',
    ...approval,
    ...(approval.state === 'pending'
      ? { gsi4pk: `APPROVER#${approval.group}`, gsi4sk: `${approval.requestedAt}#${approval.id}` }
      : {}),
  };
  const pointer = {
    pk: `APPROVAL#${approval.id}`,
    sk: 'APPROVAL',
    entity: 'approval-pointer',
    ticketId: approval.ticketId,
  };
  return isNew ? [item, pointer] : [item];
}

const KEYS = new Set(['pk', 'sk', 'entity', 'gsi4pk', 'gsi4sk']);
const parse = (item: Record<string, unknown>): Approval =>
  ApprovalSchema.parse(Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))));

export class ApprovalStore implements ApprovalStorePort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One approval by id (pointer, then the item beside its ticket). */
  async get(approvalId: string): Promise<Approval | undefined> {
    const pointer = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `APPROVAL#${approvalId}`, sk: 'APPROVAL' } }),
    );
    const ticketId = pointer.Item?.ticketId;
    if (typeof ticketId !== 'string') return undefined;
    return this.ofTicket(ticketId, approvalId);
  }

  async ofTicket(ticketId: string, approvalId: string): Promise<Approval | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `TICKET#${ticketId}`, sk: `APPROVAL#${approvalId}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? parse(out.Item) : undefined;
  }

  /** Every approval asked for on a ticket, oldest first. */
  async forTicket(ticketId: string): Promise<Approval[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `TICKET#${ticketId}`, ':sk': 'APPROVAL#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(parse);
  }

  /** Pending approvals of one approver group, oldest first (approver index; eventually consistent). */
  async pendingFor(group: string, limit = 100): Promise<Approval[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi4-approver',
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': `APPROVER#${group}` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(parse).filter((a) => a.state === 'pending');
  }

  /**
   * Keeps the waiting workflow's task token on the approval (bumping its version, so a decision written
   * from an older read retries and keeps the token) and answers the approval as it now is: if it was
   * decided meanwhile, the caller hands the decision to the token itself.
   */
  async saveTaskToken(ticketId: string, approvalId: string, token: string): Promise<Approval | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `TICKET#${ticketId}`, sk: `APPROVAL#${approvalId}` },
          UpdateExpression: 'SET taskToken = :token, version = version + :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':token': token, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? parse(out.Attributes) : undefined;
    } catch (e: unknown) {
      if (e instanceof Error && e.name === 'ConditionalCheckFailedException') return undefined;
      throw e;
    }
  }
}
