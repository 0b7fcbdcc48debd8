import { createHash } from 'node:crypto';
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * What the restore drill compares, in DynamoDB's own attribute-value form (never unmarshalled, so numbers
 * keep their digits, sets stay sets and binary stays bytes): an item's JSON line in the backup, its
 * canonical text (the same for equal items whatever the order of their attributes or set members), and a
 * tally of a table (counts per `entity` and per pk prefix, plus an order-independent digest of every item).
 */
export type Item = Record<string, AttributeValue>;

/** One item as one JSON line: binary values as base64 (`{"B":{"base64":"…"}}`), everything else as is. */
export function encodeItem(item: Item): string {
  return JSON.stringify(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, toJson(v)])));
}

export function decodeItem(line: string): Item {
  const raw = JSON.parse(line) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, fromJson(v)]));
}

const bytes = (b: Uint8Array) => ({ base64: Buffer.from(b).toString('base64') });
const unbytes = (b: unknown) => new Uint8Array(Buffer.from((b as { base64: string }).base64, 'base64'));

function toJson(av: AttributeValue): unknown {
  if (av.B !== undefined) return { B: bytes(av.B) };
  if (av.BS !== undefined) return { BS: av.BS.map(bytes) };
  if (av.M !== undefined)
    return { M: Object.fromEntries(Object.entries(av.M).map(([k, v]) => [k, toJson(v)])) };
  if (av.L !== undefined) return { L: av.L.map(toJson) };
  return av;
}

function fromJson(raw: unknown): AttributeValue {
  const v = raw as Record<string, unknown>;
  if ('B' in v) return { B: unbytes(v.B) };
  if ('BS' in v) return { BS: (v.BS as unknown[]).map(unbytes) };
  if ('M' in v)
    return {
      M: Object.fromEntries(Object.entries(v.M as Record<string, unknown>).map(([k, x]) => [k, fromJson(x)])),
    };
  if ('L' in v) return { L: (v.L as unknown[]).map(fromJson) };
  return v as unknown as AttributeValue;
}

/** The same text for equal items: attributes and map keys sorted, set members sorted, bytes as base64. */
export function canonicalItem(item: Item): string {
  return JSON.stringify(canonicalMap(item));
}

function canonicalMap(map: Record<string, AttributeValue>): unknown {
  return Object.keys(map)
    .sort()
    .map((k) => [k, canonicalValue(map[k] as AttributeValue)]);
}

function canonicalValue(av: AttributeValue): unknown {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  if (av.S !== undefined) return ['S', av.S];
  if (av.N !== undefined) return ['N', av.N];
  if (av.B !== undefined) return ['B', b64(av.B)];
  if (av.BOOL !== undefined) return ['BOOL', av.BOOL];
  if (av.NULL !== undefined) return ['NULL', av.NULL];
  if (av.SS !== undefined) return ['SS', [...av.SS].sort()];
  if (av.NS !== undefined) return ['NS', [...av.NS].sort()];
  if (av.BS !== undefined) return ['BS', av.BS.map(b64).sort()];
  if (av.M !== undefined) return ['M', canonicalMap(av.M)];
  if (av.L !== undefined) return ['L', av.L.map(canonicalValue)];
  return ['?', JSON.stringify(av)];
}

export function sameItem(a: Item | undefined, b: Item | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalItem(a) === canonicalItem(b);
}

/** `TICKET` for `TICKET#01J…`; the whole key when it has no `#`. */
/** One item of `tableName`, read by the keys of `keys` (strongly consistent): how both drills compare a ticket. */
export async function readItem(
  client: DynamoDBClient,
  tableName: string,
  keys: Item,
): Promise<Item | undefined> {
  const out = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: keys.pk as Item[string], sk: keys.sk as Item[string] },
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

export function pkPrefix(pk: string): string {
  const at = pk.indexOf('#');
  return at < 0 ? pk : pk.slice(0, at);
}

/** A ticket's own item (`TICKET#<id>`/`META`), not its messages, audit entries or outbox rows. */
export function isTicket(item: Item): boolean {
  return item.pk?.S?.startsWith('TICKET#') === true && item.sk?.S === 'META';
}

