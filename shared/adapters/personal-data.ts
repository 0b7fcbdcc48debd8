import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type AuditEvent, INBOUND_MAIL_PREFIX, MessageSchema, type Ticket, TicketSchema } from '../domain';
import {
  ERASED_TEXT,
  mentions,
  objectKeysIn,
  type Redaction,
  redactMessage,
  redactTicket,
  redactValue,
} from '../domain/privacy-erasure';
import { EXPORTS_PREFIX } from '../domain/privacy-export';
import {
  ATTACHMENTS_PREFIX,
  ConcurrentUpdateError,
  type PersonalDataPort,
  type SweepResult,
  type TicketRedaction,
} from '../use-cases/ports';
import { intentLabelKey } from './intent-store';
import { isConditionFailure } from './privacy-exports';
import { tableDesign } from './table-design';
import { auditItem, messageItem, ticketItem } from './ticket-repository';

type Item = Record<string, unknown>;

/** Attributes that are the table's and its indexes' keys, or bookkeeping beside an item's data. */
const STORAGE_ATTRIBUTES = new Set<string>([
  tableDesign.partitionKey,
  tableDesign.sortKey,
  tableDesign.timeToLiveAttribute,
  'entity',
  'slaRisk',
  ...tableDesign.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
]);
const dataOf = (item: Item): Item =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !STORAGE_ATTRIBUTES.has(k)));

/** Objects a record may point at: raw inbound mail, attachments, export files. */
const OBJECT_PREFIXES = [INBOUND_MAIL_PREFIX, ATTACHMENTS_PREFIX, EXPORTS_PREFIX];
/**
 * Items that exist only because of a ticket: a mail Message-ID pointing at it, an agent's intent label
 * (its subject and opening as training data). Of their tickets, deleted rather than rewritten.
 */
const DERIVED_ENTITIES = new Set(['thread', 'intent_label']);
const BATCH = 25;
const MAX_CONFLICT_RETRIES = 5;

/**
 * Personal data in the single table, found and rewritten (issue 22). A ticket's partition is rewritten
 * item by item (the ticket as a new version, so a concurrent change fails its condition and is decided
 * again on the redacted ticket); the rest of the table is read whole (a paged Scan) and every item that
 * names the requester or one of their tickets is rewritten, or deleted when it only points at one.
 */
export class DynamoPersonalData implements PersonalDataPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async redactTicket(
    ticketId: string,
    redaction: Redaction,
    audit: (ticket: Ticket) => AuditEvent,
  ): Promise<TicketRedaction | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.redactOnce(ticketId, redaction, audit);
      } catch (e: unknown) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
      }
    }
  }

  private async redactOnce(
    ticketId: string,
    redaction: Redaction,
    audit: (ticket: Ticket) => AuditEvent,
  ): Promise<TicketRedaction | undefined> {
    const items = await this.partition(`TICKET#${ticketId}`);
    const meta = items.find((i) => i.sk === 'META');
    if (!meta) return undefined;
    const ticket = TicketSchema.parse(dataOf(meta));
    const objectKeys = new Set<string>();
    const puts: Item[] = [];
    let messages = 0;
    for (const item of items) {
      if (item === meta) continue;
      if (item.entity === 'message') {
        const message = MessageSchema.safeParse(dataOf(item));
        if (message.success) {
          messages += 1;
          for (const a of message.data.attachments) objectKeys.add(a.key);
          const redacted = messageItem(redactMessage(message.data, redaction));
          if (JSON.stringify(redacted) !== JSON.stringify(item)) puts.push(redacted);
          continue;
        }
      }
      for (const key of objectKeysIn(item, OBJECT_PREFIXES)) objectKeys.add(key);
      const data = dataOf(item);
      const redacted = redactValue(data, redaction);
      if (redacted !== data) puts.push({ ...item, ...redacted });
    }
    await this.putAll(puts);
    // The ticket last: a run that dies before it leaves it to be done again, with its audit entry once.
    const done = ticket.subject === ERASED_TEXT && ticket.requester.email === redaction.pseudonym;
    if (!done) {
      const redacted = redactTicket(ticket, redaction);
      const entry = audit({ ...redacted, auditSeq: ticket.auditSeq + 1 });
      const next: Ticket = { ...redacted, auditSeq: entry.seq, version: ticket.version + 1 };
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: ticketItem(next),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': ticket.version },
          }),
        );
      } catch (e: unknown) {
        if (isConditionFailure(e)) throw new ConcurrentUpdateError(ticketId, ticket.version);
        throw e;
      }
      await this.putAll([auditItem(entry)]);
    }
    // Its intent label (subject and opening kept as training data) goes with the bodies.
    await this.deleteAll([intentLabelKey(ticketId)]);
    return { messages, objectKeys: [...objectKeys] };
  }

  async sweep(
    redaction: Redaction,
    options: { readonly skip: readonly string[]; readonly onProgress: (scanned: number) => Promise<void> },
  ): Promise<SweepResult> {
    const skip = new Set(options.skip);
    const objectKeys = new Set<string>();
    let scanned = 0;
    let rewritten = 0;
    let deleted = 0;
    let startKey: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page: ScanCommandOutput = await this.db.send(
        new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }),
      );
      const puts: Item[] = [];
      const deletes: Item[] = [];
      for (const item of page.Items ?? []) {
        const pk = String(item.pk);
        if (skip.has(pk) || (pk.startsWith('TICKET#') && redaction.ticketIds.has(pk.slice(7)))) continue;
        if (!mentions(item, redaction)) continue;
        for (const key of objectKeysIn(item, OBJECT_PREFIXES)) objectKeys.add(key);
        if (DERIVED_ENTITIES.has(String(item.entity)) && redaction.ticketIds.has(String(item.ticketId))) {
          deletes.push(keyOf(item));
          continue;
        }
        const redacted = redactValue(item, redaction);
        if (redacted === item) continue;
        // Keyed by something of theirs (an address in a key): the item moves to its redacted key.
        if (redacted.pk !== item.pk || redacted.sk !== item.sk) deletes.push(keyOf(item));
        puts.push(redacted);
      }
      await this.putAll(puts);
      await this.deleteAll(deletes);
      rewritten += puts.length;
      deleted += deletes.length;
      scanned += page.ScannedCount ?? 0;
      startKey = page.LastEvaluatedKey;
      await options.onProgress(scanned);
    } while (startKey);
    return { scanned, rewritten, deleted, objectKeys: [...objectKeys] };
  }

  private async partition(pk: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private putAll(items: readonly Item[]): Promise<void> {
    return this.batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
  }

  private deleteAll(keys: readonly Item[]): Promise<void> {
    return this.batchWrite(keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  /** BatchWriteItem 25 at a time, sending again what DynamoDB left unprocessed. */
  private async batchWrite(requests: readonly Item[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH) {
      let pending: Item[] = requests.slice(i, i + BATCH);
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
        const out = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
        );
        pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Item[];
      }
    }
  }
}

const keyOf = (item: Item): Item => ({ pk: item.pk, sk: item.sk });
