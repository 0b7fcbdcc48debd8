/**
 * A small in-memory stand-in for Frontdoor's single DynamoDB table, for the CPU bench (test/bench/cpu.ts):
 * enough of DynamoDB that intake, reading a ticket and an agent write run their normal path, and nothing
 * more. It works on document-client values (plain JS, as `@aws-sdk/lib-dynamodb` hands them over) and
 * answers with copies, never with the stored objects.
 *
 * Supported (anything else throws `UnsupportedByMemoryTable`, so a handler that starts using more is told
 * so rather than answered wrongly):
 *  - GetItem: `Key`, `ConsistentRead`.
 *  - PutItem: `Item`, `ConditionExpression`.
 *  - UpdateItem: `SET a = :v`, `SET a = a + :v`, `ADD a :n` (numbers), `ConditionExpression`,
 *    `ReturnValues` NONE / ALL_NEW / UPDATED_NEW.
 *  - Query: on the table or a GSI of `tableDesign` (answering what the index projects, if it says);
 *    key condition `pk = :v` with an optional sort-key condition (`=`, `<`, `<=`, `>`, `>=`, `BETWEEN`,
 *    `begins_with`); `ScanIndexForward`, `Limit`, `ExclusiveStartKey` / `LastEvaluatedKey`;
 *    `ConsistentRead` (refused on a GSI, as DynamoDB does).
 *  - BatchGetItem: this table's `Keys` (at most 100), `ConsistentRead`; everything is processed.
 *  - TransactWriteItems: `Put` and `ConditionCheck` with conditions, `Delete`; all or nothing, cancelled
 *    with `TransactionCanceledException` and per-item `CancellationReasons`; two actions on one item or
 *    more than 100 actions are a `ValidationException`, as in DynamoDB.
 *  - Conditions: `attribute_exists(a)`, `attribute_not_exists(a)`, `a <op> b` over top-level attributes,
 *    `:values` and `#names`, with `AND`, `OR`, `NOT` and parentheses.
 * Not supported: BatchWrite, Scan, filter and projection expressions, nested attribute paths.
 */
import { tableDesign } from '../../../shared/adapters/table-design';

export type Item = Record<string, unknown>;
type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

/** A request the stand-in cannot answer faithfully: the bench stops rather than measure a wrong path. */
export class UnsupportedByMemoryTable extends Error {
  override readonly name = 'UnsupportedByMemoryTable';
}

/** Shaped like the SDK's service exceptions (`name`, `$fault`), which the adapters look at. */
export class DynamoError extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(
    override readonly name: string,
    message: string,
    readonly CancellationReasons?: Array<{ Code: string; Message?: string }>,
  ) {
    super(message);
  }
}

const MAX_ITEM_BYTES = 400 * 1024;
const MAX_TRANSACT_ITEMS = 100;
const PK = tableDesign.partitionKey;
const SK = tableDesign.sortKey;

/** The document client's marshalling, as Frontdoor configures it: undefined dropped, other oddities refused. */
export function normalise(value: unknown, path = 'item'): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DynamoError('ValidationException', `${path}: ${value}`);
    return value;
  }
  if (Array.isArray(value))
    return value.filter((v) => v !== undefined).map((v, i) => normalise(v, `${path}[${i}]`));
  if (value instanceof Set) return new Set([...value].map((v) => normalise(v, path)));
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Item = {};
    for (const [k, v] of Object.entries(value as Item))
      if (v !== undefined) out[k] = normalise(v, `${path}.${k}`);
    return out;
  }
  throw new UnsupportedByMemoryTable(`${path}: cannot store a ${typeof value} (${String(value)})`);
}

const copy = <T>(v: T): T => structuredClone(v);

/** DynamoDB orders string keys by their UTF-8 bytes. */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  throw new UnsupportedByMemoryTable(`cannot order keys ${String(a)} and ${String(b)}`);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    return [...a].every((x) => b.has(x));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Item)[k], (b as Item)[k]));
}

