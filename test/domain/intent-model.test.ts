import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors';
import { fitTemperature, softmax, wordCoverage } from '../../shared/domain/intent-linear';
import {
  decodeIntentModel,
  encodeIntentModel,
  evaluateIntents,
  expectedCalibrationError,
  INTENT_MODEL_FORMAT,
  IntentModelFormatError,
  IntentTrainingError,
  intentText,
  type LabelledText,
  predictIntent,
  trainIntentModel,
} from '../../shared/domain/intent-model';

const FIXTURES = join(import.meta.dirname, '../fixtures/intent');

/** The fixture CSVs are simple (no quotes with line breaks): read them without the tool under test. */
function fixture(name: string): LabelledText[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const at = line.lastIndexOf(',');
      return { text: line.slice(0, at).replace(/^"|"$/g, ''), label: line.slice(at + 1) };
    });
}

const TRAIN = fixture('train.csv');
const TEST = fixture('test.csv');
const OPTIONS = { version: 'v-test', trainedAt: new Date('2026-12-06T08:00:00Z') };
const MODEL = trainIntentModel(TRAIN, OPTIONS);

describe('training and predicting intents', () => {
  it('learns a small separable set and predicts unseen phrasings of it', () => {
    expect(MODEL.intents).toEqual([
      'cancel_subscription',
      'card_arrival',
      'password_reset',
      'refund_request',
    ]);
    expect(MODEL.examples).toBe(TRAIN.length);
    expect(MODEL.trainedAt).toBe('2026-12-06T08:00:00.000Z');
    for (const { text, label } of TEST) expect(predictIntent(MODEL, text).intent, text).toBe(label);
  });

  it('answers the top three, best first, with the winner first and the model version', () => {
    const p = predictIntent(MODEL, 'we were charged twice, please refund');
    expect(p.intent).toBe('refund_request');
    expect(p.top).toHaveLength(3);
    expect(p.top[0]).toEqual({ intent: p.intent, confidence: p.confidence });
    expect(p.top.map((s) => s.confidence)).toEqual([...p.top.map((s) => s.confidence)].sort((a, b) => b - a));
    expect(p.modelVersion).toBe('v-test');
  });

  it('gives the same model for the same examples (seeded, no Math.random)', () => {
    const again = trainIntentModel(TRAIN, OPTIONS);
    expect(encodeIntentModel(again)).toEqual(encodeIntentModel(MODEL));
  });

  it('keeps out-of-fold figures measured while training', () => {
    const e = MODEL.evaluation;
    expect(e?.accuracy).toBeGreaterThan(0.7);
    expect(e?.perIntent.map((i) => i.support)).toEqual([8, 8, 8, 8]);
    expect(e?.ece).toBeGreaterThanOrEqual(0);
    expect(e?.ece).toBeLessThanOrEqual(1);
  });

  it('refuses fewer than two intents, an intent with one example and an example without a label', () => {
    const one = TRAIN.filter((e) => e.label === 'card_arrival');
    expect(() => trainIntentModel(one, OPTIONS)).toThrow(IntentTrainingError);
    expect(() => trainIntentModel(one, OPTIONS)).toThrow('at least 2 intents, got 1 (card_arrival)');
    expect(() => trainIntentModel([...one, { text: 'hello', label: 'greeting' }], OPTIONS)).toThrow(
      'every intent needs at least 2 examples; 1 has one: greeting',
    );
    expect(() => trainIntentModel([...TRAIN, { text: 'x', label: ' ' }], OPTIONS)).toThrow(
      `example ${TRAIN.length + 1} has no label`,
    );
    expect(() => trainIntentModel([], OPTIONS)).toThrow(DomainError);
  });
});

