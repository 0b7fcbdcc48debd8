/**
 * `npm run -s intent:eval -- --train <csv> --test <csv>`: trains the intent classifier on one
 * `text,category` CSV, encodes and decodes the model as a Lambda would load it, predicts every test text
 * from the decoded model and prints, as the last line of stdout, one JSON object:
 *   {"accuracy","macroF1","coverageAtPrecision95","modelBytes","trainSeconds","p50PredictMs"}
 * plus `ece`, `decodeMs`, how many test texts the model finds unfamiliar (intake acts on no prediction for
 * those) and the model's own out-of-fold figures in the lines before it.
 * Without a test file: `--cv <k>` (stratified k-fold over `--train`, figures over all folds) or
 * `--holdout <share>` (one stratified split). Progress goes to stderr. Bad arguments: exit 2.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom, shuffleInPlace } from '../shared/domain/intent-linear';
import {
  decodeIntentModel,
  encodeIntentModel,
  evaluateIntents,
  type LabelledText,
  predictIntent,
  trainIntentModel,
} from '../shared/domain/intent-model';
import { IntentCsvError, readIntentCsv } from './intent-csv';

class UsageError extends Error {}

const USAGE = 'usage: npm run -s intent:eval -- --train <csv> (--test <csv> | --cv <k> | --holdout <share>)';

export interface EvalArgs {
  readonly train: string;
  readonly mode:
    | { kind: 'test'; file: string }
    | { kind: 'cv'; k: number }
    | { kind: 'holdout'; share: number };
}

/** The command line, or a `UsageError` with one sentence. */
export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  let values: { train?: string; test?: string; cv?: string; holdout?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        cv: { type: 'string' },
        holdout: { type: 'string' },
      },
    }));
  } catch (e: unknown) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}; ${USAGE}`);
  }
  if (!values.train) throw new UsageError(`--train <csv> is required; ${USAGE}`);
  const given = [values.test, values.cv, values.holdout].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError(`give exactly one of --test, --cv and --holdout; ${USAGE}`);
  if (values.test !== undefined) return { train: values.train, mode: { kind: 'test', file: values.test } };
  if (values.cv !== undefined) {
    const k = Number(values.cv);
    if (!Number.isInteger(k) || k < 2 || k > 20)
      throw new UsageError(`--cv must be a whole number from 2 to 20, got "${values.cv}"`);
    return { train: values.train, mode: { kind: 'cv', k } };
  }
  const share = Number(values.holdout);
  if (!(share > 0 && share < 1))
    throw new UsageError(`--holdout must be a share between 0 and 1, like 0.2, got "${values.holdout}"`);
  return { train: values.train, mode: { kind: 'holdout', share } };
}

/** Stratified, seeded split of examples into `k` folds (fold numbers per example). */
export function splitFolds(examples: readonly LabelledText[], k: number, seed = 2020): number[] {
  const random = seededRandom(seed);
  const byLabel = new Map<string, number[]>();
  examples.forEach((e, i) => {
    byLabel.set(e.label, [...(byLabel.get(e.label) ?? []), i]);
  });
  const fold = new Array<number>(examples.length).fill(0);
  let offset = 0;
  for (const label of [...byLabel.keys()].sort()) {
    const members = byLabel.get(label) ?? [];
    shuffleInPlace(members, random);
    members.forEach((i, j) => {
      fold[i] = (offset + j) % k;
    });
    offset += members.length;
  }
  return fold;
}

const round = (x: number, places = 4) => Math.round(x * 10 ** places) / 10 ** places;

interface RunFigures {
  pairs: { predicted: string; actual: string; confidence: number; familiar: boolean }[];
  modelBytes: number;
  trainSeconds: number;
  decodeMs: number;
  predictMs: number[];
}

/** Trains on `train`, round-trips the artifact, predicts `test` from the decoded model. */
function run(train: readonly LabelledText[], test: readonly LabelledText[], label: string): RunFigures {
  const started = performance.now();
  const model = trainIntentModel(train, {
    version: `intent-eval-${label}`,
    trainedAt: new Date(),
    onProgress: (p) => console.error(`${label}: training ${p.phase} (${p.done}/${p.total})`),
  });
  const trainSeconds = (performance.now() - started) / 1000;
  const bytes = encodeIntentModel(model);
  const decodeStart = performance.now();
  const decoded = decodeIntentModel(bytes);
  const decodeMs = performance.now() - decodeStart;
  if (model.evaluation)
    console.error(
      `${label}: out-of-fold on the training data: accuracy ${round(model.evaluation.accuracy)}, macro-F1 ${round(model.evaluation.macroF1)}, ECE ${round(model.evaluation.ece ?? 0)}, temperature ${round(model.temperature)}`,
    );
  const predictMs: number[] = [];
  const pairs = test.map((e) => {
    const t = performance.now();
    const p = predictIntent(decoded, e.text);
    predictMs.push(performance.now() - t);
    return { predicted: p.intent, actual: e.label, confidence: p.confidence, familiar: p.familiar };
  });
  return { pairs, modelBytes: bytes.length, trainSeconds, decodeMs, predictMs };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)] as number);
};

async function main(argv: readonly string[]): Promise<number> {
  let args: EvalArgs;
  try {
    args = parseEvalArgs(argv);
  } catch (e: unknown) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  let runs: RunFigures[];
  try {
    const train = await readIntentCsv(args.train);
    if (args.mode.kind === 'test') {
      const test = await readIntentCsv(args.mode.file);
      runs = [run(train, test, 'test')];
    } else {
      const k = args.mode.kind === 'cv' ? args.mode.k : Math.round(1 / args.mode.share);
      const fold = splitFolds(train, args.mode.kind === 'cv' ? k : Math.max(2, k));
      const used = args.mode.kind === 'cv' ? k : 1;
      runs = [];
      for (let f = 0; f < used; f++)
        runs.push(
          run(
            train.filter((_, i) => fold[i] !== f),
            train.filter((_, i) => fold[i] === f),
            `fold ${f + 1}/${used}`,
          ),
        );
    }
  } catch (e: unknown) {
    if (e instanceof IntentCsvError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const pairs = runs.flatMap((r) => r.pairs);
  const evaluation = evaluateIntents(pairs);
  const mean = (pick: (r: RunFigures) => number) => runs.reduce((s, r) => s + pick(r), 0) / runs.length;
  console.log(
    `items ${pairs.length}  ECE ${round(evaluation.ece ?? 0)}  decodeMs ${round(
      mean((r) => r.decodeMs),
      1,
    )}  p95PredictMs ${round(
      [...runs.flatMap((r) => r.predictMs)].sort((a, b) => a - b)[Math.floor(pairs.length * 0.95)] ?? 0,
      3,
    )}`,
  );
  // Intake acts on no prediction for a text unfamiliar to the model; the figures above count them all.
  const unfamiliar = pairs.filter((p) => !p.familiar);
  console.log(
    `unfamiliar ${unfamiliar.length} of ${pairs.length} (no prediction at intake; ${unfamiliar.filter((p) => p.predicted === p.actual).length} of them predicted right)`,
  );
  console.log(
    JSON.stringify({
      accuracy: round(evaluation.accuracy),
      macroF1: round(evaluation.macroF1),
      coverageAtPrecision95: round(evaluation.coverageAtPrecision95),
      modelBytes: Math.round(mean((r) => r.modelBytes)),
      trainSeconds: round(
        mean((r) => r.trainSeconds),
        1,
      ),
      p50PredictMs: round(median(runs.flatMap((r) => r.predictMs)), 3),
    }),
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
