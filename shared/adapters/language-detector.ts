import { detect } from 'tinyld/light';
import type { LanguageConfig } from '../config/intent';
import type { LanguageDetectorPort } from '../use-cases/ports';

/**
 * The language of a request's first message with tinyld's light profile (n-gram tables of 24 languages in
 * ~70 kB of code, nothing downloaded), limited to the workflow's candidate languages (fewer candidates, fewer
 * mistakes) and answering ISO 639-1 (`de`) as tickets carry it. Texts shorter than `minLength` get no
 * language: on two or three words every detector guesses. (franc-min, tried first, called half a German
 * sentence Dutch and a short English one French; tinyld got both right.)
 */
export class TinyLanguageDetector implements LanguageDetectorPort {
  constructor(private readonly config: LanguageConfig) {}

  detect(text: string): string | undefined {
    const sample = text.replace(/\s+/g, ' ').trim().slice(0, 2000);
    if (sample.length < this.config.minLength) return undefined;
    const found = detect(sample, { only: [...this.config.detect] });
    return /^[a-z]{2}$/.test(found) && this.config.detect.includes(found) ? found : undefined;
  }
}
