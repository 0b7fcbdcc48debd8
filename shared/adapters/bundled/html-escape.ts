/*
 * What the function bundles use instead of `he` (an esbuild alias, infra/bundling.ts); no source module
 * imports this one. mailparser encodes with `he` only the HTML renderings of a mail that Frontdoor never
 * reads — each address header's `html`, an attached message's header table, and text turned into HTML, which
 * PARSER_OPTIONS switch off (shared/adapters/mail-parser.ts) — and `he` is 73 KiB of entity tables, which
 * htmlparser2's `entities` already carry for reading HTML mail. Escaping the five characters HTML needs
 * escaped keeps those renderings safe HTML; `decode` is never called and says so if it ever is.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
};

/** `he.encode`: the text with HTML's special characters escaped (other characters stay as they are). */
export function encode(text: string): string {
  return String(text).replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

export function decode(): never {
  throw new Error('he is not bundled: Frontdoor decodes HTML with htmlparser2 (shared/adapters/mail-parser)');
}

export default { encode, escape: encode, decode };
