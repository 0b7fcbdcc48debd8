import { parseArgs } from 'node:util';
import { type DeadLetterQueueRow, deadLetterQueueNames, findDeadLetterQueue } from '../../infra/dead-letters';

/**
 * `npm run redrive -- <name> [--dry-run] [--max N] [--aws | --local] [--stage <stage>]`, read into what to
 * do: which dead-letter queue (a row of ./dead-letters.ts), moved or only shown, in AWS or against
 * `npm start`. A mistake is one sentence (exit code 2), never a stack trace.
 */
export interface RedriveRequest {
  readonly deadLetters: DeadLetterQueueRow;
  readonly dryRun: boolean;
  /** How many dead letters a dry run shows at most. */
  readonly max: number;
  readonly target: 'aws' | 'local';
  /** The deployed stage (`--stage`, else FRONTDOOR_STAGE, else dev); AWS only. */
  readonly stage: string;
}

export const USAGE =
  'usage: npm run redrive -- <name> [--dry-run] [--max N] [--aws | --local] [--stage <stage>]';

export function parseRedriveArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): RedriveRequest | { error: string } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e: unknown) {
    return { error: `${e instanceof Error ? e.message : String(e)}\n${USAGE}` };
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) return { error: USAGE };
  const deadLetters = findDeadLetterQueue(name);
  if (!deadLetters)
    return {
      error: `"${name}" is not a dead-letter queue; the names are: ${deadLetterQueueNames().join(', ')}.`,
    };
  if (values.aws && values.local) return { error: 'say --aws or --local, not both.' };
  const max = Number(values.max ?? 10);
  if (!Number.isInteger(max) || max < 1)
    return { error: `--max must be a whole number ≥ 1, got "${values.max}".` };
  // AWS when asked, or when a region is set and local was not asked for.
  const aws = values.aws || (!values.local && Boolean(env.AWS_REGION));
  return {
    deadLetters,
    dryRun: values['dry-run'],
    max,
    target: aws ? 'aws' : 'local',
    stage: values.stage ?? (env.FRONTDOOR_STAGE || 'dev'),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      max: { type: 'string' },
      aws: { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
      stage: { type: 'string' },
    },
  });
}
