/*
 * Bundles only: what mailparser imports instead of `html-to-text` (infra/deferred-loads.ts redirects its
 * import, and only its: this module's own `require` reaches the package). mailparser converts HTML to text
 * for a mail that has no plain-text part of its own — most mail clients send one beside the HTML — yet
 * importing html-to-text at the top of mailparser ran it and its parser (htmlparser2, selderee, parseley,
 * two builds of `entities`) at every cold start of receive-email. esbuild bundles a `require`d ES module as
 * a function run on the first call, so here the package stays in the bundle but runs on the first HTML-only
 * mail, not before.
 */

/** The part of html-to-text's API mailparser calls (the package ships no types). */
type Convert = (html: string, options?: Record<string, unknown>) => string;
interface HtmlToText {
  readonly htmlToText: Convert;
  readonly convert: Convert;
}

let loaded: HtmlToText | undefined;

const htmlToTextModule = (): HtmlToText => {
  loaded ??= require('html-to-text') as HtmlToText;
  return loaded;
};

/** html-to-text's `htmlToText` (the name mailparser imports), loaded on the first call. */
export const htmlToText: Convert = (html, options) => htmlToTextModule().htmlToText(html, options);

/** html-to-text's `convert`, the same function under its other name. */
export const convert: Convert = (html, options) => htmlToTextModule().convert(html, options);
