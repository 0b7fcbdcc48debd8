/**
 * The learned intent and the detected language (issue 19). A model trained on the team's labelled tickets
 * predicts each new request's intent with a calibrated confidence; rules act on it only at or above
 * `minConfidence`, and a request that names no request type takes the one its intent maps to only then —
 * below it (or while no model exists) today's keyword rules decide, as before.
 */
import * as z from '../domain/zod';
import { confidence } from './primitives';

// An intent is a label of the training data: a request type, or anything a CSV says (`card_arrival`).
export const IntentName = z.string().check(z.trim(), z.minLength(1), z.maxLength(64));

/** ISO 639-1, lower case: what the detector writes into a ticket's `language`. */
export const LanguageCode = z.string().check(z.regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code, like de'));

export const IntentConfigSchema = z.object({
  /**
   * At or above it a request without a request type takes its intent's; conditions on `intent` without
   * their own `minConfidence` hold at or above it too.
   */
  minConfidence: z._default(confidence, 0.8),
  /**
   * Intents whose name is not the request type they mean. An intent named like a request type means that
   * one without a line here; any other intent sets no request type (rules can still use it).
   */
  requestTypes: z._default(z.record(IntentName, z.string()), {}),
  /** Training refuses with fewer labelled tickets than this: the model stays as it was (or off). */
  minExamples: z._default(z.int().check(z.minimum(2), z.maximum(1_000_000)), 20),
});
export type IntentConfig = z.infer<typeof IntentConfigSchema>;

export const DEFAULT_INTENT: IntentConfig = { minConfidence: 0.8, requestTypes: {}, minExamples: 20 };

export const LanguageConfigSchema = z.object({
  /** The languages the detector chooses among: fewer candidates, fewer mistakes on short text. */
  detect: z._default(z.array(LanguageCode).check(z.minLength(1), z.maxLength(50)), [
    'en',
    'de',
    'fr',
    'es',
    'it',
    'pt',
    'nl',
  ]),
  /** Shorter texts get no language: below a sentence or two, every detector guesses. */
  minLength: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 20),
});
export type LanguageConfig = z.infer<typeof LanguageConfigSchema>;

export const DEFAULT_LANGUAGE: LanguageConfig = {
  detect: ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'],
  minLength: 20,
};

/** The request type an intent means under `config`, or undefined when it means none. */
export function requestTypeForIntent(
  intent: string,
  config: { readonly intent: IntentConfig; readonly requestTypes: Readonly<Record<string, unknown>> },
): string | undefined {
  const mapped = Object.hasOwn(config.intent.requestTypes, intent)
    ? config.intent.requestTypes[intent]
    : intent;
  return mapped !== undefined && Object.hasOwn(config.requestTypes, mapped) ? mapped : undefined;
}
