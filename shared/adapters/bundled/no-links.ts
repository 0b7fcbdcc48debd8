/*
 * What the function bundles use instead of `linkify-it` (an esbuild alias, infra/bundling.ts); no source
 * module imports this one. mailparser builds a linkify-it matcher when it loads — every top-level domain
 * compiled into one pattern, 20 ms and more of receive-email's cold start — to turn addresses in a text mail
 * into links for `textAsHtml`, which Frontdoor switches off (PARSER_OPTIONS: skipTextToHtml, skipTextLinks,
 * shared/adapters/mail-parser.ts). Configuring this stand-in does nothing; matching with it says it is not
 * bundled.
 */

interface Linkify {
  tlds(...args: unknown[]): Linkify;
  add(...args: unknown[]): Linkify;
  set(...args: unknown[]): Linkify;
  test(): never;
  pretest(): never;
  match(): never;
}

function notBundled(): never {
  throw new Error('linkify-it is not bundled: the mail parser turns no text into links (skipTextLinks)');
}

export default function linkify(): Linkify {
  const api: Linkify = {
    tlds: () => api,
    add: () => api,
    set: () => api,
    test: notBundled,
    pretest: notBundled,
    match: notBundled,
  };
  return api;
}
