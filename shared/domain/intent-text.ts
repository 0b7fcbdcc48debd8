/**
 * Text preparation and features of the intent classifier (issue 19), shared by training and prediction.
 * A text becomes two bags of hashed n-grams: words (1–2-grams) and characters inside word boundaries
 * (`char_wb` 2–5-grams of the word padded with a space, which tolerates typos and inflections). Each
 * n-gram is a 32-bit FNV-1a hash of its characters with the view and length mixed in, so the model stores
 * four bytes per feature instead of a vocabulary of strings; a rare collision only merges two features.
 */
import { stripQuotedReply } from './mail';

/** Which n-grams a model was trained on; stored in the artifact so prediction extracts the same ones. */
export interface IntentFeatureSpec {
  readonly wordMin: number;
  readonly wordMax: number;
  readonly charMin: number;
  readonly charMax: number;
}

export const DEFAULT_FEATURE_SPEC: IntentFeatureSpec = { wordMin: 1, wordMax: 2, charMin: 2, charMax: 5 };

/** The two views a text is seen in: each is L2-normalised on its own, so neither drowns the other. */
export const VIEW_WORD = 0;
export const VIEW_CHAR = 1;

const MAX_TEXT = 4000;

/**
 * Subject + the new part of the first message (quoted replies and the signature stripped by
 * `stripQuotedReply`), whitespace normalised to single spaces. Case is kept: features lower-case.
 */
export function intentText(subject: string, body: string): string {
  const fresh = stripQuotedReply(typeof body === 'string' ? body : '');
  const parts = [typeof subject === 'string' ? subject : '', fresh];
  return parts
    .map((p) => p.replace(/\s+/gu, ' ').trim())
    .filter((p) => p !== '')
    .join(' ')
    .slice(0, MAX_TEXT);
}

/** The words a text's features are made of: NFKC, lower case, runs of letters and digits. */
export function intentTokens(text: string): string[] {
  const clean = (typeof text === 'string' ? text : '').slice(0, MAX_TEXT).normalize('NFKC').toLowerCase();
  return clean.match(/[\p{L}\p{N}]+/gu) ?? [];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, continuing from `h`. */
function mix(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

/** A feature's id: the view and n-gram kind mixed in first, then its characters. */
function seedOf(kind: number): number {
  return mix(FNV_OFFSET, 0xe000 + kind);
}

/** The hash of the word n-gram `words[i..i+n)`: the words joined with a space. */
function wordGram(words: readonly string[], i: number, n: number, seed: number): number {
  let h = seed;
  for (let k = 0; k < n; k++) {
    const w = words[i + k] ?? '';
    if (k > 0) h = mix(h, 32);
    for (let j = 0; j < w.length; j++) h = mix(h, w.charCodeAt(j));
  }
  return h;
}

/** Each word's feature hash as a word 1-gram, in text order (repeats kept). */
export function wordHashes(text: string): number[] {
  const words = intentTokens(text);
  const seed = seedOf(1);
  return words.map((_, i) => wordGram(words, i, 1, seed));
}

/**
 * The hashed n-grams of a text with their counts, per view. `add(view, hash)` is called once per
 * occurrence; callers count. Word n-grams join words with a space; char n-grams run over ` word `.
 */
export function forEachFeature(
  text: string,
  spec: IntentFeatureSpec,
  add: (view: number, hash: number) => void,
): void {
  const words = intentTokens(text);
  for (let n = spec.wordMin; n <= spec.wordMax; n++) {
    const seed = seedOf(n);
    for (let i = 0; i + n <= words.length; i++) add(VIEW_WORD, wordGram(words, i, n, seed));
  }
  for (const w of words) {
    const len = w.length + 2;
    const at = (j: number) => (j === 0 || j === len - 1 ? 32 : w.charCodeAt(j - 1));
    // A padded word shorter than n has no n-gram: its shorter ones already hold all of it.
    for (let n = spec.charMin; n <= Math.min(spec.charMax, len); n++) {
      const seed = seedOf(100 + n);
      for (let s = 0; s + n <= len; s++) {
        let h = seed;
        for (let j = s; j < s + n; j++) h = mix(h, at(j));
        add(VIEW_CHAR, h);
      }
    }
  }
}
