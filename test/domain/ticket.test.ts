import { decodeTime } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  formatReference,
  InvalidReferenceError,
  isTicketId,
  newId,
  Priority,
  parseReference,
  priorityRank,
  Reference,
  Requester,
  TicketId,
} from '../../shared/domain';
import { T0 } from './builders';

describe('ticket references', () => {
  it('round-trips a number through FD-<n>', () => {
    for (const n of [1, 42, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      const reference = formatReference(n);
      expect(Reference.safeParse(reference).success).toBe(true);
      expect(parseReference(reference)).toBe(n);
    }
    expect(formatReference(42)).toBe('FD-42');
  });

  it('does not parse text that is not a reference we could have issued', () => {
    for (const s of ['FD-0', 'FD-01', 'fd-1', 'FD-', 'FD-1a', ' FD-1', 'FD-99999999999999999999', '42']) {
      expect(parseReference(s), s).toBeUndefined();
    }
  });

  it('refuses to format a number that is not a positive integer', () => {
    for (const n of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => formatReference(n)).toThrow(InvalidReferenceError);
    }
    try {
      formatReference(0);
    } catch (e: unknown) {
      expect(e).toMatchObject({ name: 'InvalidReferenceError', code: 'TICKET.INVALID_REFERENCE' });
    }
  });
});

describe('ticket ids', () => {
  it('are ULIDs stamped with the time they were given', () => {
    const id = newId(T0);
    expect(isTicketId(id)).toBe(true);
    expect(TicketId.safeParse(id).success).toBe(true);
    expect(decodeTime(id)).toBe(T0.getTime());
    expect(newId(T0)).not.toBe(id);
  });

  it('are told apart from references and junk', () => {
    expect(isTicketId('FD-42')).toBe(false);
    expect(isTicketId(newId(T0).toLowerCase())).toBe(false);
    expect(isTicketId('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe(false);
    expect(isTicketId(42)).toBe(false);
  });
});

describe('priorities', () => {
  it('rank urgent first and low last, so index keys sort by urgency', () => {
    const sorted = [...Priority.options].sort((a, b) => priorityRank(a) - priorityRank(b));
    expect(sorted).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(priorityRank('urgent')).toBe(0);
    expect(priorityRank('low')).toBe(3);
  });
});

describe('requesters', () => {
  it('are keyed by a lower-cased email address', () => {
    expect(Requester.parse({ email: 'Dana@BigCorp.Example' }).email).toBe('dana@bigcorp.example');
  });

  it('must have a real email address', () => {
    const result = Requester.safeParse({ email: 'nope' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['email'], message: 'must be an email address' });
  });
});
