import { describe, expect, it } from 'vitest';
import { checkPrivacy, purgeDueAt, shortestRetentionDays } from '../../shared/config/privacy';
import {
  closedAtOf,
  ERASED_NAME,
  ERASED_TEXT,
  erasurePseudonym,
  namesOf,
  type Redaction,
  redactMessage,
  redactTicket,
  textsOf,
} from '../../shared/domain/privacy-erasure';
import { aMessage, aTicket } from './builders';

// The redaction of one ticket's records (issue 22) and the retention policy's arithmetic.

const ticket = aTicket({
  requester: { email: 'dana@customer.example', name: 'Dana Doe' },
  subject: 'Dana Doe: my invoice INV-1 is wrong',
  fields: { invoiceId: 'INV-1' },
  state: 'in_progress',
  queue: 'billing',
});
const fromDana = aMessage({
  ticketId: ticket.id,
  author: { email: 'dana@customer.example', name: 'Dana Doe', kind: 'customer' },
  body: 'Please call me on +49 30 1234567. Dana',
  attachments: [
    {
      filename: 'passport.pdf',
      contentType: 'application/pdf',
      size: 10,
      key: 'attachments/r/1-passport.pdf',
    },
  ],
});
const reply = aMessage({
  ticketId: ticket.id,
  direction: 'outbound',
  author: { email: 'agent@example.com', name: 'Alex Agent', kind: 'agent' },
  body: 'Hello Dana Doe, we are on it.',
});
const redaction: Redaction = {
  email: 'dana@customer.example',
  names: namesOf(ticket, [fromDana, reply], 'dana@customer.example'),
  texts: textsOf(ticket, [fromDana, reply]),
  pseudonym: erasurePseudonym('01JERASUREERASUREERASUREER'),
  ticketIds: new Set([ticket.id]),
};

describe('redactTicket and redactMessage', () => {
  it('replace the requester by the pseudonym and drop subject and field values; keep what the workflow reads', () => {
    const redacted = redactTicket(ticket, redaction);
    expect(redacted.requester).toEqual({ email: redaction.pseudonym, name: ERASED_NAME });
    expect(redacted.subject).toBe(ERASED_TEXT);
    expect(redacted.fields).toEqual({ invoiceId: ERASED_TEXT });
    for (const key of [
      'id',
      'state',
      'queue',
      'priority',
      'requestType',
      'createdAt',
      'sla',
      'version',
    ] as const)
      expect(redacted[key]).toEqual(ticket[key]);
    expect(JSON.stringify(redacted)).not.toMatch(/dana/i);
  });

  it('drop every body and attachment; only her own messages get the pseudonym as author', () => {
    expect(namesOf(ticket, [fromDana, reply], 'dana@customer.example')).toEqual(['Dana Doe', 'Dana Doe']);
    const hers = redactMessage(fromDana, redaction);
    expect(hers).toMatchObject({
      body: ERASED_TEXT,
      attachments: [],
      author: { email: redaction.pseudonym },
    });
    const ours = redactMessage(reply, redaction);
    expect(ours).toMatchObject({
      body: ERASED_TEXT,
      author: { email: 'agent@example.com', name: 'Alex Agent' },
    });
    expect(JSON.stringify([hers, ours])).not.toMatch(/dana|passport|1234567/i);
  });
});

describe('retention', () => {
  const privacy = {
    erasureRequestType: 'account_change',
    retention: { general_question: { purgeClosedAfterDays: 30 } },
  };
  const closedAudit = [
    { action: 'ticket.state_changed', at: '2026-01-01T00:00:00.000Z', after: { state: 'closed' } },
    { action: 'ticket.state_changed', at: '2026-01-02T00:00:00.000Z', after: { state: 'new' } },
    { action: 'ticket.state_changed', at: '2026-01-05T00:00:00.000Z', after: { state: 'closed' } },
    { action: 'ticket.priority_changed', at: '2026-02-01T00:00:00.000Z', after: { priority: 'high' } },
  ];

  it('is due its days after the last closing, for closed tickets of a type that has a policy', () => {
    expect(closedAtOf(closedAudit)).toBe('2026-01-05T00:00:00.000Z');
    const closedAt = closedAtOf(closedAudit);
    expect(purgeDueAt({ requestType: 'general_question', state: 'closed' }, closedAt, privacy)).toBe(
      '2026-02-04T00:00:00.000Z',
    );
    expect(purgeDueAt({ requestType: 'general_question', state: 'resolved' }, closedAt, privacy)).toBeNull();
    expect(purgeDueAt({ requestType: 'billing_dispute', state: 'closed' }, closedAt, privacy)).toBeNull();
    expect(closedAtOf([])).toBeUndefined();
    expect(shortestRetentionDays(privacy)).toBe(30);
    expect(shortestRetentionDays({ ...privacy, retention: {} })).toBeUndefined();
  });

  it('names a request type the config does not know', () => {
    const issues: string[] = [];
    checkPrivacy(
      {
        privacy: { erasureRequestType: 'nope', retention: { bogus: { purgeClosedAfterDays: 1 } } },
        requestTypes: { general_question: {} },
      },
      (path, message) => issues.push(`${path.join('.')}: ${message}`),
    );
    expect(issues).toEqual([
      'privacy.erasureRequestType: unknown request type "nope"; known: general_question',
      'privacy.retention.bogus: unknown request type "bogus"; known: general_question',
    ]);
  });
});
