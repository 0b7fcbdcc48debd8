/**
 * The shapes of the intent classifier (issue 19): labelled texts in, a model out, predictions with a
 * calibrated confidence and the top three, and the errors training and decoding raise.
 */
import { DomainError } from './errors';
import type { Vocabulary } from './intent-linear';
import type { IntentFeatureSpec } from './intent-text';

export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

export interface IntentScore {
  readonly intent: string;
  readonly confidence: number;
}

export interface IntentPrediction {
  readonly intent: string;
  /** Calibrated, 0..1: of predictions at 0.9, about 90 % are right. */
  readonly confidence: number;
  /** Best first, up to 3 (includes the winner). */
  readonly top: IntentScore[];
  readonly modelVersion: string;
  /** The share of the text's words the model learned from (`wordCoverage`). */
  readonly wordCoverage: number;
  /**
   * False when fewer of the text's words were in the training texts than of nearly all held-out training
   * texts (below the model's `minWordCoverage`): say, a text in a language they were not in. Its confidence
   * was calibrated on texts like the training ones, not on this, so nothing should act on it.
   */
  readonly familiar: boolean;
}

export interface IntentEvaluation {
  accuracy: number;
  macroF1: number;
  /** Share of items whose confidence clears the lowest threshold with precision ≥ 0.95 at or above it. */
  coverageAtPrecision95: number;
  /** Expected calibration error over 10 equal-width confidence bins. */
  ece?: number;
  perIntent: { intent: string; precision: number; recall: number; support: number }[];
}

/** What `encodeIntentModel`/`decodeIntentModel` round-trip. */
export interface IntentModel {
  readonly version: string;
  /** ISO 8601. */
  readonly trainedAt: string;
  readonly intents: readonly string[];
  readonly examples: number;
  /** Held-out figures measured while training (out-of-fold), for the README / dashboard. */
  readonly evaluation?: IntentEvaluation;
  readonly spec: IntentFeatureSpec;
  readonly viewWeights: readonly [number, number];
  readonly vocabulary: Vocabulary;
  /** `weights[f * intents.length + k]`, int8: the real weight is `weights[…] * scales[k]`. */
  readonly weights: Int8Array;
  readonly scales: Float32Array;
  readonly biases: Float32Array;
  /** Softmax temperature fitted on out-of-fold decision values. */
  readonly temperature: number;
  /**
   * The 1st percentile of the held-out training texts' `wordCoverage` (out-of-fold), at most 0.5: a text
   * below it is unfamiliar. Absent in models trained before it existed (every text is familiar to them).
   */
  readonly minWordCoverage?: number;
}

export interface TrainOptions {
  readonly version: string;
  readonly trainedAt: Date;
  readonly onProgress?: (p: { phase: string; done: number; total: number }) => void;
}

/** Training data a model cannot be learned from: too few intents, an intent with one example, … */
export class IntentTrainingError extends DomainError {
  override readonly name = 'IntentTrainingError';
  readonly code = 'INTENT.TRAINING_REFUSED';
}

/** Bytes that are not a readable intent model: not one at all, another format, truncated. */
export class IntentModelFormatError extends DomainError {
  override readonly name = 'IntentModelFormatError';
  readonly code = 'INTENT.MODEL_UNREADABLE';
}
