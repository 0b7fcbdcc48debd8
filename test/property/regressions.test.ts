/**
 * The inputs that once made unreadable tickets or 5xx answers (issue 13), kept as fixed cases beside the
 * generated ones: each is refused naming its field, or accepted and readable.
 */
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../../shared/domain/ticket-input';
import { parseJson } from '../../shared/http/request';
import { wire } from './arbitraries';
import {
  baseTickets,
  type DoorOutcome,
  eventDoor,
  expectReadableOrNamed,
  formDoor,
  patchDoor,
  webhookDoor,
} from './doors';
import { storeAndRead } from './dynamodb-item';

const webhook = (extra: Record<string, unknown>) => ({
  id: 'evt-1',
  subject: 'Question about invoice INV-1',
  body: 'charged twice',
  requester: { email: 'dana@bigcorp.example' },
  ...extra,
});

function written(outcome: DoorOutcome) {
  if (outcome.kind !== 'written') throw new Error(`expected it written, got ${JSON.stringify(outcome)}`);
  return outcome;
}
function refusedPaths(outcome: DoorOutcome): string[] {
  if (outcome.kind !== 'refused') throw new Error(`expected a refusal, got ${outcome.kind}`);
  return outcome.issues.map((i) => i.path);
}

describe('the poison inputs of issue 13', () => {
  it('a form whose requester name is blank opens a readable ticket with no name', async () => {
    const body = wire({
      requester: { email: 'x@customer.example', name: ' ' },
      subject: 'Charged twice',
      description: 'Invoice INV-1 was charged twice.',
      fields: { invoiceId: 'INV-1', customerId: 'C-1', amount: '  ' },
    });
    const outcome = written(await formDoor('billing_dispute', body));
    expectReadableOrNamed(outcome, body);
    expect(outcome.tickets[0]?.requester).toEqual({ email: 'x@customer.example' });
    // A blank optional field is a field not given, as on the webhook.
    expect(outcome.tickets[0]?.fields).toEqual({ invoiceId: 'INV-1', customerId: 'C-1' });
  });

  it('a signed event whose contact name is empty opens a readable proactive ticket with no name', () => {
    const body = wire({
      type: 'billing.subscription_cancelled',
      detail: {
        accountId: 'acct-smallshop',
        subscriptionId: 'sub-1',
        cancelledAt: '2026-01-05T10:00:00Z',
        contact: { email: 'owner@smallshop.example', name: '' },
      },
    });
    const outcome = written(eventDoor(body));
    expectReadableOrNamed(outcome, body);
    expect(outcome.tickets[0]?.requester).toEqual({
      email: 'owner@smallshop.example',
      accountId: 'acct-smallshop',
    });
  });

  it('refuses empty, prototype and reserved field names naming the field, through the webhook and PATCH', async () => {
    const [ticket] = baseTickets();
    if (!ticket) throw new Error('no ticket');
    for (const [json, path] of [
      ['{"":"v"}', 'fields[""]'],
      ['{"constructor":"x"}', 'fields.constructor'],
      ['{"__proto__":"x"}', 'fields.__proto__'],
      ['{"toString":"x"}', 'fields.toString'],
      ['{"a b":"x"}', 'fields["a b"]'],
      [`{"${'k'.repeat(65)}":"x"}`, `fields.${'k'.repeat(65)}`],
    ] as const) {
      const fields = JSON.parse(json) as unknown;
      expect(refusedPaths(await webhookDoor(wire(webhook({ fields }))))).toContain(path);
      expect(refusedPaths(patchDoor(ticket, wire({ fields })))).toContain(path);
    }
  });

  it('refuses a 100,000-character tag and 50 tags of 9 KB naming the tag; at most 50 tags, 64 characters each', async () => {
    const [ticket] = baseTickets();
    if (!ticket) throw new Error('no ticket');
    expect(refusedPaths(patchDoor(ticket, wire({ tags: ['a'.repeat(100_000)] })))).toEqual(['tags[0]']);
    const heavy = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(9 * 1024, 'x'));
    expect(refusedPaths(patchDoor(ticket, wire({ tags: heavy })))).toContain('tags[49]');
    expect(refusedPaths(await webhookDoor(wire(webhook({ tags: heavy }))))).toContain('tags[0]');
    const many = Array.from({ length: 51 }, (_, i) => `t${i}`);
    expect(refusedPaths(patchDoor(ticket, wire({ tags: many })))).toEqual(['tags']);
    expect(written(patchDoor(ticket, wire({ tags: ['x'.repeat(64)] }))).tickets[0]?.tags).toEqual([
      'x'.repeat(64),
    ]);
  });

  it('normalises tags the same way on every door: trimmed, lower-case, blanks dropped, each once', async () => {
    const [ticket] = baseTickets();
    if (!ticket) throw new Error('no ticket');
    const tags = [' VIP ', 'vip', '', '  ', 'Churn-Risk'];
    expect(written(patchDoor(ticket, wire({ tags }))).tickets[0]?.tags).toEqual(['vip', 'churn-risk']);
    expect(written(await webhookDoor(wire(webhook({ tags })))).tickets[0]?.tags).toEqual(
      expect.arrayContaining(['vip', 'churn-risk']),
    );
  });

  it('refuses bodies, subjects, names and field values over their limits, naming each', async () => {
    const outcome = await webhookDoor(
      wire(
        webhook({
          body: 'b'.repeat(INPUT_LIMITS.body + 1),
          subject: 's'.repeat(999),
          requester: { email: 'dana@bigcorp.example', name: 'n'.repeat(201) },
          fields: { note: 'v'.repeat(INPUT_LIMITS.fieldValue + 1) },
        }),
      ),
    );
    expect(refusedPaths(outcome).sort()).toEqual(['body', 'fields.note', 'requester.name', 'subject']);
  });

  it('refuses more than 50 fields, or more than 20,000 characters of them, naming fields', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x']));
    expect(refusedPaths(await webhookDoor(wire(webhook({ fields: many }))))).toEqual(['fields']);
    const heavy = { a: 'x'.repeat(9_999), b: 'x'.repeat(9_999), c: 'x'.repeat(100) };
    expect(refusedPaths(await webhookDoor(wire(webhook({ fields: heavy }))))).toEqual(['fields']);
  });

  it('does not let PATCH grow a ticket past 50 fields, but lets a blank value clear one', () => {
    const [ticket] = baseTickets();
    if (!ticket) throw new Error('no ticket');
    const full = {
      ...ticket,
      fields: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x'])),
    };
    expect(refusedPaths(patchDoor(full, wire({ fields: { another: 'x' } })))).toEqual(['fields']);
    const cleared = written(patchDoor(full, wire({ fields: { f0: ' ' } })));
    expect(Object.keys(cleared.tickets[0]?.fields ?? {})).toHaveLength(49);
  });

  it('takes half a surrogate pair as U+FFFD instead of storing what DynamoDB refuses', async () => {
    expect(() => storeAndRead({ pk: 'x', sk: 'y', s: 'a\ud83d' })).toThrow(/half surrogate/);
    const body = parseJson(
      '{"id":"e-1","subject":"hi \\ud83d","body":"","requester":{"email":"a@b.example","name":"\\ude00x"},"fields":{"note":"\\ud83d\\ude00 ok"}}',
    );
    const outcome = written(await webhookDoor(body));
    expectReadableOrNamed(outcome, body);
    expect(outcome.tickets[0]).toMatchObject({
      subject: 'hi \ufffd',
      requester: { name: '\ufffdx' },
      fields: { note: '😀 ok' },
    });
  });
});
