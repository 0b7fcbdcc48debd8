import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import { ticketItem } from '../../shared/adapters/ticket-repository';
import type { Ticket } from '../../shared/domain';
import { wellFormed } from '../../shared/domain/ticket-input';
import { httpEvent } from '../functions/events';
import { storeAndRead } from './dynamodb-item';

/**
 * The store the handler property tests run against: `tickets` readable by id, every other read empty,
 * counters at 42, and each item a transaction puts marshalled and read back as DynamoDB would (400 KB,
 * empty attribute names). Call it in `beforeEach`, after `db.reset()`.
 */
// biome-ignore lint/suspicious/noExplicitAny: the document client's stub, whatever its command types.
export function stubTicketStore(db: AwsStub<any, any, any>, tickets: readonly Ticket[]): void {
  db.on(GetCommand).resolves({});
  for (const t of tickets)
    db.on(GetCommand, { Key: { pk: `TICKET#${t.id}`, sk: 'META' } }).resolves({ Item: ticketItem(t) });
  db.on(QueryCommand).resolves({ Items: [] });
  db.on(UpdateCommand).resolves({ Attributes: { value: 42 } });
  db.on(TransactWriteCommand).callsFake((input: { TransactItems?: Array<{ Put?: { Item?: object } }> }) => {
    for (const t of input.TransactItems ?? [])
      if (t.Put?.Item) storeAndRead(t.Put.Item as Record<string, unknown>);
    return {};
  });
}

/**
 * The contract every API route's answer keeps, whatever it was sent: never a 5xx, and a 400 is
 * `{error: "validation_failed", issues: [{path, message}]}` with each path and message non-empty text.
 * Returns the status.
 */
export function expectContractAnswer(res: { statusCode: number; body: string }): number {
  const body = JSON.parse(res.body) as {
    error?: string;
    issues?: Array<{ path: unknown; message: unknown }>;
  };
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode === 400) {
    expect(body.error, res.body).toBe('validation_failed');
    expect(body.issues?.length, res.body).toBeGreaterThan(0);
    for (const issue of body.issues ?? []) {
      expect(typeof issue.path === 'string' && issue.path.length > 0, res.body).toBe(true);
      expect(typeof issue.message === 'string' && issue.message.length > 0, res.body).toBe(true);
    }
  }
  return res.statusCode;
}

/** Counts answers by status, so a run that never got past validation (or never to it) fails. */
export function statuses() {
  const seen = new Map<number, number>();
  return {
    add: (s: number) => seen.set(s, (seen.get(s) ?? 0) + 1),
    count: (s: number) => seen.get(s) ?? 0,
    /** Every status seen with its count, for an assertion's message. */
    toString: () => JSON.stringify([...seen]),
  };
}

/** What a signed-link route is sent: JSON, any text, or the link page's own form post. */
export type Post =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'form'; readonly fields: ReadonlyArray<readonly [string, string]> };

/** `POST /v1/<route>/{token}` as API Gateway hands it over (a form post base64-encoded). */
export function tokenPost(route: string, token: string, p: Post) {
  const form = p.kind === 'form';
  const text =
    p.kind === 'json'
      ? (JSON.stringify(p.body) ?? 'null')
      : p.kind === 'raw'
        ? p.text
        : new URLSearchParams(p.fields as Array<[string, string]>).toString();
  return {
    ...httpEvent({
      method: 'POST',
      path: `/v1/${route}/${encodeURIComponent(wellFormed(token))}`,
      routeKey: `POST /v1/${route}/{token}`,
      pathParameters: { token },
      headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    }),
    body: form ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: form,
  };
}
