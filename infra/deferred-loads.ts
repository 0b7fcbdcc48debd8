import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * Work two dependencies of receive-email do at every cold start for mails that are rare (issue 21), moved
 * to the first mail that needs it. Both are exact: a dependency update that changes the text below fails
 * the bundling (and test/infra/deferred-loads.test.ts) instead of quietly bundling the old behaviour.
 */

/**
 * A dependency's module rewritten at bundling: `find` must occur exactly once in it.
 * libmime's charset.js compares each codec's decoder with the one iconv-lite's double-byte codecs share,
 * and gets that decoder by building the GBK codec when it loads: iconv-lite then reads and unpacks its
 * GBK table (cp936, 22,000 characters) — 8–9 ms of receive-email's start for the few mails in Chinese.
 * The same decoder is the prototype's of iconv-lite's double-byte codec class, which iconv-lite has loaded
 * by then (libmime's previous statements call getCodec); no table is read.
 * libmime.js loads its MIME type ↔ file extension tables (2,000 entries) when it loads; mailparser and
 * mailsplit look a type up only for an attachment sent as application/octet-stream or without a
 * Content-Type. The two tables become getters that load them on that first look-up, from the copy of the
 * module beside the bundle (infra/bundling.ts, BESIDE_BUNDLE: 50 KiB that V8 no longer parses at start).
 */
export const SOURCE_PATCHES = [
  {
    module: 'libmime/dist/cjs/charset.js',
    find: "const DBCS_DECODER = iconv_lite_1.default.getCodec('gbk').decoder;",
    replace: 'const DBCS_DECODER = iconv_lite_1.default.encodings._dbcs.prototype.decoder;',
  },
  {
    module: 'libmime/dist/cjs/libmime.js',
    find: 'const mimetypes = __importStar(require("./mimetypes.js"));',
    replace:
      'const mimetypes = { get list() { return require("./libmime/mimetypes.js").list; }, get extensions() { return require("./libmime/mimetypes.js").extensions; } };',
  },
] as const;

/** Where `module` (package/path) is in this repository's node_modules, as esbuild reports loaded paths. */
const installedPath = (module: string) =>
  fileURLToPath(new URL(`../node_modules/${module}`, import.meta.url));

/** `source` with the patch applied; throws if its text is not there exactly once. */
export function patched(source: string, patch: (typeof SOURCE_PATCHES)[number]): string {
  const at = source.indexOf(patch.find);
  if (at === -1 || source.indexOf(patch.find, at + 1) !== -1)
    throw new Error(
      `${patch.module} no longer holds "${patch.find}" exactly once: review infra/deferred-loads.ts for this version`,
    );
  return `${source.slice(0, at)}${patch.replace}${source.slice(at + patch.find.length)}`;
}

/**
 * Imports of a package that, from one importer, go to a stand-in that loads the package on first use
 * (shared/adapters/bundled/): mailparser's html-to-text, for mails with no plain-text part, from the file
 * built beside the bundle (infra/bundling.ts, SIDE_BUNDLES). Only mailparser's import: the side bundle is
 * html-to-text itself.
 */
export const DEFERRED_IMPORTS = [
  {
    specifier: 'html-to-text',
    importer: 'mailparser',
    standIn: fileURLToPath(new URL('../shared/adapters/bundled/html-to-text-on-demand.ts', import.meta.url)),
  },
] as const;

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The esbuild plugin of both (infra/bundling.ts `functionBundling`). */
export const deferredLoads: Plugin = {
  name: 'frontdoor-deferred-loads',
  setup(build) {
    for (const patch of SOURCE_PATCHES) {
      const path = installedPath(patch.module);
      build.onLoad({ filter: new RegExp(`^${escaped(path)}$`) }, () => ({
        contents: patched(readFileSync(path, 'utf8'), patch),
        loader: 'js',
      }));
    }
    for (const deferred of DEFERRED_IMPORTS) {
      const from = `/node_modules/${deferred.importer}/`;
      build.onResolve({ filter: new RegExp(`^${escaped(deferred.specifier)}$`) }, (args) =>
        args.importer.includes(from) ? { path: deferred.standIn } : undefined,
      );
    }
  },
};
