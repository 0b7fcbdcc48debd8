import { describe, expect, it } from 'vitest';
import { ModelIntentClassifier } from '../../shared/adapters/intent-classifier';
import { TinyLanguageDetector } from '../../shared/adapters/language-detector';
import { DEFAULT_LANGUAGE } from '../../shared/config/intent';
import {
  encodeIntentModel,
  IntentModelFormatError,
  intentText,
  type LabelledText,
  trainIntentModel,
} from '../../shared/domain/intent-model';
import type { IntentModelInfo, IntentModelStorePort } from '../../shared/use-cases/ports';

const EXAMPLES: Record<string, string[]> = {
  password_reset: [
    'I forgot my password and cannot log in',
    'How do I reset my password?',
    'Password reset link does not arrive',
    'Locked out of my account, need a new password',
    'The reset password email never came',
    'Cannot sign in, password is wrong',
    'Please help me change my password',
    'My login password expired',
    'Reset my account password please',
    'I keep getting invalid password when logging in',
  ],
  refund_request: [
    'I was charged twice, please refund',
    'I want my money back for this order',
    'Please refund the double payment',
    'Refund for the cancelled subscription',
    'You billed me by mistake, return the money',
    'Requesting a refund of last month',
    'Charged the wrong amount, I need a refund',
    'Money back please, the product was broken',
    'When will my refund arrive?',
    'Please reverse this charge on my card',
  ],
  card_arrival: [
    'My new card has not arrived yet',
    'When will my card be delivered?',
    'Still waiting for the card in the post',
    'The card you sent never arrived',
    'How long does card delivery take?',
    'Card not received after two weeks',
    'Where is my debit card?',
    'Has my replacement card been shipped?',
    'Track the delivery of my new card',
    'I ordered a card and it is not here',
  ],
};
const TRAINING: LabelledText[] = Object.entries(EXAMPLES).flatMap(([label, texts]) =>
  texts.map((text) => ({ text: intentText(text, ''), label })),
);

function trained(version: string): { info: IntentModelInfo; artifact: Uint8Array } {
  const model = trainIntentModel(TRAINING, { version, trainedAt: new Date('2026-12-06T08:00:00Z') });
  const artifact = encodeIntentModel(model);
  return {
    info: {
      version,
      key: `models/intent/${version}.bin`,
      trainedAt: model.trainedAt,
      examples: model.examples,
      intents: model.intents,
      bytes: artifact.byteLength,
    },
    artifact,
  };
}

// Trained once for the file: deterministic, and the same bytes under two versions differ only in the header.
const V1 = trained('v1');
const V2 = trained('v2');

/** The model store in memory: the marker, the artifacts by key, and what was asked of it. */
class MemoryModels implements IntentModelStorePort {
  marker: IntentModelInfo | undefined;
  readonly artifacts = new Map<string, Uint8Array>();
  currentCalls = 0;
  readonly reads: string[] = [];
  /** Errors the next reads throw, one each, before reading works again. */
  readonly failReads: Error[] = [];
  failCurrent: Error | undefined;

  async current(): Promise<IntentModelInfo | undefined> {
    this.currentCalls++;
    if (this.failCurrent) throw this.failCurrent;
    return this.marker;
  }

  async read(info: IntentModelInfo): Promise<Uint8Array> {
    this.reads.push(info.version);
    const failure = this.failReads.shift();
    if (failure) throw failure;
    const bytes = this.artifacts.get(info.key);
    if (!bytes) throw new Error(`no artifact at ${info.key}`);
    return bytes;
  }

  async save(info: IntentModelInfo, artifact: Uint8Array): Promise<void> {
    this.artifacts.set(info.key, artifact);
    this.marker = info;
  }
}

function classifier(models: MemoryModels) {
  const errors: unknown[] = [];
  return { classifier: new ModelIntentClassifier(models, (e) => errors.push(e)), errors };
}

