import { parseArgs } from 'node:util';
import { queues } from '../../shared/topology';

/**
 * `npm run redrive -- <queue> [--dry-run] [--max N] [--aws | --local] [--stage <stage>]`, read into what to
 * do: which queue's dead letters, moved or only shown, in AWS or against `npm start`. A mistake is one
 * sentence (exit code 2), never a stack trace.
 */
export interface RedriveRequest {
  readonly queue: string;
  readonly dryRun: boolean;
  /** How many dead letters a dry run shows at most. */
  readonly max: number;
  readonly target: 'aws' | 'local';
  /** The deployed stage (`--stage`, else FRONTDOOR_STAGE, else dev); AWS only. */
  readonly stage: string;
}

export const USAGE =
  'usage: npm run redrive -- <queue> [--dry-run] [--max N] [--aws | --local] [--stage <stage>]';

export const knownQueues = (): string[] => queues.map((q) => q.name);

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
  const [queue, ...extra] = positionals;
  if (!queue || extra.length > 0) return { error: USAGE };
  if (!knownQueues().includes(queue))
    return { error: `"${queue}" is not a queue; the queues are: ${knownQueues().join(', ')}.` };
  if (values.aws && values.local) return { error: 'say --aws or --local, not both.' };
  const max = Number(values.max ?? 10);
  if (!Number.isInteger(max) || max < 1)
    return { error: `--max must be a whole number ≥ 1, got "${values.max}".` };
  // AWS when asked, or when a region is set and local was not asked for.
  const aws = values.aws || (!values.local && Boolean(env.AWS_REGION));
  return {
    queue,
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