// ---- expressions -----------------------------------------------------------------------------------

type Token = { kind: 'word' | 'name' | 'value' | 'op' | 'punct'; text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(<=|>=|<>|=|<|>)|([(),+])|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expression);
    if (!m) throw new UnsupportedByMemoryTable(`cannot read "${expression}" at ${at}`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'punct', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'name', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'value', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'word', text: m[5] });
  }
  return tokens;
}

class Reader {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly names: Names,
    private readonly values: Values,
    readonly source: string,
  ) {}
  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new UnsupportedByMemoryTable(`"${this.source}" ends too early`);
    return t;
  }
  expect(text: string): void {
    const t = this.next();
    if (t.text.toUpperCase() !== text)
      throw new UnsupportedByMemoryTable(`"${this.source}": expected ${text}, got ${t.text}`);
  }
  atWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
  /** A top-level attribute name (`#n` or a bare name). */
  attribute(): string {
    const t = this.next();
    if (t.kind === 'name') {
      const n = this.names?.[t.text];
      if (n === undefined) throw new DynamoError('ValidationException', `${t.text} is not defined`);
      return n;
    }
    if (t.kind === 'word') return t.text;
    throw new UnsupportedByMemoryTable(`"${this.source}": expected an attribute, got ${t.text}`);
  }
  value(t: Token): unknown {
    if (!this.values || !Object.hasOwn(this.values, t.text))
      throw new DynamoError('ValidationException', `${t.text} is not defined`);
    return this.values[t.text];
  }
}

type Operand = (item: Item) => unknown;

