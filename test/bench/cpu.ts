/**
 * CPU time per request (issue 21): what a Lambda user pays for and DynamoDB Local cannot show. The real
 * handlers of intake (receive-webhook: a signed webhook as API Gateway HTTP API v2 hands it over), reading
 * a ticket (get-ticket, as an agent) and an agent write (add-message: a public reply with If-Match) are
 * invoked in this process, their AWS calls answered by an in-memory table (test/bench/support/): intake
 * really creates the tickets that get-ticket reads and add-message replies to. Figures only; nothing here
 * asserts a time, and wall time is not measured at all.
 *
 * process.cpuUsage() (user + system) is read around each invocation, and the CPU the in-memory table
 * spent answering is taken off, so the figure is the handler's. Two ways of answering, both printed:
 *  - full SDK (`sdk-wire`): the real AWS SDK stack runs (marshalling, serialisation, endpoint resolution,
 *    SigV4 signing, response parsing) and only its HTTP request handler is in memory. Closest to Lambda,
 *    which pays on top the TLS and socket work of each HTTPS call.
 *  - handler code (`sdk-mock`): aws-sdk-client-mock answers the document client's `send`, so the SDK's
 *    share is left out; the difference between the two is what the SDK costs per request.
 * After a warm-up, BENCH_ROUNDS rounds, each running BENCH_CPU_REQUESTS invocations of every handler in
 * both ways, the order rotating round by round so a busy moment of the machine touches them all alike.
 * Printed per handler: the median over rounds of the mean CPU per request, the min–max across rounds, the
 * DynamoDB requests it made, then — each in a fresh process (the handler's module loaded, nothing run yet;
 * full SDK) — the first call's CPU (what a cold start adds after module initialisation, which
 * test/bench/init.ts measures), and the heap and RSS after BENCH_CPU_WARM calls, for choosing memory sizes.
 *
 * Knobs: BENCH_CPU_REQUESTS (200) per handler, way and round; BENCH_ROUNDS (5); BENCH_CPU_WARMUP (100)
 * calls per handler and way before measuring; BENCH_CPU_COLD_RUNS (3) fresh processes per handler;
 * BENCH_CPU_WARM (50, at least 20) calls before a fresh process reads its memory.
 * Standalone: `npx tsx test/bench/cpu.ts`; `npm run bench` prints the same at its end.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signWebhook } from '../../shared/http/webhook-signature';
import { functions } from '../../shared/topology';
import { httpEvent, lambdaContext } from '../functions/events';
import {
  mockDocumentClient,
  mockOtherServices,
  type PortMode,
  tableCpuMicros,
  wireDynamoDb,
} from './support/in-memory-aws';
import { type Item, MemoryTable } from './support/memory-table';
import { benchPayload } from './support/payload';

const REQUESTS = Math.max(1, Number(process.env.BENCH_CPU_REQUESTS ?? 200));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const WARMUP = Math.max(1, Number(process.env.BENCH_CPU_WARMUP ?? 100));
const COLD_RUNS = Math.max(0, Number(process.env.BENCH_CPU_COLD_RUNS ?? 3));
/** How many calls after the first the fresh processes average ("the next calls"). */
const FOLLOWING = 20;
const WARM = Math.max(FOLLOWING, Number(process.env.BENCH_CPU_WARM ?? 50));

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const HANDLERS = ['receive-webhook', 'get-ticket', 'add-message'] as const;
type HandlerName = (typeof HANDLERS)[number];
const LABEL: Record<HandlerName, string> = {
  'receive-webhook': 'intake (receive-webhook)',
  'get-ticket': 'read a ticket (get-ticket)',
  'add-message': 'agent reply (add-message)',
};
const MODES: readonly PortMode[] = ['sdk-wire', 'sdk-mock'];
const WEBHOOK_SOURCE = 'demo';
const WEBHOOK_SECRET = 'bench-webhook-secret';
/** Every other service's endpoint: a closed local port, so a call nobody expected fails here, loudly. */
const CLOSED = 'http://127.0.0.1:9';