describe('texts unfamiliar to the model', () => {
  const GERMAN = [
    'Wir wurden doppelt belastet, bitte erstatten Sie den Betrag.',
    'Ich kann mich seit heute Morgen nicht mehr anmelden.',
    'Meine Karte ist noch nicht angekommen.',
  ];

  it('measures the share of a text’s words the model learned from', () => {
    expect(wordCoverage(TRAIN[0]?.text ?? '', MODEL.vocabulary)).toBe(1);
    expect(wordCoverage('', MODEL.vocabulary)).toBe(0);
    expect(wordCoverage('!!! ...', MODEL.vocabulary)).toBe(0);
    // "zzqx" was in no training text, "refund" was: one word of two.
    expect(wordCoverage('zzqx refund', MODEL.vocabulary)).toBe(0.5);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const c = wordCoverage(text, MODEL.vocabulary);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(1);
        expect(predictIntent(MODEL, text).wordCoverage).toBe(c);
      }),
      { numRuns: 200 },
    );
  });

  it('draws the line at the 1st percentile of held-out training texts, never above one half', () => {
    expect(MODEL.minWordCoverage).toBeGreaterThan(0);
    expect(MODEL.minWordCoverage).toBeLessThanOrEqual(0.5);
  });

  it('finds the test phrasings familiar and requests in a language it never saw unfamiliar', () => {
    for (const { text } of TEST) expect(predictIntent(MODEL, text).familiar, text).toBe(true);
    for (const text of GERMAN) expect(predictIntent(MODEL, text).familiar, text).toBe(false);
  });

  it('finds every text familiar when the model predates the line (no minWordCoverage)', () => {
    const { minWordCoverage: _, ...older } = MODEL;
    for (const text of GERMAN) expect(predictIntent(older, text).familiar).toBe(true);
    expect(decodeIntentModel(encodeIntentModel(older)).minWordCoverage).toBeUndefined();
  });
});

describe('the model artifact', () => {
  const bytes = encodeIntentModel(MODEL);

  it('round-trips: the decoded model predicts exactly as the trained one', () => {
    const decoded = decodeIntentModel(bytes);
    expect(decoded.intents).toEqual(MODEL.intents);
    expect(decoded.version).toBe(MODEL.version);
    expect(decoded.evaluation).toEqual(MODEL.evaluation);
    expect(decoded.minWordCoverage).toBe(MODEL.minWordCoverage);
    for (const text of [...TEST.map((t) => t.text), 'something else entirely', ''])
      expect(predictIntent(decoded, text)).toEqual(predictIntent(MODEL, text));
  });

  it('starts with the FDIM magic and the format number', () => {
    expect([...bytes.subarray(0, 4)]).toEqual([...new TextEncoder().encode('FDIM')]);
    expect(bytes[4]).toBe(INTENT_MODEL_FORMAT);
  });

  it('refuses garbage, another format number, a cut-off and a padded artifact by name', () => {
    const refused = (b: Uint8Array) => {
      try {
        decodeIntentModel(b);
      } catch (e: unknown) {
        expect(e).toBeInstanceOf(IntentModelFormatError);
        expect((e as IntentModelFormatError).code).toBe('INTENT.MODEL_UNREADABLE');
        return (e as Error).message;
      }
      throw new Error('decoded');
    };
    expect(refused(new TextEncoder().encode('{"not":"a model"}'))).toContain('no FDIM magic');
    expect(refused(new Uint8Array())).toContain('no FDIM magic');
    const other = bytes.slice();
    other[4] = 2;
    expect(refused(other)).toContain('unsupported format 2');
    expect(refused(bytes.subarray(0, bytes.length - 1))).toContain('truncated');
    expect(refused(bytes.subarray(0, 40))).toContain('truncated header');
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes);
    expect(refused(padded)).toContain('3 bytes after the end');
  });
});

describe('intent text preparation', () => {
  it('keeps the subject and the new part of the first message, without quoted reply or signature', () => {
    const body = [
      'We were charged twice this month.',
      'Please refund one of the payments.',
      '',
      '-- ',
      'Dana Smith',
      'Head of Finance, BigCorp',
      '',
      'On Mon, 1 Dec 2026 at 09:00, Support <support@example.com> wrote:',
      '> Your invoice INV-1 is attached.',
    ].join('\n');
    const text = intentText('  Double   charge ', body);
    expect(text).toBe('Double charge We were charged twice this month. Please refund one of the payments.');
    expect(text).not.toContain('Dana');
    expect(text).not.toContain('invoice');
  });

  it('reads a message without subject or body as empty', () => {
    expect(intentText('', '')).toBe('');
    expect(intentText('Refund', '')).toBe('Refund');
  });
});

