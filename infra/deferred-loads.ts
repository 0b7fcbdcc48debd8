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
 * libmime's charset.js asks iconv-lite for six codecs when it loads — to tell UTF-7, base64 and hex
 * apart from character sets, to know which UTF-16/32 decoders guess a byte order, and the decoder
 * iconv-lite's double-byte codecs share — and the first ask loads all of iconv-lite's encodings. A mail in
 * UTF-8 or ASCII (nearly all) never reaches iconv-lite. The two lists become objects that build themselves
 * on the first mail in another charset, and the double-byte decoder is read where it is compared, from
 * iconv-lite's double-byte codec class, whose codecs share it: the GBK codec built for it read and
 * unpacked a 22,000-character table (8–9 ms of every start) for the few mails in Chinese. By then
 * libmime has just called getCodec, so iconv-lite's encodings are loaded.
 * libmime.js loads its MIME type ↔ file extension tables (2,000 entries) when it loads; mailparser and
 * mailsplit look a type up only for an attachment sent as application/octet-stream or without a
 * Content-Type. The two tables become getters that load them on that first look-up, from the copy of the
 * module beside the bundle (infra/bundling.ts, BESIDE_BUNDLE: 50 KiB that V8 no longer parses at start).
 */
export const SOURCE_PATCHES = [
  {
    module: 'libmime/dist/cjs/charset.js',
    find: "const UNSUPPORTED_CODECS = new Set(['utf7', 'utf7imap', 'base64', 'hex'].map(name => iconv_lite_1.default.getCodec(name)));",
    replace:
      "const UNSUPPORTED_CODECS = { has(codec) { this.codecs ??= new Set(['utf7', 'utf7imap', 'base64', 'hex'].map(name => iconv_lite_1.default.getCodec(name))); return this.codecs.has(codec); } };",
  },
  {
    module: 'libmime/dist/cjs/charset.js',
    find: "const DBCS_DECODER = iconv_lite_1.default.getCodec('gbk').decoder;",
    replace: '',
  },
  {
    module: 'libmime/dist/cjs/charset.js',
    find: 'if (codec.decoder === DBCS_DECODER) {',
    replace: 'if (codec.decoder === iconv_lite_1.default.encodings._dbcs.prototype.decoder) {',
  },
  {
    module: 'libmime/dist/cjs/charset.js',
    find: "const BYTE_ORDER_GUESSING = new Map([\n    [iconv_lite_1.default.getCodec('utf-16'), 200],\n    [iconv_lite_1.default.getCodec('utf-32'), 400]\n]);",
    replace:
      "const BYTE_ORDER_GUESSING = { get(codec) { this.sizes ??= new Map([[iconv_lite_1.default.getCodec('utf-16'), 200], [iconv_lite_1.default.getCodec('utf-32'), 400]]); return this.sizes.get(codec); } };",
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
    for (const module of new Set(SOURCE_PATCHES.map((p) => p.module))) {
      const path = installedPath(module);
      const patches = SOURCE_PATCHES.filter((p) => p.module === module);
      build.onLoad({ filter: new RegExp(`^${escaped(path)}$`) }, () => ({
        contents: patches.reduce((source, patch) => patched(source, patch), readFileSync(path, 'utf8')),
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
