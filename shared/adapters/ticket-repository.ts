import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, DomainEvent, Message, Ticket } from '../domain';
import {
  ApprovalSchema,
  AuditEventSchema,
  MessageSchema,
  priorityRank,
  TicketSchema,
  withContentVersion,
} from '../domain';
import {
  ConcurrentUpdateError,
  type CreateOutcome,
  type DedupeKey,
  InvalidCursorError,
  type MailLogEntry,
  type NewTicketWrite,
  type QueueFilter,
  type TicketChangeWrite,
  type TicketHistory,
  type TicketPeriodPort,
  type TicketRepositoryPort,
  UnreadableTicketError,
} from '../use-cases/ports';
import { approvalItems } from './approval-store';
import { batchGetItems } from './batch-get';
import { intentLabelItem } from './intent-store';
import { type IndexName, tableDesign } from './table-design';
import { reportUnreadableItem, type UnreadableItemReporter } from './unreadable-items';

/** What a read needs of a schema (every zod schema has it). */
interface ReadSchema<T> {
  safeParse(
    input: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/** The ticket's worst SLA status, for the queue view's statistics (an index attribute, not ticket data). */
const SLA_RISK = 'slaRisk';

const KEY_ATTRIBUTES = new Set<string>([
  tableDesign.partitionKey,
  tableDesign.sortKey,
  tableDesign.timeToLiveAttribute,
  'entity',
  SLA_RISK,
  ...tableDesign.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
]);

const ticketPk = (id: string) => `TICKET#${id}`;
const dedupePk = (d: Pick<DedupeKey, 'channel' | 'key'>) => `DEDUPE#${d.channel}#${d.key}`;
const referencePk = (reference: string) => `REF#${reference}`;
const COUNTER_PK = 'COUNTER#ticket';
const MAX_CONFLICT_RETRIES = 3;

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.has(k)));
}

/**
 * Ticket attributes left out of the item while they hold the value TicketSchema reads an absent one as
 * (its defaults). A ticket is rewritten with every change, and each started kilobyte of it is a write
 * unit, twice over in a transaction: these empty values were a tenth of a new ticket's item.
 */
const STORED_ONLY_WHEN_SET: Readonly<Record<string, unknown>> = {
  kind: 'ticket',
  fields: {},
  missingFields: [],
  assignee: null,
  tags: [],
  blockedOn: null,
  pendingApprovals: [],
  links: [],
  suppressAutoMail: false,
  blockedSince: null,
  timeBlockedSeconds: {},
};

function isUnset(name: string, value: unknown): boolean {
  if (!(name in STORED_ONLY_WHEN_SET)) return false;
  const unset = STORED_ONLY_WHEN_SET[name];
  if (Array.isArray(unset)) return Array.isArray(value) && value.length === 0;
  if (unset !== null && typeof unset === 'object')
    return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
  return value === unset;
}

export function ticketItem(ticket: Ticket): Record<string, unknown> {
  const stored = Object.fromEntries(Object.entries(ticket).filter(([k, v]) => !isUnset(k, v)));
  return {
    pk: ticketPk(ticket.id),
    sk: 'META',
    entity: 'ticket',
    ...stored,
    gsi1pk: `QUEUE#${ticket.queue}#STATE#${ticket.state}`,
    gsi1sk: `${priorityRank(ticket.priority)}#${ticket.createdAt}`,
    gsi2pk: `REQ#${ticket.requester.email}`,
    gsi2sk: ticket.createdAt,
    ...(ticket.assignee
      ? { gsi3pk: `AGENT#${ticket.assignee}`, gsi3sk: `${ticket.state}#${ticket.updatedAt}` }
      : {}),
    ...(ticket.account ? { gsi5pk: `ACCOUNT#${ticket.account.id}`, gsi5sk: ticket.createdAt } : {}),
    ...slaRisk(ticket),
  };
}

/**
 * `slaRisk`: `breached` if a target is breached, else `warning` if one is in warning, else absent. The
 * queue view holds it instead of the whole `sla` (which changes with every evaluation), so it is rewritten
 * only when the risk changes.
 */
function slaRisk(ticket: Ticket): { slaRisk?: 'breached' | 'warning' } {
  const statuses = (ticket.sla?.targets ?? []).map((t) => t.status);
  if (statuses.includes('breached')) return { [SLA_RISK]: 'breached' };
  if (statuses.includes('warning')) return { [SLA_RISK]: 'warning' };
  return {};
}

