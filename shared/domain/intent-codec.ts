/**
 * The intent model's artifact: a compact, versioned binary. Layout (little-endian):
 *   "FDIM" magic · u16 format (1) · u32 header length · header (UTF-8 JSON: version, trainedAt, intents,
 *   examples, evaluation, spec, viewWeights, temperature, minWordCoverage (optional: models trained before
 *   it have none), wordCount, features) · zero padding to 4 bytes ·
 *   u32 hashes[features] · f32 idf[features] · f32 scales[intents] · f32 biases[intents] ·
 *   i8 weights[features × intents].
 * Decoding checks every length before reading, so garbage or a cut-off upload is refused by name.
 */
import { featureIndex, type Vocabulary } from './intent-linear';
import type { IntentFeatureSpec } from './intent-text';
import { type IntentModel, IntentModelFormatError } from './intent-types';
import * as z from './zod';

const MAGIC = [0x46, 0x44, 0x49, 0x4d]; // "FDIM"
export const INTENT_MODEL_FORMAT = 1;
const PREAMBLE = 10;

const Finite = z.number().check(z.refine(Number.isFinite, 'must be finite'));
const Count = z.int().check(z.minimum(0), z.maximum(2 ** 28));
const Rate = z.number().check(z.minimum(0), z.maximum(1));

const HeaderSchema = z.object({
  version: z.string(),
  trainedAt: z.string(),
  intents: z.array(z.string()).check(z.minLength(2)),
  examples: Count,
  evaluation: z.optional(
    z.object({
      accuracy: Rate,
      macroF1: Rate,
      coverageAtPrecision95: Rate,
      ece: z.optional(Rate),
      perIntent: z.array(z.object({ intent: z.string(), precision: Rate, recall: Rate, support: Count })),
    }),
  ),
  spec: z.object({
    wordMin: z.int().check(z.minimum(1), z.maximum(8)),
    wordMax: z.int().check(z.minimum(0), z.maximum(8)),
    charMin: z.int().check(z.minimum(1), z.maximum(16)),
    charMax: z.int().check(z.minimum(0), z.maximum(16)),
  }),
  viewWeights: z.tuple([Finite, Finite]),
  temperature: Finite.check(z.positive()),
  minWordCoverage: z.optional(Rate),
  wordCount: Count,
  features: Count,
});

const fail = (problem: string) => new IntentModelFormatError(`not a readable intent model: ${problem}`);

export function encodeIntentModel(model: IntentModel): Uint8Array {
  const k = model.intents.length;
  const f = model.vocabulary.hashes.length;
  const header = new TextEncoder().encode(
    JSON.stringify({
      version: model.version,
      trainedAt: model.trainedAt,
      intents: model.intents,
      examples: model.examples,
      ...(model.evaluation ? { evaluation: model.evaluation } : {}),
      spec: model.spec,
      viewWeights: model.viewWeights,
      temperature: model.temperature,
      ...(model.minWordCoverage !== undefined ? { minWordCoverage: model.minWordCoverage } : {}),
      wordCount: model.vocabulary.wordCount,
      features: f,
    }),
  );
  const start = align4(PREAMBLE + header.length);
  const bytes = new Uint8Array(start + 8 * f + 8 * k + f * k);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint16(4, INTENT_MODEL_FORMAT, true);
  view.setUint32(6, header.length, true);
  bytes.set(header, PREAMBLE);
  let at = start;
  for (const h of model.vocabulary.hashes) at = put(view.setUint32.bind(view), at, h);
  for (const x of model.vocabulary.idf) at = put(view.setFloat32.bind(view), at, x);
  for (const x of model.scales) at = put(view.setFloat32.bind(view), at, x);
  for (const x of model.biases) at = put(view.setFloat32.bind(view), at, x);
  bytes.set(new Uint8Array(model.weights.buffer, model.weights.byteOffset, model.weights.length), at);
  return bytes;
}

function put(set: (at: number, value: number, littleEndian: boolean) => void, at: number, value: number) {
  set(at, value, true);
  return at + 4;
}

const align4 = (n: number) => (n + 3) & ~3;

/** The model in `bytes`; an `IntentModelFormatError` naming the problem when they are not one. */
export function decodeIntentModel(bytes: Uint8Array): IntentModel {
  if (!(bytes instanceof Uint8Array)) throw fail('expected bytes');
  if (bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('no FDIM magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint16(4, true);
  if (format !== INTENT_MODEL_FORMAT)
    throw fail(`unsupported format ${format} (this code reads format ${INTENT_MODEL_FORMAT})`);
  const headerLength = view.getUint32(6, true);
  if (PREAMBLE + headerLength > bytes.length) throw fail('truncated header');
  let json: unknown;
  try {
    json = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)),
    );
  } catch (e: unknown) {
    throw new IntentModelFormatError('not a readable intent model: the header is not JSON', { cause: e });
  }
  const parsed = HeaderSchema.safeParse(json);
  if (!parsed.success) throw fail(`bad header (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const h = parsed.data;
  const k = h.intents.length;
  const f = h.features;
  if (h.wordCount > f) throw fail('bad header (more word features than features)');
  const start = align4(PREAMBLE + headerLength);
  const expected = start + 8 * f + 8 * k + f * k;
  if (bytes.length < expected) throw fail(`truncated (${bytes.length} of ${expected} bytes)`);
  if (bytes.length > expected) throw fail(`${bytes.length - expected} bytes after the end`);
  let at = start;
  const hashes = new Uint32Array(f);
  for (let i = 0; i < f; i++, at += 4) hashes[i] = view.getUint32(at, true);
  const floats = (n: number) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++, at += 4) out[i] = view.getFloat32(at, true);
    return out;
  };
  const idf = floats(f);
  const scales = floats(k);
  const biases = floats(k);
  const weights = new Int8Array(f * k);
  weights.set(new Int8Array(bytes.buffer, bytes.byteOffset + at, f * k));
  const spec: IntentFeatureSpec = h.spec;
  const vocabulary: Vocabulary = { hashes, wordCount: h.wordCount, idf };
  // A Lambda decodes once per cold start: the hash → row maps are built now, not on the first request.
  featureIndex(vocabulary);
  return {
    version: h.version,
    trainedAt: h.trainedAt,
    intents: h.intents,
    examples: h.examples,
    ...(h.evaluation ? { evaluation: h.evaluation } : {}),
    spec,
    viewWeights: h.viewWeights,
    vocabulary,
    weights,
    scales,
    biases,
    temperature: h.temperature,
    ...(h.minWordCoverage !== undefined ? { minWordCoverage: h.minWordCoverage } : {}),
  };
}