/**
 * What the three functions read from the environment (their topology rows, stand-ins for references), plus
 * region and credentials for the SDK. No local webhook secret: the secret comes the AWS way (Powertools,
 * Secrets Manager, answered in memory). No billing meter, no DynamoDB endpoint override.
 */
function benchEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-key',
  };
  for (const name of HANDLERS) {
    const fn = functions.find((f) => f.name === name);
    if (!fn) throw new Error(`no function ${name} in the topology`);
    for (const [k, v] of Object.entries(fn.env))
      env[k] = typeof v === 'string' ? v : `frontdoor-bench-${k.toLowerCase()}`;
  }
  for (const service of ['EVENTBRIDGE', 'SFN', 'SCHEDULER', 'S3', 'SECRETS_MANAGER', 'SESV2', 'SQS'])
    env[`AWS_ENDPOINT_URL_${service}`] = CLOSED;
  return env;
}

function applyEnvironment(env: Record<string, string>): void {
  for (const k of Object.keys(process.env))
    if (
      k.startsWith('FRONTDOOR_') ||
      k.startsWith('AWS_ENDPOINT_URL') ||
      k.startsWith('POWERTOOLS_') ||
      ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION'].includes(k)
    )
      delete process.env[k];
  Object.assign(process.env, env);
}

/** `global.gc`, without asking whoever runs this for --expose-gc. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

type HttpAnswer = { statusCode: number; headers?: Record<string, string>; body: string };
type Handler = (event: unknown, context: unknown) => Promise<HttpAnswer>;

async function loadHandler(name: HandlerName): Promise<Handler> {
  const mod = (await import(pathToFileURL(join(ROOT, 'functions', name, 'handler.ts')).href)) as {
    handler: Handler;
  };
  return mod.handler;
}

// ---- the requests ----------------------------------------------------------------------------------

let payloadSeq = 0;
const runTag = Date.now().toString(36);

/** A new webhook delivery, signed now, as API Gateway HTTP API v2 hands it to the function. */
function webhookEvent(): APIGatewayProxyEventV2 {
  const i = payloadSeq++;
  const body = JSON.stringify(benchPayload(`cpu-${runTag}-${process.pid}-${i}`, i));
  const ts = Math.floor(Date.now() / 1000);
  return httpEvent({
    method: 'POST',
    path: `/v1/webhooks/${WEBHOOK_SOURCE}`,
    routeKey: 'POST /v1/webhooks/{source}',
    pathParameters: { source: WEBHOOK_SOURCE },
    headers: {
      'x-frontdoor-timestamp': String(ts),
      'x-frontdoor-signature': signWebhook(WEBHOOK_SECRET, ts, body),
    },
    body,
  });
}

interface Fixture {
  /** The claims API Gateway's JWT authorizer hands over (an agent of every queue, HTTP API's string form). */
  claims: Record<string, unknown>;
}

function getTicketEvent(fx: Fixture, ticketId: string) {
  return httpEvent({
    method: 'GET',
    path: `/v1/tickets/${ticketId}`,
    routeKey: 'GET /v1/tickets/{id}',
    pathParameters: { id: ticketId },
    claims: fx.claims,
  });
}

function addMessageEvent(fx: Fixture, ticketId: string, version: number) {
  return httpEvent({
    method: 'POST',
    path: `/v1/tickets/${ticketId}/messages`,
    routeKey: 'POST /v1/tickets/{id}/messages',
    pathParameters: { id: ticketId },
    headers: { 'if-match': `"${version}"` },
    body: JSON.stringify({
      visibility: 'public',
      body: 'Thanks for reporting this. We are looking into the invoice and will come back to you today.',
    }),
    claims: fx.claims,
  });
}

