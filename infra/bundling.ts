import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { workflowConfig } from '../shared/config';
import { routeAccess } from '../shared/http/access';
import { deferredLoads } from './deferred-loads';
import { pureInitializers } from './pure-initializers';

/**
 * ESM bundles have no `require`; a few CommonJS dependencies still call it (e.g. for `node:` builtins),
 * so the bundle defines one before any module code runs.
 */
export const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/** A module of this repository by its path from the root, absolute (see `FUNCTION_ALIASES`). */
const repoModule = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/**
 * Packages published as ES modules and as CommonJS that a bundle would otherwise carry twice: mailparser
 * imports them, its MIME splitter (@zone-eu/mailsplit) requires them, and each gets its own build (libmime
 * alone is 85 KiB, with its MIME types table). One copy is enough, and it must be the CommonJS one: its
 * `require`rs read properties of `module.exports`, which an importer's default import is too.
 */
const DUAL_FORMAT_PACKAGES = ['libmime', 'libqp', 'libbase64'] as const;

/** A package's CommonJS entry, as `require` resolves it from here (the repository's node_modules). */
const commonJsBuild = (name: string) => createRequire(import.meta.url).resolve(name);

/**
 * Packages a bundle takes from another module than their own (esbuild `alias`), each a part of a
 * dependency that Lambda never reaches; the module that stands in says why and what it saves. The SDK's
 * default credential chain becomes its first link, the environment's credentials, the only one Lambda
 * uses; postcss, which sanitize-html loads but Frontdoor's options never call, becomes a stub that throws,
 * and so does dayjs, which launder loads for sanitize-html but only for date helpers it never calls;
 * mailparser's `he` (HTML it renders and Frontdoor never reads) a five-character escape, its linkify-it (links
 * in that HTML) a matcher that matches nothing, and the list of top-level domains it would match an empty one; libmime's
 * `encoding-japanese` a stand-in that loads the package from beside the bundle on the first JIS mail, and
 * tinyld's profiles one that loads them from beside the bundle on the first language detection.
 * Absolute paths: esbuild resolves an alias from its working directory, which differs between `cdk synth`
 * and the benchmark.
 */
export const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': repoModule('shared/adapters/lambda-credentials.ts'),
  postcss: repoModule('shared/http/no-style-parser.ts'),
  dayjs: repoModule('shared/http/no-date-library.ts'),
  ...Object.fromEntries(DUAL_FORMAT_PACKAGES.map((name) => [name, commonJsBuild(name)])),
  'libmime/lib/charset': commonJsBuild('libmime/lib/charset'),
  he: repoModule('shared/adapters/bundled/html-escape.ts'),
  'linkify-it': repoModule('shared/adapters/bundled/no-links.ts'),
  tlds: repoModule('shared/adapters/bundled/no-tlds.ts'),
  'encoding-japanese': repoModule('shared/adapters/bundled/japanese-on-demand.ts'),
  'tinyld/light': repoModule('shared/adapters/bundled/language-profiles-on-demand.ts'),
};

/** Linux's limit on one argument of a command (MAX_ARG_STRLEN); NodejsFunction runs esbuild's CLI. */
const MAX_ARGUMENT_BYTES = 128 * 1024;

/**
 * A value computed at synth, as the source of the JS string an esbuild `define` puts in the bundle (read
 * back with `JSON.parse`: V8 builds a large object faster from JSON than from code). Only what JSON carries
 * unchanged may go (no dates, no `undefined`), and only what fits on esbuild's command line: anything else
 * fails the synth here rather than the function in Lambda.
 */
export function jsonDefine(name: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (!isDeepStrictEqual(JSON.parse(json), value)) {
    throw new Error(`${name} does not survive JSON: the function bundles cannot carry it`);
  }
  const literal = JSON.stringify(json);
  if (Buffer.byteLength(literal) > MAX_ARGUMENT_BYTES - 1024) {
    throw new Error(`${name} (${Buffer.byteLength(literal)} bytes) no longer fits in one esbuild argument`);
  }
  return literal;
}

