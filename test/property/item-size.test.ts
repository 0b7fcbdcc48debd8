/**
 * No item can reach DynamoDB's 400 KB through a door: the largest ticket, message and audit event the
 * limits allow, built through the doors with the widest characters (`€`: 1 UTF-16 unit, 3 UTF-8 bytes,
 * the worst ratio — 4-byte characters take 2 units), marshalled as the document client does.
 */
import { describe, expect, it } from 'vitest';
import { auditItem, messageItem, ticketItem } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { longestValueOf } from '../../shared/config/fields';
import { INPUT_LIMITS } from '../../shared/domain/ticket-input';
import { wire } from './arbitraries';
import { type DoorOutcome, mailDoor, messageDoor, patchDoor, webhookDoor } from './doors';
import { storeAndRead } from './dynamodb-item';

/** "Well under" 400 KB: room for what the API does not bound (links, approvals asked, escalation causes). */
const BUDGET = 256 * 1024;
const W = '€';
const wide = (n: number) => W.repeat(n);

function written(outcome: DoorOutcome) {
  if (outcome.kind !== 'written')
    throw new Error(`expected it written, got ${JSON.stringify(outcome).slice(0, 500)}`);
  return outcome;
}

/** 50 field names of 64 characters and values filling the rest of the 20,000 characters, all wide. */
function largestFields(fill = W): Record<string, string> {
  const names = Array.from({ length: INPUT_LIMITS.fields }, (_, i) =>
    `f${String(i).padStart(2, '0')}`.padEnd(64, 'x'),
  );
  const each = Math.floor((INPUT_LIMITS.fieldsTotal - names.length * 64) / names.length);
  return Object.fromEntries(names.map((n) => [n, fill.repeat(each)]));
}

const largestWebhook = {
  id: wide(200),
  subject: wide(998),
  body: wide(INPUT_LIMITS.body),
  requester: {
    email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.example`,
    name: wide(200),
    accountId: wide(128),
  },
  account: { id: wide(128), tier: wide(64), segment: wide(64), status: wide(32), name: wide(200) },
  requestType: 'bug_report',
  fields: largestFields(),
  tags: Array.from({ length: INPUT_LIMITS.tags }, (_, i) => `${i}`.padEnd(INPUT_LIMITS.tag, W)),
};

describe('the largest items the doors let through', () => {
  it('the largest webhook ticket, its first message and its audit trail stay well under 400 KB', async () => {
    const outcome = written(await webhookDoor(wire(largestWebhook)));
    const ticket = outcome.tickets[0];
    if (!ticket) throw new Error('no ticket');
    expect(Object.keys(ticket.fields)).toHaveLength(INPUT_LIMITS.fields);
    expect(ticket.tags).toHaveLength(INPUT_LIMITS.tags);
    expect(storeAndRead(ticketItem(ticket)).size).toBeLessThan(BUDGET);
    for (const m of outcome.messages) expect(storeAndRead(messageItem(m)).size).toBeLessThan(BUDGET);
    for (const a of outcome.audit) expect(storeAndRead(auditItem(a)).size).toBeLessThan(BUDGET);

    // Mail may still supply the request type's own fields on top (as long as the config lets them be).
    const declared = Object.fromEntries(
      Object.entries(workflowConfig.requestTypes.bug_report?.fields ?? {}).map(([n, f]) => [
        n,
        wide(longestValueOf(f)),
      ]),
    );
    const grown = { ...ticket, fields: { ...ticket.fields, ...declared } };
    expect(storeAndRead(ticketItem(grown)).size).toBeLessThan(BUDGET);
  });

  it('changing every field of the largest ticket at once makes an audit event well under 400 KB', async () => {
    const ticket = written(await webhookDoor(wire(largestWebhook))).tickets[0];
    if (!ticket) throw new Error('no ticket');
    const changed = written(
      patchDoor(
        ticket,
        wire({ fields: largestFields('¥'), tags: largestWebhook.tags.map((t) => `${t}`.replace('0', '1')) }),
      ),
    );
    const audit = changed.audit[0];
    if (!audit) throw new Error('no audit');
    expect(Object.keys((audit.after?.fields as object) ?? {})).toHaveLength(INPUT_LIMITS.fields);
    expect(storeAndRead(auditItem(audit)).size).toBeLessThan(BUDGET);
    expect(storeAndRead(ticketItem(changed.tickets[0] ?? ticket)).size).toBeLessThan(BUDGET);
  });

  it('the largest agent reply and the largest mail (cut body, 50 attachments listed) stay well under 400 KB', async () => {
    const ticket = written(await webhookDoor(wire(largestWebhook))).tickets[0];
    if (!ticket) throw new Error('no ticket');
    const reply = written(messageDoor(ticket, wire({ visibility: 'public', body: wide(INPUT_LIMITS.body) })));
    for (const m of reply.messages) expect(storeAndRead(messageItem(m)).size).toBeLessThan(BUDGET);

    const mail = written(
      mailDoor({
        from: { address: 'dana@bigcorp.example', name: wide(300) },
        subject: wide(998),
        text: wide(200_000),
        messageId: `${'m'.repeat(980)}@x.example`,
        classification: { kind: 'human' },
        attachments: Array.from({ length: 50 }, () => ({
          filename: wide(200),
          contentType: wide(200),
          size: 1,
        })),
      }),
    );
    for (const m of mail.messages) expect(storeAndRead(messageItem(m)).size).toBeLessThan(BUDGET);
    expect(storeAndRead(ticketItem(mail.tickets[0] ?? ticket)).size).toBeLessThan(BUDGET);
  });
});
