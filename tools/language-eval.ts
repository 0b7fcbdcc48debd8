/**
 * `npm run -s language:eval -- [--english <csv>] [--samples <dir>]`: how the language detector intake uses
 * (TinyLanguageDetector, the default workflow's languages) does on short support requests. `--english`: a
 * `text,category` CSV of English texts (default BANKING77's training split beside the repository); `--samples`:
 * a directory of `<language>.txt` files, one request per line, `#` lines skipped (default
 * test/fixtures/languages). Prints per language what was answered, then, as the last line, one JSON object:
 *   {"englishTexts","englishWrong","englishNone","samples","samplesRight","samplesWrong","samplesNone"}
 * (shares of the texts long enough to detect). Bad arguments or unreadable files: exit 2.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { detectionSample, TinyLanguageDetector } from '../shared/adapters/language-detector';
import { DEFAULT_LANGUAGE } from '../shared/config/intent';
import { readIntentCsv } from './intent-csv';

const ROOT = resolve(import.meta.dirname, '..');
const USAGE = 'usage: npm run -s language:eval -- [--english <csv>] [--samples <dir>]';

/** One text's answer, counted against the language it is in. */
export interface LanguageTally {
  right: number;
  wrong: number;
  none: number;
}

/** Texts of a `<language>.txt` sample file: one per line, blank and `#` lines left out. */
export function sampleLines(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Detects each text long enough to detect and counts the answers against `language`. */
export async function tally(
  detector: TinyLanguageDetector,
  texts: readonly string[],
  language: string,
): Promise<LanguageTally> {
  const counts: LanguageTally = { right: 0, wrong: 0, none: 0 };
  for (const text of texts) {
    if (detectionSample(text).length < DEFAULT_LANGUAGE.minLength) continue;
    const found = await detector.detect(text);
    if (found === undefined) counts.none += 1;
    else if (found === language) counts.right += 1;
    else counts.wrong += 1;
  }
  return counts;
}

const total = (t: LanguageTally) => t.right + t.wrong + t.none;
const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10_000) / 10_000);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { english: { type: 'string' }, samples: { type: 'string' } },
  });
  const englishFile = values.english ?? join(ROOT, '../shared/data/banking77/train.csv');
  const samplesDir = values.samples ?? join(ROOT, 'test/fixtures/languages');
  const detector = new TinyLanguageDetector(DEFAULT_LANGUAGE);

  const english = await tally(
    detector,
    (await readIntentCsv(englishFile)).map((e) => e.text),
    'en',
  );
  console.log(
    `English (${basename(englishFile)}): ${total(english)} texts, ${english.right} en, ${english.wrong} another language, ${english.none} none`,
  );
  const samples: LanguageTally = { right: 0, wrong: 0, none: 0 };
  for (const file of (await readdir(samplesDir)).filter((f) => /^[a-z]{2}\.txt$/.test(f)).sort()) {
    const language = file.slice(0, 2);
    const counts = await tally(
      detector,
      sampleLines(await readFile(join(samplesDir, file), 'utf8')),
      language,
    );
    console.log(
      `${language}: ${total(counts)} texts, ${counts.right} right, ${counts.wrong} wrong, ${counts.none} none`,
    );
    samples.right += counts.right;
    samples.wrong += counts.wrong;
    samples.none += counts.none;
  }
  console.log(
    JSON.stringify({
      englishTexts: total(english),
      englishWrong: share(english.wrong, total(english)),
      englishNone: share(english.none, total(english)),
      samples: total(samples),
      samplesRight: share(samples.right, total(samples)),
      samplesWrong: share(samples.wrong, total(samples)),
      samplesNone: share(samples.none, total(samples)),
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(
      `language:eval: ${message.startsWith('Unknown option') || message.includes('argument') ? `${message}; ${USAGE}` : message}`,
    );
    process.exit(2);
  });
}
