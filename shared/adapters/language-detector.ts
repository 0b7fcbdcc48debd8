import type { LanguageConfig } from '../config/intent';
import type { LanguageDetectorPort } from '../use-cases/ports';

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
 * request whose door names its language never loads it.
 */
export class TinyLanguageDetector implements LanguageDetectorPort {
  private tinyld: Promise<typeof import('tinyld/light')> | undefined;

  constructor(private readonly config: LanguageConfig) {}

  async detect(text: string): Promise<string | undefined> {
    const sample = text.replace(/\s+/g, ' ').trim().slice(0, 2000);
    if (sample.length < this.config.minLength) return undefined;
    this.tinyld ??= import('tinyld/light');
    const found = (await this.tinyld).detect(sample);
    return /^[a-z]{2}$/.test(found) && this.config.detect.includes(found) ? found : undefined;
  }
}
