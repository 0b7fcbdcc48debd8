/**
 * The intent classifier on generated input (issue 19): prediction on any string never throws and answers
 * a well-formed prediction; decoding any bytes — random, or a real artifact cut or corrupted — either
 * gives a model or throws IntentModelFormatError, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeIntentModel,
  encodeIntentModel,
  IntentModelFormatError,
  predictIntent,
  trainIntentModel,
} from '../../shared/domain/intent-model';
import { nastyText } from './arbitraries';

const EXAMPLES = [
  ['where is my card', 'card'],
  ['my card has not arrived', 'card'],
  ['card delivery is late', 'card'],
  ['refund my payment', 'refund'],
  ['I want my money back', 'refund'],
  ['charged twice please refund', 'refund'],
  ['reset my password', 'password'],
  ['forgot my password', 'password'],
  ['cannot log in password', 'password'],
  ['cancel my subscription', 'cancel'],
  ['stop the plan renewal', 'cancel'],
  ['end our subscription', 'cancel'],
].map(([text, label]) => ({ text: text as string, label: label as string }));

const MODEL = trainIntentModel(EXAMPLES, { version: 'prop', trainedAt: new Date('2026-12-06T00:00:00Z') });
const BYTES = encodeIntentModel(MODEL);

const anyText = fc.oneof(
  nastyText,
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

describe('predictIntent on any text', () => {
  it('never throws; confidences in [0, 1], top sorted, at most three, the intent one of the model’s', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const p = predictIntent(MODEL, text);
        expect(MODEL.intents).toContain(p.intent);
        expect(p.top.length).toBeGreaterThan(0);
        expect(p.top.length).toBeLessThanOrEqual(3);
        expect(p.top[0]?.intent).toBe(p.intent);
        expect(new Set(p.top.map((s) => s.intent)).size).toBe(p.top.length);
        for (const s of p.top) {
          expect(s.confidence).toBeGreaterThanOrEqual(0);
          expect(s.confidence).toBeLessThanOrEqual(1);
          expect(MODEL.intents).toContain(s.intent);
        }
        for (let i = 1; i < p.top.length; i++)
          expect(p.top[i]?.confidence).toBeLessThanOrEqual(p.top[i - 1]?.confidence ?? 0);
      }),
      { numRuns: 300 },
    );
  });
});

/** Decoding either succeeds or throws the format error; anything else fails the property. */
function decodesOrRefuses(bytes: Uint8Array): void {
  try {
    decodeIntentModel(bytes);
  } catch (e: unknown) {
    expect(e).toBeInstanceOf(IntentModelFormatError);
  }
}

describe('decodeIntentModel on any bytes', () => {
  it('refuses random bytes with IntentModelFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(() => decodeIntentModel(bytes)).toThrow(IntentModelFormatError);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses random bytes behind a valid magic and format', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (tail) => {
        const bytes = new Uint8Array(6 + tail.length);
        bytes.set(BYTES.subarray(0, 6));
        bytes.set(tail, 6);
        decodesOrRefuses(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes or refuses a real artifact cut short or with bytes changed', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: BYTES.length }),
        fc.array(fc.tuple(fc.nat({ max: BYTES.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 8,
        }),
        (cut, changes) => {
          const bytes = BYTES.slice(0, cut === 0 ? BYTES.length : cut);
          for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
          decodesOrRefuses(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