/** A ticket's key, from any item of it that carries `pk` (an index item holds the table's keys). */
const ticketKey = (item: Record<string, unknown>) => ({ pk: String(item.pk), sk: 'META' });

export function messageItem(message: Message): Record<string, unknown> {
  return {
    pk: ticketPk(message.ticketId),
    sk: `MSG#${message.createdAt}#${message.id}`,
    entity: 'message',
    ...message,
  };
}

export function auditItem(event: AuditEvent): Record<string, unknown> {
  const seq = String(event.seq).padStart(6, '0');
  return { pk: ticketPk(event.ticketId), sk: `EVT#${event.at}#${seq}`, entity: 'audit', ...event };
}

/** How long an event stays in the outbox after its change committed (the stream has it for 24 h). */
const OUTBOX_DAYS = 7;

/**
 * The transactional outbox: the events a change made, written in the change's own transaction beside
 * the ticket, so a committed change always has its events and a refused one has none. The table stream
 * hands each new item to `publish-events`, which puts it on the bus. `eventId` is fixed here, by the
 * commit (ticket id, the version it wrote, position), so every publication of one event carries it.
 */
export function outboxItems(ticket: Ticket, events: readonly DomainEvent[]): Record<string, unknown>[] {
  const expiresAt = Math.floor(Date.parse(ticket.updatedAt) / 1000) + OUTBOX_DAYS * 86_400;
  const version = String(ticket.version).padStart(9, '0');
  return events.map((event, i) => {
    const eventId = `${ticket.id}:${ticket.version}:${i}`;
    return {
      pk: ticketPk(ticket.id),
      sk: `OUTBOX#${version}#${String(i).padStart(3, '0')}`,
      entity: 'outbox',
      eventId,
      type: event.type,
      // As text: the stream hands it over unchanged (no empty-map or number-precision surprises).
      detail: JSON.stringify({ ...event.detail, eventId }),
      committedAt: ticket.updatedAt,
      expiresAt,
    };
  });
}

/**
 * The heart of every change's transaction: the ticket, only over the version the change was decided on
 * (bookkeeping keeps its content version, so it never makes an agent's If-Match stale), its audit entries
 * and its outbox events. A condition failure on the first item means the ticket moved on.
 */
export function ticketChangePuts(
  tableName: string,
  input: Pick<TicketChangeWrite, 'ticket' | 'expectedVersion' | 'audit' | 'events'>,
) {
  return [
    {
      Put: {
        TableName: tableName,
        Item: ticketItem(withContentVersion(input.ticket, input.audit, input.expectedVersion)),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': input.expectedVersion },
      },
    },
    ...input.audit.map((a) => ({ Put: { TableName: tableName, Item: auditItem(a) } })),
    ...outboxItems(input.ticket, input.events ?? []).map((Item) => ({ Put: { TableName: tableName, Item } })),
  ];
}

