/**
 * An item as DynamoDB would be handed it by the document client (same marshall options), and what
 * DynamoDB refuses that marshalling does not catch: empty attribute names, half surrogate pairs and items
 * over 400 KB.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DOCUMENT_MARSHALL_OPTIONS } from '../../shared/adapters/clients';

/** DynamoDB's hard limit on one item (names and values, UTF-8). */
export const DYNAMODB_ITEM_LIMIT = 400 * 1024;

/**
 * An item's size as DynamoDB counts it (attribute names + values; strings in UTF-8 bytes; lists and maps
 * 3 bytes plus 1 per element; numbers counted high, as their text). An upper bound, never an
 * underestimate.
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S, 'utf8');
  if (v.N !== undefined) return v.N.length + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + s.length + 1, 0);
  if (v.BS !== undefined) return v.BS.reduce((n, b) => n + b.length, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((n, e) => n + 1 + valueSize(e), 0);
  if (v.M !== undefined)
    return (
      3 + Object.entries(v.M).reduce((n, [k, e]) => n + Buffer.byteLength(k, 'utf8') + 1 + valueSize(e), 0)
    );
  return 0;
}

/** Paths of attribute names DynamoDB refuses ("Empty attribute name"), at any depth. */
export function emptyAttributeNames(item: Record<string, AttributeValue>, path = ''): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(item)) {
    const here = path ? `${path}.${name}` : name;
    if (name === '') out.push(here || '(top)');
    if (value.M !== undefined) out.push(...emptyAttributeNames(value.M, here));
    if (value.L !== undefined)
      value.L.forEach((e, i) => {
        if (e.M !== undefined) out.push(...emptyAttributeNames(e.M, `${here}[${i}]`));
      });
  }
  return out;
}

const HALF = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Paths of names and text holding half a surrogate pair (DynamoDB Local answers InternalFailure). */
export function halfSurrogates(item: Record<string, AttributeValue>, path = ''): string[] {
  const out: string[] = [];
  const visit = (v: AttributeValue, here: string) => {
    if (v.S !== undefined && HALF.test(v.S)) out.push(here);
    if (v.SS?.some((s) => HALF.test(s))) out.push(here);
    if (v.M !== undefined) out.push(...halfSurrogates(v.M, here));
    v.L?.forEach((e, i) => {
      visit(e, `${here}[${i}]`);
    });
  };
  for (const [name, value] of Object.entries(item)) {
    const here = path ? `${path}.${name}` : name;
    if (HALF.test(name)) out.push(`${here} (name)`);
    visit(value, here);
  }
  return out;
}

export interface StoredItem {
  readonly marshalled: Record<string, AttributeValue>;
  readonly size: number;
  /** What a read gets back. */
  readonly readBack: Record<string, unknown>;
}

/**
 * The item through `marshall` (as the document client does before sending), checked for what DynamoDB
 * would refuse, and back through `unmarshall` (as a read gets it). Throws, naming the problem, where
 * DynamoDB would have answered an error.
 */
export function storeAndRead(item: Record<string, unknown>): StoredItem {
  const marshalled = marshall(item, DOCUMENT_MARSHALL_OPTIONS);
  const halves = halfSurrogates(marshalled);
  if (halves.length > 0)
    throw new Error(`DynamoDB would refuse half surrogate pairs at ${halves.join(', ')}`);
  const empty = emptyAttributeNames(marshalled);
  if (empty.length > 0) throw new Error(`DynamoDB would refuse empty attribute names at ${empty.join(', ')}`);
  const size = itemSize(marshalled);
  if (size > DYNAMODB_ITEM_LIMIT)
    throw new Error(`DynamoDB would refuse an item of ${size} bytes (limit ${DYNAMODB_ITEM_LIMIT})`);
  return { marshalled, size, readBack: unmarshall(marshalled) };
}