/** The counts of a table (or of a backup of it), and a digest of every item's content when it saw them. */
export class Tally {
  total = 0;
  readonly byEntity = new Map<string, number>();
  readonly byPrefix = new Map<string, number>();
  /** XOR of each item's SHA-256: independent of the order items come in (pk + sk are unique). */
  private readonly xor = Buffer.alloc(32);
  private withContent = true;

  /** Counts an item; `keysOnly` when only its keys were read (no `entity`, no digest). */
  add(item: Item, keysOnly = false): void {
    this.total += 1;
    const prefix = pkPrefix(item.pk?.S ?? '(no pk)');
    this.byPrefix.set(prefix, (this.byPrefix.get(prefix) ?? 0) + 1);
    if (keysOnly) {
      this.withContent = false;
      return;
    }
    const entity = item.entity?.S ?? '(none)';
    this.byEntity.set(entity, (this.byEntity.get(entity) ?? 0) + 1);
    const hash = createHash('sha256').update(canonicalItem(item)).digest();
    for (let i = 0; i < 32; i++) this.xor[i] = (this.xor[i] ?? 0) ^ (hash[i] ?? 0);
  }

  /** Hex digest of every item counted, or undefined when only keys were read. */
  get digest(): string | undefined {
    return this.withContent ? this.xor.toString('hex') : undefined;
  }

  toJSON(): TallyJson {
    return {
      total: this.total,
      byEntity: Object.fromEntries([...this.byEntity].sort()),
      byPrefix: Object.fromEntries([...this.byPrefix].sort()),
      digest: this.digest,
    };
  }
}

export interface TallyJson {
  readonly total: number;
  readonly byEntity: Record<string, number>;
  readonly byPrefix: Record<string, number>;
  readonly digest: string | undefined;
}

/**
 * Where two tallies differ, one sentence each (empty when they match). `allowed` is how many items the
 * totals may differ by (AWS, where the source keeps taking writes after the restore point).
 */
export function tallyDifferences(
  original: TallyJson,
  restored: TallyJson,
  opts: { allowed?: number; entities?: boolean } = {},
): string[] {
  const out: string[] = [];
  const allowed = opts.allowed ?? 0;
  if (Math.abs(original.total - restored.total) > allowed)
    out.push(`item count differs: original ${original.total}, restored ${restored.total}`);
  const compare = (what: string, a: Record<string, number>, b: Record<string, number>) => {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const x = a[key] ?? 0;
      const y = b[key] ?? 0;
      if (Math.abs(x - y) > allowed) out.push(`${what} ${key}: original ${x}, restored ${y}`);
    }
  };
  if (opts.entities !== false) compare('entity', original.byEntity, restored.byEntity);
  compare('pk prefix', original.byPrefix, restored.byPrefix);
  if (original.digest !== undefined && restored.digest !== undefined && original.digest !== restored.digest)
    out.push('the content digest of all items differs (some item was changed in the copy)');
  return out;
}

/** Lines showing a tally's counts: total, then per entity and per pk prefix. */
export function tallyLines(label: string, t: TallyJson): string[] {
  const list = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || '-';
  const indent = `${/^\s*/.exec(label)?.[0] ?? ''}  `;
  return [
    `${label}: ${t.total} items`,
    ...(Object.keys(t.byEntity).length > 0 ? [`${indent}per entity: ${list(t.byEntity)}`] : []),
    `${indent}per pk prefix: ${list(t.byPrefix)}`,
  ];
}

/** Up to `size` values chosen uniformly at random from a stream of unknown length (reservoir sampling). */
export class Reservoir<T> {
  private seen = 0;
  readonly items: T[] = [];

  constructor(
    private readonly size: number,
    private readonly random: () => number = Math.random,
  ) {}

  offer(value: T): void {
    this.seen += 1;
    if (this.items.length < this.size) {
      this.items.push(value);
      return;
    }
    const at = Math.floor(this.random() * this.seen);
    if (at < this.size) this.items[at] = value;
  }
}

/** `20261207021500`: the UTC time as digits, for the names of drill tables and backups. */
export function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/\D/g, '');
}

/** Prints at most once every two seconds (and whenever `force`), never the same line twice: for progress. */
export function throttled(print: (line: string) => void): (line: string, force?: boolean) => void {
  let last = 0;
  let lastLine = '';
  return (line, force = false) => {
    if (line !== lastLine && (force || Date.now() - last >= 2000)) {
      last = Date.now();
      lastLine = line;
      print(line);
    }
  };
}
