/*
 * Bundles only: `require` is the one the bundle's banner defines (infra/bundling.ts, ESM_REQUIRE_SHIM), which
 * resolves beside the bundle; a `createRequire` imported here would clash with the banner's when not minified.
 *
 * What the function bundles use instead of `tinyld/light` (an esbuild alias, infra/bundling.ts); no source
 * module imports this one. language-detector.ts imports tinyld on the first text long enough to detect, but
 * esbuild inlines a dynamic import, so its 68 KiB of language profiles were still in every intake bundle and
 * parsed at every cold start. Its one-file CommonJS build is copied beside the bundle instead
 * (BESIDE_BUNDLE) and required on that first detection.
 */

type TinyLd = typeof import('tinyld/light');

let loaded: TinyLd | undefined;

const tinyld = (): TinyLd => {
  loaded ??= require('./tinyld/tinyld.light.node.js') as TinyLd;
  return loaded;
};

/** tinyld's `detect`, from the copy beside the bundle. */
export const detect: TinyLd['detect'] = (...args) => tinyld().detect(...args);

/** tinyld's `detectAll` (every language's score, best first), from the copy beside the bundle. */
export const detectAll: TinyLd['detectAll'] = (...args) => tinyld().detectAll(...args);
