// `npm run seed:demo -- --tickets 5000`: a realistic, reproducible support history for the running local
// runtime, so the flow-metrics dashboard shows something on the first run.
//
// Each ticket's whole life is simulated with the domain's own functions (openTicket, transition, replies,
// approvals, escalations, CSAT, the SLA clock's looks) at backdated moments, then written straight to the
// table through TicketRepository: the opening (ticket, first message, opening audit, reference, dedupe
// key), then the rest of its history cut at every milestone the metrics projection counts from the
// ticket's old and new image (a resolution, a reopen, a closure, an escalation step). Nothing is published
// and nothing is mailed — the past needs no notifier — but the table stream carries every write to
// `project-metrics`, so the dashboard's numbers come from the real projection, not from this script.
// DynamoDB Local's single writer is the bottleneck, so the repository's writes for ten tickets at a time
// are recorded and packed into shared transactions, round by round (see writeBatch).
//
// Reproducible: every ticket draws from its own PRNG seeded by (--seed, index), ids included, so the same
// seed gives the same history whatever the concurrency; its dedupe key is derived from the same pair, so
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/dynamodb-local';
import { localSettings } from '../infra/local/settings';
import { TicketRepository } from '../shared/adapters/ticket-repository';
import { formatReference } from '../shared/domain';
import { DAY } from './seed-demo/demo-data';
import { type Plan, planTicket } from './seed-demo/plan';
import { simulate } from './seed-demo/simulate';
import type { Story } from './seed-demo/story';
import { type Dedupe, writeBatch } from './seed-demo/write';

const DEFAULT_SEED = 'frontdoor-demo';
/** Tickets whose writes are packed together (see writeBatch). */
const BATCH_TICKETS = 10;

const USAGE = `Usage: npm run seed:demo -- [--tickets 5000] [--seed ${DEFAULT_SEED}] [--days 90] [--concurrency 2] [--url http://127.0.0.1:$PORT]

Fills the running local runtime (npm start) with a reproducible support history over the last --days days.
DynamoDB Local is reached on $DYNAMODB_PORT (default 8000), as npm start uses it.`;

interface Options {
  readonly tickets: number;
  readonly seed: string;
  readonly days: number;
  readonly concurrency: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      tickets: { type: 'string', default: '5000' },
      seed: { type: 'string', default: DEFAULT_SEED },
      days: { type: 'string', default: '90' },
      concurrency: { type: 'string', default: '2' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return n;
  };
  const settings = localSettings();
  return {
    tickets: int('tickets', values.tickets, 1, 200_000),
    seed: values.seed,
    days: int('days', values.days, 1, 365),
    concurrency: int('concurrency', values.concurrency, 1, 32),
    url: (values.url ?? `http://127.0.0.1:${settings.port}`).replace(/\/$/, ''),
    dynamoEndpoint: `http://127.0.0.1:${settings.dynamoPort}`,
    tableName: settings.tableName,
  };
}

