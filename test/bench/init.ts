/**
 * The cold-start proxy (issue 21): every function's bundle, built with the CDK's esbuild options (and the
 * files the CDK copies beside it), imported in a fresh Node process several times; the median module
 * initialisation against that of a handler that only creates the DynamoDB and EventBridge clients, bundled
 * the same way, imported next to each of them (the ratio is taken pair by pair). Figures only, nothing
 * asserted.
 * Standalone: `tsx test/bench/init.ts [runs]`; `npm run bench` prints the same table at its end.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { functionBundling, placeBeside } from '../../infra/bundling';
import { functions } from '../../shared/topology';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * What the bundles read from the environment at import: every variable the topology gives a function, its
 * literal value or a stand-in of the right form (an ARN, a URL) that reaches nothing.
 */
function benchEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    FRONTDOOR_LINK_SECRET: 'bench',
  };
  for (const fn of functions)
    for (const [name, value] of Object.entries(fn.env))
      env[name] =
        typeof value === 'string'
          ? value
          : name.endsWith('_ARN')
            ? 'arn:aws:sqs:eu-west-1:000000000000:bench'
            : name.endsWith('_URL')
              ? 'https://support.example.com'
              : name.includes('ADDRESS')
                ? 'support@example.com'
                : 'bench';
  return env;
}
const ENV = benchEnvironment();

/** The baseline: an SDK-only handler (the two clients every Frontdoor handler uses), bundled the same way. */
const BASELINE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const bus = new EventBridgeClient({});
export const handler = async () => { void GetCommand; void PutEventsCommand; return { db: !!db, bus: !!bus }; };
`;

/** Module initialisation of one bundle in a fresh process (ms): `import()` until its top level has run. */
async function initOnce(file: string): Promise<number> {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...ENV },
  });
  return Number(stdout);
}

/** The value at `p` (0–1) of the sorted values, interpolated between neighbours. */
const quantile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const at = p * (s.length - 1);
  const lo = s[Math.floor(at)] as number;
  const hi = s[Math.ceil(at)] as number;
  return lo + (hi - lo) * (at - Math.floor(at));
};
const median = (xs: readonly number[]) => quantile(xs, 0.5);

export interface InitFigure {
  readonly name: string;
  readonly bytes: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /**
   * Each run of the bundle over the baseline's run next to it: the median and the 25th–75th
   * percentiles. Paired runs a moment apart see the same machine, so a slow spell moves both.
   */
  readonly ratio: { readonly median: number; readonly low: number; readonly high: number };
  /** The bundle's fastest run over the fastest of the baseline runs paired with it. */
  readonly fastestRatio: number;
}

/** Builds every bundle and the baseline, then measures each `runs` times, interleaved round by round. */
export async function measureInit(
  runs = 7,
  progress: (line: string) => void = (l) => console.error(l),
): Promise<{ baseline: InitFigure; figures: InitFigure[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-init-'));
  try {
    const baselineEntry = join(ROOT, '.scratch', 'bench-baseline.ts');
    const entries = [
      { name: '(SDK-only baseline)', entry: baselineEntry },
      ...functions.map((fn) => ({ name: fn.name, entry: join(ROOT, fn.entry) })),
    ];
    mkdirSync(dirname(baselineEntry), { recursive: true });
    writeFileSync(baselineEntry, BASELINE);
    const bundles: Array<{
      name: string;
      file: string;
      bytes: number;
      times: number[];
      /** The baseline runs next to this bundle's, one per run. */
      paired: number[];
    }> = [];
    for (const e of entries) {
      const out = await build({
        ...functionBundling,
        entryPoints: [e.entry],
        bundle: true,
        write: false,
        logLevel: 'silent',
      });
      const js = out.outputFiles?.[0]?.contents ?? new Uint8Array();
      const file = join(dir, `${e.name.replace(/\W+/g, '_')}.mjs`);
      writeFileSync(file, js);
      // What the deployed bundle has beside it (infra/bundling.ts): a dependency may read it at import.
      await placeBeside(ROOT, new TextDecoder().decode(js), dir);
      bundles.push({ name: e.name, file, bytes: js.length, times: [], paired: [] });
    }
    rmSync(baselineEntry, { force: true });
    const [base, ...handlers] = bundles;
    if (!base) throw new Error('no baseline bundle');
    // Round by round, every bundle once per round, each next to a run of the baseline: the ratio of the
    // two is what the table reports, so a busy moment of the machine moves both sides of it. Which of the
    // pair runs first alternates by round, so neither side always follows the other's exit.
    for (let r = 1; r <= runs; r++) {
      for (const b of handlers) {
        const baselineFirst = r % 2 === 1;
        const first = await initOnce(baselineFirst ? base.file : b.file);
        const second = await initOnce(baselineFirst ? b.file : base.file);
        const [baselineMs, ms] = baselineFirst ? [first, second] : [second, first];
        base.times.push(baselineMs);
        b.paired.push(baselineMs);
        b.times.push(ms);
      }
      progress(`init round ${r}/${runs}`);
    }
    const figures = bundles.map((b) => {
      const ratios = b.times.map((ms, i) => ms / (b.paired[i] as number));
      return {
        name: b.name,
        bytes: b.bytes,
        medianMs: median(b.times),
        minMs: Math.min(...b.times),
        maxMs: Math.max(...b.times),
        ratio:
          b === base
            ? { median: 1, low: 1, high: 1 }
            : { median: median(ratios), low: quantile(ratios, 0.25), high: quantile(ratios, 0.75) },
        fastestRatio: b === base ? 1 : Math.min(...b.times) / Math.min(...b.paired),
      };
    });
    const [baseline, ...rest] = figures;
    if (!baseline) throw new Error('no baseline figure');
    return { baseline, figures: rest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The table `npm run bench` prints. */
export function initLines(
  result: { baseline: InitFigure; figures: readonly InitFigure[] },
  runs: number,
): string[] {
  const kib = (n: number) => (n / 1024).toFixed(0).padStart(5);
  const x = (n: number) => `${n.toFixed(2)}×`;
  const row = (f: InitFigure) =>
    `  ${f.name.padEnd(24)} ${kib(f.bytes)} KiB  ${f.medianMs.toFixed(0).padStart(5)} ms (${f.minMs.toFixed(0)}–${f.maxMs.toFixed(0)})  ${x(f.ratio.median)} (${x(f.ratio.low)}–${x(f.ratio.high)})  ${x(f.fastestRatio)} fastest`;
  return [
    `\nModule initialisation (fresh process, import() of the bundle, median of ${runs}, min–max), ratio to an SDK-only handler:`,
    '  (ratio: each run over the baseline run next to it, median and 25th–75th percentile; fastest: its fastest run over the fastest of those baseline runs)',
    row(result.baseline),
    ...[...result.figures].sort((a, b) => b.ratio.median - a.ratio.median).map(row),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runs = Number(process.argv[2] ?? 7);
  const result = await measureInit(runs);
  for (const line of initLines(result, runs)) console.log(line);
}
