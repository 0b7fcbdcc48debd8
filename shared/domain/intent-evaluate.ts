/**
 * Figures of an intent classifier's predictions against the truth: accuracy, macro-F1, per-intent
 * precision and recall, coverage at 95 % precision and the expected calibration error. Used on held-out
 * predictions while training, by `intent:eval`, and on agents' confirmations for the dashboard.
 */
import type { IntentEvaluation } from './intent-types';

export interface PredictedPair {
  readonly predicted: string;
  readonly actual: string;
  readonly confidence: number;
}

/**
 * The share of items whose confidence clears the lowest threshold at which precision among the items
 * at or above it is ≥ 0.95 (items of equal confidence stand or fall together); 0 when none reaches it.
 */
export function coverageAtPrecision(pairs: readonly PredictedPair[], target = 0.95): number {
  if (pairs.length === 0) return 0;
  const sorted = [...pairs].sort((a, b) => b.confidence - a.confidence);
  let right = 0;
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i] as PredictedPair;
    if (p.predicted === p.actual) right++;
    const next = sorted[i + 1];
    if (next !== undefined && next.confidence === p.confidence) continue;
    if (right / (i + 1) >= target) best = i + 1;
  }
  return best / sorted.length;
}

/** Expected calibration error: |accuracy − mean confidence| per equal-width bin, weighted by its size. */
export function expectedCalibrationError(pairs: readonly PredictedPair[], bins = 10): number {
  if (pairs.length === 0) return 0;
  const n = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  for (const p of pairs) {
    const c = Math.min(Math.max(p.confidence, 0), 1);
    const b = Math.min(Math.floor(c * bins), bins - 1);
    n[b] = (n[b] as number) + 1;
    conf[b] = (conf[b] as number) + c;
    if (p.predicted === p.actual) right[b] = (right[b] as number) + 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) ece += Math.abs((right[b] as number) - (conf[b] as number));
  return ece / pairs.length;
}

/**
 * Accuracy, macro-F1 and per-intent precision/recall over every intent that is predicted or actual
 * (an intent never predicted has precision 0), coverage at 95 % precision, and the ECE. Empty: zeros.
 */
export function evaluateIntents(pairs: readonly PredictedPair[]): IntentEvaluation {
  const tp = new Map<string, number>();
  const predicted = new Map<string, number>();
  const actual = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let right = 0;
  for (const p of pairs) {
    bump(predicted, p.predicted);
    bump(actual, p.actual);
    if (p.predicted === p.actual) {
      right++;
      bump(tp, p.actual);
    }
  }
  const intents = [...new Set([...predicted.keys(), ...actual.keys()])].sort();
  let f1Sum = 0;
  const perIntent = intents.map((intent) => {
    const t = tp.get(intent) ?? 0;
    const np = predicted.get(intent) ?? 0;
    const support = actual.get(intent) ?? 0;
    const precision = np === 0 ? 0 : t / np;
    const recall = support === 0 ? 0 : t / support;
    f1Sum += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { intent, precision, recall, support };
  });
  return {
    accuracy: pairs.length === 0 ? 0 : right / pairs.length,
    macroF1: intents.length === 0 ? 0 : f1Sum / intents.length,
    coverageAtPrecision95: coverageAtPrecision(pairs),
    ece: expectedCalibrationError(pairs),
    perIntent,
  };
}