/** The runtime's workflow clock (it may run ahead when CLOCK_START/CLOCK_SPEED say so). */
async function runtimeNow(url: string): Promise<number> {
  const health = await fetch(`${url}/health`).catch((e: unknown) => {
    throw new Error(
      `No local runtime answers at ${url} (${e instanceof Error ? e.message : String(e)}). Start it with \`npm start\` first.`,
    );
  });
  if (!health.ok) throw new Error(`${url}/health answered ${health.status}; is DynamoDB Local up?`);
  const clock = await fetch(`${url}/local/clock`).catch(() => undefined);
  if (clock?.ok) {
    const body = (await clock.json()) as { now?: string };
    const at = Date.parse(body.now ?? '');
    if (Number.isFinite(at)) return at;
  }
  return Date.now();
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const started = Date.now();
  const now = await runtimeNow(opts.url);
  const client = new DynamoDBClient({
    endpoint: opts.dynamoEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 6,
  });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const repo = new TicketRepository(db, opts.tableName);

  // References follow creation time, as they would have: plan everything, then write oldest first.
  const plans = Array.from({ length: opts.tickets }, (_, i) => planTicket(opts.seed, i, now, opts.days)).sort(
    (a, b) => a.createdAt - b.createdAt || a.index - b.index,
  );
  console.log(
    `Seeding ${opts.tickets} tickets over the last ${opts.days} days (seed "${opts.seed}", ${opts.concurrency} at a time)`,
  );
  console.log(`  runtime ${opts.url}, DynamoDB Local ${opts.dynamoEndpoint}, table ${opts.tableName}`);

  const counts = { created: 0, duplicate: 0, failed: 0 };
  const states = new Map<string, number>();
  const recentDrivers = new Map<string, number>();
  const failures: string[] = [];
  // A rerun (or a bigger run with the same seed) finds its first tickets there: then look before each write,
  // so tickets already there cost no reference number. A fresh run skips that read per ticket.
  const dedupeOf = (plan: Plan) => ({ channel: 'seed-demo', key: `${opts.seed}:${plan.index}` });
  const samples = [plans[0], plans.find((p) => p.index === 0)].filter((p): p is Plan => p !== undefined);
  let lookFirst = false;
  for (const p of samples)
    if ((await repo.findDuplicate(dedupeOf(p)))?.kind === 'duplicate') lookFirst = true;
  let done = 0;
  let nextReport = 0.05;
  let cursor = 0;
  const report = () => {
    if (done / opts.tickets < nextReport && done !== opts.tickets) return;
    const elapsed = Date.now() - started;
    const rate = done / (elapsed / 1000);
    const eta = (opts.tickets - done) / Math.max(rate, 0.001);
    console.log(
      `  ${String(Math.round((100 * done) / opts.tickets)).padStart(3)}%  ${done}/${opts.tickets}  ` +
        `${rate.toFixed(0)} tickets/s  elapsed ${formatSeconds(elapsed)}  eta ${formatSeconds(eta * 1000)}`,
    );
    while (nextReport <= done / opts.tickets) nextReport += 0.05;
  };
  const worker = async () => {
    for (;;) {
      const plansHere = plans.slice(cursor, cursor + BATCH_TICKETS);
      cursor += plansHere.length;
      if (plansHere.length === 0) return;
      const batch: Array<{ story: Story; dedupe: Dedupe; plan: Plan }> = [];
      for (const plan of plansHere) {
        const dedupe = dedupeOf(plan);
        try {
          if (lookFirst && (await repo.findDuplicate(dedupe))?.kind === 'duplicate') {
            counts.duplicate += 1;
            continue;
          }
          const reference = formatReference(await repo.nextReferenceNumber());
          const story = simulate(plan, opts.seed, now, reference);
          if ('error' in story) throw new Error(story.error);
          batch.push({ story, dedupe, plan });
        } catch (e: unknown) {
          counts.failed += 1;
          if (failures.length < 5)
            failures.push(`#${plan.index}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      try {
        const outcomes = await writeBatch(db, repo, opts.tableName, batch);
        for (const [i, outcome] of outcomes.entries()) {
          counts[outcome] += 1;
          const b = batch[i];
          if (outcome !== 'created' || !b) continue;
          states.set(b.story.ticket.state, (states.get(b.story.ticket.state) ?? 0) + 1);
          if (b.plan.driver.id !== 'tail' && b.plan.createdAt >= now - 30 * DAY)
            recentDrivers.set(b.plan.driver.id, (recentDrivers.get(b.plan.driver.id) ?? 0) + 1);
        }
      } catch (e: unknown) {
        counts.failed += batch.length;
        if (failures.length < 5)
          failures.push(
            `#${batch.map((b) => b.plan.index).join(',')}: ${e instanceof Error ? e.message : String(e)}`,
          );
      }
      done += plansHere.length;
      report();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  client.destroy();

  const elapsed = Date.now() - started;
  console.log(
    `\nDone in ${formatSeconds(elapsed)}: ${counts.created} created, ${counts.duplicate} already there (same seed), ${counts.failed} failed.`,
  );
  if (states.size > 0) {
    console.log(
      `  states now: ${[...states.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}`,
    );
    console.log(
      `  repeated drivers created in the last 30 days: ${[...recentDrivers.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([d, n]) => `${d} ${n}`)
        .join(', ')}`,
    );
  }
  for (const f of failures) console.log(`  failed ${f}`);
  const port = new URL(opts.url).port || '80';
  console.log(
    `\nThe metrics projection reads the table stream and catches up in the background (POST ${opts.url}/local/drain waits for it).`,
  );
  console.log(`Open http://localhost:${port}/app/#/metrics as lead@example.com`);
  if (counts.failed > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(`seed:demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
