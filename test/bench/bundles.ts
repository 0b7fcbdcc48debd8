/**
 * `npm run bundles [-- <function> …]`: what each function bundle pulls in (issue 21, "Lighter functions").
 * Every bundle is built with the options the CDK deploys (infra/bundling.ts) and its esbuild metafile is
 * grouped by package (node_modules) or by folder of this repository, biggest first. With function names,
 * only those, each with every part; without, every function with its five biggest parts. Figures only.
 */
import { build, type Metafile } from 'esbuild';
import { functionBundling } from '../../infra/bundling';
import { functions } from '../../shared/topology';

const KiB = 1024;

/** The package (`@scope/name` or `name`) or repository folder (`shared/config`) a bundled file belongs to. */
export function partOf(path: string): string {
  const pkg = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg?.[1]) return pkg[1];
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : path;
}

/** Bytes in the output by part, biggest first. */
export function partsOf(metafile: Metafile): Array<{ part: string; bytes: number }> {
  const output = Object.values(metafile.outputs)[0];
  const bytes = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output?.inputs ?? {}))
    bytes.set(partOf(file), (bytes.get(partOf(file)) ?? 0) + bytesInOutput);
  return [...bytes].map(([part, n]) => ({ part, bytes: n })).toSorted((a, b) => b.bytes - a.bytes);
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !functions.some((f) => f.name === name));
  if (unknown.length > 0) {
    console.error(`no such function: ${unknown.join(', ')} (see shared/topology.ts)`);
    process.exit(2);
  }
  const chosen = asked.length > 0 ? functions.filter((f) => asked.includes(f.name)) : functions;
  const rows: Array<{ name: string; total: number; parts: Array<{ part: string; bytes: number }> }> = [];
  for (const [i, fn] of chosen.entries()) {
    process.stderr.write(`  … ${i + 1}/${chosen.length} ${fn.name}\n`);
    const out = await build({
      ...functionBundling,
      entryPoints: [fn.entry],
      bundle: true,
      write: false,
      metafile: true,
      outfile: `${fn.name}.mjs`,
      logLevel: 'silent',
    });
    const total = out.outputFiles.reduce((n, f) => n + f.contents.length, 0);
    rows.push({ name: fn.name, total, parts: partsOf(out.metafile) });
  }
  const kib = (n: number) => `${(n / KiB).toFixed(1)} KiB`;
  for (const row of rows.toSorted((a, b) => b.total - a.total)) {
    console.log(`${row.name.padEnd(26)} ${kib(row.total).padStart(11)}`);
    for (const p of asked.length > 0 ? row.parts : row.parts.slice(0, 5))
      console.log(`    ${kib(p.bytes).padStart(11)}  ${p.part}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