function operand(r: Reader): Operand {
  const t = r.peek();
  if (t?.kind === 'value') {
    r.next();
    const v = r.value(t);
    return () => v;
  }
  const name = r.attribute();
  return (item) => item[name];
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (op === '=') return a !== undefined && sameValue(a, b);
  if (op === '<>') return a !== undefined && !sameValue(a, b);
  if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number')) return false;
  const c = compareKeys(a, b);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

type Condition = (item: Item) => boolean;

function parseCondition(r: Reader): Condition {
  const parseOr = (): Condition => {
    let left = parseAnd();
    while (r.atWord('OR')) {
      r.next();
      const a = left;
      const b = parseAnd();
      left = (item) => a(item) || b(item);
    }
    return left;
  };
  const parseAnd = (): Condition => {
    let left = parseUnary();
    while (r.atWord('AND')) {
      r.next();
      const a = left;
      const b = parseUnary();
      left = (item) => a(item) && b(item);
    }
    return left;
  };
  const parseUnary = (): Condition => {
    if (r.atWord('NOT')) {
      r.next();
      const inner = parseUnary();
      return (item) => !inner(item);
    }
    if (r.peek()?.text === '(') {
      r.next();
      const inner = parseOr();
      r.expect(')');
      return inner;
    }
    for (const fn of ['ATTRIBUTE_EXISTS', 'ATTRIBUTE_NOT_EXISTS']) {
      if (r.atWord(fn)) {
        r.next();
        r.expect('(');
        const name = r.attribute();
        r.expect(')');
        return fn === 'ATTRIBUTE_EXISTS'
          ? (item) => item[name] !== undefined
          : (item) => item[name] === undefined;
      }
    }
    const left = operand(r);
    const op = r.next();
    if (op.kind !== 'op') throw new UnsupportedByMemoryTable(`"${r.source}": unsupported ${op.text}`);
    const right = operand(r);
    return (item) => compare(op.text, left(item), right(item));
  };
  const condition = parseOr();
  if (!r.done()) throw new UnsupportedByMemoryTable(`"${r.source}": unsupported ${r.peek()?.text}`);
  return condition;
}

/** `ConditionExpression` over an item (the empty item when it does not exist). */
function condition(expression: string, names: Names, values: Values): Condition {
  return parseCondition(new Reader(tokenize(expression), names, values, expression));
}

/** `pk = :v [AND <sort-key condition>]`: the partition key value and a sort-key predicate. */
function keyCondition(
  expression: string,
  names: Names,
  values: Values,
  keys: { pk: string; sk: string },
): { partition: unknown; sortKey: (sk: unknown) => boolean } {
  const r = new Reader(tokenize(expression), names, values, expression);
  if (r.attribute() !== keys.pk)
    throw new UnsupportedByMemoryTable(`"${expression}": the partition key must come first`);
  r.expect('=');
  const partitionToken = r.next();
  if (partitionToken.kind !== 'value')
    throw new UnsupportedByMemoryTable(`"${expression}": expected a :value`);
  const partition = r.value(partitionToken);
  if (r.done()) return { partition, sortKey: () => true };
  r.expect('AND');
  const nextValue = () => {
    const t = r.next();
    if (t.kind !== 'value') throw new UnsupportedByMemoryTable(`"${expression}": expected a :value`);
    return r.value(t);
  };
  let sortKey: (sk: unknown) => boolean;
  if (r.atWord('BEGINS_WITH')) {
    r.next();
    r.expect('(');
    if (r.attribute() !== keys.sk)
      throw new UnsupportedByMemoryTable(`"${expression}": begins_with on a non-key`);
    r.expect(',');
    const prefix = nextValue();
    r.expect(')');
    sortKey = (sk) => typeof sk === 'string' && typeof prefix === 'string' && sk.startsWith(prefix);
  } else {
    if (r.attribute() !== keys.sk) throw new UnsupportedByMemoryTable(`"${expression}": not the sort key`);
    if (r.atWord('BETWEEN')) {
      r.next();
      const low = nextValue();
      r.expect('AND');
      const high = nextValue();
      sortKey = (sk) => compare('>=', sk, low) && compare('<=', sk, high);
    } else {
      const op = r.next();
      if (op.kind !== 'op' || op.text === '<>')
        throw new UnsupportedByMemoryTable(`"${expression}": ${op.text}`);
      const v = nextValue();
      sortKey = (sk) => compare(op.text, sk, v);
    }
  }
  if (!r.done()) throw new UnsupportedByMemoryTable(`"${expression}": unsupported ${r.peek()?.text}`);
  return { partition, sortKey };
}

/** What an index item holds: all of the item, or its keys and the attributes the index names. */
function project(item: Item, index: object, keys: { pk: string; sk: string }): Item {
  const projection = (index as { projection?: unknown }).projection ?? 'all';
  if (projection === 'all') return item;
  const names = new Set([PK, SK, keys.pk, keys.sk, ...(Array.isArray(projection) ? projection : [])]);
  if (projection !== 'keys' && !Array.isArray(projection))
    throw new UnsupportedByMemoryTable(`index projection ${String(projection)}`);
  return Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)));
}

// ---- the table -------------------------------------------------------------------------------------

const only = (input: Item, allowed: readonly string[], what: string) => {
  for (const [k, v] of Object.entries(input))
    if (v !== undefined && !allowed.includes(k))
      throw new UnsupportedByMemoryTable(`${what}: ${k} is not supported`);
};

const COMMON = [
  'TableName',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
  'ReturnConsumedCapacity',
];

export interface Counts {
  [command: string]: number;
}

/** The table: `pk` → `sk` → item. */
export class MemoryTable {
  private readonly partitions = new Map<string, Map<string, Item>>();
  /** How many requests of each kind it answered (the bench prints them per handler request). */
  readonly counts: Counts = {};

  constructor(readonly tableName: string) {}

  private count(command: string): void {
    this.counts[command] = (this.counts[command] ?? 0) + 1;
  }

  private table(name: unknown): void {
    if (name !== this.tableName)
      throw new DynamoError('ResourceNotFoundException', `no table ${String(name)}`);
  }

