/*
 * Bundles only: `require` is the one the bundle's banner defines (infra/bundling.ts, ESM_REQUIRE_SHIM), which
 * resolves beside the bundle; a `createRequire` imported here would clash with the banner's when not minified.
 *
 * What the function bundles use instead of `encoding-japanese` (an esbuild alias, infra/bundling.ts); no
 * source module imports this one. libmime requires it when it loads, to convert ISO-2022-JP, JIS and EUC-JP
 * text — a few mails in a thousand — and it is 87 KiB of tables that receive-email would compile at every
 * cold start. The package's own single-file build is copied beside the bundle instead (BESIDE_BUNDLE) and
 * required on the first such mail; the other charsets never load it.
 */

type Encoding = typeof import('encoding-japanese');

let loaded: Encoding | undefined;

function encoding(): Encoding {
  loaded ??= require('./japanese/encoding.min.js') as Encoding;
  return loaded;
}

/** The package's API, each property read from the real module, loaded on the first read. */
export default new Proxy({} as Encoding, { get: (_, name) => encoding()[name as keyof Encoding] });
