/**
 * The redaction an erasure and retention apply to every record (issue 22), over any JSON value with the
 * requester's address, name and texts planted anywhere (values and keys, any case, inside other text):
 * afterwards none of them is found, the result is redacted again unchanged, and a value that never named
 * them comes back as the very same object (nothing rewritten that did not need it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mentions, type Redaction, redactValue } from '../../shared/domain/privacy-erasure';

const redaction: Redaction = {
  email: 'dana.erasmus@customer.example',
  names: ['Dana Erasmus'],
  texts: ['My passport scan, please keep it safe', 'Flat 7'],
  pseudonym: 'erased-01abc@erased.invalid',
  ticketIds: new Set(['01JTICKETTICKETTICKETTICKE']),
};
const planted = [
  'Dana.Erasmus@Customer.Example',
  'dana erasmus',
  'DANA ERASMUS',
  'my passport scan, please keep it safe',
];

/** Any text, sometimes with one of the planted strings inside it. */
const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...planted), fc.string({ maxLength: 8 }))
    .map(([a, p, b]) => `${a} ${p} ${b}`),
  fc.constant('Flat 7'),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const found = (value: unknown) => {
  const s = JSON.stringify(value).toLowerCase();
  return ['dana.erasmus@customer.example', 'dana erasmus', 'my passport scan', '"flat 7"'].filter((n) =>
    s.includes(n),
  );
};

describe('redactValue over any JSON with the requester planted in it', () => {
  it('leaves none of them, is idempotent, and keeps untouched values as they were', () => {
    fc.assert(
      fc.property(json, (value) => {
        const once = redactValue(value, redaction);
        expect(found(once)).toEqual([]);
        expect(redactValue(once, redaction)).toBe(once);
        expect(mentions(once, { ...redaction, ticketIds: new Set() })).toBe(false);
        if (found(value).length === 0 && !mentions(value, redaction)) expect(once).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});
