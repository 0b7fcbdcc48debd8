/**
 * `npm run what-if -- --config <candidate module> [--from <date>] [--to <date>] [--out <dir>] [--url <runtime>] [--aws]`:
 * replays the tickets created in the period under the workflow in force and under a candidate, and shows
 * what would have changed (issue 20). The candidate is a module like shared/config/default-workflow.ts
 * (its `defaultWorkflow`, `workflow` or default export), validated exactly as `npm start` and `cdk synth`
 * validate the workflow. Locally (the default) it reads `npm start`'s DynamoDB Local; `--aws` (or
 * AWS_REGION set) reads the deployed table named by TABLE_NAME with the caller's credentials (read-only:
 * see the README's policy). It only reads (Query), never writes, mails or publishes. Progress goes to
 * stderr; the summary to stdout; an HTML report and a JSON file of every changed ticket to `--out`
 * (default `what-if/`). Exit codes: 0 done, 1 failed, 2 bad arguments or an invalid candidate.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseWorkflowConfig, WorkflowConfigError, workflowConfig } from '../shared/config';
import { REPLAY_LIMITS } from '../shared/domain/what-if';
import { useLocalRuntime } from './local-runtime';
import { summaryLines, whatIfReport } from './what-if/report';

const USAGE =
  'usage: npm run what-if -- --config <candidate workflow module> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out <dir>] [--url <runtime>] [--aws]';

class UsageError extends Error {}

interface WhatIfArgs {
  readonly config: string;
  /** Absent: 90 days before `to`. */
  readonly from: Date | undefined;
  /** Absent: now (locally, the workflow clock's now). */
  readonly to: Date | undefined;
  readonly out: string;
  readonly url: string | undefined;
  readonly target: 'local' | 'aws';
}

/** A day (`2026-11-01`, the start of that day UTC) or a full ISO 8601 date-time. */
function moment(raw: string, name: string, endOfDay: boolean): Date {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const at = new Date(day ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`--${name} must be a date (2026-11-01) or an ISO 8601 date-time, got "${raw}"`);
  return day && endOfDay ? new Date(at.getTime() + 86_400_000) : at;
}

export function parseWhatIfArgs(argv: readonly string[], env: NodeJS.ProcessEnv): WhatIfArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        url: { type: 'string' },
        aws: { type: 'boolean' },
        local: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e: unknown) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}. ${USAGE}`);
  }
  if (typeof values.config !== 'string') throw new UsageError(`--config is required. ${USAGE}`);
  const to = typeof values.to === 'string' ? moment(values.to, 'to', true) : undefined;
  const from = typeof values.from === 'string' ? moment(values.from, 'from', false) : undefined;
  if (from && to && from.getTime() >= to.getTime()) throw new UsageError('--from must be before --to');
  if (values.aws && values.local) throw new UsageError(`--aws and --local exclude each other. ${USAGE}`);
  const target = values.aws || (!values.local && env.AWS_REGION) ? 'aws' : 'local';
  if (target === 'aws' && !env.TABLE_NAME)
    throw new UsageError('in AWS set TABLE_NAME to the stateful stack’s table name');
  return {
    config: values.config,
    from,
    to,
    out: typeof values.out === 'string' ? values.out : 'what-if',
    url: typeof values.url === 'string' ? values.url.replace(/\/+$/, '') : undefined,
    target,
  };
}

/** The candidate's workflow input: the module's `defaultWorkflow`, `workflow` or default export. */
async function candidateInput(path: string): Promise<unknown> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  const input = module.defaultWorkflow ?? module.workflow ?? module.default;
  if (input === undefined)
    throw new UsageError(`${path} exports no workflow: export it as defaultWorkflow, workflow or default`);
  return input;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseWhatIfArgs(argv, process.env);
  let candidate: ReturnType<typeof parseWorkflowConfig>;
  try {
    candidate = parseWorkflowConfig(await candidateInput(args.config));
  } catch (e: unknown) {
    if (e instanceof WorkflowConfigError) {
      console.error(`the candidate ${args.config} is not a valid workflow:\n${e.message}`);
      return 2;
    }
    throw e;
  }
  const now = args.target === 'local' ? await useLocalRuntime(args.url) : new Date();
  // By default the last 90 days up to now.
  const to = args.to ?? now;
  const from = args.from ?? new Date(to.getTime() - 90 * 86_400_000);
  if (from.getTime() >= to.getTime()) throw new UsageError('--from must be before --to');
  // Imported once the environment names the table.
  const { whatIfPorts } = await import('../shared/adapters/ports');
  const { replayPeriod } = await import('../shared/use-cases/what-if');
  const started = Date.now();
  let lastLine = 0;
  const run = await replayPeriod(
    { period: { from, to }, current: workflowConfig, candidate, now },
    whatIfPorts(),
    (p) => {
      // One line a second at most, and the last one of each phase.
      if (p.done === p.total || Date.now() - lastLine > 1000) {
        lastLine = Date.now();
        console.error(
          `${p.phase === 'listing' ? 'listing queue views' : 'replaying tickets'}: ${p.done}/${p.total}`,
        );
      }
    },
  );
  const seconds = (Date.now() - started) / 1000;
  const facts = {
    candidate: args.config,
    period: { from: from.toISOString(), to: to.toISOString() },
    target: args.target,
    replayedAt: now.toISOString(),
    seconds,
  };
  await mkdir(args.out, { recursive: true });
  const html = join(args.out, 'what-if.html');
  const json = join(args.out, 'what-if.json');
  await writeFile(html, whatIfReport({ ...facts, ...run, limits: REPLAY_LIMITS }));
  await writeFile(json, `${JSON.stringify({ ...facts, ...run, limits: REPLAY_LIMITS }, null, 2)}\n`);
  for (const line of summaryLines(run.summary)) console.log(line);
  if (run.unreadable.length > 0)
    console.log(`not replayed (gone or unreadable): ${run.unreadable.join(', ')}`);
  console.log(`replayed in ${seconds.toFixed(1)} s; report ${html}, changed tickets ${json}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(e.message);
        process.exitCode = 2;
        return;
      }
      console.error(`what-if failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
