import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseLanguage,
  LANGUAGE_CERTAINTY,
  type LanguageScore,
  TinyLanguageDetector,
} from '../../shared/adapters/language-detector';
import { DEFAULT_LANGUAGE } from '../../shared/config/intent';
import { sampleLines, tally } from '../../tools/language-eval';

const SAMPLES = join(import.meta.dirname, '../fixtures/languages');
const samples = (file: string) => sampleLines(readFileSync(join(SAMPLES, file), 'utf8'));
const detector = new TinyLanguageDetector(DEFAULT_LANGUAGE);

describe('the language a ticket gets from short support requests', () => {
  // Lines of English that tinyld's light profile, asked for its best guess alone, put in another language.
  it.each(samples('en-hard.txt'))('gives no other language than English to %j', async (text) => {
    expect([undefined, 'en']).toContain(await detector.detect(text));
  });

  const languages = readdirSync(SAMPLES)
    .filter((f) => /^[a-z]{2}\.txt$/.test(f))
    .map((f) => f.slice(0, 2));

  it('has samples of every language the default workflow detects besides English', () => {
    expect(languages.sort()).toEqual(DEFAULT_LANGUAGE.detect.filter((l) => l !== 'en').sort());
  });

  it.each(languages)('finds %s in most of its samples and never another language', async (language) => {
    const texts = samples(`${language}.txt`);
    const counts = await tally(detector, texts, language);
    expect(counts.wrong).toBe(0);
    expect(counts.right + counts.none).toBe(texts.length);
    // Measured: 14 to 16 of 16 per language (npm run -s language:eval).
    expect(counts.right).toBeGreaterThanOrEqual(12);
  });
});

describe('chooseLanguage', () => {
  const CANDIDATES = ['en', 'de', 'fr'];
  const score = (lang: string, accuracy: number): LanguageScore => ({ lang, accuracy });

  it('answers the best language when it is a candidate, sure enough and clearly ahead', () => {
    expect(chooseLanguage([score('de', 0.5), score('nl', 0.1)], CANDIDATES)).toBe('de');
    expect(chooseLanguage([score('fr', 1)], CANDIDATES)).toBe('fr');
  });

  it('answers nothing when the best is not a candidate, too unsure, or not clearly ahead', () => {
    expect(chooseLanguage([score('sv', 0.9), score('de', 0.1)], CANDIDATES)).toBeUndefined();
    expect(chooseLanguage([score('de', LANGUAGE_CERTAINTY.minScore / 2)], CANDIDATES)).toBeUndefined();
    // tinyld on "Help! I lost my card!": Spanish and Polish tied at the top.
    expect(chooseLanguage([score('en', 0.0667), score('pl', 0.0667)], CANDIDATES)).toBeUndefined();
    expect(chooseLanguage([], CANDIDATES)).toBeUndefined();
    expect(chooseLanguage([score('zh-TW', 1)], ['zh-TW'])).toBeUndefined();
  });

  it('answers a candidate only when the best score clears both bars (any scores)', () => {
    const scores = fc
      .array(
        fc.record({ lang: fc.constantFrom('en', 'de', 'fr', 'nl', 'sv', 'xx', ''), accuracy: fc.double() }),
        {
          maxLength: 5,
        },
      )
      .map((list) => [...list].sort((a, b) => b.accuracy - a.accuracy));
    fc.assert(
      fc.property(scores, (list) => {
        const found = chooseLanguage(list, CANDIDATES);
        if (found === undefined) return;
        const [best, next] = list;
        expect(best?.lang).toBe(found);
        expect(CANDIDATES).toContain(found);
        expect(best?.accuracy).toBeGreaterThanOrEqual(LANGUAGE_CERTAINTY.minScore);
        if (next) expect(best?.accuracy).toBeGreaterThanOrEqual(LANGUAGE_CERTAINTY.minLead * next.accuracy);
      }),
      { numRuns: 300 },
    );
  });

  it('detects any text without throwing, answering a configured language or nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (text) => {
        const found = await detector.detect(text);
        if (found !== undefined) expect(DEFAULT_LANGUAGE.detect).toContain(found);
      }),
      { numRuns: 200 },
    );
  });
});