describe('ModelIntentClassifier', () => {
  it('answers no prediction while no model exists, without an error or a read', async () => {
    const models = new MemoryModels();
    const { classifier: c, errors } = classifier(models);
    expect(await c.predict('I forgot my password', 'cannot log in')).toBeUndefined();
    expect(await c.predict('Where is my card?', '')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(models.reads).toEqual([]);
    expect(models.currentCalls).toBe(2);
  });

  it('predicts with the model in force: name, confidence in [0, 1], up to three best first, its version', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, V1.artifact);
    const { classifier: c, errors } = classifier(models);

    const cases = [
      ['Forgot password', 'I cannot log in, please reset my password', 'password_reset'],
      ['Double charge', 'You charged me twice, I want a refund', 'refund_request'],
      ['Card', 'My new card still has not arrived in the post', 'card_arrival'],
    ] as const;
    for (const [subject, body, expected] of cases) {
      const p = await c.predict(subject, body);
      expect(p?.name, `${subject}: ${body}`).toBe(expected);
      expect(p?.modelVersion).toBe('v1');
      const confidence = p?.confidence as number;
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
      // Rounded to four places, as a ticket keeps it.
      expect(Math.round(confidence * 10_000) / 10_000).toBe(confidence);
      expect(p?.top.length).toBeGreaterThan(0);
      expect(p?.top.length).toBeLessThanOrEqual(3);
      expect(p?.top[0]).toEqual({ name: p?.name, confidence: p?.confidence });
      const scores = p?.top.map((t) => t.confidence) ?? [];
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const s of scores) expect(s >= 0 && s <= 1).toBe(true);
      expect(new Set(p?.top.map((t) => t.name)).size).toBe(p?.top.length);
    }
    expect(errors).toEqual([]);
  });

  it('reads and decodes the artifact once per version, reads the marker on every request', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, V1.artifact);
    const { classifier: c, errors } = classifier(models);

    for (let i = 0; i < 25; i++)
      expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v1');
    expect(models.reads).toEqual(['v1']);
    expect(models.currentCalls).toBe(25);

    // The marker moves: the next request picks the new model up, and keeps it.
    await models.save(V2.info, V2.artifact);
    for (let i = 0; i < 10; i++)
      expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v2');
    expect(models.reads).toEqual(['v1', 'v2']);
    expect(errors).toEqual([]);
  });

  it('answers no prediction for an artifact that does not decode, tells onError once, and does not retry it', async () => {
    const models = new MemoryModels();
    await models.save(
      { ...V1.info, version: 'v-bad', key: 'models/intent/v-bad.bin' },
      Uint8Array.from([1, 2, 3]),
    );
    const { classifier: c, errors } = classifier(models);

    expect(await c.predict('Refund', 'charged twice')).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(IntentModelFormatError);

    // The same broken version is not read again: no prediction, no further error.
    for (let i = 0; i < 5; i++) expect(await c.predict('Refund', 'charged twice')).toBeUndefined();
    expect(models.reads).toEqual(['v-bad']);
    expect(errors).toHaveLength(1);

    // A new marker is tried, and works.
    await models.save(V2.info, V2.artifact);
    expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v2');
    expect(models.reads).toEqual(['v-bad', 'v2']);
    expect(errors).toHaveLength(1);
  });

  it('keeps predicting with the model it has when a newer artifact does not decode', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, V1.artifact);
    const { classifier: c, errors } = classifier(models);
    expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v1');

    const truncated = V2.artifact.subarray(0, V2.artifact.byteLength - 10);
    await models.save(V2.info, truncated);
    expect(await c.predict('Refund', 'charged twice')).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(IntentModelFormatError);

    // The marker goes back to v1 (say, restored by hand): the loaded model answers without a read.
    models.marker = V1.info;
    expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v1');
    expect(models.reads).toEqual(['v1', 'v2']);
  });

  it('tries the artifact again after a read that failed (a transient store error is not a broken model)', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, V1.artifact);
    const throttled = new Error('SlowDown: please reduce your request rate');
    models.failReads.push(throttled);
    const { classifier: c, errors } = classifier(models);

    expect(await c.predict('Refund', 'charged twice')).toBeUndefined();
    expect(errors).toEqual([throttled]);

    expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v1');
    expect(models.reads).toEqual(['v1', 'v1']);
    expect(errors).toEqual([throttled]);
  });

  it('answers no prediction when the marker cannot be read, telling onError each time', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, V1.artifact);
    const down = new Error('ProvisionedThroughputExceededException');
    models.failCurrent = down;
    const { classifier: c, errors } = classifier(models);

    expect(await c.predict('Refund', 'charged twice')).toBeUndefined();
    expect(await c.predict('Refund', 'charged twice')).toBeUndefined();
    expect(errors).toEqual([down, down]);
    expect(models.reads).toEqual([]);

    models.failCurrent = undefined;
    expect((await c.predict('Refund', 'charged twice'))?.modelVersion).toBe('v1');
  });

  it('answers no prediction for a text unfamiliar to the model (a language it never saw), without an error', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, V1.artifact);
    const { classifier: c, errors } = classifier(models);
    expect(
      await c.predict('Doppelt belastet', 'Wir wurden doppelt belastet, bitte erstatten Sie den Betrag.'),
    ).toBeUndefined();
    expect(await c.predict('Double charge', 'You charged me twice, I want a refund')).toBeDefined();
    expect(errors).toEqual([]);
  });

  it('never lets an error escape when no onError is given', async () => {
    const models = new MemoryModels();
    await models.save(V1.info, Uint8Array.from([0]));
    await expect(new ModelIntentClassifier(models).predict('a', 'b')).resolves.toBeUndefined();
  });
});

