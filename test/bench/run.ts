/**
 * `npm run bench`: one run against the local runtime (its own process, fresh data, DynamoDB Local).
 * Prints webhook intake latency (p50/p95) and tickets/s at concurrency 1 and 16, the handler's overhead
 * over the bare DynamoDB + EventBridge calls it makes (same endpoints, same run), and the intake
 * function's bundle size. Figures only; nothing here asserts a time.
 *
 * The handler and the bare calls are measured interleaved, in the same time window: BENCH_ROUNDS rounds,
 * each one, at concurrency 1 then 16, drains the runtime, runs a handler batch, drains, runs a bare batch
 * (the order alternates from round to round). Each intake queues an acknowledgement whose sending writes
 * to the same single-writer DynamoDB Local, so measuring the bare calls after the intake run (as this
 * bench once did) put the handler's leftover work on the bare figures. The ratio is printed per round
 * with the median and the min–max across rounds, so the noise is visible.
 *
 * Last, once the runtime has stopped, the handlers' CPU time per request in process (test/bench/cpu.ts, in
 * a process of its own: it mocks the SDK clients): what a Lambda user pays for when a function is CPU-bound,
 * and DynamoDB Local cannot show. BENCH_CPU_* (and BENCH_ROUNDS) tune it; see its header.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { functionBundling } from '../../infra/bundling';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/dynamodb-local';
import { EventBridgePublisher } from '../../shared/adapters/event-publisher';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import { formatReference, newId, openTicket } from '../../shared/domain';
import { functions } from '../../shared/topology';
import { drain, outbox, sendMail } from '../support/mail';
import { startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';
import { initLines, measureInit } from './init';
import { benchPayload } from './support/payload';

const WARMUP = 30;
const N1 = Number(process.env.BENCH_N1 ?? 300);
const N16 = Number(process.env.BENCH_N16 ?? 1600);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? Number.NaN;
}

interface Run {
  p50: number;
  p95: number;
  perSecond: number;
  n: number;
  /** Sorted latencies (ms) and the wall time (s) of the run, to pool several runs. */
  latencies: number[];
  seconds: number;
}

function summarize(latencies: number[], seconds: number): Run {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    perSecond: sorted.length / seconds,
    n: sorted.length,
    latencies: sorted,
    seconds,
  };
}

