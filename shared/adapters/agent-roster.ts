/**
 * DynamoDB adapter for the agent roster (issue 17, automatic assignment). One item per agent in one
 * partition (`AGENTS` / `AGENT#<id>`: the roster is a Query, never a Scan), holding what the agent wrote
 * (availability, skills), their queues, and the open tickets they hold as a string set. Beside each ticket
 * a pointer (`TICKET#<id>` / `ASSIGNEE`) names whose set holds it, so a ticket counts for one agent at most.
 *
 * Never over capacity: an assignment writes the ticket (at the version it was decided on), adds the ticket
 * to the agent's set and writes the pointer in ONE transaction, conditioned on the agent being available,
 * in the queue and — strategy `capacity` — holding fewer tickets than the capacity. Two assignments racing
 * for the last place: one transaction lands, the other is cancelled and picks again.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AgentProfile, AgentProfileSchema, loadHolder, type Ticket } from '../domain';
import type {
  AgentAssignmentOutcome,
  AgentAssignmentWrite,
  AgentLoadSync,
  AgentProfileWrite,
  AgentRosterPort,
} from '../use-cases/ports';
import { cancellationCodes, ticketChangePuts } from './ticket-repository';
import { reportUnreadableItem, type UnreadableItemReporter } from './unreadable-items';

const ROSTER_PK = 'AGENTS';
const agentSk = (id: string) => `AGENT#${id.toLowerCase()}`;
const pointerKey = (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'ASSIGNEE' });

/** The stored item as the profile schema reads it (the set of tickets as a list). */
function profileOf(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _entity, tickets, ...rest } = item;
  return { ...rest, tickets: tickets instanceof Set ? [...tickets].sort() : [] };
}

export class AgentRoster implements AgentRosterPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onUnreadable: UnreadableItemReporter = reportUnreadableItem,
  ) {}

  private read(item: Record<string, unknown>): AgentProfile | undefined {
    const parsed = AgentProfileSchema.safeParse(profileOf(item));
    if (parsed.success) return parsed.data;
    this.onUnreadable({
      pk: String(item.pk),
      sk: String(item.sk),
      entity: 'agent',
      problems: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`),
    });
    return undefined;
  }

  async get(id: string): Promise<AgentProfile | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ROSTER_PK, sk: agentSk(id) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? this.read(out.Item) : undefined;
  }

  async list(): Promise<AgentProfile[]> {
    const agents: AgentProfile[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ROSTER_PK },
        ConsistentRead: true,
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) {
        const agent = this.read(item);
        if (agent) agents.push(agent);
      }
    return agents;
  }

  async save(input: AgentProfileWrite): Promise<AgentProfile> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: ROSTER_PK, sk: agentSk(input.id) },
        UpdateExpression: `SET entity = :entity, id = :id, availability = :availability, skills = :skills, queues = :queues, updatedAt = :at, lastAssigned = if_not_exists(lastAssigned, :empty)${input.name ? ', #name = :name' : ''}`,
        ExpressionAttributeValues: {
          ':entity': 'agent',
          ':id': input.id.toLowerCase(),
          ':availability': input.availability,
          ':skills': input.skills,
          ':queues': input.queues,
          ':at': input.at,
          ':empty': {},
          ...(input.name ? { ':name': input.name } : {}),
        },
        ...(input.name ? { ExpressionAttributeNames: { '#name': 'name' } } : {}),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const saved = out.Attributes ? this.read(out.Attributes) : undefined;
    if (!saved) throw new Error(`the profile of ${input.id} was written but does not read back`);
    return saved;
  }

  async assign(input: AgentAssignmentWrite): Promise<AgentAssignmentOutcome> {
    const { change } = input;
    const ticket = change.ticket;
    const agent = input.agent.toLowerCase();
    const room =
      input.capacity === undefined ? '' : ' AND (attribute_not_exists(tickets) OR size(tickets) < :capacity)';
    const items = [
      ...ticketChangePuts(this.tableName, change),
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: ROSTER_PK, sk: agentSk(agent) },
          UpdateExpression: 'ADD tickets :ticket SET lastAssigned.#queue = :at',
          ConditionExpression: `attribute_exists(pk) AND availability = :available AND contains(queues, :queue) AND NOT contains(tickets, :id)${room}`,
          ExpressionAttributeNames: { '#queue': input.queue },
          ExpressionAttributeValues: {
            ':ticket': new Set([ticket.id]),
            ':id': ticket.id,
            ':at': ticket.updatedAt,
            ':available': 'available',
            ':queue': input.queue,
            ...(input.capacity === undefined ? {} : { ':capacity': input.capacity }),
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...pointerKey(ticket.id), entity: 'assignee', agent },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    const agentIndex = items.length - 2;
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return 'assigned';
    } catch (e: unknown) {
      const codes = cancellationCodes(e);
      if (!codes) throw e;
      if (codes[agentIndex] === 'ConditionalCheckFailed' && codes[0] !== 'ConditionalCheckFailed')
        return 'agent_refused';
      if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict'))
        return 'ticket_changed';
      throw e;
    }
  }

  async syncLoad(ticket: Ticket): Promise<AgentLoadSync> {
    const pointer = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: pointerKey(ticket.id), ConsistentRead: true }),
    );
    const current = typeof pointer.Item?.agent === 'string' ? pointer.Item.agent : null;
    const wanted = loadHolder(ticket);
    // Only agents with a profile are counted: the roster is the agents who wrote one.
    const holder = wanted && (await this.get(wanted)) ? wanted.toLowerCase() : null;
    if (current === holder) return { kind: 'in_step' };
    try {
      await this.db.send(
        new TransactWriteCommand({ TransactItems: this.moveItems(ticket, current, holder) }),
      );
      return { kind: 'moved', released: current };
    } catch (e: unknown) {
      const codes = cancellationCodes(e);
      if (codes?.includes('ConditionalCheckFailed') || codes?.includes('TransactionConflict'))
        return { kind: 'ticket_changed' };
      throw e;
    }
  }

  /** The pointer moved from `from` to `to` and the ticket with it, only while the ticket is as read. */
  private moveItems(ticket: Ticket, from: string | null, to: string | null) {
    const key = pointerKey(ticket.id);
    const ticketStill = {
      ConditionCheck: {
        TableName: this.tableName,
        Key: { pk: key.pk, sk: 'META' },
        ConditionExpression: 'version = :version',
        ExpressionAttributeValues: { ':version': ticket.version },
      },
    };
    const pointerWas =
      from === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#agent = :from',
            ExpressionAttributeNames: { '#agent': 'agent' },
            ExpressionAttributeValues: { ':from': from },
          };
    const set = (agent: string, op: 'ADD' | 'DELETE') => ({
      Update: {
        TableName: this.tableName,
        Key: { pk: ROSTER_PK, sk: agentSk(agent) },
        UpdateExpression: `${op} tickets :ticket`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':ticket': new Set([ticket.id]) },
      },
    });
    return [
      ticketStill,
      to === null
        ? { Delete: { TableName: this.tableName, Key: key, ...pointerWas } }
        : {
            Put: {
              TableName: this.tableName,
              Item: { ...key, entity: 'assignee', agent: to },
              ...pointerWas,
            },
          },
      ...(from === null ? [] : [set(from, 'DELETE')]),
      ...(to === null ? [] : [set(to, 'ADD')]),
    ];
  }
}
