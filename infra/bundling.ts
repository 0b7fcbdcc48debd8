import type { BuildOptions } from 'esbuild';

/**
 * ESM bundles have no `require`; a few CommonJS dependencies still call it (e.g. for `node:` builtins),
 * so the bundle defines one before any module code runs.
 */
export const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * The esbuild options behind every function bundle. The CDK construct passes the same values through
 * NodejsFunction's `bundling`; the benchmark builds with these to report bundle sizes.
 */
export const functionBundling = {
  platform: 'node',
  format: 'esm',
  target: 'node22',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_SHIM },
  minify: true,
} as const satisfies BuildOptions;