/** Several runs as one: all latencies pooled, throughput over the summed wall time of the runs. */
function pool(runs: Run[]): Run {
  return summarize(
    runs.flatMap((r) => r.latencies),
    runs.reduce((t, r) => t + r.seconds, 0),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

async function measure(
  n: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
  opts: { quiet?: boolean } = {},
): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  // Progress for long runs: a live counter on a terminal, a line per quarter otherwise (CI logs).
  let reported = 0;
  const progress = setInterval(() => {
    if (opts.quiet) return;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  … ${done}/${n}`);
    else if (done >= ((reported + 1) * n) / 4)
      process.stderr.write(`  … ${done}/${n} (${++reported * 25}%)\n`);
  }, 1000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
        done++;
      }
    }),
  );
  clearInterval(progress);
  if (process.stderr.isTTY && !opts.quiet) process.stderr.write('\r\x1b[K');
  return summarize(latencies, (performance.now() - started) / 1000);
}

const fmt = (r: Run) =>
  `p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   ${r.perSecond.toFixed(0).padStart(5)} /s   (n=${r.n})`;

let runId = 0;
const payload = (i: number) => benchPayload(`bench-${runId}-${i}`, i);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-bench-'));
  console.log('Frontdoor bench — starting the local runtime (fresh data dir) …');
  const runtime = await startRuntimeProcess({ dataDir });
  try {
    runId = Date.now();
    const intake = async (i: number) => {
      const answer = await postWebhook(runtime.url, 'demo', payload(i));
      if (answer.status !== 202)
        throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    };
    // The same calls the handler makes, made directly against the same endpoints: dedupe GetItem,
    // counter UpdateItem, the create TransactWriteItems, PutEvents.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: `http://127.0.0.1:${runtime.dynamoPort}`,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const tickets = new TicketRepository(db, 'frontdoor-local');
    const events = new EventBridgePublisher(
      new EventBridgeClient({ endpoint: runtime.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
      'frontdoor-local',
    );
    const bare = async (i: number) => {
      const p = payload(5_000_000 + i);
      const dedupe = { channel: 'webhook', key: `bench-bare#${p.id}` };
      await tickets.findDuplicate(dedupe);
      const reference = formatReference(await tickets.nextReferenceNumber());
      const now = new Date();
      const opened = openTicket(
        {
          channel: 'webhook',
          source: 'bench',
          externalId: p.id,
          subject: p.subject,
          body: p.body,
          requester: p.requester,
          account: p.account,
          requestType: p.requestType,
          fields: p.fields,
          tags: [],
        },
        {
          config: workflowConfig,
          now,
          reference,
          newId: () => newId(now),
          actor: { kind: 'integration', id: 'bench' },
        },
      );
      if (!opened.ok) throw new Error('bench payload rejected');
      await tickets.create({ ...opened, dedupe: { ...dedupe, expiresAt: 0 } });
      await events.publish(opened.events);
    };

    // Warm both paths up (connections, JIT, DynamoDB Local's tables) before anything is counted.
    await measure(WARMUP, 4, (i) => intake(1_000_000 + i), { quiet: true });
    await drain(runtime.url);
    await measure(WARMUP, 4, (i) => bare(9_000_000 + i), { quiet: true });

    // Interleaved rounds: at each concurrency, drain → one path's batch → drain → the other's, the
    // order alternating by round, so both paths see the same machine load and neither inherits the
    // other's queued acknowledgements. Each intake's own acknowledgement still runs during its batch:
    // that background write is part of what a webhook costs here.
    const levels = [
      { concurrency: 1, batch: Math.max(1, Math.round(N1 / ROUNDS)) },
      { concurrency: 16, batch: Math.max(1, Math.round(N16 / ROUNDS)) },
    ];
    const rounds = levels.map(() => ({ handler: [] as Run[], bare: [] as Run[] }));
    let nextIntake = 0;
    let nextBare = 0;
    const pct = (r: Run) => `p50 ${r.p50.toFixed(1)} / p95 ${r.p95.toFixed(1)} ms`;
    process.stderr.write(
      `Interleaving the handler and the bare calls: ${ROUNDS} rounds × (${levels
        .map((l) => `${l.batch} + ${l.batch} at concurrency ${l.concurrency}`)
        .join(', ')}) …\n`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      const roundStart = performance.now();
      const parts: string[] = [];
      for (const [k, level] of levels.entries()) {
        const slot = rounds[k];
        if (!slot) continue;
        const runHandler = async () => {
          const base = nextIntake;
          nextIntake += level.batch;
          await drain(runtime.url);
          slot.handler.push(
            await measure(level.batch, level.concurrency, (i) => intake(base + i), { quiet: true }),
          );
        };
        const runBare = async () => {
          const base = nextBare;
          nextBare += level.batch;
          await drain(runtime.url);
          slot.bare.push(
            await measure(level.batch, level.concurrency, (i) => bare(base + i), { quiet: true }),
          );
        };
        if (round % 2 === 0) {
          await runHandler();
          await runBare();
        } else {
          await runBare();
          await runHandler();
        }
        const h = slot.handler[round];
        const b = slot.bare[round];
        if (h && b)
          parts.push(
            `c${level.concurrency}: handler ${pct(h)}, bare ${pct(b)}, p50 ${(h.p50 / b.p50).toFixed(2)}×`,
          );
      }
      process.stderr.write(
        `  round ${round + 1}/${ROUNDS} (${round % 2 === 0 ? 'handler first' : 'bare first'}, ${(
          (performance.now() - roundStart) / 1000
        ).toFixed(0)} s)   ${parts.join('   ')}\n`,
      );
    }
    await drain(runtime.url);

    const pooled = rounds.map((r) => ({ handler: pool(r.handler), bare: pool(r.bare) }));
    const label = (c: number) => `concurrency ${String(c).padStart(2)}`;
    console.log(
      `\nWebhook intake (HTTP → local gateway → handler → DynamoDB Local + bus), signed, all new tickets:`,
    );
    for (const [k, level] of levels.entries())
      if (pooled[k]) console.log(`  ${label(level.concurrency)}   ${fmt(pooled[k].handler)}`);
    console.log(
      '\nBare calls the handler makes (GetItem + UpdateItem + TransactWriteItems + PutEvents), same endpoints:',
    );
    for (const [k, level] of levels.entries())
      if (pooled[k]) console.log(`  ${label(level.concurrency)}   ${fmt(pooled[k].bare)}`);

    const ratio = (a: Run, b: Run) =>
      `p50 ${(a.p50 / b.p50).toFixed(2)}×   p95 ${(a.p95 / b.p95).toFixed(2)}×`;
    console.log(
      '\nHandler overhead over the bare calls (HTTP hop, API Gateway event, signature, zod, triage):',
    );
    for (const [k, level] of levels.entries()) {
      const p = pooled[k];
      if (!p) continue;
      const extra =
        level.concurrency === 1 ? `   (+${(p.handler.p50 - p.bare.p50).toFixed(1)} ms at p50)` : '';
      console.log(`  ${label(level.concurrency)}   ${ratio(p.handler, p.bare)}${extra}`);
    }
    console.log(
      `\nHandler/bare p50 ratio per round (${ROUNDS} interleaved rounds, drained between batches, order alternating):`,
    );
    for (const [k, level] of levels.entries()) {
      const slot = rounds[k];
      if (!slot) continue;
      const perRound = slot.handler.map((h, r) => h.p50 / (slot.bare[r]?.p50 ?? Number.NaN));
      console.log(
        `  ${label(level.concurrency)}   median ${median(perRound).toFixed(2)}×   spread ${Math.min(
          ...perRound,
        ).toFixed(2)}–${Math.max(...perRound).toFixed(2)}×   rounds ${perRound
          .map((x) => x.toFixed(2))
          .join(' ')}`,
      );
    }

    // Mail: SMTP (nodemailer) → local SES-shaped event → receive-email → ticket → queue → acknowledgement.
    const NM = Number(process.env.BENCH_MAILS ?? 200);
    await drain(runtime.url);
    const mailStart = performance.now();
    const smtp = await measure(NM, 4, async (i) => {
      await sendMail(runtime.smtpPort, {
        from: `bench${i}@mail.example`,
        subject: `Bench mail ${i}`,
        text: 'Hello',
      });
    });
    await drain(runtime.url);
    const mailSeconds = (performance.now() - mailStart) / 1000;
    const acks = (await outbox(runtime.url)).filter((m) => m.to[0]?.endsWith('@mail.example')).length;
    console.log(
      `\nMail in, end to end (SMTP accept → ticket → acknowledgement in the outbox), ${NM} mails, 4 SMTP clients:`,
    );
    console.log(`  SMTP accept      ${fmt(smtp)}`);
    console.log(
      `  end to end       ${(NM / mailSeconds).toFixed(1)} mails/s with acknowledgement (${acks}/${NM} acknowledged)`,
    );

    console.log('\nBundle size (esbuild, same options as the CDK functions: ESM, minified, node22):');
    for (const fn of functions) {
      const out = await build({
        ...functionBundling,
        entryPoints: [fn.entry],
        write: false,
        bundle: true,
        logLevel: 'silent',
      });
      const js = out.outputFiles?.[0]?.contents ?? new Uint8Array();
      const kib = (n: number) => (n / 1024).toFixed(0).padStart(5);
      console.log(
        `  ${fn.name.padEnd(24)} ${kib(js.length)} KiB   (${kib(gzipSync(js).length)} KiB gzipped)`,
      );
    }
    // The cold-start proxy: every bundle's module initialisation against an SDK-only handler's (issue 21).
    const initRuns = Number(process.env.BENCH_INIT_RUNS ?? 7);
    for (const line of initLines(await measureInit(initRuns), initRuns)) console.log(line);
  } catch (e: unknown) {
    // Say whether the runtime (or DynamoDB Local under it) went away, with the end of what it printed.
    const exit = runtime.child.exitCode ?? runtime.child.signalCode;
    process.stderr.write(
      `bench failed; runtime ${exit === null ? 'still running' : `exited (${exit})`}; its last output:\n${runtime
        .output()
        .split('\n')
        .slice(-40)
        .join('\n')}\n`,
    );
    throw e;
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** test/bench/cpu.ts in its own process (it replaces SDK clients' `send`), its figures on our stdout. */
async function cpuBench(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cpu.ts')], {
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`the CPU bench exited with ${code}`);
}

main()
  .then(cpuBench)
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
