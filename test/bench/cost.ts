/**
 * `npm run cost`: what a ticket costs to run in AWS. Starts the local runtime as its own process (fresh
 * data), runs COST_LIFECYCLES (default 50) typical ticket lifecycles through the public API — a webhook
 * opens the ticket (acknowledgement mailed), an agent opens it and replies (mailed), moves it to
 * in_progress and resolves it (resolution mailed), then the quiet days pass and the ticket's clock closes
 * it (its wake-ups are EventBridge Scheduler one-time schedules) — and reads the billable
 * operations the runtime counted (`GET /local/costs`, shared/adapters/billing-meter.ts). Prints the
 * operations per lifecycle and dollars per 1,000 lifecycles at list prices (shared/metrics/pricing.ts), and
 * writes the per-lifecycle profile to shared/metrics/cost-profile.json, which `GET /v1/metrics/cost` prices.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MeterSnapshot } from '../../shared/adapters/billing-meter';
import { workflowConfig } from '../../shared/config/workflow';
import { chooseMemory } from '../../shared/metrics/memory-sizing';
import {
  billableOperations,
  costReport,
  priceTable,
  services,
  sesEssentialsPriceTable,
} from '../../shared/metrics/pricing';
import { functions } from '../../shared/topology';
import { type CostProfile, CostProfileSchema } from '../../shared/use-cases/cost-report';
import { apiAs } from '../support/api';
import { drain, outbox } from '../support/mail';
import { ROOT, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

const N = Number(process.env.COST_LIFECYCLES ?? 50);
/**
 * How far the workflow clock moves after each resolution: past the quiet days after which the ticket's clock
 * closes it (4 by default) and a follow-up. Short enough that 50 lifecycles (500 days) end before the
 * shortest retention (730 days) purges the first ticket: the purge is measured on its own, after them.
 */
const CLOCK_STEP_DAYS = 10;
const PROFILE = resolve(ROOT, 'shared/metrics/cost-profile.json');
const LIFECYCLE =
  'webhook intake → acknowledgement mail → agent opens the ticket and replies (mailed) → in_progress → ' +
  'resolved (resolution mail) → closed by the ticket clock after the quiet days';
const AGENT = 'agent@example.com';

