/**
 * `npm run -s stack -- <function> < trace.txt`: a stack trace a deployed function logged, each
 * `index.mjs:<line>:<column>` of it followed by where that is in the TypeScript sources. Lambda runs the
 * bundles without `--enable-source-maps`: Node parses a bundle's whole map (about 0.5 MB) when it loads the
 * bundle, which measured ~15 ms of every cold start (issue 21), to serve stack traces that are rare. The map
 * is rebuilt here from the sources with the deploy's options (infra/bundling.ts), so run this at the commit
 * that was deployed; `cdk synth` also leaves each map beside its bundle in cdk.out.
 */
import { SourceMap } from 'node:module';
import { text } from 'node:stream/consumers';
import { build } from 'esbuild';
import { functionBundling } from '../infra/bundling';
import { functions } from '../shared/topology';

/** A bundle's source map (v3), built as the deploy builds the bundle. */
export async function sourceMapOf(entry: string): Promise<SourceMap> {
  const out = await build({
    ...functionBundling,
    entryPoints: [entry],
    outfile: 'index.mjs',
    bundle: true,
    write: false,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'silent',
  });
  const map = out.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!map) throw new Error(`esbuild wrote no source map for ${entry}`);
  return new SourceMap(JSON.parse(map.text));
}

/** The trace with ` [<source>:<line>:<column>]` after each bundle position the map knows. */
export function mapTrace(trace: string, map: SourceMap): string {
  return trace.replace(/index\.mjs:(\d+):(\d+)/g, (frame, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
    if (!('originalSource' in entry) || !entry.originalSource) return frame;
    const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
    return `${frame} [${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}]`;
  });
}

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const fn = functions.find((f) => f.name === name);
  if (!fn || rest.length > 0) {
    console.error('usage: npm run -s stack -- <function> < trace.txt   (function names: shared/topology.ts)');
    process.exit(2);
  }
  const map = await sourceMapOf(fn.entry);
  process.stdout.write(mapTrace(await text(process.stdin), map));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
