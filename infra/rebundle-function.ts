/**
 * `node --import tsx infra/rebundle-function.ts <entry> <outfile>`: one function's bundle through esbuild's
 * API, with the options and plugins of infra/bundling.ts, and its source map (mappings only) beside it, and
 * the side bundles its code requires (infra/bundling.ts, `SIDE_BUNDLES`).
 * FrontdoorFunction runs it in NodejsFunction's `afterBundling` hook, over the bundle NodejsFunction's
 * esbuild command line wrote: that command line takes no plugins (infra/pure-initializers.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildSideBundles, functionBundling } from './bundling';

const [entry, outfile, ...rest] = process.argv.slice(2);
if (!entry || !outfile || rest.length > 0) {
  console.error('usage: node --import tsx infra/rebundle-function.ts <entry> <outfile>');
  process.exit(2);
}
await build({
  ...functionBundling,
  entryPoints: [entry],
  outfile,
  bundle: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
await buildSideBundles(resolve(import.meta.dirname, '..'), readFileSync(outfile, 'utf8'), dirname(outfile));