describe('TinyLanguageDetector', () => {
  const SENTENCES = {
    de: 'Guten Tag, ich habe meine Rechnung zweimal bezahlt und möchte das Geld bitte zurück.',
    fr: "Bonjour, je n'arrive pas à me connecter à mon compte depuis hier, pouvez-vous m'aider ?",
    en: 'Hello, I was charged twice for my subscription this month and would like a refund please.',
  };

  it('detects German, French and English among the configured languages (ISO 639-1)', async () => {
    const detector = new TinyLanguageDetector(DEFAULT_LANGUAGE);
    expect(await detector.detect(SENTENCES.de)).toBe('de');
    expect(await detector.detect(SENTENCES.fr)).toBe('fr');
    expect(await detector.detect(SENTENCES.en)).toBe('en');
  });

  it('detects the language of a first message with line breaks and indentation', async () => {
    const detector = new TinyLanguageDetector(DEFAULT_LANGUAGE);
    expect(
      await detector.detect(`Hallo,\n\n   mein Passwort\n\tfunktioniert nicht mehr.\n\nViele Grüße`),
    ).toBe('de');
  });

  it('answers nothing for a text shorter than the minimum length (counted after collapsing spaces)', async () => {
    const text = 'Mein Passwort ist weg';
    const exactly = new TinyLanguageDetector({ detect: ['en', 'de', 'fr'], minLength: text.length });
    expect(await exactly.detect(text)).toBe('de');
    const longer = new TinyLanguageDetector({ detect: ['en', 'de', 'fr'], minLength: text.length + 1 });
    expect(await longer.detect(text)).toBeUndefined();
    // Padding with whitespace does not make a text long enough.
    expect(await longer.detect(`   ${text.replace(/ /g, '    ')}   \n\n`)).toBeUndefined();
    expect(await new TinyLanguageDetector(DEFAULT_LANGUAGE).detect('Hallo')).toBeUndefined();
    expect(await new TinyLanguageDetector(DEFAULT_LANGUAGE).detect('')).toBeUndefined();
  });

  it('answers nothing for a language outside the configured list, rather than the nearest one in it', async () => {
    const englishAndGerman = new TinyLanguageDetector({ detect: ['en', 'de'], minLength: 20 });
    expect(await englishAndGerman.detect(SENTENCES.en)).toBe('en');
    expect(await englishAndGerman.detect(SENTENCES.de)).toBe('de');
    expect(await englishAndGerman.detect(SENTENCES.fr)).toBeUndefined();
    expect(
      await englishAndGerman.detect(
        'Hola, me cobraron dos veces este mes y quiero que me devuelvan el dinero, por favor.',
      ),
    ).toBeUndefined();

    const defaults = new TinyLanguageDetector(DEFAULT_LANGUAGE);
    expect(await defaults.detect('Jag kan inte logga in på mitt konto sedan i går')).toBeUndefined();
    expect(await defaults.detect('Nie mogę zalogować się na moje konto od wczoraj')).toBeUndefined();
    expect(await defaults.detect('Здравствуйте, с меня дважды списали деньги за подписку.')).toBeUndefined();
  });
});
