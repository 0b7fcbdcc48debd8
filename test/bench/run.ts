/**
 * `npm run bench`: one run against the local runtime (its own process, fresh data, DynamoDB Local).
 * Prints webhook intake latency (p50/p95) and tickets/s at concurrency 1 and 16, the handler's overhead
 * over the bare DynamoDB + EventBridge calls it makes (same endpoints, same run), and the intake
 * function's bundle size. Figures only; nothing here asserts a time.
 */
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

const WARMUP = 30;
const N1 = Number(process.env.BENCH_N1 ?? 300);
const N16 = Number(process.env.BENCH_N16 ?? 1600);

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
}

async function measure(n: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  // Progress for long runs: a live counter on a terminal, a line per quarter otherwise (CI logs).
  let reported = 0;
  const progress = setInterval(() => {
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
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: n / seconds, n };
}

const fmt = (r: Run) =>
  `p50 ${r.p50.toFixed(1).padStart(6)} ms   p95 ${r.p95.toFixed(1).padStart(6)} ms   ${r.perSecond.toFixed(0).padStart(5)} /s   (n=${r.n})`;

let runId = 0;
const payload = (i: number) => ({
  id: `bench-${runId}-${i}`,
  subject: i % 2 ? 'Question about invoice INV-7' : 'Cannot log in',
  body: 'Benchmark ticket body. '.repeat(20),
  requester: { email: `user${i % 97}@bench.example`, name: 'Bench User' },
  account: { id: `acct-${i % 13}`, tier: i % 3 ? 'enterprise' : 'smb' },
  requestType: 'billing_dispute',
  fields: { invoiceId: `INV-${i}`, customerId: `C-${i}` },
});

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
    await measure(WARMUP, 4, (i) => intake(1_000_000 + i));

    console.log(
      '\nWebhook intake (HTTP → local gateway → handler → DynamoDB Local + bus), signed, all new tickets:',
    );
    // Each intake also queues an acknowledgement; drain between phases so one phase's background
    // work (the notifier writing to the same DynamoDB Local) does not weigh on the next one's figures.
    await drain(runtime.url);
    const c1 = await measure(N1, 1, intake);
    await drain(runtime.url);
    console.log(`  concurrency  1   ${fmt(c1)}`);
    const c16 = await measure(N16, 16, (i) => intake(N1 + i));
    console.log(`  concurrency 16   ${fmt(c16)}`);

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
    await drain(runtime.url);
    await measure(WARMUP, 1, (i) => bare(9_000_000 + i));
    console.log(
      '\nBare calls the handler makes (GetItem + UpdateItem + TransactWriteItems + PutEvents), same endpoints:',
    );
    const b1 = await measure(N1, 1, bare);
    console.log(`  concurrency  1   ${fmt(b1)}`);
    const b16 = await measure(N16, 16, (i) => bare(N1 + i));
    console.log(`  concurrency 16   ${fmt(b16)}`);

    const ratio = (a: Run, b: Run) =>
      `p50 ${(a.p50 / b.p50).toFixed(2)}×   p95 ${(a.p95 / b.p95).toFixed(2)}×`;
    console.log(
      '\nHandler overhead over the bare calls (HTTP hop, API Gateway event, signature, zod, triage):',
    );
    console.log(`  concurrency  1   ${ratio(c1, b1)}   (+${(c1.p50 - b1.p50).toFixed(1)} ms at p50)`);
    console.log(`  concurrency 16   ${ratio(c16, b16)}`);

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
        `  ${fn.name.padEnd(18)} ${kib(js.length)} KiB   (${kib(gzipSync(js).length)} KiB gzipped)`,
      );
    }
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
