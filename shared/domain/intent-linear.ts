/**
 * The numeric core of the intent classifier (issue 19): a vocabulary of hashed n-grams with their
 * document frequencies, sublinear TF-IDF vectors (L2-normalised per view), one-vs-rest linear SVMs
 * (L2-regularised squared hinge loss) trained by dual coordinate descent as LIBLINEAR does
 * (Hsieh et al. 2008: no learning rate, converges in a few dozen passes), and temperature scaling of the
 * decision values into calibrated probabilities. Typed arrays throughout; randomness only from a seeded
 * PRNG, so the same examples give the same model.
 */
import { forEachFeature, type IntentFeatureSpec, VIEW_CHAR, VIEW_WORD, wordHashes } from './intent-text';

/** mulberry32: small, fast and good enough to shuffle coordinates and folds. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with the given random source. */
export function shuffleInPlace(a: Int32Array | number[], random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

/** The hashed n-grams a model knows, with their inverse document frequency, per view. */
export interface Vocabulary {
  /** Feature hashes; the first `wordCount` are word n-grams, the rest char n-grams. */
  readonly hashes: Uint32Array;
  readonly wordCount: number;
  readonly idf: Float32Array;
}

/** Rows of sparse vectors: row r holds `indices/values[offsets[r] .. offsets[r+1])`. */
export interface SparseRows {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A text's n-gram counts per view, keyed by hash. */
function countFeatures(text: string, spec: IntentFeatureSpec): [Map<number, number>, Map<number, number>] {
  const views: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  forEachFeature(text, spec, (view, hash) => {
    const m = views[view] as Map<number, number>;
    m.set(hash, (m.get(hash) ?? 0) + 1);
  });
  return views;
}

/**
 * The vocabulary of `texts`: n-grams in at least `minDf` of them, word n-grams first, each view
 * sorted by hash (so the same texts give the same order), with smoothed IDF `ln((1+N)/(1+df)) + 1`.
 */
export function buildVocabulary(
  texts: readonly string[],
  spec: IntentFeatureSpec,
  minDf: number,
): Vocabulary {
  const df: [Map<number, number>, Map<number, number>] = [new Map(), new Map()];
  for (const text of texts) {
    const views = countFeatures(text, spec);
    for (let v = 0; v < 2; v++) {
      const target = df[v] as Map<number, number>;
      for (const h of (views[v] as Map<number, number>).keys()) target.set(h, (target.get(h) ?? 0) + 1);
    }
  }
  const kept = df.map((m) => [...m.entries()].filter(([, n]) => n >= minDf).sort((a, b) => a[0] - b[0])) as [
    [number, number][],
    [number, number][],
  ];
  const all = [...kept[VIEW_WORD], ...kept[VIEW_CHAR]];
  const hashes = new Uint32Array(all.length);
  const idf = new Float32Array(all.length);
  const n = texts.length;
  all.forEach(([h, d], i) => {
    hashes[i] = h;
    idf[i] = Math.log((1 + n) / (1 + d)) + 1;
  });
  return { hashes, wordCount: kept[VIEW_WORD].length, idf };
}

/** Hash → feature index for each view: built once per model (a Lambda cold start), then only read. */
export interface FeatureIndex {
  readonly word: Map<number, number>;
  readonly char: Map<number, number>;
}

const indexes = new WeakMap<Vocabulary, FeatureIndex>();

/** The vocabulary's index, built on first use and kept as long as the vocabulary. */
export function featureIndex(vocabulary: Vocabulary): FeatureIndex {
  const known = indexes.get(vocabulary);
  if (known) return known;
  const word = new Map<number, number>();
  const char = new Map<number, number>();
  const { hashes, wordCount } = vocabulary;
  for (let i = 0; i < hashes.length; i++) (i < wordCount ? word : char).set(hashes[i] as number, i);
  const index = { word, char };
  indexes.set(vocabulary, index);
  return index;
}

/**
 * The share of a text's words (each occurrence) that are word features of the vocabulary, 0 for a text
 * without words: how familiar the text is to the texts the model learned from. A text in a language the
 * training texts were not in shares few of them (issue 19).
 */
export function wordCoverage(text: string, vocabulary: Vocabulary): number {
  const hashes = wordHashes(text);
  if (hashes.length === 0) return 0;
  const known = featureIndex(vocabulary).word;
  let hits = 0;
  for (const h of hashes) if (known.has(h)) hits += 1;
  return hits / hashes.length;
}

/**
 * A text's TF-IDF vector: sublinear TF (`1 + ln count`) times IDF over the known n-grams, each view
 * L2-normalised on its own and scaled by `viewWeights`. Unknown n-grams are dropped.
 */
export function vectorise(
  text: string,
  spec: IntentFeatureSpec,
  vocabulary: Vocabulary,
  index: FeatureIndex,
  viewWeights: readonly [number, number],
): { indices: Int32Array; values: Float32Array } {
  const views = countFeatures(text, spec);
  const indices: number[] = [];
  const values: number[] = [];
  for (let v = 0; v < 2; v++) {
    const lookup = v === VIEW_WORD ? index.word : index.char;
    const start = indices.length;
    let norm = 0;
    for (const [h, count] of views[v] as Map<number, number>) {
      const i = lookup.get(h);
      if (i === undefined) continue;
      const x = (1 + Math.log(count)) * (vocabulary.idf[i] as number);
      indices.push(i);
      values.push(x);
      norm += x * x;
    }
    if (norm > 0) {
      const k = (viewWeights[v] as number) / Math.sqrt(norm);
      for (let j = start; j < values.length; j++) values[j] = (values[j] as number) * k;
    }
  }
  return { indices: Int32Array.from(indices), values: Float32Array.from(values) };
}

export function toRows(vectors: readonly { indices: Int32Array; values: Float32Array }[]): SparseRows {
  const offsets = new Int32Array(vectors.length + 1);
  vectors.forEach((v, r) => {
    offsets[r + 1] = (offsets[r] as number) + v.indices.length;
  });
  const total = offsets[vectors.length] as number;
  const indices = new Int32Array(total);
  const values = new Float32Array(total);
  vectors.forEach((v, r) => {
    indices.set(v.indices, offsets[r] as number);
    values.set(v.values, offsets[r] as number);
  });
  return { offsets, indices, values };
}

export interface SvmOptions {
  /** Inverse regularisation strength. */
  readonly c: number;
  /** Stop when the projected gradient's spread falls below this (LIBLINEAR's default 0.1). */
  readonly epsilon: number;
  readonly maxPasses: number;
  /** The value of the constant bias feature (LIBLINEAR's `-B`). */
  readonly bias: number;
  readonly seed: number;
}

export interface LinearWeights {
  /** `weights[f * classes + k]`: feature f's weight for class k. */
  readonly weights: Float32Array;
  readonly biases: Float32Array;
  readonly classes: number;
  readonly features: number;
}

/**
 * One-vs-rest L2-loss linear SVMs by dual coordinate descent with shrinking-free random passes.
 * `labels[r]` is row r's class in `0..classes-1`. `onClass` reports progress after each class.
 */
export function trainOneVsRest(
  rows: SparseRows,
  labels: Int32Array,
  classes: number,
  features: number,
  options: SvmOptions,
  onClass?: (done: number) => void,
): LinearWeights {
  const n = labels.length;
  const { offsets, indices, values } = rows;
  const weights = new Float32Array(features * classes);
  const biases = new Float32Array(classes);
  const diag = 1 / (2 * options.c);
  const b2 = options.bias * options.bias;
  const qii = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = b2 + diag;
    for (let p = offsets[r] as number; p < (offsets[r + 1] as number); p++) s += (values[p] as number) ** 2;
    qii[r] = s;
  }
  const w = new Float64Array(features);
  const alpha = new Float64Array(n);
  const order = new Int32Array(n);
  const random = seededRandom(options.seed);
  for (let k = 0; k < classes; k++) {
    w.fill(0);
    alpha.fill(0);
    let wb = 0;
    for (let r = 0; r < n; r++) order[r] = r;
    for (let pass = 0; pass < options.maxPasses; pass++) {
      shuffleInPlace(order, random);
      let maxPg = Number.NEGATIVE_INFINITY;
      let minPg = Number.POSITIVE_INFINITY;
      for (let t = 0; t < n; t++) {
        const r = order[t] as number;
        const y = labels[r] === k ? 1 : -1;
        const from = offsets[r] as number;
        const to = offsets[r + 1] as number;
        let dot = wb * options.bias;
        for (let p = from; p < to; p++) dot += (w[indices[p] as number] as number) * (values[p] as number);
        const a = alpha[r] as number;
        const g = y * dot - 1 + diag * a;
        const pg = a === 0 ? Math.min(g, 0) : g;
        if (pg > maxPg) maxPg = pg;
        if (pg < minPg) minPg = pg;
        if (pg === 0) continue;
        const next = Math.max(a - g / (qii[r] as number), 0);
        const d = (next - a) * y;
        if (d === 0) continue;
        alpha[r] = next;
        for (let p = from; p < to; p++) {
          const f = indices[p] as number;
          w[f] = (w[f] as number) + d * (values[p] as number);
        }
        wb += d * options.bias;
      }
      if (maxPg - minPg < options.epsilon) break;
    }
    for (let f = 0; f < features; f++) weights[f * classes + k] = w[f] as number;
    biases[k] = wb * options.bias;
    onClass?.(k + 1);
  }
  return { weights, biases, classes, features };
}

/** Decision values of one sparse vector for every class into `out`. */
export function decisionValues(
  model: LinearWeights,
  indices: Int32Array,
  values: Float32Array,
  out: Float64Array,
): Float64Array {
  const { weights, biases, classes } = model;
  for (let k = 0; k < classes; k++) out[k] = biases[k] as number;
  for (let p = 0; p < indices.length; p++) {
    const base = (indices[p] as number) * classes;
    const x = values[p] as number;
    for (let k = 0; k < classes; k++) out[k] = (out[k] as number) + (weights[base + k] as number) * x;
  }
  return out;
}

/** Softmax of `scores / temperature` into `out` (stable: the maximum is subtracted first). */
export function softmax(scores: ArrayLike<number>, temperature: number, out: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < scores.length; k++) max = Math.max(max, scores[k] as number);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    const e = Math.exp(((scores[k] as number) - max) / temperature);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < scores.length; k++) out[k] = (out[k] as number) / sum;
  return out;
}

/**
 * The temperature that minimises the negative log-likelihood of the true classes under
 * `softmax(scores / T)`: golden-section search on ln T (the NLL is unimodal in T for fixed scores).
 * `scores` holds one row of `classes` decision values per item.
 */
export function fitTemperature(scores: Float64Array, truth: Int32Array, classes: number): number {
  const n = truth.length;
  const p = new Float64Array(classes);
  const nll = (logT: number) => {
    const t = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < n; i++) {
      softmax(scores.subarray(i * classes, (i + 1) * classes), t, p);
      s -= Math.log(Math.max(p[truth[i] as number] as number, 1e-300));
    }
    return s;
  };
  let lo = Math.log(1e-3);
  let hi = Math.log(1e2);
  const phi = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - phi * (hi - lo);
  let x2 = lo + phi * (hi - lo);
  let f1 = nll(x1);
  let f2 = nll(x2);
  for (let i = 0; i < 60; i++) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = nll(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = nll(x2);
    }
  }
  return Math.exp((lo + hi) / 2);
}