  private key(key: unknown): { pk: string; sk: string } {
    const k = key as Item | undefined;
    if (
      !k ||
      Object.keys(k).length !== 2 ||
      typeof k[PK] !== 'string' ||
      typeof k[SK] !== 'string' ||
      !k[PK] ||
      !k[SK]
    )
      throw new DynamoError('ValidationException', `not a key of this table: ${JSON.stringify(key)}`);
    return { pk: k[PK], sk: k[SK] };
  }

  private read(key: { pk: string; sk: string }): Item | undefined {
    return this.partitions.get(key.pk)?.get(key.sk);
  }

  private write(item: Item): void {
    const { pk, sk } = this.key({ [PK]: item[PK], [SK]: item[SK] });
    for (const index of tableDesign.globalSecondaryIndexes)
      for (const attr of [index.partitionKey, index.sortKey])
        if (item[attr] !== undefined && typeof item[attr] !== 'string')
          throw new DynamoError(
            'ValidationException',
            `${attr} of ${pk}/${sk} must be a string for ${index.indexName}`,
          );
    if (JSON.stringify(item).length > MAX_ITEM_BYTES)
      throw new DynamoError('ValidationException', `item ${pk}/${sk} is over 400 KB`);
    const partition = this.partitions.get(pk) ?? new Map<string, Item>();
    this.partitions.set(pk, partition);
    partition.set(sk, item);
  }

  private remove(key: { pk: string; sk: string }): void {
    this.partitions.get(key.pk)?.delete(key.sk);
  }

  private check(input: Item, current: Item | undefined): boolean {
    const expression = input.ConditionExpression;
    if (expression === undefined) return true;
    if (typeof expression !== 'string') throw new DynamoError('ValidationException', 'ConditionExpression');
    return condition(
      expression,
      input.ExpressionAttributeNames as Names,
      input.ExpressionAttributeValues as Values,
    )(current ?? {});
  }

  /** Loads items as they are, without a request (the bench's seed data). */
  seed(items: readonly Item[]): void {
    for (const item of items) this.write(normalise(item) as Item);
  }

  /** Every stored item (a copy), for handing a table's state to another process. */
  dump(): Item[] {
    return [...this.partitions.values()].flatMap((p) => [...p.values()].map(copy));
  }

  get(input: Item): { Item?: Item } {
    only(input, [...COMMON, 'Key', 'ConsistentRead'], 'GetItem');
    this.count('GetItem');
    this.table(input.TableName);
    const item = this.read(this.key(input.Key));
    return item ? { Item: copy(item) } : {};
  }

  put(input: Item): Record<string, never> {
    only(input, [...COMMON, 'Item', 'ConditionExpression'], 'PutItem');
    this.count('PutItem');
    this.table(input.TableName);
    const item = normalise(input.Item) as Item;
    if (!this.check(input, this.read(this.key({ [PK]: item[PK], [SK]: item[SK] }))))
      throw new DynamoError('ConditionalCheckFailedException', 'The conditional request failed');
    this.write(item);
    return {};
  }