const EXPECTED: Record<HandlerName, number> = {
  'receive-webhook': 202,
  'get-ticket': 200,
  'add-message': 201,
};

function checkAnswer(name: HandlerName, answer: HttpAnswer): Record<string, unknown> {
  if (answer.statusCode !== EXPECTED[name])
    throw new Error(`${name} answered ${answer.statusCode}: ${answer.body.slice(0, 500)}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** The directory's accounts the webhook payloads name, so intake's enrichment reads a real one. */
function accountItems(): Item[] {
  return Array.from({ length: 13 }, (_, i) => ({
    pk: `ACCOUNT#acct-${i}`,
    sk: 'META',
    entity: 'account',
    id: `acct-${i}`,
    name: `Bench Account ${i}`,
    tier: i % 3 ? 'enterprise' : 'smb',
    status: 'active',
    domains: [`acct${i}.example`],
    updatedAt: '2026-01-01T00:00:00.000Z',
  }));
}

function ticketVersion(table: MemoryTable, ticketId: string): number {
  const item = table.get({ TableName: table.tableName, Key: { pk: `TICKET#${ticketId}`, sk: 'META' } }).Item;
  if (typeof item?.version !== 'number') throw new Error(`ticket ${ticketId} is not in the table`);
  return item.version;
}

const cpuMicros = (u: NodeJS.CpuUsage) => u.user + u.system;

/** One invocation: CPU µs (the table's share taken off) and the answer. */
async function invoke(handler: Handler, event: unknown): Promise<{ micros: number; answer: HttpAnswer }> {
  const table0 = tableCpuMicros();
  const start = process.cpuUsage();
  const answer = await handler(event, lambdaContext);
  const used = cpuMicros(process.cpuUsage(start));
  return { micros: used - (tableCpuMicros() - table0), answer };
}

// ---- the main process: warm figures ----------------------------------------------------------------

interface Batch {
  micros: number;
  tableMicros: number;
  calls: Record<string, number>;
}

interface WarmFigure {
  perRound: number[];
  tablePerRequest: number[];
  calls: Record<string, number>;
}

interface ColdFigure {
  name: HandlerName | 'none';
  coldMs: number[];
  nextMs: number[];
  heapMiB: number[];
  rssMiB: number[];
}