/**
 * What a bundle knows from the synth instead of working it out at every cold start (see where each is
 * read): the workflow config, parsed and validated (shared/config/workflow.ts), and who may call which route
 * (shared/http/access.ts), without the topology it comes from.
 */
export const FUNCTION_DEFINES: Readonly<Record<string, string>> = {
  FRONTDOOR_WORKFLOW_CONFIG: jsonDefine('The workflow config', workflowConfig),
  FRONTDOOR_ROUTE_ACCESS: jsonDefine('The route access table', routeAccess),
};

/**
 * Files a bundle reads from beside itself instead of carrying them (esbuild `external`, by the path the
 * dependency requires them with), and where they are copied from. iconv-lite's code-page tables for the
 * Chinese, Japanese and Korean charsets are about 210 KiB that it `require`s only to decode such a mail
 * (and libmime the GBK one when it loads): inside the bundle, receive-email would compile all of them at
 * every cold start; beside it, a table is read from disk when it is first needed. Likewise encoding-japanese's
 * one-file build (87 KiB), for the JIS mails only, libmime's MIME type tables (50 KiB), for the first
 * attachment without a type (infra/deferred-loads.ts), and tinyld's language profiles (68 KiB), for the first
 * detection (shared/adapters/bundled/).
 */
export const BESIDE_BUNDLE = [
  { external: './tables/*', from: 'node_modules/iconv-lite/encodings/tables', to: 'tables', files: ['*'] },
  {
    external: './japanese/*',
    from: 'node_modules/encoding-japanese',
    to: 'japanese',
    files: ['encoding.min.js', 'LICENSE'],
  },
  {
    external: './libmime/*',
    from: 'node_modules/libmime/dist/cjs',
    to: 'libmime',
    files: ['mimetypes.js', '../../LICENSE'],
  },
  {
    external: './tinyld/*',
    from: 'node_modules/tinyld',
    to: 'tinyld',
    files: ['dist/tinyld.light.node.js', 'license'],
  },
] as const;

/** Copies a `BESIDE_BUNDLE` file set from the repository (`root`) into the directory beside a bundle (flat). */
export function copyBeside(root: string, files: (typeof BESIDE_BUNDLE)[number], bundleDir: string): void {
  const target = join(bundleDir, files.to);
  mkdirSync(target, { recursive: true });
  const listed: readonly string[] = files.files;
  const names = listed.includes('*') ? readdirSync(join(root, files.from)) : listed;
  for (const name of names) copyFileSync(join(root, files.from, name), join(target, basename(name)));
}

/**
 * Dependencies a bundle loads from beside itself that have dependencies of their own, so that no file of
 * theirs can be copied: each is built there, with its dependencies, as one CommonJS file when the bundle
 * is (infra/rebundle-function.ts), with its licence. html-to-text (and htmlparser2, selderee, parseley,
 * deepmerge-ts, dom-serializer and a second build of `entities`: 216 KiB) converts HTML to text for
 * mailparser when a mail has no plain-text part; inside the bundle, receive-email parsed it at every cold
 * start, about 10 ms (shared/adapters/bundled/html-to-text-on-demand.ts).
 */
export const SIDE_BUNDLES = [
  {
    external: './html-to-text/*',
    entry: 'html-to-text',
    to: 'html-to-text',
    file: 'index.cjs',
    licence: 'node_modules/html-to-text/LICENSE',
  },
] as const;

/** How a bundle that needs a `BESIDE_BUNDLE` or `SIDE_BUNDLES` entry requires it: `"./tables/` and a file name. */
const requiredAs = (files: { readonly external: string }) =>
  `"${files.external.slice(0, files.external.indexOf('*'))}`;

