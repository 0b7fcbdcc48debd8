import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The agent UI: plain TypeScript, no framework. `npm run build:ui` (or the local runtime, when `ui/dist`
 * is missing or older than the sources) writes `ui/dist`, which `npm start` serves at `/app/` and CDK
 * uploads to S3 behind CloudFront.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  // config.json is served next to the app (by the runtime locally, by the deployment in AWS), not bundled.
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Everything in files: the page runs under a CSP without 'unsafe-inline' (no inlined assets either).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'es2022',
  },
});
