import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../domain/zod';
import type {
  IntentLabelRecord,
  IntentLabelsPort,
  IntentModelInfo,
  IntentModelStorePort,
  ObjectStore,
} from '../use-cases/ports';

/**
 * The learned intent in the single table (issue 19), one partition each so reading them is a Query, never
 * a Scan: labels `INTENT#LABELS`/`<ticketId>` (one per ticket, the agent's latest word; written in the
 * transaction that records it on the ticket) and the model marker `INTENT#MODEL`/`CURRENT` (version,
 * object key, figures). The artifact itself is an object (`models/intent/<version>.bin` in the mail
 * bucket; `DATA_DIR` locally): the marker moves only after it is written.
 */
const LABELS_PK = 'INTENT#LABELS';
const MODEL_KEY = { pk: 'INTENT#MODEL', sk: 'CURRENT' } as const;

/** How much of a first message a label keeps: the classifier reads the opening of a request anyway. */
export const LABEL_BODY_LIMIT = 4000;

const LabelItem = z.object({
  ticketId: z.string(),
  subject: z.string(),
  body: z.string(),
  label: z.string(),
  predicted: z.optional(z.string()),
  confidence: z.optional(z.number()),
  modelVersion: z.optional(z.string()),
  by: z.string(),
  at: z.string(),
});

const Evaluation = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  coverageAtPrecision95: z.number(),
  ece: z.optional(z.number()),
  perIntent: z.array(
    z.object({ intent: z.string(), precision: z.number(), recall: z.number(), support: z.number() }),
  ),
});

const ModelMarker = z.object({
  version: z.string(),
  key: z.string(),
  trainedAt: z.string(),
  examples: z.number(),
  intents: z.array(z.string()),
  bytes: z.number(),
  evaluation: z.optional(Evaluation),
});

/** Where a ticket's label is kept. */
export const intentLabelKey = (ticketId: string) => ({ pk: LABELS_PK, sk: ticketId });

/** The label item a ticket write carries (ticket-repository.ts puts it in the same transaction). */
export function intentLabelItem(label: IntentLabelRecord): Record<string, unknown> {
  return {
    pk: LABELS_PK,
    sk: label.ticketId,
    entity: 'intent_label',
    ...label,
    body: cutBody(label.body),
  };
}

/** The body cut at the limit, never inside a character: a high surrogate whose pair was cut off goes too. */
function cutBody(body: string): string {
  const cut = body.slice(0, LABEL_BODY_LIMIT);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

export class IntentLabels implements IntentLabelsPort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(onPage?: (read: number) => void): Promise<IntentLabelRecord[]> {
    const labels: IntentLabelRecord[] = [];
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const out: QueryCommandOutput = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': LABELS_PK },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out?.Items ?? []) {
        // A label that does not read is left out of training, never a failed run.
        const parsed = LabelItem.safeParse(item);
        if (parsed.success) labels.push(parsed.data);
      }
      onPage?.(labels.length);
      start = out?.LastEvaluatedKey;
    } while (start);
    return labels.sort((a, b) => a.at.localeCompare(b.at) || a.ticketId.localeCompare(b.ticketId));
  }
}

/**
 * The model in force: the marker in the table, the artifact in the object store. The object store comes
 * from a factory so a function that never finds a model never loads the S3 client.
 */
export class IntentModelStore implements IntentModelStorePort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly objects: () => Promise<ObjectStore>,
  ) {}

  async current(): Promise<IntentModelInfo | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: MODEL_KEY }));
    const parsed = ModelMarker.safeParse(out?.Item);
    return parsed.success ? parsed.data : undefined;
  }

  async read(info: IntentModelInfo): Promise<Uint8Array> {
    return new Uint8Array(await (await this.objects()).get(info.key));
  }

  async save(info: IntentModelInfo, artifact: Uint8Array): Promise<void> {
    await (await this.objects()).put(info.key, Buffer.from(artifact), 'application/octet-stream');
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...MODEL_KEY, entity: 'intent_model', ...info } }),
    );
  }
}
