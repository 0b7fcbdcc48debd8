import { defineConfig } from 'vitest/config';

/** The CDK template tests: they read the app that test/support/stacks-global-setup.ts synthesises once. */
const STACK_TESTS = 'test/infra/stacks-*.test.ts';

export default defineConfig({
  test: {
    // Generous: the suite must pass beside another CPU-heavy process (a synth with cdk-nag, or a runtime
    // start, takes several times longer then). Waits inside tests are on signals, not time.
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // The local-runtime and CDK tests start Java, esbuild and Vite; two cores is all CI has.
    maxWorkers: 2,
    // Each project's global setup runs only when a file of that project is in the run.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // Browser tests need Chromium: `npm run test:e2e` (vitest.e2e.config.ts).
          exclude: ['test/e2e/**', 'node_modules/**', STACK_TESTS],
          // One real DynamoDB Local (in memory) for the adapter tests; see test/support/dynamodb.ts.
          globalSetup: ['test/support/dynamodb-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'stacks',
          include: [STACK_TESTS],
          // The CDK app, synthesised once for all the template tests (no bundling; cdk-nag and validation).
          globalSetup: ['test/support/stacks-global-setup.ts'],
        },
      },
    ],
  },
});
