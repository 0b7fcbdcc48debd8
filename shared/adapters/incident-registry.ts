import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { IncidentRule } from '../domain';
import type { IncidentRegistryPort, OpenIncident } from '../use-cases/ports';

/** Every open incident lives in one partition: `INCIDENT#OPEN` / `<ticket id>`. There are few at a time. */
const PK = 'INCIDENT#OPEN';

/**
 * The open incidents intake matches new tickets against, read with one Query (no Scan, no index on the
 * ticket's kind). Entries are written after the incident's ticket and removed when it is resolved; the
 * ticket stays the truth, so a reader checks its state.
 */
export class IncidentRegistry implements IncidentRegistryPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async open(): Promise<OpenIncident[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        Limit: 100,
      }),
    );
    return (out?.Items ?? []).flatMap((item) => {
      const rule = IncidentRule.safeParse(item.rule);
      // An entry that no longer reads takes nothing; it never stands in a request's way.
      return rule.success && typeof item.ticketId === 'string'
        ? [
            {
              ticketId: item.ticketId,
              reference: String(item.reference),
              title: String(item.title),
              rule: rule.data,
            },
          ]
        : [];
    });
  }

  async put(incident: OpenIncident): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: PK, sk: incident.ticketId, entity: 'open-incident', ...incident },
      }),
    );
  }

  async remove(ticketId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PK, sk: ticketId } }));
  }
}