/** The `BESIDE_BUNDLE` file sets a bundle's code requires. */
export function besideBundleNeeds(code: string): ReadonlyArray<(typeof BESIDE_BUNDLE)[number]> {
  return BESIDE_BUNDLE.filter((files) => code.includes(requiredAs(files)));
}

/** Builds beside a bundle (in `bundleDir`) each of `SIDE_BUNDLES` its code requires, with its licence. */
export async function buildSideBundles(root: string, code: string, bundleDir: string): Promise<void> {
  for (const side of SIDE_BUNDLES.filter((s) => code.includes(requiredAs(s)))) {
    const target = join(bundleDir, side.to);
    mkdirSync(target, { recursive: true });
    await build({
      entryPoints: [createRequire(join(root, 'package.json')).resolve(side.entry)],
      outfile: join(target, side.file),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      minify: true,
      charset: 'utf8',
      logLevel: 'warning',
    });
    copyFileSync(join(root, side.licence), join(target, basename(side.licence)));
  }
}

/**
 * Everything a bundle whose code is `code` reads from beside itself, put in `bundleDir`: the copied file
 * sets and the built side bundles (as the deployed function has them; the benchmark and tests use this).
 */
export async function placeBeside(root: string, code: string, bundleDir: string): Promise<void> {
  for (const files of besideBundleNeeds(code)) copyBeside(root, files, bundleDir);
  await buildSideBundles(root, code, bundleDir);
}

/** A word for `bash -c`, quoted. */
const shellQuoted = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The shell commands that copy next to a bundle each `BESIDE_BUNDLE` file set it requires, as
 * `besideBundleNeeds` finds them (NodejsFunction's `afterBundling` hook; `bundle` is the bundle's path).
 */
export function besideBundleCommands(repoRoot: string, outputDir: string, bundle: string): string[] {
  const q = shellQuoted;
  return BESIDE_BUNDLE.map((files) => {
    const source = `${repoRoot.replace(/\/$/, '')}/${files.from}`;
    const target = `${outputDir}/${files.to}`;
    const copied = files.files
      .map((name) => (name === '*' ? `${q(source)}/*` : q(`${source}/${name}`)))
      .join(' ');
    return `if grep -qF ${q(requiredAs(files))} ${q(bundle)}; then mkdir -p ${q(target)} && cp ${copied} ${q(target)}/; fi`;
  });
}

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
  // Characters as they are, not as \u escapes: half the size for the non-ASCII tables of the mail
  // libraries (HTML entities, charsets, language profiles). Node reads sources as UTF-8.
  charset: 'utf8',
  alias: FUNCTION_ALIASES,
  define: FUNCTION_DEFINES,
  external: [...BESIDE_BUNDLE, ...SIDE_BUNDLES].map((files) => files.external),
  // What the handler never uses of a shared module stays out (infra/pure-initializers.ts), and what only
  // rare mails need of the mail parser's dependencies runs on the first such mail (infra/deferred-loads.ts).
  // NodejsFunction runs esbuild's command line, which takes no plugins: the construct rebuilds through this API.
  plugins: [pureInitializers, deferredLoads],
} as const satisfies BuildOptions;

/**
 * The shell command that rebuilds a function's bundle (and its source map) with `functionBundling`,
 * plugins included (infra/rebundle-function.ts), run from the repository root with this Node.
 */
export function rebundleCommand(repoRoot: string, entry: string, bundle: string): string {
  const q = shellQuoted;
  return `cd ${q(repoRoot)} && ${q(process.execPath)} --import tsx infra/rebundle-function.ts ${q(entry)} ${q(bundle)}`;
}

/** The aliases as NodejsFunction's `esbuildArgs` (it has no `alias` option): `--alias:<package>=<path>` each. */
export function aliasArgs(aliases: Readonly<Record<string, string>>): string[] {
  return Object.entries(aliases).map(([from, to]) => `${from}=${to}`);
}
