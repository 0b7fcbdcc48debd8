/*
 * What the function bundles use instead of `dayjs` (an esbuild alias, infra/bundling.ts); no source module
 * imports this one. sanitize-html takes one function from `launder` (naughtyHref, which checks a URL's
 * scheme), and launder requires dayjs when it loads for its date helpers, which sanitize-html never calls:
 * 7 KiB that every article-rendering bundle would parse at each cold start. Should anything in a bundle ever
 * call dayjs, this says so.
 */
export default function dayjs(): never {
  throw new Error('dayjs is not bundled: nothing in the function bundles formats dates with it (launder)');
}
