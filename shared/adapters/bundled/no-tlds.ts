/*
 * What the function bundles use instead of `tlds` (an esbuild alias, infra/bundling.ts); no source module
 * imports this one. mailparser hands the list of top-level domains (1,500 names, 21 KiB of JSON read at
 * every cold start) to its linkify-it matcher alone, which in the bundles is a stand-in that matches nothing
 * (./no-links.ts): an empty list serves it as well.
 */
const noDomains: readonly string[] = [];
export default noDomains;