async function warmFigures(
  env: Record<string, string>,
  gc: () => void,
): Promise<{
  figures: Map<string, WarmFigure>;
  table: MemoryTable;
  fx: Fixture;
  samples: { get: string; add: { id: string; version: number } };
}> {
  applyEnvironment(env);
  const { workflowConfig } = await import('../../shared/config');
  const { dynamoDbClient } = await import('../../shared/adapters/clients');
  const table = new MemoryTable(env.TABLE_NAME ?? '');
  table.seed(accountItems());
  const secretName = workflowConfig.webhookSources[WEBHOOK_SOURCE]?.secretName;
  if (!secretName) throw new Error(`no webhook source ${WEBHOOK_SOURCE}`);
  mockOtherServices({ [secretName]: WEBHOOK_SECRET });
  // sdk-wire stays in place underneath; sdk-mock is switched on around its batches.
  wireDynamoDb(dynamoDbClient(), table);
  let mock: ReturnType<typeof mockDocumentClient> | undefined;
  const useMode = (mode: PortMode) => {
    mock?.undo();
    mock = mode === 'sdk-mock' ? mockDocumentClient(table) : undefined;
  };

  const handlers = {} as Record<HandlerName, Handler>;
  for (const name of HANDLERS) handlers[name] = await loadHandler(name);
  const fx: Fixture = {
    claims: {
      sub: 'agent-bench',
      email: 'agent@bench.example',
      'cognito:groups': `[agent ${Object.keys(workflowConfig.queues)
        .map((q) => `queue-${q}`)
        .join(' ')}]`,
    },
  };

  /** Tickets intake made that nobody replied to yet: add-message's next targets (first reply each). */
  const fresh: string[] = [];
  /** Tickets with one agent reply: what get-ticket reads, round after round. */
  const readPool: string[] = [];
  let readNext = 0;

  const prepare = (name: HandlerName, n: number): { events: unknown[]; targets: string[] } => {
    if (name === 'receive-webhook') return { events: Array.from({ length: n }, webhookEvent), targets: [] };
    if (name === 'get-ticket')
      return {
        events: Array.from({ length: n }, () =>
          getTicketEvent(fx, readPool[readNext++ % readPool.length] ?? ''),
        ),
        targets: [],
      };
    const targets = fresh.splice(0, n);
    if (targets.length < n) throw new Error('not enough fresh tickets for add-message');
    return { events: targets.map((id) => addMessageEvent(fx, id, ticketVersion(table, id))), targets };
  };

  const runBatch = async (name: HandlerName, n: number): Promise<Batch> => {
    const { events } = prepare(name, n);
    const before = { ...table.counts };
    const tableBefore = tableCpuMicros();
    mock?.resetHistory();
    gc();
    let micros = 0;
    for (const event of events) {
      const r = await invoke(handlers[name], event);
      micros += r.micros;
      const body = checkAnswer(name, r.answer);
      if (name === 'receive-webhook') fresh.push(String(body.ticketId));
    }
    const calls = Object.fromEntries(
      Object.entries(table.counts)
        .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    );
    return { micros, tableMicros: tableCpuMicros() - tableBefore, calls };
  };

  // Warm-up, both ways: intake first (it makes the tickets), then replies to the tickets get-ticket will
  // read, then reads; and enough fresh tickets that any order of a round finds its targets.
  process.stderr.write(`CPU bench: warm-up (${WARMUP} calls per handler and way) …\n`);
  for (const mode of MODES) {
    useMode(mode);
    await runBatch('receive-webhook', WARMUP + 2 * REQUESTS);
    const replied = fresh.slice(0, WARMUP);
    await runBatch('add-message', WARMUP);
    readPool.push(...replied);
    await runBatch('get-ticket', WARMUP);
  }

  const figures = new Map<string, WarmFigure>();
  for (const mode of MODES)
    for (const name of HANDLERS)
      figures.set(`${mode} ${name}`, { perRound: [], tablePerRequest: [], calls: {} });
  process.stderr.write(
    `CPU bench: ${ROUNDS} rounds × ${HANDLERS.length} handlers × ${MODES.length} ways × ${REQUESTS} requests …\n`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    const order = HANDLERS.map((_, i) => HANDLERS[(i + round) % HANDLERS.length] as HandlerName);
    const modes = round % 2 === 0 ? MODES : [...MODES].reverse();
    const parts: string[] = [];
    for (const mode of modes) {
      useMode(mode);
      parts.push(`${mode}:`);
      for (const name of order) {
        const b = await runBatch(name, REQUESTS);
        const f = figures.get(`${mode} ${name}`);
        if (!f) continue;
        f.perRound.push(b.micros / REQUESTS / 1000);
        f.tablePerRequest.push(b.tableMicros / REQUESTS / 1000);
        f.calls = Object.fromEntries(Object.entries(b.calls).map(([k, v]) => [k, v / REQUESTS]));
        parts.push(`${name} ${(b.micros / REQUESTS / 1000).toFixed(2)}`);
      }
    }
    process.stderr.write(`  round ${round + 1}/${ROUNDS} (ms/request): ${parts.join('  ')}\n`);
  }
  useMode('sdk-wire');
  const get = readPool[0] ?? '';
  const addId = fresh[0] ?? '';
  return { figures, table, fx, samples: { get, add: { id: addId, version: ticketVersion(table, addId) } } };
}

// ---- fresh processes: the cold call and memory -----------------------------------------------------

interface ColdSpec {
  name: HandlerName | 'none';
  env: Record<string, string>;
  items: Item[];
  claims: Record<string, unknown>;
  get: string;
  add: { id: string; version: number };
  secretName: string;
}

