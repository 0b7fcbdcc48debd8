import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Chromium: `npm run test:e2e` (vitest.e2e.config.ts).
    exclude: ['test/e2e/**', 'node_modules/**'],
    // One real DynamoDB Local (in memory) for the adapter tests; see test/support/dynamodb.ts.
    globalSetup: ['test/support/dynamodb-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // The local-runtime and CDK tests start Java and esbuild; two cores is all CI has.
    maxWorkers: 2,
  },
});
