import { defineConfig } from 'vitest/config';

// Browser tests (system Chromium through playwright-core): `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
  },
});
