/*
 * Bundles only: `require` is the one the bundle's banner defines (infra/bundling.ts, ESM_REQUIRE_SHIM), which
 * resolves beside the bundle.
 *
 * What mailparser imports instead of `html-to-text` (infra/deferred-loads.ts redirects its import). mailparser
 * converts HTML to text for a mail that has no plain-text part of its own — most mail clients send one beside
 * the HTML — yet importing html-to-text at the top of mailparser parsed and ran it and its parser
 * (htmlparser2, selderee, parseley, a second build of `entities`: 216 KiB) at every cold start of
 * receive-email. The package is built beside the bundle instead, as one file (infra/bundling.ts,
 * SIDE_BUNDLES), and required on the first HTML-only mail.
 */

/** The part of html-to-text's API mailparser calls (the package ships no types). */
type Convert = (html: string, options?: Record<string, unknown>) => string;
interface HtmlToText {
  readonly htmlToText: Convert;
  readonly convert: Convert;
}

let loaded: HtmlToText | undefined;

const htmlToTextModule = (): HtmlToText => {
  loaded ??= require('./html-to-text/index.cjs') as HtmlToText;
  return loaded;
};

/** html-to-text's `htmlToText` (the name mailparser imports), loaded on the first call. */
export const htmlToText: Convert = (html, options) => htmlToTextModule().htmlToText(html, options);

/** html-to-text's `convert`, the same function under its other name. */
export const convert: Convert = (html, options) => htmlToTextModule().convert(html, options);