interface TicketView {
  ticket: { id: string; version: number; state: string; reference: string; requestType: string };
  transitions: string[];
}

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error(`COST_LIFECYCLES must be a whole number ≥ 1, got ${N}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-cost-'));
  console.log('Frontdoor cost — starting the local runtime (fresh data dir) …');
  const runtime = await startRuntimeProcess({ dataDir });
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const post = (path: string, body: unknown) =>
    fetch(`${runtime.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  let conflicts = 0;

  /** What the agent sees when they open the ticket (after the system's own work has settled). */
  const open = async (ref: string): Promise<TicketView> => {
    await drain(runtime.url);
    const res = await as(AGENT, `/v1/tickets/${ref}`);
    if (res.status !== 200) throw new Error(`GET ${ref} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as unknown as TicketView;
  };
  /** An agent's write with If-Match; a 409 (system bookkeeping moved the version) is re-read and retried. */
  const write = async (ref: string, path: string, body: unknown, view: TicketView, expected: number) => {
    let version = view.ticket.version;
    for (let attempt = 0; ; attempt++) {
      const res = await as(AGENT, `/v1/tickets/${ref}${path}`, { method: 'POST', body, ifMatch: version });
      if (res.status === expected) return;
      if (res.status !== 409 || attempt >= 3)
        throw new Error(`POST ${ref}${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      conflicts++;
      version = (await open(ref)).ticket.version;
    }
  };

  /**
   * Long after: the quiet days have passed, so the ticket's clock closed the ticket, and its one wake-up left
   * is the retention purge (issue 22), due when its request type's retention ends — years later, outside
   * the lifecycle measured here.
   */
  const letTheClockClose = async (ref: string, id: string) => {
    const res = await post('/local/clock', { advanceMinutes: CLOCK_STEP_DAYS * 24 * 60 });
    if (!res.ok) throw new Error(`POST /local/clock answered ${res.status}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = await open(ref);
      const now = Date.parse(
        ((await (await fetch(`${runtime.url}/local/clock`)).json()) as { now: string }).now,
      );
      const schedules = (await (await fetch(`${runtime.url}/local/schedules`)).json()) as Array<{
        name: string;
        at: string;
      }>;
      const purgeAfterDays =
        workflowConfig.privacy?.retention?.[view.ticket.requestType]?.purgeClosedAfterDays;
      const pending = schedules.filter((s) => s.name === `ticket-${id}`);
      const onlyThePurge = pending.every(
        (s) => purgeAfterDays !== undefined && Date.parse(s.at) - now >= (purgeAfterDays - 1) * 86_400_000,
      );
      if (view.ticket.state === 'closed' && onlyThePurge) return;
      if (Date.now() > deadline)
        throw new Error(
          `${ref} not closed by its clock 60 s after the quiet days (${view.ticket.state}; wake-ups ${JSON.stringify(pending)})`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const lifecycle = async (id: string) => {
    const created = await postWebhook(runtime.url, 'demo', {
      id,
      subject: `How do I export my reports? (${id})`,
      body: 'Hello, I would like to export last month’s reports as CSV. Where do I find that? Thanks, Sam',
      requester: { email: `${id}@customer.example`, name: 'Sam Customer' },
    });
    if (created.status !== 202)
      throw new Error(`webhook answered ${created.status}: ${JSON.stringify(created.body)}`);
    const ref = String(created.body.reference);
    let view = await open(ref);
    await write(
      ref,
      '/messages',
      { visibility: 'public', body: 'Settings → Export gives you a CSV of any month.' },
      view,
      201,
    );
    view = await open(ref);
    if (view.ticket.state !== 'in_progress') {
      if (!view.transitions.includes('in_progress'))
        throw new Error(`${ref} cannot move from ${view.ticket.state} to in_progress`);
      await write(ref, '/transition', { to: 'in_progress' }, view, 200);
      view = await open(ref);
    }
    await write(ref, '/transition', { to: 'resolved' }, view, 200);
    // Each ticket is closed before the next one opens, so no two lifecycles share the process.
    await letTheClockClose(ref, view.ticket.id);
  };
  try {
    // One lifecycle to warm up (first calls compile code paths), then count from zero.
    await lifecycle(`cost-warmup-${Date.now()}`);
    await post('/local/costs/reset', {});
    const mailsBefore = (await outbox(runtime.url)).length;

    const run = Date.now();
    const started = performance.now();
    console.log(`\nRunning ${N} lifecycles: ${LIFECYCLE}`);
    for (let i = 0; i < N; i++) {
      await lifecycle(`cost-${run}-${i}`);
      const done = i + 1;
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  … ${done}/${N}`);
      else if (done % Math.max(1, Math.floor(N / 5)) === 0 || done === N)
        process.stderr.write(`  … ${done}/${N}\n`);
    }
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const seconds = (performance.now() - started) / 1000;
    const snapshot = (await (await fetch(`${runtime.url}/local/costs`)).json()) as MeterSnapshot;
    const mails = (await outbox(runtime.url)).length - mailsBefore;
    console.log(
      `  ${N} lifecycles in ${seconds.toFixed(1)} s; ${mails} mails in the outbox (${(mails / N).toFixed(1)} per lifecycle)` +
        (conflicts ? `; ${conflicts} agent write(s) retried after a 409` : ''),
    );

    const report = costReport(snapshot.counts, N);
    const prices = priceTable.prices;
    console.log('\nBillable operations per lifecycle (counted by the runtime and the metered SDK clients):');
    for (const op of billableOperations) {
      const n = report.perLifecycleOperations[op];
      console.log(`  ${op.padEnd(32)} ${fmtCount(n).padStart(10)}   ${prices[op].unit}`);
    }

    console.log(
      `\nDollars per 1,000 lifecycles (${priceTable.region} list prices as of ${priceTable.asOf}; re-check them, see README "Cost per ticket"):`,
    );
    const byService = report.perThousandLifecycles.byService;
    for (const service of services.toSorted((a, b) => byService[b] - byService[a])) {
      const lines = report.lines.filter((l) => l.service === service && l.perThousandLifecycles > 0);
      const detail = lines
        .map((l) => `${l.operation.split('.')[1]} ${usd(l.perThousandLifecycles)}`)
        .join(', ');
      const share = report.perThousandLifecycles.total
        ? (100 * byService[service]) / report.perThousandLifecycles.total
        : 0;
      console.log(
        `  ${service.padEnd(22)} ${usd(byService[service]).padStart(10)}  ${share.toFixed(1).padStart(5)} %${detail ? `   (${detail})` : ''}`,
      );
    }
    console.log(`  ${'total'.padEnd(22)} ${usd(report.perThousandLifecycles.total).padStart(10)}`);
    console.log(`  = $${(report.perThousandLifecycles.total / 1000).toFixed(6)} per ticket lifecycle`);
    const essentials = costReport(snapshot.counts, N, sesEssentialsPriceTable);
    console.log(
      `  on SES's Essentials plan (where a new SES account starts since 2026-07-21): ${usd(essentials.perThousandLifecycles.total)}`,
    );

    console.log(
      '\nLambda per lifecycle, by function: invocations, average wall and CPU ms here, billed ms at its memory' +
        " (CPU run at the memory's share of a vCPU), memory; and the memory the measurement suggests" +
        ' (shared/metrics/memory-sizing.ts):',
    );
    const specs = new Map(functions.map((f) => [f.name, f]));
    const profileFunctions: CostProfile['functions'] = {};
    let suggestedGbSeconds = 0;
    for (const [name, u] of Object.entries(snapshot.functions).sort(
      ([, a], [, b]) => b.gbSeconds - a.gbSeconds,
    )) {
      const spec = specs.get(name);
      const memoryMb = spec?.memoryMb ?? 0;
      profileFunctions[name] = {
        invocations: round(u.invocations / N),
        averageBilledMs: round(u.billedMs / u.invocations),
        averageCpuMs: round(u.cpuMs / u.invocations),
        gbSeconds: round(u.gbSeconds / N, 6),
        memoryMb,
      };
      const measured = {
        name,
        invocations: u.invocations,
        wallMs: u.wallMs,
        cpuMs: u.cpuMs,
        http: spec?.triggers.some((t) => t.kind === 'http') ?? false,
      };
      const suggested = chooseMemory(measured);
      // Where the suggestion is the size it ran at, what the meter billed (per invocation, not the average's).
      suggestedGbSeconds +=
        suggested.memoryMb === memoryMb ? u.gbSeconds / N : suggested.gbSeconds * (u.invocations / N);
      const per = (v: number) => (v / u.invocations).toFixed(0).padStart(5);
      console.log(
        `  ${name.padEnd(20)} ${fmtCount(u.invocations / N).padStart(6)} ×  wall ${per(u.wallMs)} ms  cpu ${per(u.cpuMs)} ms  billed ${per(u.billedMs)} ms  ${String(memoryMb).padStart(5)} MB` +
          (suggested.memoryMb === memoryMb
            ? ''
            : `   → ${suggested.memoryMb} MB (${suggested.durationMs.toFixed(0)} ms)`),
      );
    }
    const gbSeconds = snapshot.counts['lambda.gbSeconds'] ?? 0;
    console.log(
      `  GB-seconds per lifecycle: ${(gbSeconds / N).toFixed(4)} at the memory sizes in shared/topology.ts, ` +
        `${suggestedGbSeconds.toFixed(4)} at the suggested ones`,
    );

    printWritesByItem(snapshot, N);

    const profile: CostProfile = CostProfileSchema.parse({
      measuredAt: new Date().toISOString(),
      lifecycles: N,
      lifecycle: LIFECYCLE,
      operations: snapshot.counts,
      perLifecycleOperations: report.perLifecycleOperations,
      functions: profileFunctions,
    });
    writeFileSync(PROFILE, `${JSON.stringify(profile, null, 2)}\n`);
    console.log(`\nWrote ${PROFILE.slice(ROOT.length + 1)} (N=${N}, ${profile.measuredAt}).`);

    await measureRetentionPurge(runtime.url, N + 1, post);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Years later, each closed ticket's retention ends and its clock purges it (issue 22: bodies, attachments
 * and the requester replaced, the record kept). Not part of the lifecycle above, and not in the profile:
 * the clock moves past the longest retention, every ticket of the run (`tickets`, the warm-up's included)
 * is purged, and what that cost is printed per ticket.
 */
async function measureRetentionPurge(
  url: string,
  tickets: number,
  post: (path: string, body: unknown) => Promise<Response>,
): Promise<void> {
  const retention = Object.values(workflowConfig.privacy?.retention ?? {});
  if (retention.length === 0) return;
  const longest = Math.max(...retention.map((r) => r.purgeClosedAfterDays));
  await post('/local/costs/reset', {});
  const res = await post('/local/clock', { advanceMinutes: (longest + 1) * 24 * 60 });
  if (!res.ok) throw new Error(`POST /local/clock answered ${res.status}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    await drain(url);
    const schedules = (await (await fetch(`${url}/local/schedules`)).json()) as Array<{ name: string }>;
    if (!schedules.some((s) => s.name.startsWith('ticket-'))) break;
    if (Date.now() > deadline)
      throw new Error(`${schedules.length} wake-up(s) still pending after the purge`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { counts } = (await (await fetch(`${url}/local/costs`)).json()) as MeterSnapshot;
  const report = costReport(counts, tickets);
  const op = report.perLifecycleOperations;
  console.log(
    `\nLater, not in the lifecycle: the retention purge of a closed ticket (${tickets} tickets, the clock moved past ${longest} days), per ticket:` +
      `\n  ${fmtCount(op['dynamodb.writeRequestUnits'])} write and ${fmtCount(op['dynamodb.readRequestUnits'])} read units, ` +
      `${fmtCount(op['lambda.requests'])} Lambda invocations, ${fmtCount(op['scheduler.invocations'])} scheduled wake-ups: ` +
      `${usd(report.perThousandLifecycles.total)} per 1,000 tickets`,
  );
}

/** Where the write units went, per lifecycle: each kind of item, its table units and each index's. */
function printWritesByItem(snapshot: MeterSnapshot, n: number): void {
  const rows = Object.entries(snapshot.writesByItem).map(([kind, w]) => {
    const indexes = Object.values(w.indexes).reduce((a, b) => a + b, 0);
    return { kind, w, total: w.table + indexes };
  });
  const total = rows.reduce((a, r) => a + r.total, 0);
  console.log(
    `\nDynamoDB write units per lifecycle, by item written (${fmtCount(total / n)} in all; a transaction's units shared out by the kilobytes each item is billed by):`,
  );
  for (const { kind, w, total: units } of rows.toSorted((a, b) => b.total - a.total)) {
    const indexes = Object.entries(w.indexes)
      .filter(([, u]) => u / n >= 0.005)
      .map(([name, u]) => `${name} ${(u / n).toFixed(2)}`)
      .join(', ');
    console.log(
      `  ${kind.padEnd(20)} ${(w.items / n).toFixed(2).padStart(6)} writes  ${(units / n).toFixed(2).padStart(7)} WRU  (table ${(w.table / n).toFixed(2)}${indexes ? `; ${indexes}` : ''})`,
    );
  }
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;
const fmtCount = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 4 : 2));
const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toFixed(5) : n.toFixed(4)}`;

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