/** In a fresh process: load one handler, call it once (cold), then WARM more times; print one JSON line. */
async function coldChild(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as ColdSpec;
  applyEnvironment(spec.env);
  const gc = gcFunction();
  const table = new MemoryTable(spec.env.TABLE_NAME ?? '');
  table.seed(spec.items);
  mockOtherServices({ [spec.secretName]: WEBHOOK_SECRET });
  const { dynamoDbClient } = await import('../../shared/adapters/clients');
  wireDynamoDb(dynamoDbClient(), table);
  const fx: Fixture = { claims: spec.claims };
  const result = { coldMs: Number.NaN, nextMs: Number.NaN, heap: 0, rss: 0 };
  if (spec.name !== 'none') {
    const name = spec.name;
    const handler = await loadHandler(name);
    let version = spec.add.version;
    const next = () =>
      name === 'receive-webhook'
        ? webhookEvent()
        : name === 'get-ticket'
          ? getTicketEvent(fx, spec.get)
          : addMessageEvent(fx, spec.add.id, version);
    const call = async () => {
      const r = await invoke(handler, next());
      checkAnswer(name, r.answer);
      const etag = r.answer.headers?.etag;
      if (name === 'add-message' && etag) version = Number(etag.replace(/"/g, ''));
      return r.micros / 1000;
    };
    result.coldMs = await call();
    // The calls right after it, while V8 still compiles and optimises (on its own threads: counted too).
    let following = 0;
    for (let i = 0; i < FOLLOWING; i++) following += await call();
    result.nextMs = following / FOLLOWING;
    for (let i = FOLLOWING; i < WARM; i++) await call();
  }
  gc();
  const mem = process.memoryUsage();
  result.heap = mem.heapUsed;
  result.rss = mem.rss;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function coldFigures(
  base: Omit<ColdSpec, 'name'>,
  progress: (line: string) => void,
): Promise<ColdFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-cpu-'));
  try {
    const names = ['none', ...HANDLERS] as const;
    const figures: ColdFigure[] = names.map((name) => ({
      name,
      coldMs: [],
      nextMs: [],
      heapMiB: [],
      rssMiB: [],
    }));
    for (let r = 1; r <= COLD_RUNS; r++) {
      for (const figure of figures) {
        const file = join(dir, `${figure.name}.json`);
        writeFileSync(file, JSON.stringify({ ...base, name: figure.name }));
        const { stdout } = await run(process.execPath, ['--import', 'tsx', THIS_FILE, '--cold', file], {
          cwd: ROOT,
          // The bench's own knobs, and what the functions get; nothing else of this shell.
          env: {
            PATH: process.env.PATH ?? '',
            ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
            ...base.env,
          },
          maxBuffer: 16 * 1024 * 1024,
        });
        const last = stdout.trim().split('\n').pop() ?? '{}';
        const out = JSON.parse(last) as { coldMs: number; nextMs: number; heap: number; rss: number };
        figure.coldMs.push(out.coldMs);
        figure.nextMs.push(out.nextMs);
        figure.heapMiB.push(out.heap / 1024 / 1024);
        figure.rssMiB.push(out.rss / 1024 / 1024);
      }
      progress(`CPU bench: fresh processes, round ${r}/${COLD_RUNS}`);
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- output ----------------------------------------------------------------------------------------

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
};
const spread = (xs: readonly number[], digits: number) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

function lines(warm: Map<string, WarmFigure>, cold: readonly ColdFigure[]): string[] {
  const out = [
    `\nCPU per request, in process (user + system; real handlers, in-memory table; the table's own CPU taken off),`,
    `${REQUESTS} requests × ${ROUNDS} interleaved rounds: median of the rounds' means (min–max across rounds):`,
    `  ${''.padEnd(28)} ${'full SDK (sdk-wire)'.padEnd(24)} ${'handler code (sdk-mock)'.padEnd(26)} SDK share   DynamoDB requests per request`,
  ];
  for (const name of HANDLERS) {
    const wire = warm.get(`sdk-wire ${name}`);
    const mock = warm.get(`sdk-mock ${name}`);
    if (!wire || !mock) continue;
    const w = median(wire.perRound);
    const m = median(mock.perRound);
    const calls = Object.entries(wire.calls)
      .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
      .join(', ');
    out.push(
      `  ${LABEL[name].padEnd(28)} ${`${w.toFixed(2)} ms (${spread(wire.perRound, 2)})`.padEnd(24)} ${`${m.toFixed(2)} ms (${spread(mock.perRound, 2)})`.padEnd(26)} ${`${(((w - m) / w) * 100).toFixed(0)}%`.padStart(9)}   ${calls}`,
    );
  }
  const tableShare = HANDLERS.map(
    (n) => `${n} ${median(warm.get(`sdk-wire ${n}`)?.tablePerRequest ?? []).toFixed(2)}`,
  );
  out.push(
    `  (taken off, the in-memory table's own CPU per request with the full SDK, ms: ${tableShare.join(', ')})`,
  );
  if (cold.length === 0) return out;
  const none = cold.find((c) => c.name === 'none');
  out.push(
    `\nFirst call in a fresh process (module loaded, full SDK; median of ${COLD_RUNS} processes, min–max), the mean of the ${FOLLOWING} calls after it,`,
    `and memory after ${WARM} calls (heap used after a GC, and RSS):`,
  );
  for (const c of cold) {
    if (c.name === 'none') continue;
    out.push(
      `  ${LABEL[c.name].padEnd(28)} cold ${`${median(c.coldMs).toFixed(1)} ms (${spread(c.coldMs, 1)})`.padEnd(22)} next ${FOLLOWING} calls ${`${median(c.nextMs).toFixed(2)} ms`.padEnd(9)} heap used ${median(c.heapMiB).toFixed(1).padStart(5)} MiB   rss ${median(c.rssMiB).toFixed(0).padStart(4)} MiB`,
    );
  }
  if (none)
    out.push(
      `  ${'(no handler: tsx, SDK, mocks)'.padEnd(28)} ${''.padEnd(59)} heap used ${median(none.heapMiB).toFixed(1).padStart(5)} MiB   rss ${median(none.rssMiB).toFixed(0).padStart(4)} MiB`,
      '  (these processes run TypeScript through tsx: its loader adds to RSS what a bundled Lambda does not carry)',
    );
  return out;
}

/** The whole bench: warm figures in this process, then the fresh processes. Returns the lines to print. */
export async function measureCpu(
  progress: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<string[]> {
  const env = benchEnvironment();
  const gc = gcFunction();
  const { figures, table, fx, samples } = await warmFigures(env, gc);
  const { workflowConfig } = await import('../../shared/config');
  const cold =
    COLD_RUNS > 0
      ? await coldFigures(
          {
            env,
            // The accounts and the two sample tickets' partitions: what the fresh processes need.
            items: table
              .dump()
              .filter(
                (i) =>
                  String(i.pk).startsWith('ACCOUNT#') ||
                  i.pk === `TICKET#${samples.get}` ||
                  i.pk === `TICKET#${samples.add.id}` ||
                  i.pk === 'COUNTER#ticket',
              ),
            claims: fx.claims,
            get: samples.get,
            add: samples.add,
            secretName: workflowConfig.webhookSources[WEBHOOK_SOURCE]?.secretName ?? '',
          },
          progress,
        )
      : [];
  return lines(figures, cold);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const coldAt = process.argv.indexOf('--cold');
  const specFile = coldAt >= 0 ? process.argv[coldAt + 1] : undefined;
  if (specFile) await coldChild(specFile);
  else for (const line of await measureCpu()) console.log(line);
}
