import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem takes at most 100 keys a request. */
const BATCH_LIMIT = 100;
/** Rounds for keys DynamoDB hands back unprocessed (throttling) before the read gives up. */
const MAX_ROUNDS = 8;

type Key = { readonly pk: string; readonly sk: string };

/**
 * The items at `keys`, in the order of `keys`; a key with no item is left out. What a list reads after an
 * index that holds keys only (table-design.ts): the index gives the order and the page, this the items.
 * Keys DynamoDB leaves unprocessed are asked again with backoff; after MAX_ROUNDS the read fails rather
 * than answer a page with holes.
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
): Promise<Record<string, unknown>[]> {
  const id = (k: { pk?: unknown; sk?: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
  const unique = [...new Map(keys.map((k) => [id(k), { pk: k.pk, sk: k.sk }])).values()];
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < unique.length; i += BATCH_LIMIT) {
    let pending: Record<string, unknown>[] = unique.slice(i, i + BATCH_LIMIT);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} key(s) unprocessed`);
      if (round > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** round + Math.random() * 25));
      const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }));
      for (const item of out.Responses?.[tableName] ?? []) found.set(id(item), item);
      pending = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return keys.flatMap((k) => {
    const item = found.get(id(k));
    return item ? [item] : [];
  });
}
