import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Chromium: `npm run test:e2e` (vitest.e2e.config.ts).
    exclude: ['test/e2e/**', 'node_modules/**'],
    // One real DynamoDB Local (in memory) for the adapter tests; see test/support/dynamodb.ts.
    globalSetup: ['test/support/dynamodb-global-setup.ts'],
    // Generous: the suite must pass beside another CPU-heavy process (a synth with bundling and cdk-nag,
    // or a runtime start, takes several times longer then). Waits inside tests are on signals, not time.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // The local-runtime and CDK tests start Java and esbuild; two cores is all CI has.
    maxWorkers: 2,
  },
});