  update(input: Item): { Attributes?: Item } {
    only(input, [...COMMON, 'Key', 'UpdateExpression', 'ConditionExpression', 'ReturnValues'], 'UpdateItem');
    this.count('UpdateItem');
    this.table(input.TableName);
    const key = this.key(input.Key);
    const current = this.read(key);
    if (!this.check(input, current))
      throw new DynamoError('ConditionalCheckFailedException', 'The conditional request failed');
    const names = input.ExpressionAttributeNames as Names;
    const values = input.ExpressionAttributeValues as Values;
    const expression = String(input.UpdateExpression ?? '');
    const r = new Reader(tokenize(expression), names, values, expression);
    const next: Item = copy(current ?? { [PK]: key.pk, [SK]: key.sk });
    const changed = new Set<string>();
    while (!r.done()) {
      const clause = r.next().text.toUpperCase();
      if (clause !== 'SET' && clause !== 'ADD')
        throw new UnsupportedByMemoryTable(`"${expression}": ${clause}`);
      do {
        if (r.peek()?.text === ',') r.next();
        const name = r.attribute();
        if (name === PK || name === SK) throw new DynamoError('ValidationException', 'cannot update a key');
        if (clause === 'ADD') {
          const t = r.next();
          const by = t.kind === 'value' ? r.value(t) : undefined;
          const was = next[name] ?? 0;
          if (typeof by !== 'number' || typeof was !== 'number')
            throw new UnsupportedByMemoryTable(`"${expression}": ADD supports numbers only`);
          next[name] = was + by;
        } else {
          r.expect('=');
          const first = operand(r);
          let value = first(current ?? {});
          if (r.peek()?.text === '+') {
            r.next();
            const second = operand(r)(current ?? {});
            if (typeof value !== 'number' || typeof second !== 'number')
              throw new DynamoError('ValidationException', `"${expression}": + needs two numbers`);
            value = value + second;
          }
          if (value === undefined)
            throw new DynamoError(
              'ValidationException',
              `"${expression}": an operand refers to no attribute`,
            );
          next[name] = normalise(value);
        }
        changed.add(name);
      } while (r.peek()?.text === ',');
    }
    this.write(next);
    const returnValues = input.ReturnValues ?? 'NONE';
    if (returnValues === 'NONE') return {};
    if (returnValues === 'ALL_NEW') return { Attributes: copy(next) };
    if (returnValues === 'UPDATED_NEW')
      return { Attributes: copy(Object.fromEntries([...changed].map((n) => [n, next[n]]))) };
    throw new UnsupportedByMemoryTable(`ReturnValues ${String(returnValues)}`);
  }

  query(input: Item): { Items: Item[]; Count: number; ScannedCount: number; LastEvaluatedKey?: Item } {
    only(
      input,
      [
        ...COMMON,
        'IndexName',
        'KeyConditionExpression',
        'ScanIndexForward',
        'Limit',
        'ExclusiveStartKey',
        'ConsistentRead',
      ],
      'Query',
    );
    this.count('Query');
    this.table(input.TableName);
    const index = input.IndexName
      ? tableDesign.globalSecondaryIndexes.find((i) => i.indexName === input.IndexName)
      : undefined;
    if (input.IndexName && !index)
      throw new DynamoError('ValidationException', `no index ${String(input.IndexName)}`);
    if (index && input.ConsistentRead)
      throw new DynamoError('ValidationException', 'no consistent reads on a GSI');
    const keys = index ? { pk: index.partitionKey, sk: index.sortKey } : { pk: PK, sk: SK };
    const { partition, sortKey } = keyCondition(
      String(input.KeyConditionExpression ?? ''),
      input.ExpressionAttributeNames as Names,
      input.ExpressionAttributeValues as Values,
      keys,
    );
    const candidates = index
      ? [...this.partitions.values()]
          .flatMap((p) => [...p.values()])
          .filter((i) => i[keys.pk] === partition && i[keys.sk] !== undefined)
      : [...(this.partitions.get(String(partition))?.values() ?? [])];
    // On a GSI, items with equal index keys are in table-key order.
    const order = (a: Item, b: Item) =>
      compareKeys(a[keys.sk], b[keys.sk]) ||
      (index ? compareKeys(a[PK], b[PK]) || compareKeys(a[SK], b[SK]) : 0);
    let items = candidates.filter((i) => sortKey(i[keys.sk])).sort(order);
    if (input.ScanIndexForward === false) items.reverse();
    const start = input.ExclusiveStartKey as Item | undefined;
    if (start) {
      const at = items.findIndex((i) => i[PK] === start[PK] && i[SK] === start[SK]);
      if (at < 0) throw new UnsupportedByMemoryTable('ExclusiveStartKey names no item of this query');
      items = items.slice(at + 1);
    }
    const limit = input.Limit === undefined ? Number.POSITIVE_INFINITY : Number(input.Limit);
    // DynamoDB also stops a page at 1 MB; these partitions stay far below it.
    const page = items.slice(0, limit);
    const last = page.length < items.length ? page[page.length - 1] : undefined;
    const lastKey = last
      ? Object.fromEntries([...new Set([PK, SK, keys.pk, keys.sk])].map((k) => [k, last[k]]))
      : undefined;
    const projected = index ? page.map((i) => project(i, index, keys)) : page;
    return {
      Items: projected.map(copy),
      Count: page.length,
      ScannedCount: page.length,
      ...(lastKey ? { LastEvaluatedKey: lastKey } : {}),
    };
  }

