import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type Ticket, TicketSchema, TicketState } from '../domain';
import type { RelatedTicketsPort } from '../use-cases/ports';
import { batchGetItems } from './batch-get';
import { reportUnreadableItem, type UnreadableItemReporter } from './unreadable-items';

const OPEN_STATES = TicketState.options.filter((s) => s !== 'resolved' && s !== 'closed');
/** DynamoDB's IN takes at most 100 operands. */
const IN_LIMIT = 100;

/**
 * Open tickets of given accounts, found without a Scan: tickets carry no account index, so this Queries
 * the queue views (`QUEUE#<q>#STATE#<s>`, one partition per queue and open state) with a filter on the
 * account id, stopping as soon as `limit` are found. It reads every open ticket in the worst case — fine
 * for the rare event that asks (an incident), not for a request path.
 */
export class RelatedTickets implements RelatedTicketsPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onUnreadable: UnreadableItemReporter = reportUnreadableItem,
  ) {}

  async openTicketsOfAccounts(
    accountIds: readonly string[],
    queues: readonly string[],
    limit: number,
  ): Promise<Ticket[]> {
    const found = new Map<string, Ticket>();
    const ids = [...new Set(accountIds)];
    for (let i = 0; i < ids.length && found.size < limit; i += IN_LIMIT) {
      const chunk = ids.slice(i, i + IN_LIMIT);
      const values = Object.fromEntries(chunk.map((id, j) => [`:a${j}`, id]));
      for (const queue of queues) {
        for (const state of OPEN_STATES) {
          let startKey: QueryCommandOutput['LastEvaluatedKey'];
          do {
            const page: QueryCommandOutput = await this.db.send(
              new QueryCommand({
                TableName: this.tableName,
                IndexName: 'gsi1-queue',
                KeyConditionExpression: 'gsi1pk = :pk',
                FilterExpression: `#account.#id IN (${Object.keys(values).join(', ')})`,
                ExpressionAttributeNames: { '#account': 'account', '#id': 'id' },
                ExpressionAttributeValues: { ':pk': `QUEUE#${queue}#STATE#${state}`, ...values },
                ExclusiveStartKey: startKey,
              }),
            );
            // The queue view holds keys and `account`: the filter runs there, the tickets come from the table.
            const keys = (page.Items ?? []).map((i) => ({ pk: String(i.pk), sk: 'META' }));
            for (const item of await batchGetItems(this.db, this.tableName, keys)) {
              const ticket = TicketSchema.safeParse(item);
              if (ticket.success) found.set(ticket.data.id, ticket.data);
              // Left out, never in the way: the repository's reads do the same.
              else
                this.onUnreadable({
                  pk: String(item.pk),
                  sk: String(item.sk),
                  entity: 'ticket',
                  problems: ticket.error.issues
                    .slice(0, 10)
                    .map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
                });
            }
            startKey = page.LastEvaluatedKey;
          } while (startKey && found.size < limit);
          if (found.size >= limit) break;
        }
        if (found.size >= limit) break;
      }
    }
    // Oldest first: the tickets waiting longest are the likeliest to be about the incident's start.
    return [...found.values()].toSorted((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, limit);
  }
}
