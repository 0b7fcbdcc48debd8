/**
 * `npm run intent:train [-- --csv <file>] [--aws]`: trains the intent model and puts it in force.
 * Without `--csv` it learns from the table: the tickets whose intent an agent confirmed or corrected.
 * With `--csv <file>` (a `text,category` header line, like BANKING77's train.csv) it learns from the file.
 * Locally (the default) it works on `npm start`'s table and data directory, which must be running; the
 * intake functions read the new model on their next request. `--aws` (or AWS_REGION set): the deployed
 * table and bucket, named by TABLE_NAME and MAIL_BUCKET (the stateful stack's outputs), with the caller's
 * AWS credentials. Progress goes to stderr; the last line of stdout is the model's facts as JSON.
 * Exit codes: 0 trained, 1 failed or not enough labels (the reason is printed), 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { IntentCsvError, readIntentCsv } from './intent-csv';
import { useLocalRuntime } from './local-runtime';

const USAGE = 'usage: npm run intent:train [-- --csv <text,category file>] [--aws]';

interface TrainArgs {
  readonly csv: string | undefined;
  readonly target: 'local' | 'aws';
}

function parseTrainArgs(argv: readonly string[], env: NodeJS.ProcessEnv): TrainArgs | { error: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { csv: { type: 'string' }, aws: { type: 'boolean' }, local: { type: 'boolean' } },
      strict: true,
    });
    if (values.aws && values.local) return { error: `--aws and --local exclude each other. ${USAGE}` };
    const target = values.aws || (!values.local && env.AWS_REGION) ? 'aws' : 'local';
    if (target === 'aws' && (!env.TABLE_NAME || !env.MAIL_BUCKET))
      return {
        error: 'in AWS set TABLE_NAME and MAIL_BUCKET to the stateful stack’s table and bucket names',
      };
    return { csv: values.csv, target };
  } catch (e: unknown) {
    return { error: `${e instanceof Error ? e.message : String(e)}. ${USAGE}` };
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseTrainArgs(argv, process.env);
  if ('error' in args) {
    console.error(args.error);
    return 2;
  }
  const progress = (line: string) => console.error(line);
  const examples = args.csv ? await readIntentCsv(args.csv) : undefined;
  if (examples) progress(`read ${examples.length} examples from ${args.csv}`);
  const started = args.target === 'local' ? await useLocalRuntime() : new Date();
  const startedMs = Date.now();
  // Imported once the environment names the table and the bucket.
  const { intentStorePorts } = await import('../shared/adapters/intent-ports');
  const { workflowConfig: config } = await import('../shared/config');
  const { trainAndSaveIntentModel, trainIntentFromLabels } = await import('../shared/use-cases/intent');
  const clock = { now: () => new Date(started.getTime() + (Date.now() - startedMs)) };
  const ports = { ...intentStorePorts(), clock, config };
  const result = examples
    ? await trainAndSaveIntentModel(examples, ports, progress)
    : await trainIntentFromLabels(ports, progress);
  if (result.kind === 'skipped') {
    console.error(`no model trained: ${result.reason}`);
    return 1;
  }
  const { evaluation, ...info } = result.info;
  progress(
    `${info.version} in force (${args.target}): ${info.examples} examples, ${info.intents.length} intents, ${info.bytes} bytes` +
      (evaluation ? `, out-of-fold accuracy ${evaluation.accuracy.toFixed(3)}` : ''),
  );
  console.log(JSON.stringify({ ...info, accuracy: evaluation?.accuracy ?? null }));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(
      e instanceof IntentCsvError
        ? e.message
        : `intent:train failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    process.exitCode = e instanceof IntentCsvError ? 2 : 1;
  },
);
