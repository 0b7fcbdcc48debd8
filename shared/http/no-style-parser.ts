/*
 * What the function bundles use instead of `postcss` (an esbuild alias, infra/bundling.ts); no source module
 * imports this one. sanitize-html loads postcss when it is loaded, but calls it only to filter the `style`
 * attributes it lets through — and markdown.ts lets none through and turns style parsing off — so a bundle
 * need not carry postcss and its source maps library (about 90 KiB). Should a sanitiser ever parse a style
 * attribute in a bundle, this says so instead of letting it pass unfiltered.
 */

/** postcss's `parse`, the one export sanitize-html takes. */
export function parse(): never {
  throw new Error(
    'postcss is not bundled: the function bundles parse no style attribute (shared/http/markdown.ts)',
  );
}