describe('calibration', () => {
  it('fits the temperature at which the confidence matches how often the top score is right', () => {
    // 1000 items, two classes, the true class ahead by 1 in 73 % of them: softmax(1/T) must be 0.73.
    const n = 1000;
    const scores = new Float64Array(n * 2);
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      scores[i * 2] = 1;
      truth[i] = i % 100 < 73 ? 0 : 1;
    }
    const t = fitTemperature(scores, truth, 2);
    const p = softmax([1, 0], t, new Float64Array(2));
    expect(p[0]).toBeCloseTo(0.73, 3);
  });

  it('is less sure of gibberish than of a clear request, and never below a uniform guess', () => {
    const clear = predictIntent(MODEL, 'please refund the double charge').confidence;
    const gibberish = predictIntent(MODEL, 'zzqx vvbn').confidence;
    expect(clear).toBeGreaterThan(gibberish);
    expect(gibberish).toBeGreaterThanOrEqual(1 / MODEL.intents.length);
  });

  it('measures the expected calibration error per bin', () => {
    // bin 0.9: 10 at 0.95, 8 right → |0.8 − 0.95| · 10; bin 0.6: 10 at 0.6, 6 right → 0. ECE = 1.5 / 20.
    const pairs = [
      ...Array.from({ length: 10 }, (_, i) => ({
        predicted: 'a',
        actual: i < 8 ? 'a' : 'b',
        confidence: 0.95,
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        predicted: 'a',
        actual: i < 6 ? 'a' : 'b',
        confidence: 0.6,
      })),
    ];
    expect(expectedCalibrationError(pairs)).toBeCloseTo(0.075, 10);
  });
});

describe('evaluateIntents', () => {
  it('computes accuracy, macro-F1 and per-intent precision and recall by hand', () => {
    const e = evaluateIntents([
      { predicted: 'a', actual: 'a', confidence: 0.9 },
      { predicted: 'a', actual: 'b', confidence: 0.8 },
      { predicted: 'b', actual: 'b', confidence: 0.7 },
      { predicted: 'c', actual: 'b', confidence: 0.6 },
    ]);
    expect(e.accuracy).toBe(0.5);
    expect(e.perIntent).toEqual([
      { intent: 'a', precision: 0.5, recall: 1, support: 1 },
      { intent: 'b', precision: 1, recall: 1 / 3, support: 3 },
      { intent: 'c', precision: 0, recall: 0, support: 0 },
    ]);
    // F1: a 2/3, b 0.5, c 0 → macro (2/3 + 1/2 + 0) / 3.
    expect(e.macroF1).toBeCloseTo((2 / 3 + 0.5) / 3, 10);
    // At ≥ 0.9 one of one right (1.0); at ≥ 0.8 1 of 2 (0.5); lower never reaches 0.95 again.
    expect(e.coverageAtPrecision95).toBe(0.25);
  });

  it('takes the lowest threshold that still reaches 95 % precision, even after a dip', () => {
    // 20 items by falling confidence: the 2nd is wrong (precision 0.5 at it), the rest right: at the
    // lowest threshold 19 of 20 are right (0.95), so every item is covered.
    const pairs = Array.from({ length: 20 }, (_, i) => ({
      predicted: 'a',
      actual: i === 1 ? 'b' : 'a',
      confidence: 1 - i / 40,
    }));
    expect(evaluateIntents(pairs).coverageAtPrecision95).toBe(1);
    // Two wrong out of 20: the best is the first item alone (1/1).
    const worse = pairs.map((p, i) => (i === 5 ? { ...p, actual: 'b' } : p));
    expect(evaluateIntents(worse).coverageAtPrecision95).toBe(1 / 20);
  });

  it('lets items of equal confidence stand or fall together', () => {
    const e = evaluateIntents([
      { predicted: 'a', actual: 'a', confidence: 0.9 },
      { predicted: 'a', actual: 'b', confidence: 0.9 },
    ]);
    expect(e.coverageAtPrecision95).toBe(0);
  });

  it('answers zeros for no pairs', () => {
    expect(evaluateIntents([])).toEqual({
      accuracy: 0,
      macroF1: 0,
      coverageAtPrecision95: 0,
      ece: 0,
      perIntent: [],
    });
  });
});
