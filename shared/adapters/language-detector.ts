import type { LanguageConfig } from '../config/intent';
import type { LanguageDetectorPort } from '../use-cases/ports';

/** One language's score for a text, as tinyld's `detectAll` gives them (best first). */
export interface LanguageScore {
  readonly lang: string;
  readonly accuracy: number;
}

/**
 * How sure the detector must be to answer (tinyld's scores, chosen on English and foreign support requests,
 * see the README): the best language's score at least `minScore`, and `minLead` times the runner-up's.
 * Without them tinyld's light profile gave 1.7 % of BANKING77's English requests another language
 * ("Help! I lost my card!" Spanish, "Can I schedule future top ups?" German): a customer acknowledged in a
 * language they did not write is worse than one acknowledged in the default template.
 */
export const LANGUAGE_CERTAINTY = { minScore: 0.06, minLead: 1.3 } as const;

/**
 * The language to record from tinyld's scores: the best one when it is a candidate and clearly ahead, else
 * undefined. Pure: the detector's rule, tested on its own.
 */
export function chooseLanguage(
  scores: readonly LanguageScore[],
  candidates: readonly string[],
  certainty: { readonly minScore: number; readonly minLead: number } = LANGUAGE_CERTAINTY,
): string | undefined {
  const [best, next] = scores;
  if (best === undefined || !/^[a-z]{2}$/.test(best.lang) || !candidates.includes(best.lang))
    return undefined;
  if (!(best.accuracy >= certainty.minScore)) return undefined;
  if (next !== undefined && !(best.accuracy >= certainty.minLead * next.accuracy)) return undefined;
  return best.lang;
}

/** What the detector reads of a text: whitespace runs as one space, trimmed, the first 2,000 characters. */
export function detectionSample(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 2000);
}

/**
 * The language of a request's first message with tinyld's light profile (n-gram tables of 24 languages in
 * ~70 kB of code, nothing downloaded), answered only when it is one of the workflow's candidate languages,
 * as ISO 639-1 (`de`) as tickets carry it. The detection runs over all of tinyld's languages: restricted to
 * the candidates (its `only` option) it answers the nearest candidate for any other language (Swedish as
 * Dutch, French as English), so a request in another language would get a wrong one instead of none. Texts
 * shorter than `minLength` get no language: on two or three words every detector guesses. (franc-min, tried
 * first, called half a German sentence Dutch and a short English one French; tinyld got both right. ELD,
 * tried after, is more accurate on short text but its smallest profile is 1 MB of code that takes over a
 * second to initialise: too much for an intake function's cold start. tinyld's light profile is 80 kB.)
 * Even tinyld unpacks its profile when it loads (30 ms and more of an intake function's module
 * initialisation), so it is imported on the first text long enough to detect: a reply, a bounce or a
 * request whose door names its language never loads it. It answers only when one language is clearly ahead
 * (`chooseLanguage`): on a short line the light profile's best guess is often wrong.
 */
export class TinyLanguageDetector implements LanguageDetectorPort {
  private tinyld: Promise<typeof import('tinyld/light')> | undefined;

  constructor(private readonly config: LanguageConfig) {}

  async detect(text: string): Promise<string | undefined> {
    const sample = detectionSample(text);
    if (sample.length < this.config.minLength) return undefined;
    this.tinyld ??= import('tinyld/light');
    return chooseLanguage((await this.tinyld).detectAll(sample), this.config.detect);
  }
}