  batchGet(input: Item): { Responses: Record<string, Item[]>; UnprocessedKeys: Record<string, never> } {
    only(input, ['RequestItems', 'ReturnConsumedCapacity'], 'BatchGetItem');
    this.count('BatchGetItem');
    const requests = Object.entries((input.RequestItems ?? {}) as Record<string, Item>);
    const responses: Record<string, Item[]> = {};
    let total = 0;
    for (const [tableName, request] of requests) {
      this.table(tableName);
      only(request, ['Keys', 'ConsistentRead'], 'BatchGetItem RequestItems');
      const keys = (request.Keys ?? []) as Item[];
      total += keys.length;
      const ids = new Set(keys.map((k) => JSON.stringify(this.key(k))));
      if (ids.size !== keys.length)
        throw new DynamoError('ValidationException', 'Provided list of item keys contains duplicates');
      responses[tableName] = keys.flatMap((k) => {
        const item = this.read(this.key(k));
        return item ? [copy(item)] : [];
      });
    }
    if (total === 0 || total > 100)
      throw new DynamoError('ValidationException', 'BatchGetItem takes 1-100 keys');
    return { Responses: responses, UnprocessedKeys: {} };
  }

  transactWrite(input: Item): Record<string, never> {
    only(input, ['TransactItems', 'ClientRequestToken', 'ReturnConsumedCapacity'], 'TransactWriteItems');
    this.count('TransactWriteItems');
    const actions = input.TransactItems as Item[] | undefined;
    if (!Array.isArray(actions) || actions.length === 0 || actions.length > MAX_TRANSACT_ITEMS)
      throw new DynamoError('ValidationException', `TransactItems must hold 1-${MAX_TRANSACT_ITEMS} actions`);
    const plans = actions.map((action) => {
      const kinds = Object.keys(action).filter((k) => action[k] !== undefined);
      const [kind] = kinds;
      if (kinds.length !== 1 || !kind) throw new DynamoError('ValidationException', 'one action per item');
      const body = action[kind] as Item;
      this.table(body.TableName);
      if (kind === 'Put') {
        only(body, [...COMMON, 'Item', 'ConditionExpression'], 'TransactWriteItems Put');
        const item = normalise(body.Item) as Item;
        return { kind, body, item, key: this.key({ [PK]: item[PK], [SK]: item[SK] }) };
      }
      if (kind === 'Delete' || kind === 'ConditionCheck') {
        only(body, [...COMMON, 'Key', 'ConditionExpression'], `TransactWriteItems ${kind}`);
        return { kind, body, item: undefined, key: this.key(body.Key) };
      }
      throw new UnsupportedByMemoryTable(`TransactWriteItems ${kind}`);
    });
    const seen = new Set<string>();
    for (const p of plans) {
      const id = `${p.key.pk}\u0000${p.key.sk}`;
      if (seen.has(id))
        throw new DynamoError(
          'ValidationException',
          'Transaction request cannot include multiple operations on one item',
        );
      seen.add(id);
    }
    const reasons = plans.map((p) =>
      this.check(p.body, this.read(p.key))
        ? { Code: 'None' }
        : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    );
    if (reasons.some((r) => r.Code !== 'None'))
      throw new DynamoError(
        'TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        reasons,
      );
    for (const p of plans) {
      if (p.kind === 'Put' && p.item) this.write(p.item);
      else if (p.kind === 'Delete') this.remove(p.key);
    }
    return {};
  }
}