/** Why DynamoDB cancelled a transaction, per item (`ConditionalCheckFailed`, `TransactionConflict`, `None`). */
export function cancellationCodes(e: unknown): string[] | undefined {
  if (!(e instanceof Error) || e.name !== 'TransactionCanceledException') return undefined;
  const reasons = (e as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}

/** DynamoDB adapter for tickets: the only code that knows the single-table layout of a ticket. */
export class TicketRepository implements TicketRepositoryPort, TicketPeriodPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Told about every stored item a read leaves out because it does not parse. */
    private readonly onUnreadable: UnreadableItemReporter = reportUnreadableItem,
  ) {}

  /**
   * One stored item through its read schema. An item that does not parse is reported (key and problem
   * paths, no values) and comes back as its problems: lists leave it out, a single read answers with
   * UnreadableTicketError, and neither breaks on it.
   */
  private readItem<T>(
    item: Record<string, unknown>,
    schema: ReadSchema<T>,
  ): { ok: true; value: T } | { ok: false; problems: string[] } {
    const parsed = schema.safeParse(stripKeys(item));
    if (parsed.success) return { ok: true, value: parsed.data };
    const problems = parsed.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.map(String).join('.') || '(item)'}: ${i.message}`);
    this.onUnreadable({
      pk: String(item.pk),
      sk: String(item.sk),
      entity: typeof item.entity === 'string' ? item.entity : 'unknown',
      problems,
    });
    return { ok: false, problems };
  }

  private readTickets(items: readonly Record<string, unknown>[] | undefined): Ticket[] {
    return (items ?? []).flatMap((i) => {
      const read = this.readItem(i, TicketSchema);
      return read.ok ? [read.value] : [];
    });
  }

  /** The tickets an index page names, in its order (the indexes hold keys, table-design.ts). */
  private async ticketsOf(indexItems: readonly Record<string, unknown>[] | undefined): Promise<Ticket[]> {
    const keys = (indexItems ?? []).filter((i) => typeof i.pk === 'string').map(ticketKey);
    return this.readTickets(await batchGetItems(this.db, this.tableName, keys));
  }

  /** Atomic `FD-<n>` counter. A number taken by a request that then turns out duplicate is skipped, never reused. */
  async nextReferenceNumber(): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: COUNTER_PK, sk: 'COUNTER' },
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'value' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const value = out.Attributes?.value;
    if (typeof value !== 'number') throw new Error('ticket counter returned no number');
    return value;
  }

  async findDuplicate(dedupe: Pick<DedupeKey, 'channel' | 'key'>): Promise<CreateOutcome | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: dedupePk(dedupe), sk: 'DEDUPE' },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item) return undefined;
    return { kind: 'duplicate', ticketId: String(item.ticketId), reference: String(item.reference) };
  }

  /**
   * Ticket + first message + audit events + dedupe key + reference, in ONE transaction: either the
   * whole ticket exists or nothing does. A concurrent delivery of the same channel key loses on the
   * dedupe condition and is answered as the duplicate it is.
   */
  async create(input: NewTicketWrite): Promise<CreateOutcome> {
    const { ticket, message, audit, dedupe } = input;
    const notExists = 'attribute_not_exists(pk)';
    const items = [
      { Put: { TableName: this.tableName, Item: ticketItem(ticket), ConditionExpression: notExists } },
      { Put: { TableName: this.tableName, Item: messageItem(message) } },
      ...audit.map((a) => ({ Put: { TableName: this.tableName, Item: auditItem(a) } })),
      ...outboxItems(ticket, input.events ?? []).map((Item) => ({
        Put: { TableName: this.tableName, Item },
      })),
      ...this.threadPuts(ticket.id, input.threadIds ?? []),
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: referencePk(ticket.reference),
            sk: 'REF',
            entity: 'reference',
            ticketId: ticket.id,
          },
          ConditionExpression: notExists,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: dedupePk(dedupe),
            sk: 'DEDUPE',
            entity: 'dedupe',
            ticketId: ticket.id,
            reference: ticket.reference,
            createdAt: ticket.createdAt,
            expiresAt: dedupe.expiresAt,
          },
          ConditionExpression: notExists,
        },
      },
    ];
    const dedupeIndex = items.length - 1;

    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { kind: 'created' };
      } catch (e: unknown) {
        const codes = cancellationCodes(e);
        if (!codes) throw e;
        if (codes[dedupeIndex] === 'ConditionalCheckFailed') {
          const existing = await this.findDuplicate(dedupe);
          if (existing) return existing;
        }
        // Another transaction touched the same dedupe key at the same moment (real DynamoDB only):
        // retry, after which the key either exists (duplicate) or we win.
        if (codes.includes('TransactionConflict') && attempt < MAX_CONFLICT_RETRIES) {
          await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
          const existing = await this.findDuplicate(dedupe);
          if (existing) return existing;
          continue;
        }
        throw e;
      }
    }
  }

  async ticketIdForReference(reference: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: referencePk(reference), sk: 'REF' } }),
    );
    return typeof out.Item?.ticketId === 'string' ? out.Item.ticketId : undefined;
  }

  async get(ticketId: string): Promise<Ticket | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ticketPk(ticketId), sk: 'META' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const read = this.readItem(out.Item, TicketSchema);
    if (!read.ok) throw new UnreadableTicketError(ticketId, read.problems);
    return read.value;
  }

  /** The ticket, its conversation and its audit trail: one partition, one Query (paged). */
  async history(ticketId: string): Promise<TicketHistory | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ticketPk(ticketId) },
      ConsistentRead: true,
    });

    const meta = items.find((i) => i.sk === 'META');
    if (!meta) return undefined;
    const ticket = this.readItem(meta, TicketSchema);
    if (!ticket.ok) throw new UnreadableTicketError(ticketId, ticket.problems);
    // A message or audit event that does not parse is left out (and reported): the ticket stays workable.
    const each = <T>(entity: string, schema: ReadSchema<T>): T[] =>
      items
        .filter((i) => i.entity === entity)
        .flatMap((i) => {
          const read = this.readItem(i, schema);
          return read.ok ? [read.value] : [];
        });
    return {
      ticket: ticket.value,
      messages: each('message', MessageSchema),
      audit: each('audit', AuditEventSchema),
      approvals: each('approval', ApprovalSchema),
    };
  }

  /**
   * The ids of the tickets in one queue and state created in `[from, to)`: one Query of the queue view
   * (paged; the period is a filter, the view being sorted by priority first), only `id` read back.
   */
  async ticketIdsCreated(
    queue: string,
    state: string,
    period: { readonly from: Date; readonly to: Date },
  ): Promise<string[]> {
    const items = await this.queryAll({
      IndexName: 'gsi1-queue',
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: 'createdAt >= :from AND createdAt < :to',
      ExpressionAttributeValues: {
        ':pk': `QUEUE#${queue}#STATE#${state}`,
        ':from': period.from.toISOString(),
        ':to': period.to.toISOString(),
      },
      ProjectionExpression: 'pk',
    });
    return items.flatMap((item) =>
      typeof item.pk === 'string' && item.pk.startsWith('TICKET#') ? [item.pk.slice('TICKET#'.length)] : [],
    );
  }

  /**
   * A change to an existing ticket: the new ticket item, messages, audit events, thread ids and an
   * optional dedupe key, in one transaction. Optimistic concurrency: it only lands if nobody changed
   * the ticket since `expectedVersion` (ConcurrentUpdateError otherwise); a dedupe key that already
   * exists makes it a duplicate instead (nothing written).
   */
  async append(input: TicketChangeWrite): Promise<CreateOutcome | { readonly kind: 'appended' }> {
    const { ticket, dedupe } = input;
    const items = [
      ...ticketChangePuts(this.tableName, input),
      ...(input.messages ?? []).map((m) => ({ Put: { TableName: this.tableName, Item: messageItem(m) } })),
      ...this.threadPuts(ticket.id, input.threadIds ?? []),
      ...(input.approvals ?? []).flatMap(({ approval, expectedVersion }) =>
        approvalItems(approval, expectedVersion === null).map((Item, i) => ({
          Put: {
            TableName: this.tableName,
            Item,
            // The approval item: new, or still at the version it was read at; its pointer: new.
            ...(i === 0 && expectedVersion !== null
              ? {
                  ConditionExpression: 'version = :expected',
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        })),
      ),
      ...(input.intentLabel
        ? [{ Put: { TableName: this.tableName, Item: intentLabelItem(input.intentLabel) } }]
        : []),
      ...(dedupe
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: dedupePk(dedupe),
                  sk: 'DEDUPE',
                  entity: 'dedupe',
                  ticketId: ticket.id,
                  reference: ticket.reference,
                  createdAt: ticket.updatedAt,
                  expiresAt: dedupe.expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { kind: 'appended' };
    } catch (e: unknown) {
      const codes = cancellationCodes(e);
      if (!codes) throw e;
      if (dedupe && codes[items.length - 1] === 'ConditionalCheckFailed') {
        const existing = await this.findDuplicate(dedupe);
        if (existing) return existing;
      }
      // The ticket, or an approval written with it, changed since it was read.
      if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) {
        throw new ConcurrentUpdateError(ticket.id, input.expectedVersion, { cause: e });
      }
      throw e;
    }
  }

  /** Which ticket a mail Message-ID (one we received or sent) belongs to. */
  async ticketIdForMessageId(messageId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: threadPk(messageId), sk: 'MSGID' } }),
    );
    return typeof out.Item?.ticketId === 'string' ? out.Item.ticketId : undefined;
  }

  /** A requester's tickets, newest first, through the requester index (never a Scan). */
  async listByRequester(
    email: string,
    opts: { limit: number; cursor?: string | undefined },
  ): Promise<{ tickets: Ticket[]; cursor?: string }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2-requester',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `REQ#${email.toLowerCase()}` },
        ScanIndexForward: false,
        Limit: opts.limit,
        ...(opts.cursor ? { ExclusiveStartKey: decodeCursor(opts.cursor) } : {}),
      }),
    );
    const tickets = await this.ticketsOf(out.Items);
    return { tickets, ...(out.LastEvaluatedKey ? { cursor: encodeCursor(out.LastEvaluatedKey) } : {}) };
  }

  /** An agent's tickets (assignee index), most recently changed first. */
  listByAssignee(
    assignee: string,
    opts: { limit: number; cursor?: string | undefined },
  ): Promise<{ tickets: Ticket[]; cursor?: string }> {
    return this.page('gsi3-assignee', 'gsi3pk', `AGENT#${assignee.toLowerCase()}`, opts);
  }

  /** An account's tickets (account index), newest first. */
  listByAccount(
    accountId: string,
    opts: { limit: number; cursor?: string | undefined },
  ): Promise<{ tickets: Ticket[]; cursor?: string }> {
    return this.page('gsi5-account', 'gsi5pk', `ACCOUNT#${accountId}`, opts);
  }

  /**
   * One queue in one state (queue index: urgent first, then oldest first), with optional filters applied
   * by DynamoDB after the key condition (a page may then hold fewer than `limit`; the cursor goes on).
   */
  listQueue(
    queue: string,
    state: string,
    opts: { limit: number; cursor?: string | undefined; filter?: QueueFilter },
  ): Promise<{ tickets: Ticket[]; cursor?: string }> {
    return this.page('gsi1-queue', 'gsi1pk', `QUEUE#${queue}#STATE#${state}`, { ...opts, ascending: true });
  }

  /** How many tickets a queue holds in a state, and how many of them are at SLA risk (one Query of the queue view, paged). */
  async queueStats(
    queue: string,
    state: string,
  ): Promise<{ count: number; warning: number; breached: number }> {
    const stats = { count: 0, warning: 0, breached: 0 };
    const items = await this.queryAll({
      IndexName: 'gsi1-queue',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `QUEUE#${queue}#STATE#${state}` },
      ProjectionExpression: `pk, ${SLA_RISK}`,
    });
    for (const item of items) {
      stats.count++;
      if (item[SLA_RISK] === 'breached') stats.breached++;
      else if (item[SLA_RISK] === 'warning') stats.warning++;
    }
    return stats;
  }

  /** Every item a Query of this table finds, page after page. */
  private async queryAll(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.db.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async page(
    indexName: IndexName,
    keyAttribute: string,
    key: string,
    opts: { limit: number; cursor?: string | undefined; ascending?: boolean; filter?: QueueFilter },
  ): Promise<{ tickets: Ticket[]; cursor?: string }> {
    const filter = filterExpression(opts.filter ?? {});
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${keyAttribute} = :pk`,
        ExpressionAttributeValues: { ':pk': key, ...filter.values },
        ...(filter.expression
          ? { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }
          : {}),
        ScanIndexForward: opts.ascending ?? false,
        Limit: opts.limit,
        ...(opts.cursor ? { ExclusiveStartKey: decodeCursor(opts.cursor) } : {}),
      }),
    );
    const tickets = await this.ticketsOf(out.Items);
    return { tickets, ...(out.LastEvaluatedKey ? { cursor: encodeCursor(out.LastEvaluatedKey) } : {}) };
  }

  /** Every inbound mail leaves a line here, whatever became of it: nothing received is silently lost. */
  async recordMail(entry: MailLogEntry): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `MAILLOG#${entry.receivedAt.slice(0, 10)}`,
          sk: `${entry.receivedAt}#${entry.receiptId}`,
          entity: 'mail-log',
          ...entry,
        },
      }),
    );
  }

  async mailLog(day: string): Promise<MailLogEntry[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MAILLOG#${day}` },
        ScanIndexForward: false,
      }),
    );
    return (out.Items ?? []).map((i) => stripKeys(i) as unknown as MailLogEntry);
  }

  private threadPuts(ticketId: string, messageIds: readonly string[]) {
    return [...new Set(messageIds)].map((id) => ({
      Put: { TableName: this.tableName, Item: { pk: threadPk(id), sk: 'MSGID', entity: 'thread', ticketId } },
    }));
  }
}

function filterExpression(filter: QueueFilter): {
  expression?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.priority !== undefined) {
    parts.push('#priority = :priority');
    names['#priority'] = 'priority';
    values[':priority'] = filter.priority;
  }
  if (filter.assignee !== undefined) {
    names['#assignee'] = 'assignee';
    if (filter.assignee === 'none') parts.push('(attribute_not_exists(#assignee) OR #assignee = :null)');
    else parts.push('#assignee = :assignee');
    if (filter.assignee === 'none') values[':null'] = null;
    else values[':assignee'] = filter.assignee.toLowerCase();
  }
  if (filter.blocked !== undefined) {
    names['#blockedOn'] = 'blockedOn';
    parts.push(
      filter.blocked ? '#blockedOn <> :null' : '(attribute_not_exists(#blockedOn) OR #blockedOn = :null)',
    );
    values[':null'] = null;
  }
  return parts.length > 0 ? { expression: parts.join(' AND '), names, values } : { names, values };
}

const threadPk = (messageId: string) => `MSGID#${messageId}`;
const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
const decodeCursor = (cursor: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new InvalidCursorError('the cursor is not one this API issued');
  }
};
